#!/bin/bash
# Builds a tiny initramfs (gzip'd newc cpio) from Debian's busybox-static. Its /init mounts proc, sys and devtmpfs,
# prints one marker line on the console:
#   VMBOOT-GUEST-OK nproc=<online CPUs> mem_kib=<MemTotal> kernel=<uname -r> cmdline=<the kernel command line>
# and powers the machine off (poweroff -f: reboot(2) with RB_POWER_OFF; ACPI S5 where the kernel has ACPI).
# If the command line holds vmboot.echo=1, /init first prints "VMBOOT-GUEST-READY", reads one line from the
# console and prints "VMBOOT-GUEST-ECHO <line>" (tests that the VMM feeds its input to the guest UART).
# Debian's amd64 kernel needs no modules for this with console=ttyS0 (8250 console and devtmpfs are built in).
# Usage: make-initramfs.sh OUT.cpio.gz
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 OUT.cpio.gz" >&2; exit 2; }
out=$1
busybox=$(command -v busybox || true)
if [ -z "$busybox" ] || ! { ldd "$busybox" 2>&1 || true; } | grep -q "not a dynamic executable"; then
    echo "make-initramfs: need a static busybox: apt-get install busybox-static" >&2
    exit 1
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/vmboot-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -p "$stage"/{bin,dev,proc,sys}
cp "$busybox" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
# The kernel opens /dev/console for init before devtmpfs is mounted: provide the node (character 5:1,
# Documentation/admin-guide/devices.txt). Without root (no mknod) the kernel's built-in initramfs still has one.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

cat > "$stage/init" <<'INIT'
#!/bin/sh
export PATH=/bin
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
cmdline=$($bb cat /proc/cmdline)
case " $cmdline " in
    *" vmboot.echo=1 "*)
        echo "VMBOOT-GUEST-READY"
        read -r line
        echo "VMBOOT-GUEST-ECHO $line" ;;
esac
nproc=$($bb grep -c '^processor' /proc/cpuinfo)
mem=$($bb awk '/^MemTotal:/ {print $2}' /proc/meminfo)
echo "VMBOOT-GUEST-OK nproc=$nproc mem_kib=$mem kernel=$($bb uname -r) cmdline=$cmdline"
$bb sync
$bb poweroff -f
# Only reached if power-off failed (no ACPI?): say so rather than hang silently.
echo "VMBOOT-GUEST-POWEROFF-FAILED"
while :; do $bb sleep 3600; done
INIT
chmod 755 "$stage/init"

tmp=$out.tmp.$$
(cd "$stage" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --owner=0:0 --quiet) | gzip -9n > "$tmp"
mv "$tmp" "$out"
