#!/usr/bin/env bash
# The emulated server from power-on, phase by phase (issue 14: "power-on -> menu, and menu -> EFI shell, in one run"):
# QEMU's q35 machine under TCG (platforms/qemu-q35/run.sh) boots the qemu-q35 LinuxBoot payload (Debian's kernel +
# the payload's initramfs) with scripts/run's demo disk as a virtio disk, as QemuQ35BootTest does; every console line
# is stamped with the host's clock as it arrives, and the times between these lines are the phases:
#   power-on        QEMU started (the emulated machine's reset)
#   kernel          "Linux version" (the kernel's first line: QEMU's direct boot of the bzImage, no firmware)
#   /init           "Run /init as init process" (the kernel unpacked the xz initramfs and started /init)
#   vmboot          "init: starting vmboot" (modules loaded, /dev/kvm there; the JVM starts now)
#   menu            "vmboot autoboot:" (Felix, the bundles, the scan of the disk: the menu is on the console)
#   boot            "Booting 1:" (the countdown ended; vmboot creates the VM)
#   firmware        OVMF's first line on the guest's serial port ("BdsDxe:", its boot manager picking the disk)
#   OS loader       "Booting `Debian" (GRUB, loaded by OVMF from the disk's ESP, boots Linux)
#   OS              "VMBOOT-GUEST-OK" (the guest's init, the end of the chain)
# The demo disk's ESP holds an OS, so OVMF goes to its boot manager and GRUB rather than to the EFI shell: "firmware"
# is the point where the shell would appear on a disk without one. The countdown (the menu's autoboot timeout) is
# its own phase, menu -> boot, and is left out of the others.
# Everything is emulated by TCG on the host's CPU (the payload's kvm_amd runs on QEMU's emulated SVM), 10-50x slower
# than the board, with nothing shared with the host; only the phases' ratios to each other and across runs of one
# build on one load mean anything. Medians of N runs (default 3), each phase and the totals power-on -> menu and
# boot -> OS.
# Usage: bench/payload-boot.sh [--payload DIR] [runs]
#   (build first: mvn -B -Dpayload -pl platforms/payload -am install -DskipTests; DIR: another built payload, e.g. to
#   compare two builds one after the other under the same load)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
payload=$root/platforms/payload/target/payload-qemu-q35
if [ "${1:-}" = --payload ]; then payload=$(cd "${2:?--payload needs a directory}" && pwd); shift 2; fi
runs=${1:-3}
case $runs in ''|*[!0-9]*|0) echo "usage: bench/payload-boot.sh [--payload DIR] [runs]" >&2; exit 2 ;; esac
[ -f "$payload/initramfs.cpio.xz" ] ||
    { echo "bench/payload-boot.sh: no payload in $payload: build it with mvn -Dpayload -pl platforms/payload -am install -DskipTests" >&2
      exit 2; }

guest=$(platforms/qemu/guest/prepare.sh | tail -n 1)
images=$root/target/bench-payload
mkdir -p "$images"
# The demo disk depends on its script and the guest images (whose directory name is their key).
key=$(sha256sum <platforms/qemu/guest/make-demo-disk.sh | cut -c1-12)-$(basename "$guest")
if [ ! -f "$images/$key.done" ]; then
    rm -f "$images"/*.img "$images"/*.done
    platforms/qemu/guest/make-demo-disk.sh "$guest" "$images/demo.img" >&2
    touch "$images/$key.done"
fi

work=$(mktemp -d)
# shellcheck source=bench/lib/process-timing.sh
. bench/lib/process-timing.sh

# The phases' names and the console text that ends each, in the order they appear.
names=(kernel /init vmboot menu boot firmware "OS loader" OS)
marks=("Linux version" "Run /init as init process" "init: starting vmboot" "vmboot autoboot:" "Booting 1:"
       "BdsDxe:" "Booting \`Debian" "VMBOOT-GUEST-OK")
again="The guest powered off; the menu again."
timeout_s=900

# one_run N: boots the payload once; writes the milliseconds from power-on to each mark, one line per mark, to
# $work/run-N.ms, or fails naming the mark not seen.
one_run() {
    local n=$1 stamped=$work/run-$1.log t0 line now pid i
    : >"$stamped"
    t0=${EPOCHREALTIME/./}
    setsid platforms/qemu-q35/run.sh --payload "$payload" --disk "$images/demo.img" --timeout "$timeout_s" \
        <"$work/stdin" 2>"$work/run-$n.err" > >(while IFS= read -r line; do
            printf '%s %s\n' "${EPOCHREALTIME/./}" "${line%$'\r'}"; done >>"$stamped") &
    pid=$!
    echo "$pid" >>"$work/pgids"
    while ! grep -qF -- "$again" "$stamped"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "run $n: QEMU ended before '$again': $(tail -c 300 "$work/run-$n.err") $(tail -n 3 "$stamped")" >&2
            return 1
        fi
        if [ $(( (${EPOCHREALTIME/./} - t0) / 1000000 )) -gt "$timeout_s" ]; then
            echo "run $n: '$again' not on the console within ${timeout_s}s" >&2; return 1
        fi
        sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    cp "$stamped" "$images/console-$n.log"
    : >"$work/run-$n.ms"
    for i in "${!marks[@]}"; do
        now=$(grep -aF -m1 -- "${marks[$i]}" "$stamped" | cut -d' ' -f1)
        [ -n "$now" ] || { echo "run $n: '${marks[$i]}' never appeared (console: $images/console-$n.log)" >&2; return 1; }
        echo $(( (now - t0) / 1000 )) >>"$work/run-$n.ms"
    done
}

median() { sort -n | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else print int((v[NR/2]+v[NR/2+1])/2)}'; }

echo "bench/payload-boot.sh: $runs run(s) of the qemu-q35 payload $payload (TCG), $(nproc) host CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((n = 1; n <= runs; n++)); do
    one_run "$n"
    echo "run $n: $(paste -sd' ' "$work/run-$n.ms") ms from power-on"
done

# span FROM TO (mark indexes, -1 = power-on): the milliseconds between the two marks in every run, their median
# first.
span() {
    local n vals=() a b
    for ((n = 1; n <= runs; n++)); do
        a=0; [ "$1" -ge 0 ] && a=$(sed -n "$(($1 + 1))p" "$work/run-$n.ms")
        b=$(sed -n "$(($2 + 1))p" "$work/run-$n.ms")
        vals+=($((b - a)))
    done
    echo "$(printf '%s\n' "${vals[@]}" | median) ${vals[*]}"
}

# Each phase, from the mark before it (or power-on): its median, then every run's.
printf '%-22s %10s   %s\n' "phase" "median ms" "runs"
prev=power-on
for i in "${!marks[@]}"; do
    read -r med vals <<<"$(span $((i - 1)) "$i")"
    printf '%-22s %10s   %s\n' "$prev -> ${names[$i]}" "$med" "$vals"
    prev=${names[$i]}
done
totals() { # LABEL FROM TO [NOTE]
    local med vals
    read -r med vals <<<"$(span "$2" "$3")"
    printf '%-23s %s (%s) ms%s\n' "$1:" "$med" "$vals" "${4:+ $4}"
}
totals "power-on -> menu" -1 3
totals "boot -> firmware" 4 5
totals "boot -> OS" 4 7
totals "power-on -> OS" -1 7 "(with the menu's countdown)"
