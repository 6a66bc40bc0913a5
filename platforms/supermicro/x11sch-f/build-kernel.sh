#!/bin/bash
# Builds the X11SCH-F payload kernel (an x86_64 bzImage) from Debian's linux-source package and this directory's
# kernel.config fragment, and prints the path of the result:
#   ${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}/x11sch-f-kernel/<linux-source version>-<key>/bzImage
# beside it `config` (the complete .config) and build-info (what was built, with what, how long it took); after a
# failure, build.log.
#
# The configuration: the kernel's scripts/kconfig/merge_config.sh -n, i.e. `make allnoconfig` for x86_64 with
# kernel.config as KCONFIG_ALLCONFIG: what the fragment names is set as it says, every other option that has a prompt
# is off, and options without a prompt take their Kconfig default (FUTEX, EPOLL... are prompted only under EXPERT,
# which stays off). Not `allnoconfig` followed by merging and `olddefconfig`: that would give every option which only
# becomes visible through the fragment (IPv6 under NET, say) its default instead of "no". Every line of the fragment
# must then be in the final .config as written: an option Kconfig dropped (an unmet dependency, a renamed symbol in a
# newer kernel) stops the build with its name, before anything is compiled. The same check runs on every call, also
# when the kernel is cached (against the cached `config`); `build-kernel.sh --check CONFIG` runs it alone on CONFIG.
#
# Which kernel: the newest /usr/src/linux-source-*.tar.xz (Debian's linux-source-6.1 on Debian 12; installed when
# missing and run as root), or the tarball VMBOOT_LINUX_SOURCE names. The cache key is the Debian package version of
# that tarball plus the first 12 hex digits of the sha256 of kernel.config (a change in either builds anew; CI builds
# once per change). A change to this script's build steps does not: delete the cached directory then. The unpacked
# source (1.5 GB) is kept per version under x11sch-f-kernel/src/ and shared by every key; the object tree is deleted
# after a successful build.
# Idempotent: when bzImage is there it only checks the config and prints the path, without a lock or a write (so it
# also answers where the cache is read-only, inside the nested lab). A lock stops parallel runs from building twice.
# Measured on a 2-core Debian 12 machine shared with three other builds (2026-12-06): 1593 s from nothing cached
# (9.4 min user + 2.0 min system CPU); bzImage 3.4 MiB. Each build records its own time in build-info.
# Usage: build-kernel.sh [--check CONFIG]
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/kernel.config
cache_root=${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}
log() { echo "build-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

# Every option line of the fragment ("CONFIG_X=value" or "# CONFIG_X is not set") must be a line of the .config in
# $1. Prints each one missing, with what the .config has for that symbol instead; fails when any is.
check_config() {
    local config=$1 line sym have missing=0
    while IFS= read -r line; do
        case $line in
            CONFIG_*=*) sym=${line%%=*} ;;
            "# CONFIG_"*" is not set") sym=${line#\# }; sym=${sym%% *} ;;
            *) continue ;;
        esac
        if ! grep -qxF -- "$line" "$config"; then
            have=$(grep -E "^(# )?$sym[= ]" "$config" || true)
            log "kernel.config: $line did not survive into the .config (it has: ${have:-nothing for $sym})"
            missing=$((missing + 1))
        fi
    done <"$fragment"
    [ "$missing" -eq 0 ] || die "$missing option(s) of $fragment dropped by Kconfig in $config"
}

