#!/usr/bin/env bash
# VM exits per second through vmboot's KVM loop, and side by side with QEMU-KVM on the same guest image.
#
# (a) in process: vmboot.machine's VmExitBench builds a VM whose guest OUTs to port 0x510 in a tight loop, each OUT
#     one KVM_EXIT_IO dispatched through the port bus to a counting device; EXITS per run, RUNS runs, median printed.
#     The clock runs from vm.start() to the exit (vCPU thread creation included; the VM is built before).
# (b) side by side: the same PVH kernel (GuestCode.EXIT_LOOP_PVH, written by VmExitBench --pvh-elf) booted by
#         vmboot: bin/vmboot boot -p pvh -m 128M exit-loop.elf
#         QEMU:   qemu-system-x86_64 -accel kvm -cpu host -M pc -m 128 ... -kernel exit-loop.elf
#     OUTs EXITS times to port 0x500, which neither VMM has a device on, and prints the loop's own RDTSC count, so
#     VMM start-up and firmware are not in the number. Runs alternate; medians of RUNS each; the ratio is
#     vmboot exits/s ÷ QEMU exits/s (QEMU ticks ÷ vmboot ticks; above 1 means vmboot is faster). Exits per second
#     are printed when the kernel's TSC frequency is known (dmesg "tsc: Detected ... MHz").
#
# Needs KVM: where /dev/kvm is usable it runs directly; otherwise inside the nested lab (platforms/qemu/lab/run.sh),
# where KVM is nested under TCG and every exit is 10-50x slower than on hardware: compare the ratio.
# Usage: bench/vm-exits.sh [exits-per-run] [runs]
#        (build first: mvn -B -o install -DskipTests, which also builds distribution/target/vmboot for (b))
#        bench/vm-exits.sh --inner EXITS RUNS ELF   (what the lab runs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The lab has its own HOME: the outer run passes the repository on (run.sh keeps VMBOOT_* variables).
m2=${VMBOOT_M2_REPO:-${M2_REPO:-$HOME/.m2/repository}}
export VMBOOT_M2_REPO=$m2
jar() { # groupId-path artifact version
    local f="$m2/$1/$2/$3/$2-$3.jar"
    [ -f "$f" ] || { echo "vm-exits: missing $f (build and install first)" >&2; exit 1; }
    printf '%s' "$f"
}
machine=bundles/vmboot.machine/target
[ -d "$machine/test-classes/dev/vmboot/machine/internal" ] || {
    echo "vm-exits: $machine/test-classes missing (build vmboot.machine first)" >&2; exit 1; }
v=0.1.0-SNAPSHOT
cp="$root/$machine/classes:$root/$machine/test-classes"
cp="$cp:$(jar dev/vmboot vmboot.api $v)"
cp="$cp:$(jar dev/vmboot vmboot.memory $v):$(jar dev/vmboot vmboot.kvm $v)"
cp="$cp:$(jar dev/vmboot vmboot.platform $v):$(jar net/java/dev/jna jna 5.19.1)"
cp="$cp:$(jar dev/vmboot vmboot.virtio $v)"  # the virtio transport the machine builds
cp="$cp:$(jar dev/vmboot vmboot.testkit $v)"  # PvhElfImage, for --pvh-elf
cp="$cp:$(jar org/slf4j slf4j-api 1.7.36):$(jar org/slf4j slf4j-simple 1.7.36)"
# The launcher's JVM flags (bin/vmboot): what vmboot itself runs with, and C1 only, whose compiled methods are not
# replaced by C2 ones while the vCPU thread runs them (which crashed the JVM under TCG: platforms/qemu/lab/README.md).
bench_java=(java -XX:+UseSerialGC -Xmn8m -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xss2m
    "-XX:ErrorFile=$root/$machine/vm-exits/hs_err_%p.log" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn
    -cp "$cp" dev.vmboot.machine.internal.VmExitBench)

