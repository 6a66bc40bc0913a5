#!/bin/bash
# Makes raw disk images for the virtio-blk tests and benches, without root, loop devices or mounts. Both kinds are
# deterministic: the same arguments (and input files) give the same bytes.
#
#   make-disk.sh esp OUT SIZE_MIB DEST=SOURCE...
#       A GPT disk (sgdisk, fixed GUIDs) with one EFI system partition (type EF00) from 1 MiB to 1 MiB before the end,
#       formatted FAT32 with mtools (mformat -i OUT@@OFFSET, volume serial and label fixed) and holding each SOURCE
#       file at DEST (a path in the partition, e.g. EFI/BOOT/BOOTX64.EFI; directories are made as needed). File times
#       are SOURCE_DATE_EPOCH (default 2024-01-01 00:00:00 UTC), so the image does not depend on when it was made.
#       SIZE_MIB must be at least 36 (FAT32 needs 65525 clusters; mformat uses 512-byte clusters at that size).
#
#   make-disk.sh data OUT SIZE_MIB
#       SIZE_MIB MiB with known content and no partition table: every 512-byte sector is eight copies of a 64-byte
#       line naming it, "vmboot-data sector <n, 12 digits> of <count, 12 digits>" padded with dots to 63 characters,
#       then "\n". Every sector differs from every other, so a read from the wrong place changes the image's sha256;
#       and the content is readable with head/hexdump when a test fails.
set -euo pipefail
usage() {
    echo "usage: $0 esp OUT SIZE_MIB DEST=SOURCE... | $0 data OUT SIZE_MIB" >&2
    exit 2
}
[ $# -ge 3 ] || usage
kind=$1 out=$2 size=$3
shift 3
case $size in ''|*[!0-9]*) usage ;; esac
tmp=$out.tmp.$$
trap 'rm -f "$tmp"' EXIT

case $kind in
data)
    [ $# -eq 0 ] || usage
    [ "$size" -ge 1 ] || { echo "make-disk: SIZE_MIB must be at least 1" >&2; exit 2; }
    # awk builds one sector (eight identical lines) per iteration; LC_ALL=C keeps printf's bytes as they are.
    LC_ALL=C awk -v sectors=$((size * 2048)) 'BEGIN {
        for (s = 0; s < sectors; s++) {
            line = sprintf("vmboot-data sector %012d of %012d", s, sectors)
            while (length(line) < 63) line = line "."
            line = line "\n"
            printf "%s%s%s%s%s%s%s%s", line, line, line, line, line, line, line, line
        } }' >"$tmp"
    [ "$(stat -c %s "$tmp")" -eq $((size * 1048576)) ] || { echo "make-disk: wrong size for $tmp" >&2; exit 1; }
    ;;
esp)
    [ $# -ge 1 ] || usage
    [ "$size" -ge 36 ] || { echo "make-disk: an ESP image needs SIZE_MIB >= 36 (FAT32)" >&2; exit 2; }
    for spec in "$@"; do
        case $spec in *=*) ;; *) usage ;; esac
        [ -f "${spec#*=}" ] || { echo "make-disk: no file ${spec#*=}" >&2; exit 1; }
    done
    export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
    rm -f "$tmp"
    truncate -s "${size}M" "$tmp"
    # Partition 1: sectors 2048 .. (end - 2049), leaving 1 MiB before the backup GPT (sgdisk's default alignment).
    last=$((size * 2048 - 2049))
    sgdisk -U 5f0b9c3e-8d1a-4c6b-9a52-1e7f2d3c4b5a -n 1:2048:$last -t 1:ef00 -c 1:"EFI system partition" \
        -u 1:8a4e2f61-3b7c-4d95-a1e8-6c2d0f9b7e34 "$tmp" >/dev/null
    sectors=$((last - 2048 + 1))
    img=$tmp@@1048576
    # -F FAT32, -T total sectors of the partition, -h/-s a nominal geometry (mformat wants one; nothing reads it),
    # -H hidden sectors before the partition (the BPB's field), -N serial, -v label.
    mformat -i "$img" -F -T "$sectors" -h 64 -s 32 -H 2048 -N 564d4254 -v VMBOOT-ESP ::
    for spec in "$@"; do
        dest=${spec%%=*} src=${spec#*=}
        dest=${dest#/}
        dir=""
        IFS=/ read -r -a parts <<<"$dest"
        for ((i = 0; i < ${#parts[@]} - 1; i++)); do
            dir=$dir/${parts[i]}
            mmd -i "$img" -D s "::$dir" 2>/dev/null || true   # exists already (-D s: skip, say nothing)
        done
        # A copy with the fixed time: mcopy -m keeps the source's mtime.
        cp "$src" "$tmp.file"
        touch -d "@$SOURCE_DATE_EPOCH" "$tmp.file"
        mcopy -i "$img" -m -o "$tmp.file" "::/$dest"
        rm -f "$tmp.file"
    done
    ;;
*)
    usage ;;
esac
mv "$tmp" "$out"
