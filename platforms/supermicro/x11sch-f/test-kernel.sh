#!/bin/bash
# Tests the X11SCH-F payload kernel (kernel.config, built by build-kernel.sh) in emulation:
#   1. the fragment survived Kconfig: build-kernel.sh checks every option of kernel.config against the .config it
#      built (on every call, also when cached), and this script proves that check can fail: a copy of that .config
#      without CONFIG_KVM_INTEL must be refused, naming the option;
#   2. the kernel boots under QEMU (TCG, -machine q35 -cpu max) with the console on the second serial port, as on
#      the board (COM2 = ttyS1, where the AST2500 carries Serial-over-LAN; the first port is not connected), from a
#      tiny busybox initramfs compressed with xz (as the payload's is). Its /init mounts an ext4 disk on the q35's
#      AHCI controller (writes go to QEMU's snapshot) and an XFS disk on an NVMe controller (read-only), brings up lo,
#      and, chrooted into the ext4 disk, which holds the JDK 17 and purpose-built libjvm of platforms/jvm/build-libjvm.sh
#      (what the payload's JRE is made of), the vmboot distribution and the guest
#      images of platforms/qemu/guest/prepare.sh, runs JvmProbe (threads, loopback TCP through a Selector, inotify,
#      /proc/self) and then vmboot itself: `bin/vmboot boot -p linux` of Debian's kernel with the guest initramfs,
#      through this kernel's /dev/kvm, to the guest's VMBOOT-GUEST-OK marker and power-off. It prints
#        X11SCH-F-JVM java=<version> vm=<libjvm's build> cpus=<n> threads=ok loopback=ok inotify=ok proc=ok
#        VMBOOT-GUEST-OK ...                         (the guest's own line, through vmboot's console)
#        X11SCH-F-VMBOOT exit=<vmboot's exit status>
#        X11SCH-F-KERNEL-OK release=<uname -r> console=<active consoles> kvm=<yes|no> tun=<yes|no>
#                           fs=<registered of xfs,ext4,vfat,iso9660> ahci_ext4=<ok|FAIL> nvme_xfs=<ok|FAIL>
#                           nic=<driver of eth0>
#      then powers off (ACPI S5). Everything is asserted from the serial log: the release that was built, console
#      ttyS1, /dev/kvm (kvm_amd: the TCG CPU offers AMD-V, not VT-x, so KVM_INTEL is not exercised here), /dev/net/tun,
#      the four filesystems, both disks, e1000e bound to QEMU's e1000e (an 82574L: the same driver as the board's
#      I219-LM, not the same chip; QEMU 7.2 has no I210 model for igb), the JVM line, and the guest booted by vmboot.
#      Two boots: the first with two CPUs without vmboot, the second with one CPU (as in the nested lab,
#      platforms/qemu/lab: with two, TCG stalled under nested KVM) with vmboot (x11sch.vmboot=1 on the command line).
# A QEMU crash (it exits by a signal or with an error status) or a stall (no power-off within the timeout) is retried
# once and reported; twice is exit status 86, never a pass. A boot that ends normally without the expected lines fails
# at once (exit 1), with the serial log.
# Needs: qemu-system-x86, busybox-static, a JDK 17 (javac, and the java the probe runs on), mkfs.ext4, mkfs.xfs, xz,
# the vmboot distribution (distribution/target/vmboot: `mvn install`, which scripts/test runs first) and the guest
# images (platforms/qemu/guest/prepare.sh, run here; cached).
# Usage: test-kernel.sh   (VMBOOT_X11SCH_TIMEOUT: seconds per boot, default 900; VMBOOT_X11SCH_LOG=FILE keeps the
#                          serial logs of the boots as FILE.kernel and FILE.vmboot)
set -euo pipefail
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
timeout_s=${VMBOOT_X11SCH_TIMEOUT:-900}
log() { echo "test-kernel: $*" >&2; }
fail() { log "FAIL: $*"; exit 1; }

# First the kernel: build-kernel.sh installs its build packages (cpio among them) when they are missing.
kernel=$("$here/build-kernel.sh")
built=$(dirname "$kernel")
release=$(cat "$built/kernel-release")
log "kernel $release: $kernel"

