#!/bin/bash
# Builds the payload's own HotSpot: a libjvm.so with only the JVM features the LinuxBoot payload uses, from Debian's
# openjdk-17 source, together with Debian's JDK binaries of the very same version (the JRE around that libjvm: jmods,
# jlink, libjava, lib/modules), and prints the directory that holds both:
#   ${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}/libjvm/<Debian version>/<key>/{libjvm.so,libjimage.so,jdk/,build-info}
# (jdk/ is the JAVA_HOME of openjdk-17-jdk-headless + openjdk-17-jre-headless of that version, unpacked, not installed).
#
# Why: Debian's libjvm.so is 24 MB (20 MB stripped, about 4.5 MiB of the payload's xz stream) and holds C2, JVMCI, JFR,
# G1, Parallel, Shenandoah, Z and Epsilon GC, the management and attach services, NMT and DTrace probes; the payload's
# launcher runs C1 only (-XX:TieredStopAtLevel=1) with Serial GC. HotSpot's build drops a feature with
# --with-jvm-features=-NAME (make/autoconf/jvm-features.m4); Debian builds no such variant.
#
# Which version: default_version below, or VMBOOT_JDK_VERSION: one whose source and binaries are both in Debian's
# archive (the security archive's newer build had no reachable source when this was written). Pinned, so that every
# machine builds the same payload; not necessarily the host's JDK (Debian's archive keeps only the newest version of a
# suite, so the host's 17.0.15 has no source any more). When Debian drops it, the download fails naming what to set. A
# libjvm and a class library of different builds must not be mixed (JDK-internal interfaces between them change in
# updates): the payload builder checks that `java -version` of the assembled JRE names one build for both
# (platforms/payload, option --jvm).
# Source and binaries come through an apt configuration of our own under the cache (deb and deb-src lines; the
# machine's apt sources are left as they are), as platforms/qemu/firmware/build-cloudhv.sh gets edk2's source.
#
# Only HotSpot and java.base's native libraries are compiled (`make hotspot java.base-libs`), at nice 19 (labs share
# the machine). Measured on a 2-core Debian 12 machine shared with other builds (2026-12-06, load average 3-6): 488 s
# from nothing cached to the printed path (downloads and unpacking under a minute of it, then configure, 571 HotSpot
# files and java.base's classes, which java.base's libraries need for their JNI headers); HotSpot alone, under heavier load,
# 797 s. build-info records the time of the build cached. The cache holds 0.3 GB (the unpacked JDK); the source and
# the build tree (2 GB at most) are removed once the libraries are copied out.
# Idempotent: when libjvm.so is there it only prints the directory, without network, lock or write (so it answers
# inside the nested lab, where the cache is read-only). A lock stops parallel runs from building twice.
# Besides libjvm.so it leaves libjimage.so, of the same build and linked the same way (see stdcxx below).
# Usage: build-libjvm.sh
set -euo pipefail
export LC_ALL=C
cache_root=${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}
top=$cache_root/libjvm
log() { echo "build-libjvm: $*" >&2; }
die() { log "$*"; exit 1; }

# The features of the server VM (make/autoconf/jvm-features.m4 lists them) the payload does not use:
#   compiler2, jvmci: the launcher stops tiered compilation at C1 (-XX:TieredStopAtLevel=1); no Graal.
#   g1gc parallelgc shenandoahgc zgc epsilongc: it runs Serial GC (-XX:+UseSerialGC); serialgc stays.
#   jfr: no flight recorder (jdk.jfr is not in the payload's JRE either).
#   management: the JMM interface of java.management, which the payload's JRE has not (java.base, java.logging,
#     java.xml, jdk.unsupported).
#   services: the attach listener (jcmd, jmap, jstack from outside), heap dumps, diagnostic commands: no JDK tools
#     in the payload. A thread dump on SIGQUIT (kill -3) stays: it is not part of this feature.
#   jvmti: agents and debuggers (java.instrument and jdk.jdwp.agent are not in the JRE).
#   nmt (native memory tracking), vm-structs (the serviceability agent's view, jhsdb), jni-check (-Xcheck:jni),
#   dtrace (probes): diagnostics without their tools in the payload.
# Kept: serialgc, compiler1, cds (the class-data archive: jre.cds, -XX:SharedArchiveFile), and JNI (not a feature: JNA
# and zstd-jni need it).
features=-compiler2,-jvmci,-g1gc,-parallelgc,-shenandoahgc,-zgc,-epsilongc,-jfr,-management,-services,-jvmti,-nmt
features+=,-vm-structs,-jni-check,-dtrace
# libstdc++ linked in (the part HotSpot uses, which is built without exceptions and RTTI) instead of DT_NEEDED. The
# JRE's other C++ library, libjimage.so (java.base's reader of lib/modules, which the VM loads at start), is built
# with it the same way, so that libstdc++.so.6 and libgcc_s.so.1 (0.5 MiB of the payload's xz) leave its library
# closure: `make java.base-libs`, which needs java.base compiled for its JNI headers (most of the added build time).
stdcxx=static

