#!/usr/bin/env bash
# virtio-net TCP guest -> host, where the CPU goes: QEMU-KVM and vmboot each boot the test guest once and send 16 MiB of
# zeros to the host over the tap (as bench/net.sh (a)), under `perf record -a` (499 Hz, CLOCK_MONOTONIC) inside the
# lab's L1 (one CPU, which the vCPU and every VMM thread share). The guest's lines are time-stamped with L1's uptime as
# they arrive: the transfer is from VMBOOT-NET-PING to VMBOOT-NET-ZEROS. For that window: the L1 CPU samples of each
# VMM thread (numbers in names folded), split into the kernel, and for vmboot the interpreter, compiled Java (vmboot
# runs with -XX:+DumpPerfMapAtExit here) and the JVM itself; the frames the VMM wrote to the tap and read from it
# (the tap's tx/rx counters, so bytes per frame show whether the guest's TCP segmentation offload is used); and, when
# L1's perf has the kvm tracepoints, the VM exits (kvm:kvm_exit), MSIs injected (kvm:kvm_msi_set_irq), exits to the
# VMM (kvm:kvm_userspace_exit) and context switches, counted by `perf stat -a` over the transfer; vmboot's device
# counters (its log line at the end: frames and bytes each way). Thread names are cut to 15 characters by the
# kernel: vmboot's "vmboot-vmlinuz-" are its queue workers (transmit; the receive queue's only wakes the receiver),
# "vmboot-virtio-n" the receive thread, "vmboot-vcpu-vml" the vCPU; QEMU's are all "qemu-system-xN". A sample is 2 ms of
# L1 CPU: unlike the guest's KB/s, the counts hardly move with the load of the machine the lab runs on.
# Usage: bench/net-profile.sh           (build first: mvn -B -pl distribution -am package -DskipTests)
#        bench/net-profile.sh --inner GUEST_DIR OUT_DIR   (what the lab runs)
#        bench/net-profile.sh --report OUT_DIR            (the tables again, from a finished run)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/lib/perf-samples.sh
. bench/lib/perf-samples.sh
bin=$root/distribution/target/vmboot/bin/vmboot
out=$root/target/net-profile
data_mib=16 port=45681 tap=vmbnet0 host_ip=10.213.9.1 guest_ip=10.213.9.2 mac=52:54:00:12:34:56
append="console=ttyS0 quiet vmboot.net=$guest_ip/24,$host_ip,zeros:$data_mib:$port"
events=kvm:kvm_exit,kvm:kvm_msi_set_irq,kvm:kvm_userspace_exit,context-switches

# report DIR NAME: the transfer of NAME's run
report() {
    local dir=$1 name=$2 t0 t1 line
    echo "== $name"
    t0=$(awk '/VMBOOT-NET-PING/ { print $1; exit }' "$dir/$name.lines")
    line=$(grep -m1 'VMBOOT-NET-ZEROS' "$dir/$name.lines" || true)
    [ -n "$t0" ] && [ -n "$line" ] || { echo " no transfer (see $dir/$name.lines)"; return; }
    t1=${line%% *}
    echo " ${line#* } (L1 uptime $t0 .. $t1)"
    # the tap's counters are the host's view: its rx is what the VMM wrote, its tx what the VMM read
    awk 'NR == FNR { b[$1] = $2; next } { d[$1] = $2 - b[$1] } END {
        printf "   tap: VMM wrote %d frames, %d bytes each; read %d frames (ACKs)\n", d["rx_packets"],
            d["rx_packets"] ? d["rx_bytes"] / d["rx_packets"] : 0, d["tx_packets"] }' "$dir/$name.tap0" "$dir/$name.tap1"
    [ -s "$dir/$name.stat" ] && awk -F, '$1 ~ /^[0-9]+$/ { printf "   %10d  %s\n", $1, $3 }' "$dir/$name.stat"
    thread_samples "$dir/$name.perf" "$dir/kallsyms" "$t0" "$t1" 1 ""
    [ -s "$dir/$name.counters" ] && sort -u "$dir/$name.counters" | sed 's/^/   device: /'
    return 0
}

case ${1:-} in
--report)
    for name in qemu vmboot; do report "$2" "$name"; done
    exit 0 ;;
