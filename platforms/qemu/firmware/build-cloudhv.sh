#!/bin/bash
# Builds EDK2's CloudHv firmware (OvmfPkg/CloudHv/CloudHvX64.dsc, the OVMF port for Cloud Hypervisor, linked as a PVH
# ELF) from Debian's edk2 source package, and prints the path of the result:
#   ${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}/cloudhv/<edk2 version>/CLOUDHV.fd
# beside it build-info (what was built, with what, how long it took) and, after a failure, build.log.
#
# Which edk2: the Debian source version of the installed ovmf package (the same edk2, with the same Debian patches, as
# the OVMF.fd the other firmware tests boot), or VMBOOT_EDK2_VERSION. Debian ships no CloudHv binary, so it is built
# here: `apt-get source` through a private apt configuration under the cache that has the deb-src entries (the
# machine's own apt sources are left as they are; a fresh Debian 12 has none for sources), then edk2's BaseTools and
# `build -p OvmfPkg/CloudHv/CloudHvX64.dsc -a X64 -t GCC5 -b DEBUG`, as OvmfPkg/CloudHv/README builds it.
# DEBUG, not RELEASE: CloudHvX64.dsc logs through PlatformDebugLibIoPort to I/O port 0x402 (vmboot's debug port logs
# it at debug level, VMBOOT_LOG_LEVEL=debug) and keeps its ASSERTs, which stop with file and line where a platform
# difference would otherwise go on silently. That is what a firmware that has never run under vmboot needs.
#
# Idempotent: when CLOUDHV.fd is there it only prints the path, without network, lock or write (so it also answers
# inside the nested lab, where the cache is read-only). Otherwise it needs a writable cache, the network, and root
# when build packages are missing (it installs them, as platforms/qemu/lab/setup.sh does). A lock stops parallel
# runs from building twice. Measured on a 2-core Debian 12 machine (2026-12): 2 to 3.5 min from nothing cached to the
# printed path (the source index and the source take seconds, BaseTools under 20 s); apt-get installing the build
# packages on a fresh machine comes on top. The DEBUG image holds the source paths of its ASSERTs, so builds in
# different cache directories differ in bytes; build-info records the sha256 of the one cached.
# Usage: build-cloudhv.sh
set -euo pipefail
export LC_ALL=C
cache_root=${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}
log() { echo "build-cloudhv: $*" >&2; }
die() { log "$*"; exit 1; }

# The firmware's platform definition inside the edk2 tree, and where edk2's build puts the flash image
# (OUTPUT_DIRECTORY Build/CloudHvX64 in CloudHvX64.dsc; <target>_<toolchain>/FV/<FD name> by BaseTools).
dsc=OvmfPkg/CloudHv/CloudHvX64.dsc
target=DEBUG
toolchain=GCC5
fd_out=Build/CloudHvX64/${target}_${toolchain}/FV/CLOUDHV.fd
# CloudHvDefines.fdf.inc: a 4 MiB FD (FD_SIZE_IN_KB 4096, the dsc's default) whose first 4 KiB are the ELF header.
fd_size=$((4 * 1024 * 1024))

version=${VMBOOT_EDK2_VERSION:-$(dpkg-query -W -f='${source:Version}' ovmf 2>/dev/null || true)}
[ -n "$version" ] || die "cannot tell which edk2 to build: the ovmf package is not installed (scripts/install-deps" \
    "installs it); or set VMBOOT_EDK2_VERSION to a Debian edk2 source version"
dir=$cache_root/cloudhv/$version
fd=$dir/CLOUDHV.fd

if [ -s "$fd" ]; then
    echo "$fd"; exit 0
fi
if ! (mkdir -p "$dir" && touch "$dir/.probe" && rm -f "$dir/.probe") 2>/dev/null; then
    die "$fd is not built and $dir is not writable (inside the nested lab the cache is read-only: run $0 on the host)"
fi
# One lock for every version: the apt configuration below is shared.
exec 9>"$cache_root/cloudhv/.lock"
flock 9
if [ -s "$fd" ]; then   # built by the run that held the lock
    echo "$fd"; exit 0
fi

# Build packages. build-essential: gcc, g++ (BaseTools' VfrCompile is C++) and make; dpkg-dev: dpkg-source, which
# `apt-get source` unpacks and patches with (xz-utils for the .tar.xz); uuid-dev: libuuid for BaseTools' GenFv, GenFw,
# GenSec and DevicePath; nasm and acpica-tools (iasl): the .nasm and .asl sources of the platform; python3: BaseTools'
# build. The same ones Debian's edk2 Build-Depends names for x86.
pkgs=(build-essential dpkg-dev uuid-dev nasm acpica-tools python3 xz-utils)
# shellcheck source=scripts/lib/debian-packages.sh
. "$(dirname "$0")/../../../scripts/lib/debian-packages.sh"
install_missing_packages build-cloudhv "${pkgs[@]}"

