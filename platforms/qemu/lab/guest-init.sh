#!/bin/sh
# /init of the L1 initramfs (busybox sh). Loads virtio/9p/kvm modules, mounts
# the host root (read-only) and the --rw shares, then runs run.sh's job in a
# chroot and reports its status as "VMBOOT-LAB-EXIT <rc>" on the console.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Serial console: no \n -> \r\n translation, so output reaches the host as is.
stty -onlcr 2>/dev/null

done_() { sync; echo "VMBOOT-LAB-EXIT $1"; poweroff -f; sleep 10; }
fail() { echo "LAB: L1 setup failed: $*"; done_ 85; }

while read -r m; do
  insmod "/lib/modules/$m.ko" 2>/tmp/err || { dmesg | tail -5; fail "insmod $m: $(cat /tmp/err)"; }
done </lib/modules/order
[ -c /dev/kvm ] || fail "/dev/kvm missing after loading kvm_amd"

opt=trans=virtio,version=9p2000.L,msize=512000
# Host files do not change under a run: let the ro root cache metadata.
mount -t 9p -o "$opt,ro,cache=loose" host /host || fail "mount host root"

# run.sh passes the job dir (a host path, seen through the root share).
job=$(sed -n 's/.*vmboot_lab.job=\([^ ]*\).*/\1/p' /proc/cmdline)
[ -n "$job" ] && [ -f "/host$job/job.sh" ] || fail "no job at '$job'"
mkdir -p /job && cp "/host$job/job.sh" "/host$job/shares" /job/

mount -t proc proc /host/proc
mount -t sysfs sysfs /host/sys
mkdir -p /dev/pts /dev/shm
mount -o bind /dev /host/dev
mount -t devpts devpts /host/dev/pts 2>/dev/null
for d in /host/tmp /host/run /host/dev/shm; do mount -t tmpfs -o mode=1777 tmpfs "$d"; done
# Writable shares at the same absolute path (after the tmpfs mounts, so a
# share under /tmp stays visible).
while read -r tag path; do
  mkdir -p "/host$path" 2>/dev/null
  mount -t 9p -o "$opt" "$tag" "/host$path" || fail "mount $path"
done </job/shares
mkdir -p /host/run/vmboot-lab && cp /job/job.sh /host/run/vmboot-lab/job.sh

# Heartbeat for run.sh on the second serial port: a stalled emulator stops it.
( while echo . >/dev/ttyS1; do sleep 10; done ) 2>/dev/null &
chroot /host /usr/bin/env -i /bin/bash /run/vmboot-lab/job.sh </dev/null
done_ $?