if [ "${1:-}" != --inner ]; then
    exits=${1:-200000}
    runs=${2:-5}
    case $exits$runs in *[!0-9]*) echo "usage: bench/vm-exits.sh [exits-per-run] [runs]" >&2; exit 2 ;; esac
    # Under the checkout, not /tmp: the lab sees the host's root read-only but has its own /tmp.
    elf=$root/$machine/vm-exits/exit-loop.elf
    mkdir -p "$(dirname "$elf")"
    "${bench_java[@]}" --pvh-elf "$elf" "$exits"
    # shellcheck source=scripts/kvm-usable.sh
    . scripts/kvm-usable.sh
    if kvm_usable; then
        exec "$0" --inner "$exits" "$runs" "$elf"
    fi
    echo "vm-exits: no usable /dev/kvm here: running in the nested lab (KVM under TCG; compare the ratio)"
    exec platforms/qemu/lab/run.sh --rw "$(dirname "$elf")" --timeout $((900 + runs * 900)) -- "$0" --inner "$exits" "$runs" "$elf"
fi

exits=$2 runs=$3 elf=$4
[ -c /dev/kvm ] || { echo "vm-exits: no /dev/kvm" >&2; exit 1; }
bin=$root/distribution/target/vmboot/bin/vmboot
work=$(mktemp -d /tmp/vmboot-bench-exits.XXXXXX)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "vm-exits: host $(uname -r), $(nproc) CPUs, $(qemu-system-x86_64 --version | head -1)"
echo "(a) in process, port 0x510 to a counting device: $exits exits per run, $runs runs"
"${bench_java[@]}" "$exits" "$runs"

echo "(b) the same PVH kernel under vmboot and QEMU-KVM, port 0x500 owned by no device: $exits exits per run"
# ticks NAME CMD...: runs CMD (bounded), prints the TSC ticks the guest reported, or "FAIL reason".
ticks() {
    local name=$1; shift
    local out=$work/$name.out st=0
    timeout -k 5 600 "$@" </dev/null >"$out" 2>"$work/$name.err" || st=$?
    local hex
    hex=$(tr -d '\r' <"$out" | sed -n 's/.*vm-exits: \([0-9a-f]*\) port exits in TSC ticks 0x\([0-9a-f]\{16\}\).*/\1 \2/p' \
        | head -1)
    if [ -z "$hex" ]; then
        echo "FAIL status $st, no result line; last output: $(tail -c 200 "$out" "$work/$name.err" | tr '\n' ' ')"
        return
    fi
    set -- $hex
    if [ $((16#$1)) != "$exits" ]; then
        echo "FAIL the guest made $((16#$1)) exits, not $exits"
        return
    fi
    echo $((16#$2))
}
qemu=(qemu-system-x86_64 -accel kvm -cpu host -M pc -m 128 -smp 1 -nodefaults -no-user-config -display none
    -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel "$elf")
vmb=("$bin" boot -p pvh -m 128M -c 1 "$elf")
qt=() vt=() failed=""
for i in $(seq "$runs"); do
    q=$(ticks "qemu-$i" "${qemu[@]}")
    if [ -x "$bin" ]; then v=$(ticks "vmboot-$i" "${vmb[@]}"); else v="FAIL not built ($bin missing)"; fi
    case $q in FAIL*) failed="$failed qemu" ;; *) qt+=("$q") ;; esac
    case $v in FAIL*) failed="$failed vmboot" ;; *) vt+=("$v") ;; esac
    echo "  run $i: qemu $q TSC ticks; vmboot $v TSC ticks"
done
if [ -n "$failed" ]; then
    echo "(b) a run failed ($failed): no ratio"
    exit 1
fi
qm=$(printf '%s\n' "${qt[@]}" | median)
vm=$(printf '%s\n' "${vt[@]}" | median)
mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Detected \([0-9.]*\) MHz.*/\1/p' | tail -1 || true)
awk -v q="$qm" -v v="$vm" -v n="$exits" -v mhz="$mhz" -v runs="$runs" 'BEGIN {
    if (mhz != "") {
        printf "(b) vmboot: %.0f exits/s, QEMU-KVM: %.0f exits/s (medians of %d, TSC %s MHz)\n",
            n / (v / (mhz * 1e6)), n / (q / (mhz * 1e6)), runs, mhz
    } else {
        printf "(b) vmboot: %.0f TSC ticks, QEMU-KVM: %.0f TSC ticks per %d exits (medians of %d)\n", v, q, n, runs
    }
    printf "(b) ratio vmboot/QEMU exits per second: %.2f\n", q / v }'
