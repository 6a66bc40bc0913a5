#!/usr/bin/env bash
# Boot time of vmboot vs QEMU-KVM, side by side in one run (alternating, so both see the same machine state),
# medians of N runs each (default 5), and the ratio vmboot ÷ QEMU (smaller is better):
#   (a) Debian's OVMF.fd from process start until "Shell>" appears on the serial output
#       vmboot: bin/vmboot boot -m 512M /usr/share/ovmf/OVMF.fd
#       QEMU:   qemu-system-x86_64 -accel kvm -cpu host -m 512 -bios /usr/share/ovmf/OVMF.fd -serial stdio ...
#       goal <= 0.70. Both include OVMF's 5 s "Press ESC in 5 seconds to skip startup.nsh" countdown.
#   (b) Debian's kernel (vmlinux, PVH entry) with the busybox initramfs (platforms/qemu/guest) from process start
#       until its init prints "VMBOOT-GUEST-OK"
#       vmboot: bin/vmboot boot -p pvh -m 512M -c 1 -i initramfs.cpio.gz -a 'console=ttyS0 quiet' vmlinux
#       QEMU:   qemu-system-x86_64 -accel kvm -cpu host -m 512 -kernel vmlinux -initrd ... -append ...
#       goal <= 0.80.
# Times are wall-clock from fork to the first byte of the pattern read from the process's stdout: they include the
# JVM start for vmboot and QEMU's own start-up. Where vmboot cannot boot (yet), its column says why instead of a
# number; nothing is ever estimated.
#
# Needs KVM: where /dev/kvm is usable it runs directly; otherwise it runs itself inside the nested lab
# (platforms/qemu/lab/run.sh), where KVM is itself nested under TCG, so absolute times are 10-50x real hardware;
# the ratios are what counts.
# Usage: bench/boot.sh [runs]        (build first: mvn -B install -DskipTests)
#        bench/boot.sh --inner RUNS GUEST_DIR   (what the lab runs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=$root/distribution/target/vmboot/bin/vmboot
ovmf=/usr/share/ovmf/OVMF.fd

if [ "${1:-}" != --inner ]; then
    runs=${1:-5}
    case $runs in ''|*[!0-9]*) echo "usage: bench/boot.sh [runs]" >&2; exit 2 ;; esac
    guest=$(platforms/qemu/guest/prepare.sh)
    # shellcheck source=scripts/kvm-usable.sh
    . scripts/kvm-usable.sh
    if kvm_usable; then
        exec "$0" --inner "$runs" "$guest"
    fi
    echo "boot: no usable /dev/kvm here: running in the nested lab (KVM under TCG; compare ratios, not times)"
    # Per run: OVMF ~20-60 s per side, kernel ~5-30 s per side, plus bounded failures.
    exec platforms/qemu/lab/run.sh --timeout $((600 + runs * 600)) -- "$0" --inner "$runs" "$guest"
fi

runs=$2 guest=$3
[ -c /dev/kvm ] || { echo "boot: no /dev/kvm" >&2; exit 1; }
work=$(mktemp -d /tmp/vmboot-bench-boot.XXXXXX)
# shellcheck source=bench/lib/process-timing.sh
. bench/lib/process-timing.sh

# vm_phase NAME: milliseconds from the moment vmboot created the VM (its first INFO line, stamped with the time of
# day by slf4j-simple) until the pattern appeared (the epoch milliseconds time_to wrote to NAME.end); empty if either
# is missing. This is the VMM's own part, without the JVM and Felix start-up.
vm_phase() {
    local name=$1 stamp end
    [ -f "$work/$name.end" ] || return 0
    end=$(cat "$work/$name.end")
    stamp=$(grep -m1 -oE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} .*KvmVirtualMachine - VM .* MiB, ' "$work/$name.err" \
        | cut -d' ' -f1 || true)
    [ -n "$stamp" ] || return 0
    awk -v s="$stamp" -v e="$end" 'BEGIN {
        split(s, t, /[:.]/); created = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]
        endOfDay = e % 86400000; d = endOfDay - created; if (d < 0) d += 86400000; print d }'
}