for tool in qemu-system-x86_64 busybox javac mkfs.ext4 mkfs.xfs xz cpio; do
    command -v "$tool" >/dev/null ||
        fail "$tool is missing (scripts/install-deps and platforms/qemu/lab/setup.sh install it)"
done
{ ldd "$(command -v busybox)" 2>&1 || true; } | grep -q "not a dynamic executable" ||
    fail "need a static busybox (busybox-static)"
# The JVM the payload runs: the JDK of platforms/jvm/build-libjvm.sh's build with its purpose-built libjvm.so (C1 and
# Serial GC only) and libjimage.so, which the payload's JRE is jlinked from (build-payload.sh).
libjvm_dir=$("$here/../../jvm/build-libjvm.sh")
jdk=$libjvm_dir/jdk
[ -x "$jdk/bin/java" ] && [ -s "$libjvm_dir/libjvm.so" ] && [ -s "$libjvm_dir/libjimage.so" ] ||
    fail "no JDK, libjvm.so and libjimage.so in $libjvm_dir"
vmboot=$here/../../../distribution/target/vmboot
[ -x "$vmboot/bin/vmboot" ] || fail "no vmboot distribution at $vmboot: run mvn install first"
guest=$("$here/../../qemu/guest/prepare.sh")
[ -s "$guest/vmlinuz" ] && [ -s "$guest/initramfs.cpio.gz" ] || fail "no guest images in $guest"