--inner)
    guest=$2 dir=$3
    [ -c /dev/kvm ] || { echo "net-profile: no /dev/kvm" >&2; exit 1; }
    command -v perf >/dev/null || { echo "net-profile: no perf" >&2; exit 1; }
    work=$(mktemp -d /tmp/vmboot-net-profile.XXXXXX)
    trap 'ip link del "$tap" 2>/dev/null || true; rm -rf "$work"' EXIT
    # shellcheck source=bench/lib/host-tap.sh
    . bench/lib/host-tap.sh
    host_tap "$tap" "$host_ip"
    cat /proc/kallsyms >"$dir/kallsyms"
    perf stat -a -e "$events" -o /dev/null true 2>/dev/null || events=context-switches
    qemu=(qemu-system-x86_64 -accel kvm -machine pc -cpu host -m 512 -smp 1 -nodefaults -no-user-config -display none
        -serial stdio -no-reboot -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.cpio.gz" -append "$append"
        -netdev "tap,id=n0,ifname=$tap,script=no,downscript=no,vhost=off"
        -device "virtio-net-pci,netdev=n0,disable-legacy=on,mac=$mac")
    vmboot=(env VMBOOT_LOG_LEVEL=info VMBOOT_JAVA_OPTS="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit" "$bin"
        boot -p linux -m 512M -c 1 -i "$guest/initramfs.cpio.gz" -a "$append" --net "$tap,mac=$mac" "$guest/vmlinuz")
    stats() { for s in rx_packets rx_bytes tx_packets; do echo "$s $(cat "/sys/class/net/$tap/statistics/$s")"; done; }
    for name in qemu vmboot; do
        # the receiver: reads exactly data_mib MiB and closes
        /usr/bin/python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2]))); s.listen(1); s.settimeout(900)
c, _ = s.accept(); left = int(sys.argv[3])
while left > 0:
    b = c.recv(min(left, 1 << 20))
    if not b: break
    left -= len(b)
c.close()' "$host_ip" "$port" $((data_mib << 20)) &
        receiver=$!
        perf record -a -F 499 -k mono -o "$dir/$name.perf" 2>"$dir/$name.perf.err" &
        recorder=$!
        sleep 3 # perf is slow to start under TCG
        rm -f "$work/fifo" && mkfifo "$work/fifo"
        if [ "$name" = qemu ]; then "${qemu[@]}" >"$work/fifo" 2>&1 </dev/null &
        else "${vmboot[@]}" >"$work/fifo" 2>&1 </dev/null & fi
        vmm=$!
        : >"$dir/$name.lines" && : >"$dir/$name.stat" && : >"$dir/$name.counters"
        counter=""
        while IFS= read -r line; do # uptime read by the shell itself: the fewest processes started meanwhile
            read -r up _ </proc/uptime
            line=${line%$'\r'}
            case $line in
                VMBOOT-NET-PING*)
                    stats >"$dir/$name.tap0"
                    perf stat -a -x, -e "$events" -o "$dir/$name.stat" &
                    counter=$! ;;
                VMBOOT-NET-ZEROS*|VMBOOT-NET-ERROR*)
                    [ -n "$counter" ] && kill -INT "$counter" && { wait "$counter" || true; }
                    stats >"$dir/$name.tap1" ;;
                *"-virtio-net"*": rx_frames "*) echo "${line##*INFO }" >>"$dir/$name.counters" ;; # at the end
            esac
            case $line in
                VMBOOT-NET*|VMBOOT-GUEST-OK*) echo "$up $line" >>"$dir/$name.lines"; echo "$name: $line" ;;
            esac
        done <"$work/fifo"
        wait "$vmm" || echo "net-profile: $name ended with status $?"
        kill -INT "$recorder"; wait "$recorder" || true
        kill "$receiver" 2>/dev/null || true; wait "$receiver" 2>/dev/null || true
    done
    cp /tmp/perf-*.map "$dir/" 2>/dev/null || true # vmboot's JIT symbols, read by perf script from /tmp
    exit 0 ;;
esac

[ -x "$bin" ] || { echo "net-profile: $bin missing (build first)" >&2; exit 1; }
guest=$(platforms/qemu/guest/prepare.sh)
mkdir -p "$out" && rm -f "$out"/*
platforms/qemu/lab/run.sh --cpus 1 --rw "$out" --timeout 1800 -- "$0" --inner "$guest" "$out"
cp "$out"/perf-*.map /tmp/ 2>/dev/null || true
"$0" --report "$out"
