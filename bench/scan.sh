#!/usr/bin/env bash
# Warm scan of a 4-partition GPT disk image (ext4, xfs, vfat, iso9660) inside the running framework, N measured
# scans (default 20) after at least 50 warm-up ones: bin/vmboot -c 'vmboot:scan --bench N IMAGE' prints what the
# last scan found and min/median/max per scan. The filesystems are built one by one with Debian's tools (no loop
# devices) and dd'ed into the partitions of an sgdisk'd sparse image. Target: <= 50 ms per warm scan.
# Usage: bench/scan.sh [runs]   (build first: mvn -B install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
work=${VMBOOT_BENCH_DIR:-bench/results/scan}
mkdir -p "$work"
img=$work/disk.img
export MTOOLS_SKIP_CHECK=1

build_image() {
    local tree=$work/tree mib
    rm -rf "$tree" && mkdir -p "$tree/boot/grub" "$tree/EFI/BOOT" "$tree/firmware" "$tree/etc"
    cp /usr/share/ovmf/OVMF.fd "$tree/firmware/OVMF.fd"
    cp /usr/share/OVMF/OVMF_CODE.fd "$tree/EFI/BOOT/OVMF_CODE.fd"
    head -c 2M /dev/urandom | gzip -1 > "$tree/boot/initrd.img-6.1.0"
    for i in $(seq 1 30); do printf 'CONFIG_%d=y\n' $(seq 1 200) > "$tree/boot/config-$i"; done
    printf 'menuentry x {}\n' > "$tree/boot/grub/grub.cfg"
    head -c 300K /dev/urandom > "$tree/EFI/BOOT/BOOTX64.EFI"
    for i in $(seq 1 50); do echo "file $i" > "$tree/etc/f$i"; done

    mke2fs -q -t ext4 -d "$tree" "$work/ext4.fs" 64M
    xfs_proto "$tree" > "$work/proto"
    rm -f "$work/xfs.fs" && truncate -s 300M "$work/xfs.fs" && mkfs.xfs -q -f -p "$work/proto" "$work/xfs.fs"
    rm -f "$work/vfat.fs" && mkfs.fat -F 32 -n BENCHESP -C "$work/vfat.fs" $((64 * 1024)) >/dev/null
    mcopy -s -i "$work/vfat.fs" "$tree"/* ::/
    xorriso -as mkisofs -quiet -R -J -V BENCHISO -o "$work/iso.fs" "$tree" 2>/dev/null
    mib=$(( ($(stat -c %s "$work/iso.fs") + 1048575) / 1048576 ))

    rm -f "$img" && truncate -s $((1 + 64 + 300 + 64 + mib + 1))M "$img"
    sgdisk -n 1:2048:+64M -t 1:8300 -c 1:ext4 -n 2:0:+300M -t 2:8300 -c 2:xfs \
        -n 3:0:+64M -t 3:ef00 -c 3:esp -n 4:0:+${mib}M -t 4:8300 -c 4:iso "$img" >/dev/null
    dd if="$work/ext4.fs" of="$img" bs=1M seek=1 conv=notrunc,sparse status=none
    dd if="$work/xfs.fs" of="$img" bs=1M seek=65 conv=notrunc,sparse status=none
    dd if="$work/vfat.fs" of="$img" bs=1M seek=365 conv=notrunc,sparse status=none
    dd if="$work/iso.fs" of="$img" bs=1M seek=429 conv=notrunc,sparse status=none
}

# An xfs protofile (mkfs.xfs(8) "-p") describing directory $1: directories, and regular files by host path.
xfs_proto() {
    local root=$1
    echo /dummy; echo 0 0; echo 'd--755 0 0'
    proto_dir "$root" 1
    echo '$'
}
proto_dir() {
    local dir=$1 depth=$2 e name
    for e in "$dir"/*; do
        name=$(basename "$e")
        if [ -d "$e" ]; then
            echo "$name d--755 0 0"; proto_dir "$e" $((depth + 1)); echo '$'
        else
            echo "$name ---644 0 0 $(realpath "$e")"
        fi
    done
}

[ -f "$img" ] || build_image
cat "$img" > /dev/null   # warm page cache: this measures the CPU path of a warm scan, not the disk

bin=distribution/target/vmboot/bin/vmboot
[ -x "$bin" ] || { echo "scan: build the distribution first (mvn -B install -DskipTests)" >&2; exit 1; }
"$bin" -c "vmboot:scan --bench $runs '$img'"