. /etc/os-release
codename=${VERSION_CODENAME:?/etc/os-release names no VERSION_CODENAME}
default_version=17.0.19+10-1~deb12u2
apt_dir=$top/apt
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)

version=${VMBOOT_JDK_VERSION:-$default_version}
key=$(printf '%s\n' "$features" "$stdcxx" libjimage | sha256sum | cut -c1-12)
out=${version:+$top/$version/$key}
if [ -n "$version" ] && [ -s "$out/libjvm.so" ] && [ -s "$out/libjimage.so" ] && [ -x "$out/jdk/bin/java" ]; then
    echo "$out"; exit 0
fi
if ! (mkdir -p "$top" && touch "$top/.probe" && rm -f "$top/.probe") 2>/dev/null; then
    die "no libjvm is built for ${version:-any version} and $top is not writable (inside the nested lab the cache" \
        "is read-only: run $0 on the host)"
fi
exec 9>"$top/.lock"
flock 9

# Build packages: a C++ compiler, make, autoconf (the configure script is generated), zip, pkg-config, the headers
# configure checks for even when only HotSpot is built (make/autoconf/libraries.m4: cups, alsa and fontconfig on
# Linux; X11 not with --enable-headless-only; FreeType is the bundled one; zlib the system's, as Debian builds it), and
# a boot JDK (the host's JDK 17).
pkgs=(build-essential g++ make autoconf zip unzip file pkgconf dpkg-dev xz-utils libcups2-dev libasound2-dev
    libfontconfig-dev zlib1g-dev openjdk-17-jdk-headless)
# shellcheck source=scripts/lib/debian-packages.sh
. "$(dirname "$0")/../../scripts/lib/debian-packages.sh"
install_missing_packages build-libjvm "${pkgs[@]}"

mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
cat >"$apt_dir/sources.list.d/debian.sources" <<EOF
Types: deb deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
log "fetching the package and source index for $codename"
apt-get "${apt_opts[@]}" update -q >&2
out=$top/$version/$key
# Built by the run that held the lock?
if [ -s "$out/libjvm.so" ] && [ -s "$out/libjimage.so" ] && [ -x "$out/jdk/bin/java" ]; then
    echo "$out"; exit 0
fi
rm -rf "$out" && mkdir -p "$out/debs" "$out/src"
start=$(date +%s)

# The JDK binaries of that version, unpacked (not installed): the payload's JRE is jlinked from them.
log "apt-get download openjdk-17-jdk-headless=$version openjdk-17-jre-headless=$version"
(cd "$out/debs" && apt-get "${apt_opts[@]}" download -q "openjdk-17-jdk-headless=$version" \
    "openjdk-17-jre-headless=$version" >&2) || die "cannot download the openjdk-17 $version binaries: Debian's" \
    "archive has moved on; set VMBOOT_JDK_VERSION to a version that both \`apt-cache madison openjdk-17-jdk-headless\`" \
    "and \`apt-cache showsrc openjdk-17\` list (with $apt_dir's configuration)"
