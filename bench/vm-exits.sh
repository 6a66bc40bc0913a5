#!/usr/bin/env bash
# VM exits per second through vmboot's KVM loop: a guest OUTs to an I/O port in a tight loop (each OUT is one
# KVM_EXIT_IO dispatched through the port bus to a counting device), EXITS per run, RUNS runs, median printed.
# The timing includes creating the vCPU thread, nothing else (the VM is built before the clock starts).
#
# Needs KVM: where /dev/kvm is usable it runs directly; otherwise inside the nested lab (platforms/qemu/lab/run.sh),
# where KVM is nested under TCG and every exit is 10-50x slower than on hardware.
# Usage: bench/vm-exits.sh [exits-per-run] [runs]
#        (build first: mvn -o -q -B -pl bundles/vmboot.memory,bundles/vmboot.kvm,bundles/vmboot.machine install)
set -euo pipefail
cd "$(dirname "$0")/.."
exits=${1:-200000}
runs=${2:-5}
case $exits$runs in *[!0-9]*) echo "usage: bench/vm-exits.sh [exits-per-run] [runs]" >&2; exit 2 ;; esac

m2=${M2_REPO:-$HOME/.m2/repository}
jar() { # groupId-path artifact version
    local f="$m2/$1/$2/$3/$2-$3.jar"
    [ -f "$f" ] || { echo "vm-exits: missing $f (build and install first)" >&2; exit 1; }
    printf '%s' "$f"
}
machine=bundles/vmboot.machine/target
[ -d "$machine/test-classes/dev/vmboot/machine/internal" ] || {
    echo "vm-exits: $machine/test-classes missing (build vmboot.machine first)" >&2; exit 1; }
v=0.1.0-SNAPSHOT
cp="$machine/classes:$machine/test-classes"
cp="$cp:$(jar dev/vmboot vmboot.api $v):$(jar dev/vmboot vmboot.memory $v):$(jar dev/vmboot vmboot.kvm $v)"
cp="$cp:$(jar dev/vmboot vmboot.platform $v):$(jar net/java/dev/jna jna 5.19.1)"
cp="$cp:$(jar org/slf4j slf4j-api 1.7.36):$(jar org/slf4j slf4j-simple 1.7.36)"
cmd=(java -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" dev.vmboot.machine.internal.VmExitBench
    "$exits" "$runs")

# shellcheck source=scripts/kvm-usable.sh
. scripts/kvm-usable.sh
if kvm_usable; then
    exec "${cmd[@]}"
fi
echo "vm-exits: no usable /dev/kvm here: running in the nested lab (KVM under TCG)"
exec platforms/qemu/lab/run.sh --timeout $((900 + runs * 600)) -- "${cmd[@]}"