work=$(mktemp -d "${TMPDIR:-/tmp}/x11sch-f-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

# 1. The survival check must catch a dropped option.
grep -vx 'CONFIG_KVM_INTEL=y' "$built/config" >"$work/dropped.config"
if "$here/build-kernel.sh" --check "$work/dropped.config" 2>"$work/check.err"; then
    fail "build-kernel.sh --check accepted a .config without CONFIG_KVM_INTEL"
fi
grep -q 'CONFIG_KVM_INTEL=y did not survive' "$work/check.err" ||
    fail "the survival check did not name CONFIG_KVM_INTEL: $(cat "$work/check.err")"
log "ok: every option of kernel.config is in the built .config; a .config without CONFIG_KVM_INTEL is refused"

# 2a. The ext4 disk (for the AHCI port): the JDK's bin, lib and conf, the shared libraries they load, the probe,
# vmboot with a busybox shell for its launcher script, the guest's kernel and initramfs.
root=$work/jdkroot
mkdir -p "$root/jdk" "$root/probe" "$root/tmp" "$root/proc" "$root/dev" "$root/sys" "$root/bin" "$root/guest"
cp -a "$vmboot" "$root/vmboot"
cp "$(command -v busybox)" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$guest/vmlinuz" "$guest/initramfs.cpio.gz" "$root/guest/"
(cd "$jdk" && tar -chf - bin lib conf 2>/dev/null || true) | tar -C "$root/jdk" -xf -
[ -x "$root/jdk/bin/java" ] && [ -f "$root/jdk/lib/modules" ] || fail "could not copy the JDK from $jdk"
cp "$libjvm_dir/libjvm.so" "$root/jdk/lib/server/libjvm.so"
cp "$libjvm_dir/libjimage.so" "$root/jdk/lib/libjimage.so"
# The JDK's default class-data archive is the dump of Debian's libjvm, which this one does not map: dumped again.
rm -f "$root/jdk/lib/server/classes_nocoops.jsa"
"$root/jdk/bin/java" -Xshare:dump >/dev/null || fail "the purpose-built libjvm cannot dump the JDK's class-data archive"
builds=$("$root/jdk/bin/java" -version 2>&1 |
    sed -n 's/.*Runtime Environment (build \([^)]*\)).*/\1/p; s/.* VM (build \([^,]*\),.*/\1/p' | sort -u)
[ "$(wc -l <<<"$builds")" -eq 1 ] || fail "the JDK and its purpose-built libjvm are of different builds: $builds"
vm_build=$builds
log "JDK and libjvm of build $vm_build ($libjvm_dir)"
find "$root/jdk" \( -name '*.so' -o -path '*/bin/java' \) -type f -print0 |
    xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' |
    sort -u | while read -r lib; do
        if [ -e "$lib" ]; then cp -L --parents "$lib" "$root"; fi
    done
javac -d "$root/probe" "$here/JvmProbe.java"
truncate -s 640M "$work/ahci.img"
mkfs.ext4 -q -F -L jdk -d "$root" "$work/ahci.img"
# The NVMe disk: an empty XFS filesystem with a label (XFS's minimum size is 300 MiB; the file is sparse).
truncate -s 320M "$work/nvme.img"
mkfs.xfs -q -f -L nvmexfs "$work/nvme.img"

# 2b. The initramfs.
stage=$work/initramfs
mkdir -p "$stage"/{bin,dev,proc,sys,tmp,mnt/ahci,mnt/nvme}
cp "$(command -v busybox)" "$stage/bin/busybox"
ln -s busybox "$stage/bin/sh"
cat >"$stage/init" <<'INIT'
#!/bin/sh
export PATH=/bin
bb=/bin/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sys /sys
$bb mount -t devtmpfs dev /dev
$bb mount -t tmpfs tmp /tmp
$bb ip link set lo up
# Disks appear as their drivers probe them: wait up to 60 s for both.
i=0
while { [ ! -b /dev/sda ] || [ ! -b /dev/nvme0n1 ]; } && [ $i -lt 60 ]; do $bb sleep 1; i=$((i + 1)); done
ahci=FAIL nvme=FAIL
$bb mount -t ext4 /dev/sda /mnt/ahci && [ -x /mnt/ahci/jdk/bin/java ] && ahci=ok
$bb mount -t xfs -o ro /dev/nvme0n1 /mnt/nvme && nvme=ok
if [ $ahci = ok ]; then
    # The JVM's view inside the chroot: /proc (/proc/self/...), /dev (null, urandom), /sys, a writable /tmp.
    $bb mount -t proc proc /mnt/ahci/proc
    $bb mount -t devtmpfs dev /mnt/ahci/dev
    $bb mount -t sysfs sys /mnt/ahci/sys
    $bb mount -t tmpfs jvmtmp /mnt/ahci/tmp
    $bb chroot /mnt/ahci /jdk/bin/java -Xshare:auto -XX:TieredStopAtLevel=1 -cp /probe JvmProbe ||
        echo "X11SCH-F-JVM-ERROR exit=$?"
    # With x11sch.vmboot=1: vmboot boots Debian's kernel in a KVM guest; the guest's console is vmboot's standard
    # output, i.e. ttyS1.
    if $bb grep -qw 'x11sch.vmboot=1' /proc/cmdline; then
        $bb chroot /mnt/ahci /bin/sh -c 'JAVA_HOME=/jdk exec /vmboot/bin/vmboot boot -p linux -m 256M \
            -i /guest/initramfs.cpio.gz -a "console=ttyS0 quiet" /guest/vmlinuz' </dev/null
        echo "X11SCH-F-VMBOOT exit=$?"
    fi
fi
kvm=no; [ -c /dev/kvm ] && kvm=yes
tun=no; [ -c /dev/net/tun ] && tun=yes
fs=
for f in xfs ext4 vfat iso9660; do $bb grep -qw "$f" /proc/filesystems && fs="$fs${fs:+,}$f"; done
nic=none
[ -e /sys/class/net/eth0/device/driver ] && nic=$($bb basename "$($bb readlink /sys/class/net/eth0/device/driver)")
echo "X11SCH-F-KERNEL-OK release=$($bb uname -r) console=$($bb cat /sys/class/tty/console/active)" \
    "kvm=$kvm tun=$tun fs=$fs ahci_ext4=$ahci nvme_xfs=$nvme nic=$nic"
$bb umount /mnt/ahci/tmp /mnt/ahci/sys /mnt/ahci/dev /mnt/ahci/proc /mnt/ahci /mnt/nvme 2>/dev/null
$bb poweroff -f
INIT
chmod 755 "$stage/init"
# The kernel's xz decoder supports only the CRC32 check (Documentation/staging/xz.rst).
(cd "$stage" && find . | cpio -o -H newc --quiet | xz --check=crc32 -6) >"$work/initramfs.cpio.xz"

# 2c. The boots. COM1 goes nowhere (-serial null), COM2 into the log: only a console on ttyS1 is seen. The first
# boot has two CPUs and checks the kernel and the JVM; the second has one CPU (as the nested lab, where TCG stalled
# with two under nested KVM) and adds vmboot booting its guest (x11sch.vmboot=1).
qemu_boot() { # log cpus extra-cmdline: 0 when QEMU powered off normally, 86 on a crash or stall
    local out=$1 cpus=$2 extra=$3 status
    set +e
    timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 -machine q35 -accel tcg -cpu max -smp "$cpus" -m 1536 \
        -nodefaults -display none -monitor none -no-reboot \
        -serial null -serial "file:$out" \
        -kernel "$kernel" -initrd "$work/initramfs.cpio.xz" -append "console=ttyS1,115200n8 panic=-1 $extra" \
        -drive "file=$work/ahci.img,if=none,id=ahci0,format=raw,snapshot=on" -device ide-hd,drive=ahci0,bus=ide.0 \
        -drive "file=$work/nvme.img,if=none,id=nvme0,format=raw,snapshot=on" -device nvme,drive=nvme0,serial=x11sch \
        -netdev user,id=n0 -device e1000e,netdev=n0 >"$out.qemu" 2>&1
    status=$?
    set -e
    case $status in
        0) return 0 ;;
        124|137) log "QEMU did not power off within ${timeout_s} s (stalled, or the kernel hung)"; return 86 ;;
        *) log "QEMU failed (status $status): $(tail -n 5 "$out.qemu")"; return 86 ;;
    esac
}
serial=
boot() { # name cpus extra-cmdline: boots (retried once after a crash or stall), leaves the log in $serial
    local name=$1 start
    serial=$work/serial-$name.log
    start=$(date +%s)
    if ! qemu_boot "$serial" "$2" "$3"; then
        log "$name: retrying once"
        cp "$serial" "$serial.first" 2>/dev/null || true
        qemu_boot "$serial" "$2" "$3" ||
            { tail -n 40 "$serial" >&2 || true; log "$name: QEMU crashed or stalled twice: NOT a pass"; exit 86; }
    fi
    log "$name: booted and powered off in $(( $(date +%s) - start )) s"
    [ -z "${VMBOOT_X11SCH_LOG:-}" ] || cp "$serial" "$VMBOOT_X11SCH_LOG.$name"
}
marker() { # prefix: the last line on the serial log starting with it
    grep -a "^$1" "$serial" | tr -d '\r' | tail -1 || true
}
expect() { # line what: a fixed string the line must hold as a word
    case " $1 " in *" $2 "*) ;; *) tail -n 60 "$serial" >&2; fail "expected '$2' in: ${1:-no line}" ;; esac
}