if [ $# -gt 0 ]; then
    [ $# -eq 2 ] && [ "$1" = --check ] || die "usage: $0 [--check CONFIG]"
    [ -f "$2" ] || die "$2: no such .config"
    check_config "$2"
    exit 0
fi

tarball=${VMBOOT_LINUX_SOURCE:-$(ls -1 /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -1 || true)}
if [ -z "$tarball" ]; then
    [ "$(id -u)" -eq 0 ] || die "no /usr/src/linux-source-*.tar.xz: install Debian's linux-source package"
    log "installing linux-source"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 \
        linux-source >&2
    tarball=$(ls -1 /usr/src/linux-source-*.tar.xz | sort -V | tail -1)
fi
[ -s "$tarball" ] || die "$tarball is not a kernel source tarball"
package=$(dpkg-query -S "$tarball" 2>/dev/null | cut -d: -f1 || true)
if [ -n "$package" ]; then
    version=$(dpkg-query -W -f='${Version}' "$package")
else   # a tarball no package owns: its own hash stands for the version
    version=tar-$(sha256sum "$tarball" | cut -c1-12)
fi
key=$(sha256sum "$fragment" | cut -c1-12)
dir=$cache_root/x11sch-f-kernel/$version-$key
image=$dir/bzImage

if [ -s "$image" ]; then
    check_config "$dir/config"
    echo "$image"; exit 0
fi
if ! (mkdir -p "$dir" && touch "$dir/.probe" && rm -f "$dir/.probe") 2>/dev/null; then
    die "$image is not built and $dir is not writable (inside the nested lab the cache is read-only:" \
        "run $0 on the host)"
fi
exec 9>"$cache_root/x11sch-f-kernel/.lock"
flock 9
if [ -s "$image" ]; then   # built by the run that held the lock
    check_config "$dir/config"
    echo "$image"; exit 0
fi

# Build packages: gcc and make; flex and bison for Kconfig; bc for the timeconst header; libelf-dev for objtool
# (x86_64 always runs it); libssl-dev for the certificate tools the kernel's build may compile; xz-utils to unpack
# the source and compress the bzImage (KERNEL_XZ); cpio for the initramfs tooling. The kernel's
# Documentation/process/changes.rst lists them.
pkgs=(build-essential flex bison bc libelf-dev libssl-dev xz-utils cpio)
# shellcheck source=scripts/lib/debian-packages.sh
. "$here/../../../scripts/lib/debian-packages.sh"
install_missing_packages build-kernel "${pkgs[@]}"

start=$(date +%s)
src_root=$cache_root/x11sch-f-kernel/src/$version
src=$(find "$src_root" -mindepth 1 -maxdepth 1 -type d -name 'linux-*' 2>/dev/null | head -1 || true)
if [ -z "$src" ] || [ ! -e "$src_root/.done" ]; then
    log "unpacking $tarball into $src_root"
    rm -rf "$src_root" && mkdir -p "$src_root"
    tar -xJf "$tarball" -C "$src_root"
    touch "$src_root/.done"
    src=$(find "$src_root" -mindepth 1 -maxdepth 1 -type d -name 'linux-*' | head -1)
fi
[ -f "$src/Makefile" ] && [ -x "$src/scripts/kconfig/merge_config.sh" ] ||
    die "$src is not a kernel source tree with scripts/kconfig/merge_config.sh"

obj=$dir/obj
rm -rf "$obj" && mkdir -p "$obj"
jobs=$(nproc)
kmake=(make -C "$src" O="$obj" ARCH=x86_64 -j"$jobs")
log "configuring: allnoconfig with $fragment"
# -n: allnoconfig (not alldefconfig) over the fragment; -O: the object tree, where the .config is written. It runs
# make in the source tree, which stays clean (O=).
(cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -n -O "$obj" "$fragment") >"$dir/build.log" 2>&1 ||
    { tail -n 30 "$dir/build.log" >&2; die "configuring failed; the log is $dir/build.log"; }
check_config "$obj/.config"

log "building bzImage with $jobs jobs in $obj; the log is $dir/build.log"
if ! "${kmake[@]}" bzImage >>"$dir/build.log" 2>&1; then
    tail -n 40 "$dir/build.log" >&2
    die "the kernel build failed; the whole log is $dir/build.log"
fi
end=$(date +%s)
built=$obj/arch/x86/boot/bzImage
[ -s "$built" ] || die "the build made no $built"
# A bzImage: "HdrS" at 0x202 (Documentation/x86/boot.rst, the setup header's magic).
[ "$(dd if="$built" bs=1 skip=514 count=4 status=none)" = HdrS ] || die "$built has no Linux boot protocol header"

release=$(cat "$obj/include/config/kernel.release")
{
    echo "linux source: $tarball ($package $version)"
    echo "kernel release: $release"
    echo "fragment: $fragment (sha256 $(sha256sum "$fragment" | cut -d' ' -f1))"
    echo "configured: merge_config.sh -n (allnoconfig, ARCH=x86_64, KCONFIG_ALLCONFIG=kernel.config)"
    echo "compiler: $(gcc --version | head -1)"
    echo "built: $(date -u -d "@$end" +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores in $((end - start)) s"
    echo "size: $(stat -c %s "$built") bytes"
    echo "sha256: $(sha256sum "$built" | cut -d' ' -f1)"
} >"$dir/build-info"
cp "$obj/.config" "$dir/config"
echo "$release" >"$dir/kernel-release"
cp "$built" "$image.tmp" && mv "$image.tmp" "$image"
rm -rf "$obj" "$dir/build.log"
log "built $release in $((end - start)) s"
echo "$image"
