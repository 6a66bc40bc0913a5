#!/bin/bash
# Extracts the uncompressed kernel ELF (vmlinux) from an x86 bzImage, e.g. Debian's vmlinuz. Debian's amd64 kernel
# has CONFIG_PVH=y, so the ELF carries the Xen PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) that PVH loaders need.
#
# How: the setup header (Documentation/arch/x86/boot.rst) gives payload_offset (0x248) and payload_length (0x24c),
# relative to the protected-mode code, which starts at (setup_sects (0x1f1) + 1) * 512. The payload's magic names
# its compressor (CONFIG_KERNEL_XZ for Debian 6.1: xz). If the header fields are missing (boot protocol < 2.08) the
# file is searched for the compressors' magic instead. The decompressed payload is vmlinux.bin (objcopy -S of
# vmlinux) followed by relocation data; the ELF is cut at its end (section headers are last).
# Usage: extract-vmlinux.sh BZIMAGE OUT
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BZIMAGE OUT" >&2; exit 2; }
in=$1 out=$2
le() { od -An -t"u$2" -j "$1" -N "$2" "$in" | tr -d ' '; }   # little-endian unsigned at offset, width
hexat() { od -An -tx1 -j "$1" -N "$2" "$in" | tr -d ' \n'; }

tmp=$(mktemp "${TMPDIR:-/tmp}/vmlinux.XXXXXX")
trap 'rm -f "$tmp"' EXIT

decompress() { # offset: decompress the stream at that offset into $tmp; fails if it is not one
    local off=$1 magic
    magic=$(hexat "$off" 6)
    case $magic in
        fd377a585a00*) tail -c +$((off + 1)) "$in" | xz -dc --single-stream > "$tmp" 2>/dev/null ;;   # xz
        28b52ffd*)     tail -c +$((off + 1)) "$in" | zstd -dcq > "$tmp" 2>/dev/null ;;                 # zstd frame
        1f8b08*)       tail -c +$((off + 1)) "$in" | gzip -dc > "$tmp" 2>/dev/null ;;                  # gzip
        02214c18*)     tail -c +$((off + 1)) "$in" | lz4 -dc > "$tmp" 2>/dev/null ;;                   # lz4 legacy
        5d0000*)       tail -c +$((off + 1)) "$in" | xz -dc --format=lzma > "$tmp" 2>/dev/null ;;      # lzma
        *) return 1 ;;
    esac
    # A payload with trailing data makes some decompressors exit non-zero: what counts is an ELF came out.
    [ "$(od -An -tx1 -N4 "$tmp" | tr -d ' ')" = 7f454c46 ]
}

found=""
if [ "$(hexat 0x202 4)" = 48647253 ] && [ "$(le 0x206 2)" -ge $((0x208)) ]; then   # "HdrS", protocol >= 2.08
    setup_sects=$(le 0x1f1 1); [ "$setup_sects" -eq 0 ] && setup_sects=4
    off=$(( (setup_sects + 1) * 512 + $(le 0x248 4) ))
    decompress "$off" || true
    [ -s "$tmp" ] && found=$off
fi
if [ -z "$found" ]; then
    for magic in 'fd377a585a00' '28b52ffd' '1f8b0800' '02214c18'; do
        pat=$(echo "$magic" | sed 's/../\\x&/g')
        while IFS=: read -r off _; do
            if decompress "$off"; then found=$off; break 2; fi
        done < <(LC_ALL=C grep -obUaP "$pat" "$in" | head -20)
    done
fi
[ -n "$found" ] || { echo "extract-vmlinux: no compressed kernel ELF found in $in" >&2; exit 1; }

# ELF64 header: e_shoff at 0x28 (8 bytes), e_shentsize at 0x3a, e_shnum at 0x3c: the section headers end the file.
shoff=$(od -An -tu8 -j 40 -N 8 "$tmp" | tr -d ' ')
shentsize=$(od -An -tu2 -j 58 -N 2 "$tmp" | tr -d ' ')
shnum=$(od -An -tu2 -j 60 -N 2 "$tmp" | tr -d ' ')
end=$(( shoff + shentsize * shnum ))
size=$(stat -c %s "$tmp")
if [ "$shoff" -gt 0 ] && [ "$end" -le "$size" ]; then
    head -c "$end" "$tmp" > "$out.tmp.$$"
else
    cp "$tmp" "$out.tmp.$$"
fi
mv "$out.tmp.$$" "$out"
echo "extract-vmlinux: $in: payload at offset $found -> $out ($(stat -c %s "$out") bytes)" >&2