for d in "$out"/debs/*.deb; do dpkg-deb -x "$d" "$out/debs/root"; done
home=$(find "$out/debs/root/usr/lib/jvm" -mindepth 1 -maxdepth 1 -type d -name 'java-17-openjdk-*' | head -1)
[ -n "$home" ] && [ -f "$home/jmods/java.base.jmod" ] || die "the openjdk-17 $version packages hold no JDK with jmods"
# Debian's packages link a few files to /etc/java-17-openjdk and /usr/share: resolve them inside the unpacked tree.
mv "$home" "$out/jdk.tmp"
while IFS= read -r l; do
    t=$(readlink "$l")
    case $t in /*) [ -e "$out/debs/root$t" ] && { rm "$l"; cp -a "$out/debs/root$t" "$l"; } ;; esac
done < <(find "$out/jdk.tmp" -type l)
rm -rf "$out/debs"

log "apt-get source openjdk-17=$version"
(cd "$out/src" && apt-get "${apt_opts[@]}" source -q --only-source "openjdk-17=$version" >&2) ||
    die "apt-get source openjdk-17=$version failed"
src=$(find "$out/src" -mindepth 1 -maxdepth 1 -type d -name 'openjdk-17-*' | head -1)
[ -n "$src" ] && [ -f "$src/configure" ] || die "the openjdk-17 $version source has no configure script"

# The version strings of Debian's build (debian/rules: --with-version-build, --with-version-opt, the vendor), so that
# the VM names the same build as the class library: 17.0.19+10-1~deb12u2 gives 17.0.19+10-1-deb12u2-Debian.
upstream=${version%%-*}            # 17.0.19+10
pkgrel=${version#*-}               # 1~deb12u2
build_number=${upstream##*+}
vendor=Debian
conf=(--with-jvm-variants=server "--with-jvm-features=$features" "--with-stdc++lib=$stdcxx"
    --with-debug-level=release --with-native-debug-symbols=none --enable-headless-only --with-freetype=bundled
    --with-pcsclite=bundled
    --disable-warnings-as-errors --disable-javac-server --without-jtreg --disable-ccache
    --with-version-pre= "--with-version-build=$build_number" "--with-version-opt=${pkgrel//\~/-}-$vendor"
    "--with-vendor-name=$vendor" "--with-vendor-url=https://tracker.debian.org/pkg/openjdk-17"
    "--with-vendor-bug-url=https://bugs.debian.org/src:openjdk-17"
    "--with-vendor-vm-bug-url=https://bugs.debian.org/src:openjdk-17"
    "--with-boot-jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")" "--with-num-cores=$(nproc)")
log "configure ${conf[*]}; make hotspot java.base-libs in $out/build; the log is $out/build.log"
mkdir -p "$out/build"
if ! (cd "$out/build" && nice -n 19 bash "$src/configure" "${conf[@]}" && nice -n 19 make hotspot java.base-libs) \
        >"$out/build.log" 2>&1; then
    tail -n 30 "$out/build.log" >&2
    die "the HotSpot build failed (log: $out/build.log)"
fi
libs=$out/build/support/modules_libs/java.base
[ -s "$libs/server/libjvm.so" ] && [ -s "$libs/libjimage.so" ] || die "the build made no libjvm.so or libjimage.so" \
    "in $libs (log: $out/build.log)"
for l in "$libs/server/libjvm.so" "$libs/libjimage.so"; do
    if readelf -d "$l" | grep -q 'NEEDED.*libstdc++'; then die "$l still needs libstdc++.so (--with-stdc++lib=$stdcxx)"; fi
done
cp "$libs/libjimage.so" "$out/libjimage.so.tmp"
cp "$libs/server/libjvm.so" "$out/libjvm.so.tmp"
seconds=$(($(date +%s) - start))
{
    echo "openjdk-17 $version, HotSpot built by $0 in ${seconds}s on $(nproc) cores ($(uname -m))"
    echo "configure ${conf[*]}"
    for l in libjvm.so libjimage.so; do
        echo "sha256 $(sha256sum "$out/$l.tmp" | cut -d' ' -f1) $l ($(stat -c %s "$out/$l.tmp") bytes)"
    done
} >"$out/build-info"
rm -rf "$out/build" "$out/src"
mv "$out/jdk.tmp" "$out/jdk"
mv "$out/libjimage.so.tmp" "$out/libjimage.so"
mv "$out/libjvm.so.tmp" "$out/libjvm.so" # last: its presence means the build is complete
log "built in ${seconds}s: $out"
echo "$out"
