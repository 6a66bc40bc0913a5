#!/bin/bash
# Builds a standalone GRUB EFI application (x86_64-efi) to be an ESP's \EFI\BOOT\BOOTX64.EFI, the removable-media
# path UEFI firmware boots by itself. Its modules sit in a memdisk inside the image; its embedded grub.cfg reads the
# grub.cfg that lies beside the image on the ESP (as Debian's signed GRUB reads the one its config names), after
# making the device the image was loaded from the root, so that grub.cfg's paths ("/EFI/debian/vmlinuz") are on the
# ESP. Per boot, only that grub.cfg changes (the kernel command line); this image is built once (prepare.sh).
# Needs grub-mkstandalone and /usr/lib/grub/x86_64-efi (Debian: grub-common, grub-efi-amd64-bin; they install no
# bootloader on the host).
# Usage: make-grub-efi.sh OUT.efi
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT.efi" >&2; exit 2; }
out=$1
if ! command -v grub-mkstandalone >/dev/null || [ ! -d /usr/lib/grub/x86_64-efi ]; then
    echo "make-grub-efi: need grub-mkstandalone for x86_64-efi: apt-get install grub-efi-amd64-bin" >&2
    exit 1
fi
stage=$(mktemp -d "${TMPDIR:-/tmp}/vmboot-grub.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# $cmdpath is where GRUB was loaded from, e.g. (hd0,gpt1)/EFI/BOOT; its device becomes $root.
cat >"$stage/grub.cfg" <<'CFG'
regexp --set=1:root '^\(([^)]*)\)' "$cmdpath"
configfile "$cmdpath/grub.cfg"
echo "VMBOOT-GRUB-ERROR no usable $cmdpath/grub.cfg"
CFG

# Modules: the GPT and FAT readers, the Linux loader (EFI: the kernel's EFI stub) and what the configs use; their
# dependencies come along. No fonts, locales or themes: the console is the firmware's (serial) text console.
grub-mkstandalone -O x86_64-efi -o "$stage/grub.efi" \
    --modules="part_gpt fat" \
    --install-modules="part_gpt fat linux normal configfile regexp echo test" \
    --locales= --fonts= --themes= \
    "boot/grub/grub.cfg=$stage/grub.cfg"
mv "$stage/grub.efi" "$out"
