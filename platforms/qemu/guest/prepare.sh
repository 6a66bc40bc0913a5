#!/bin/bash
# Prepares the guest images the boot tests and bench/boot.sh use, and prints the directory that holds them:
#   vmlinuz            Debian's bzImage (the one the nested lab unpacked: platforms/qemu/lab/setup.sh)
#   vmlinux            its ELF, extracted by extract-vmlinux.sh (carries the PVH entry note)
#   initramfs.cpio.gz  made by make-initramfs.sh (prints VMBOOT-GUEST-OK ..., powers off), with the kernel's virtio
#                      block modules for its vmboot.disk=... checks
#   grubx64.efi        a standalone GRUB for an ESP's \EFI\BOOT\BOOTX64.EFI, made by make-grub-efi.sh (reads the
#                      grub.cfg beside it)
#   kernel-release     the kernel's release string (what uname -r prints in the guest)
# Cached in ${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}/guest/<kver>-<hash of these scripts>/. Where that cache is
# read-only (inside the lab, which sees the host root read-only) and not built yet, the images are built in
# FALLBACK_DIR instead (default: none, then it fails). The kernel comes from the lab's cache; outside the lab,
# if it is missing, the lab's setup.sh is run to fetch it.
# Usage: prepare.sh [FALLBACK_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache_root=${VMBOOT_LAB_CACHE:-/var/cache/vmboot-lab}
log() { echo "guest-prepare: $*" >&2; }

find_kernel() { ls -1 "$cache_root"/*/image/boot/vmlinuz-* 2>/dev/null | sort -V | tail -1; }
kernel=$(find_kernel || true)
if [ -z "$kernel" ]; then
    if [ -w "$cache_root" ] || [ ! -e "$cache_root" ]; then
        log "no unpacked Debian kernel in $cache_root: running the lab setup"
        "$here/../lab/setup.sh" >/dev/null
        kernel=$(find_kernel || true)
    fi
    [ -n "$kernel" ] || { log "no Debian kernel under $cache_root/*/image/boot (run platforms/qemu/lab/setup.sh)"; exit 1; }
fi
kver=${kernel##*/vmlinuz-}
# The modules of that same kernel, from the same unpacked image (<cache>/<kver>/image/{boot,lib/modules/<kver>}).
modules=${kernel%/boot/vmlinuz-*}/lib/modules/$kver
key=$(cat "$here/make-initramfs.sh" "$here/frame-sender.c" "$here/extract-vmlinux.sh" "$here/make-grub-efi.sh" "$here/prepare.sh" \
    | sha256sum | cut -c1-12)

build() { # dir: fills it; the .done stamp is written last
    local dir=$1
    mkdir -p "$dir"
    [ -e "$dir/.done" ] && return 0
    log "building guest images for $kver in $dir"
    cp "$kernel" "$dir/vmlinuz"
    "$here/extract-vmlinux.sh" "$kernel" "$dir/vmlinux" 2>/dev/null
    "$here/make-initramfs.sh" "$dir/initramfs.cpio.gz" "$modules"
    "$here/make-grub-efi.sh" "$dir/grubx64.efi"
    echo "$kver" > "$dir/kernel-release"
    touch "$dir/.done"
}

dir=$cache_root/guest/$kver-$key
if [ -e "$dir/.done" ]; then
    echo "$dir"; exit 0
fi
if (mkdir -p "$dir" && touch "$dir/.probe" && rm -f "$dir/.probe") 2>/dev/null; then
    exec 9>"$dir/.lock"
    flock 9
    build "$dir"
    echo "$dir"; exit 0
fi
[ $# -ge 1 ] || { log "$dir is not writable and no fallback dir was given"; exit 1; }
dir=$1/$kver-$key
build "$dir"
echo "$dir"
