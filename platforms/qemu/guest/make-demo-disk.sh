#!/usr/bin/env bash
# Makes the demo disk of scripts/run, like a server's, without root, loop devices or mounts:
#   GPT; partition 1 "firmware" (300 MiB, XFS made with mkfs.xfs's protofile, label demo) holding /firmware/OVMF.fd;
#   partition 2 "EFI system partition" (64 MiB, FAT made with mtools, label DEMO-ESP) with an installed OS: GRUB as
#   \EFI\BOOT\BOOTX64.EFI, its grub.cfg (Debian's kernel with console=ttyS0 quiet and the initramfs), the kernel
#   as \EFI\debian\vmlinuz and the initramfs as \EFI\debian\initrd.img; then 1 MiB for the backup GPT.
# GUEST_DIR is what platforms/qemu/guest/prepare.sh prints (vmlinuz, initramfs.cpio.gz, grubx64.efi); OVMF is
# Debian's (/usr/share/ovmf/OVMF.fd unless given). The disk is written beside OUT first and renamed over it.
# Usage: make-demo-disk.sh GUEST_DIR OUT [OVMF]
set -euo pipefail
[ $# -ge 2 ] && [ $# -le 3 ] || { echo "usage: $0 GUEST_DIR OUT [OVMF]" >&2; exit 2; }
guest=$1 out=$2 ovmf=${3:-/usr/share/ovmf/OVMF.fd}
work=$(mktemp -d "$(dirname "$out")/.demo-disk.XXXXXX")
trap 'rm -rf "$work"' EXIT
part=$work/part1.xfs
disk=$work/disk.img
truncate -s 300M "$part"
cat > "$work/proto" <<PROTO
/dummy
0 0
d--755 0 0
firmware d--755 0 0
OVMF.fd ---644 0 0 $ovmf
\$
\$
PROTO
mkfs.xfs -q -f -L demo -p "$work/proto" "$part"
cat > "$work/grub.cfg" <<'CFG'
set timeout=0
set timeout_style=hidden
menuentry 'Debian GNU/Linux (vmboot demo)' {
    linux /EFI/debian/vmlinuz console=ttyS0 quiet
    initrd /EFI/debian/initrd.img
}
CFG
# Partition 1 from 1 MiB (300 MiB), partition 2 the ESP after it (64 MiB), then 1 MiB for the backup GPT.
truncate -s 366M "$disk"
sgdisk -n 1:2048:+300M -t 1:8300 -c 1:firmware -n 2:0:+64M -t 2:ef00 -c 2:"EFI system partition" \
    "$disk" >/dev/null  # (sgdisk -q writes nothing)
dd if="$part" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
esp_start=$(sgdisk -i 2 "$disk" | awk '/^First sector/ {print $3}')
esp_end=$(sgdisk -i 2 "$disk" | awk '/^Last sector/ {print $3}')
esp="$disk@@$((esp_start * 512))"
mformat -i "$esp" -F -T $((esp_end - esp_start + 1)) -h 64 -s 32 -H "$esp_start" -v DEMO-ESP ::
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/EFI/debian
mcopy -i "$esp" "$guest/grubx64.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$work/grub.cfg" ::/EFI/BOOT/grub.cfg
mcopy -i "$esp" "$guest/vmlinuz" ::/EFI/debian/vmlinuz
mcopy -i "$esp" "$guest/initramfs.cpio.gz" ::/EFI/debian/initrd.img
mv "$disk" "$out"