# bench NAME GOAL PATTERN TIMEOUT_S -- QEMU_CMD... -- VMBOOT_CMD...
bench() {
    local name=$1 goal=$2 pat=$3 tmo=$4; shift 5
    local qemu=() vmb=()
    while [ "$1" != -- ]; do qemu+=("$1"); shift; done; shift
    vmb=("$@")
    local qt=() vt=() pt=() vreason="" qreason="" r i p
    for i in $(seq "$runs"); do
        local qr vr
        r=$(time_to "$name-qemu-$i" "$tmo" "$pat" "${qemu[@]}")
        case $r in FAIL*) qreason=${r#FAIL }; qr="FAILED: $qreason" ;; *) qt+=("$r"); qr="$r ms" ;; esac
        if [ -n "$vreason" ]; then vr="skipped"
        elif [ ! -x "$bin" ]; then vreason="not built ($bin missing)"; vr="not built"
        else
            r=$(time_to "$name-vmboot-$i" "$tmo" "$pat" "${vmb[@]}")
            case $r in
                FAIL*) vreason=${r#FAIL }; vr="FAILED: $vreason" ;;
                *) vt+=("$r"); vr="$r ms"; p=$(vm_phase "$name-vmboot-$i")
                   if [ -n "$p" ]; then pt+=("$p"); vr="$vr (from VM creation: $p ms)"; fi ;;
            esac
        fi
        echo "  $name run $i: qemu $qr; vmboot $vr"
    done
    local qm vm
    qm=$(printf '%s\n' "${qt[@]}" | median)
    printf -v "${name}_qemu_median" '%s' "$qm"
    # One failed vmboot run voids the vmboot result: a median over the runs that happened to work would hide it.
    [ -n "$vreason" ] && vt=()
    vm=$(printf '%s\n' "${vt[@]}" | median)
    printf '%s: qemu-kvm median %s (%d/%d runs reached it)\n' "$name" "$([ -n "$qm" ] && echo "$qm ms" || echo n/a)" \
        "${#qt[@]}" "$runs"
    if [ -n "$vreason" ]; then
        echo "$name: vmboot: $vreason"
        echo "$name: ratio vmboot/qemu: n/a (goal <= $goal)"
    else
        printf '%s: vmboot median %s ms (%d/%d runs)\n' "$name" "$vm" "${#vt[@]}" "$runs"
        if [ ${#pt[@]} -gt 0 ] && [ -n "$qm" ]; then
            local pm
            pm=$(printf '%s\n' "${pt[@]}" | median)
            awk -v n="$name" -v p="$pm" -v q="$qm" 'BEGIN { printf "%s: vmboot from VM creation (no JVM start) median %d ms; " \
                "÷ QEMU whole process: %.2f (for reading only: the goal is the ratio below)\n", n, p, p / q }'
        fi
        if [ -n "$qm" ]; then
            awk -v n="$name" -v v="$vm" -v q="$qm" -v g="$goal" 'BEGIN {
                r = v / q; printf "%s: ratio vmboot/qemu: %.2f (goal <= %s): %s\n", n, r, g, (r <= g ? "met" : "NOT met") }'
        else
            echo "$name: ratio vmboot/qemu: n/a (no QEMU baseline)"
        fi
    fi
}

echo "boot: $runs runs per side, alternating; host $(uname -r), $(nproc) CPUs, $(qemu-system-x86_64 --version | head -1)"
echo "boot: guest images from $guest"
qemu_base=(qemu-system-x86_64 -accel kvm -cpu host -m 512 -smp 1 -nodefaults -no-user-config -display none
    -serial stdio -no-reboot)
append='console=ttyS0 quiet'
# vmboot logs at INFO with the (UTC) time of day, so vm_phase can find when the VM was created.
vmboot_timed=(env TZ=UTC VMBOOT_LOG_LEVEL=info
    "VMBOOT_JAVA_OPTS=${VMBOOT_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS" "$bin")

echo "(a) OVMF.fd to \"Shell>\" (both include OVMF's 5 s startup.nsh countdown; goal <= 0.70)"
bench ovmf 0.70 'Shell>' 240 -- \
    "${qemu_base[@]}" -bios "$ovmf" -- \
    "${vmboot_timed[@]}" boot -m 512M -c 1 "$ovmf"

echo "(b) Debian kernel via PVH to the init marker (goal <= 0.80)"
bench pvh 0.80 'VMBOOT-GUEST-OK' 180 -- \
    "${qemu_base[@]}" -kernel "$guest/vmlinux" -initrd "$guest/initramfs.cpio.gz" -append "$append" -- \
    "${vmboot_timed[@]}" boot -p pvh -m 512M -c 1 -i "$guest/initramfs.cpio.gz" -a "$append" "$guest/vmlinux"

# (b') What the VMM costs without its start-up: one vmboot process boots the kernel twice (as a resident vmboot, the
# LinuxBoot boot manager's shell, would boot one entry after another); timed from the first guest's power-off line to
# the second guest's marker, so it includes tearing down the first VM and creating and loading the second.
echo "(b') the same kernel booted by a vmboot that is already running (for reading only: the goal is (b)'s ratio)"
boot_cmd="boot -p pvh -m 512M -c 1 -i $guest/initramfs.cpio.gz -a '$append' $guest/vmlinux"
rt=() rreason=""
for i in $(seq "$runs"); do
    r=$(time_between "pvh-resident-$i" 300 'reboot: Power down' 'VMBOOT-GUEST-OK' \
        "${vmboot_timed[@]}" -c "$boot_cmd; $boot_cmd")
    case $r in FAIL*) rreason=${r#FAIL }; echo "  resident run $i: FAILED: $rreason" ;;
        *) rt+=("$r"); echo "  resident run $i: $r ms" ;; esac
done
if [ -n "$rreason" ]; then
    echo "pvh-resident: vmboot: $rreason"
elif [ -n "${pvh_qemu_median:-}" ]; then
    rm_=$(printf '%s\n' "${rt[@]}" | median)
    awk -v r="$rm_" -v q="$pvh_qemu_median" \
        'BEGIN { printf "pvh-resident: vmboot median %d ms; ÷ QEMU-KVM whole process (median %d ms): %.2f\n", r, q, r / q }'
fi

if [ -x bench/vm-exits.sh ]; then
    echo "(c) port-I/O exits per second: see bench/vm-exits.sh"
fi
