#!/usr/bin/env bash
# Reading a 1 GiB file through each filesystem reader vs reading 1 GiB raw from the same image.
# For each of xfs, ext4, vfat, iso9660: an image holding /big.bin (1 GiB of random bytes) is built with Debian's
# tools; then, N times each (default 5), in alternation:
#   raw:    dd of 1 GiB from the image file (bs=1M) to /dev/null,
#   reader: bin/vmboot extract IMAGE:/big.bin /dev/null, minus the median of bin/vmboot devices (JVM + framework
#           start-up, measured in the same run),
# and prints the medians and the ratio raw_time / reader_time (throughput of the reader ÷ raw; goal >= 0.8).
# The page cache is warm for both (the image is read once before), so this compares CPU paths, not the disk.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
bin=distribution/target/vmboot/bin/vmboot
[ -x "$bin" ] || { echo "fs-read: build first (mvn -B install -DskipTests)" >&2; exit 1; }
work=${VMBOOT_BENCH_DIR:-bench/results/fs-read}
mkdir -p "$work"

big=$work/tree/big.bin
if [ ! -f "$big" ]; then
    mkdir -p "$work/tree"
    head -c 1G /dev/urandom > "$big"
fi
build() { # type image
    local type=$1 img=$2
    [ -f "$img" ] && return
    case $type in
        xfs) printf '/dummy\n0 0\nd--755 0 0\nbig.bin ---644 0 0 %s\n$\n' "$(realpath "$big")" > "$work/proto"
             truncate -s 1300M "$img"; mkfs.xfs -q -p "$work/proto" "$img" ;;
        ext4) mke2fs -q -t ext4 -d "$work/tree" "$img" 1300M ;;
        vfat) mkfs.fat -F 32 -C "$img" $((1300 * 1024)) >/dev/null; MTOOLS_SKIP_CHECK=1 mcopy -i "$img" "$big" ::/big.bin ;;
        iso9660) xorriso -as mkisofs -quiet -R -J -o "$img" "$work/tree" 2>/dev/null ;;
    esac
}
ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

startup=$(for _ in $(seq "$runs"); do ms "$bin" devices; done | median)
echo "fs-read: JVM + framework start-up median ${startup} ms (subtracted from reader times)"
printf '%-8s %10s %12s %8s\n' fs raw_ms reader_ms ratio
for type in xfs ext4 vfat iso9660; do
    img=$work/$type.img
    build "$type" "$img"
    cat "$img" > /dev/null
    raw=(); rdr=()
    for _ in $(seq "$runs"); do
        raw+=("$(ms dd if="$img" of=/dev/null bs=1M count=1024)")
        rdr+=("$(( $(ms "$bin" extract "$img:/big.bin" /dev/null) - startup ))")
    done
    r=$(printf '%s\n' "${raw[@]}" | median)
    f=$(printf '%s\n' "${rdr[@]}" | median)
    printf '%-8s %10d %12d %8s\n' "$type" "$r" "$f" "$(awk -v r="$r" -v f="$f" 'BEGIN {printf "%.2f", r / f}')"
done