# The source, through an apt configuration of our own: deb-src lines for this Debian release, its own lists and
# archive cache under the cache dir, the system's keyring. The security suite is listed because a DSA can carry edk2.
. /etc/os-release
codename=${VERSION_CODENAME:?/etc/os-release names no VERSION_CODENAME}
apt_dir=$cache_root/cloudhv/apt
mkdir -p "$apt_dir/sources.list.d" "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
cat >"$apt_dir/sources.list.d/debian-src.sources" <<EOF
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $codename $codename-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $codename-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
    -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o APT::Sandbox::User=root)
log "fetching the source index for $codename"
apt-get "${apt_opts[@]}" update -q >&2

work=$dir/work
rm -rf "$work" && mkdir -p "$work"
start=$(date +%s)
log "apt-get source edk2=$version"
(cd "$work" && apt-get "${apt_opts[@]}" source -q --only-source "edk2=$version" >&2) ||
    die "apt-get source edk2=$version failed: Debian's archive may have moved on from that version (a point" \
        "release: upgrade the ovmf package, or set VMBOOT_EDK2_VERSION to the version apt-cache showsrc edk2 lists)"
src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'edk2-*' | head -1)
[ -n "$src" ] && [ -f "$src/$dsc" ] || die "the edk2 $version source has no $dsc"

# Debian's Disable-the-Shell-when-SecureBoot-is-enabled.patch (Launchpad #2040137) makes the Shell consume
# SecureBootVariableLib, which only the platforms Debian builds with SECURE_BOOT_ENABLE=TRUE map; CloudHvX64.dsc maps
# it only under that define (default FALSE), so the build stops with "Instance of library class
# [SecureBootVariableLib] is not found". Without secure boot the patch changes nothing at run time (it returns early
# only when SecureBoot is enabled): it is reversed here rather than turning secure boot on.
shell_patch=debian/patches/Disable-the-Shell-when-SecureBoot-is-enabled.patch
if [ -f "$src/$shell_patch" ] && grep -qx "${shell_patch#debian/patches/}" "$src/debian/patches/series"; then
    log "reversing $shell_patch (needs secure boot, which CloudHvX64 is built without)"
    (cd "$src" && patch -R -p1 -s <"$shell_patch") || die "cannot reverse $shell_patch"
fi

# edk2's own environment (edksetup.sh is not written for set -u). PYTHON_COMMAND is the distribution's python3, not
# whichever is first in PATH. One build thread per core, for BaseTools' make and edk2's build alike.
log "building $dsc ($target, $toolchain) in $src; the log is $dir/build.log"
jobs=$(nproc)
if ! (
    cd "$src"
    set +u
    export PYTHON_COMMAND=/usr/bin/python3 WORKSPACE=$src
    unset EDK_TOOLS_PATH CONF_PATH PACKAGES_PATH
    . ./edksetup.sh
    make -C BaseTools -j"$jobs"
    build -a X64 -t "$toolchain" -b "$target" -p "$dsc" -n "$jobs"
) >"$dir/build.log" 2>&1; then
    tail -n 40 "$dir/build.log" >&2
    die "the edk2 build failed; the whole log is $dir/build.log"
fi
built=$src/$fd_out
end=$(date +%s)

# What the PVH loader needs of it: an ELF of the FD's size with the Xen PHYS32 entry note (XEN_ELFNOTE_PHYS32_ENTRY,
# type 18; CloudHvElfHeader.fdf.inc).
[ "$(stat -c %s "$built")" -eq "$fd_size" ] || die "$built is $(stat -c %s "$built") bytes, expected $fd_size"
[ "$(head -c 4 "$built" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || die "$built is not an ELF file"
readelf -n "$built" | grep -qE '^ *Xen .*(0x00000012|PHYS32)' || die "$built has no Xen PVH entry note (type 0x12)"

{
    echo "edk2 source: Debian edk2 $version"
    echo "platform: $dsc"
    echo "build: -a X64 -t $toolchain -b $target -n $jobs"
    echo "compiler: $(gcc --version | head -1)"
    echo "nasm: $(nasm -v)"
    echo "iasl: $(iasl -v 2>/dev/null | grep -m1 -i version | sed 's/^[^A-Za-z]*//')"
    echo "built: $(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores in $((end - start)) s"
    echo "sha256: $(sha256sum "$built" | cut -d' ' -f1)"
} >"$dir/build-info"
cp "$built" "$fd.tmp" && mv "$fd.tmp" "$fd"
rm -rf "$work" "$dir/build.log"
log "built in $((end - start)) s"
echo "$fd"