boot kernel 2 ""
line=$(marker X11SCH-F-KERNEL-OK)
jvm=$(marker X11SCH-F-JVM)
log "serial: ${line:-no X11SCH-F-KERNEL-OK line on ttyS1}"
log "serial: ${jvm:-no X11SCH-F-JVM line}"
for want in "release=$release" console=ttyS1 kvm=yes tun=yes fs=xfs,ext4,vfat,iso9660 ahci_ext4=ok nvme_xfs=ok \
    nic=e1000e; do
    expect "$line" "$want"
done
for want in "java=$vm_build" "vm=$vm_build" cpus=2 threads=ok loopback=ok inotify=ok proc=ok; do
    expect "$jvm" "$want"
done

boot vmboot 1 x11sch.vmboot=1
guest_ok=$(marker VMBOOT-GUEST-OK)
log "serial: ${guest_ok:-no VMBOOT-GUEST-OK line}"
[ -n "$guest_ok" ] || { tail -n 60 "$serial" >&2; fail "vmboot's guest printed no VMBOOT-GUEST-OK"; }
expect "$(marker X11SCH-F-VMBOOT)" exit=0
expect "$(marker X11SCH-F-KERNEL-OK)" "release=$release"
log "PASS: $release boots on ttyS1 under QEMU q35/TCG; KVM (AMD-V), TUN, AHCI+ext4, NVMe+XFS, e1000e, JVM probe" \
    "on 2 CPUs; vmboot boots a Linux guest through its /dev/kvm"
