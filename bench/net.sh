#!/usr/bin/env bash
# virtio-net: vmboot vs QEMU-KVM, side by side in one run (alternating), medians of N runs each (default 3), and the
# ratio vmboot ÷ QEMU. Both VMMs boot Debian's kernel with the test initramfs (platforms/qemu/guest), 512 MiB, 1 vCPU,
# one virtio-net NIC on the same TAP interface of this machine (vmbnet0, 10.213.9.1/24; the guest is 10.213.9.2).
# QEMU: -machine pc -accel kvm -cpu host, -netdev tap,vhost=off + -device virtio-net-pci,disable-legacy=on (modern
# only, as vmboot's; no vhost: the frames go through QEMU's own process as through vmboot's). vmboot: --net vmbnet0.
#   (a) TCP throughput guest -> host: the guest's /init (vmboot.net=...,zeros:MIB:PORT) sends MIB MiB of zeros with
#       busybox nc to a receiver on the host that reads exactly that much and closes; timed by the guest's monotonic
#       clock (VMBOOT-NET-ZEROS bytes=<n> ms=<t> rc=0); KB/s (KiB/s: nested under TCG both VMMs move well under
#       1 MB/s), ratio vmboot ÷ QEMU (bigger is better)
#   (b) packets per second of 64-byte frames guest -> host: the guest's /init (vmboot.net=...,frames:S:PORT) runs
#       frame-sender (platforms/qemu/guest/frame-sender.c, static: sendmmsg of 18-byte UDP datagrams for S seconds,
#       paced by its blocking socket) to a counting socket on the host; frames per second = what the VMM wrote to the
#       tap (its rx_packets, which also counts the guest's few other frames) per second of the guest's clock
# Needs KVM and root (it creates the tap): where /dev/kvm is usable it runs directly; otherwise inside the nested lab
# (platforms/qemu/lab/run.sh, one L1 CPU), where absolute figures are 10-50x off real hardware and vary by +-40%
# between runs: only the ratio of one run means anything. Inside the lab the tun module of the lab's kernel is loaded
# from its unpacked image.
# Usage: bench/net.sh [runs]        (build first: mvn -B -pl distribution -am package -DskipTests)
#        bench/net.sh --inner RUNS GUEST_DIR   (what the lab runs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=$root/distribution/target/vmboot/bin/vmboot
guest_mib=512 data_mib=16 frames_s=5 port=45680
tap=vmbnet0 host_ip=10.213.9.1 guest_ip=10.213.9.2 mac=52:54:00:12:34:56

if [ "${1:-}" != --inner ]; then
    runs=${1:-3}
    case $runs in ''|*[!0-9]*|0) echo "usage: bench/net.sh [runs]" >&2; exit 2 ;; esac
    guest=$(platforms/qemu/guest/prepare.sh)
    # shellcheck source=scripts/kvm-usable.sh
    . scripts/kvm-usable.sh
    if kvm_usable; then
        exec "$0" --inner "$runs" "$guest"
    fi
    echo "net: no usable /dev/kvm here: running in the nested lab (KVM under TCG; compare ratios, not times)"
    exec platforms/qemu/lab/run.sh --cpus 1 --timeout $((900 + runs * 900)) -- "$0" --inner "$runs" "$guest"
fi

runs=$2 guest=$3
[ -c /dev/kvm ] || { echo "net: no /dev/kvm" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "net: needs root (it creates the tap $tap)" >&2; exit 1; }
work=$(mktemp -d /tmp/vmboot-bench-net.XXXXXX)
# shellcheck source=bench/lib/process-timing.sh
. bench/lib/process-timing.sh

# shellcheck source=bench/lib/host-tap.sh
. bench/lib/host-tap.sh
host_tap "$tap" "$host_ip"
trap 'ip link del "$tap" 2>/dev/null || true; cleanup' EXIT

# receive NAME: in the background, accepts one connection on $port and reads exactly data_mib MiB, then closes;
# writes the bytes still missing (0: all came) to $work/NAME.rx
receive() {
    /usr/bin/python3 - "$host_ip" "$port" $((data_mib << 20)) >"$work/$1.rx" 2>&1 <<'PY' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
s.settimeout(900)
c, _ = s.accept()
left = int(sys.argv[3])
while left > 0:
    b = c.recv(min(left, 1 << 20))
    if not b:
        break
    left -= len(b)
c.close()
print(left)
PY
    rpid=$!
    sleep 1
}

# rate NAME: sets res to the KB/s (KiB/s, integer) of the VMBOOT-NET-ZEROS line in NAME's output, or "FAIL <why>";
# waits for the receiver (in this shell: it is this shell's child), which a guest that failed never reaches
rate() {
    local line missing
    line=$(tr -d '\r' <"$work/$1.out" | grep -aE '^VMBOOT-NET-(ZEROS|ERROR) ' | head -1 || true)
    case $line in VMBOOT-NET-ZEROS*) ;; *) kill "$rpid" 2>/dev/null || true ;; esac
    wait "$rpid" || true
    missing=$(cat "$work/$1.rx" 2>/dev/null || true)
    if [[ $line =~ ^VMBOOT-NET-ZEROS\ bytes=([0-9]+)\ ms=([0-9]+)\ rc=0$ ]] && [ "$missing" = 0 ]; then
        local bytes=${BASH_REMATCH[1]} ms=${BASH_REMATCH[2]}
        [ "$ms" -gt 0 ] || ms=1
        res=$(( bytes * 1000 / ms / 1024 ))
    else
        res="FAIL the guest printed: ${line:-no VMBOOT-NET-ZEROS line}; the receiver: ${missing:-nothing}"
    fi
}

qemu_base=(qemu-system-x86_64 -accel kvm -machine pc -cpu host -m "$guest_mib" -smp 1 -nodefaults -no-user-config
    -display none -serial stdio -no-reboot)
qnic=(-netdev "tap,id=n0,ifname=$tap,script=no,downscript=no,vhost=off"
    -device "virtio-net-pci,netdev=n0,disable-legacy=on,mac=$mac")
append="console=ttyS0 quiet vmboot.net=$guest_ip/24,$host_ip,zeros:$data_mib:$port"

echo "net: $runs runs per side, alternating; host $(uname -r), $(nproc) CPUs, $(qemu-system-x86_64 --version | head -1)"
echo "(a) TCP guest -> host, $data_mib MiB of zeros through busybox nc, timed in the guest"
qr=() vr=() vreason=""
for i in $(seq "$runs"); do
    receive "qemu-$i"
    r=$(time_between "qemu-$i" 600 "" 'VMBOOT-GUEST-OK' "${qemu_base[@]}" -kernel "$guest/vmlinuz" \
        -initrd "$guest/initramfs.cpio.gz" -append "$append" "${qnic[@]}")
    case $r in FAIL*) q="FAILED: ${r#FAIL }"; kill "$rpid" 2>/dev/null || true; wait "$rpid" || true ;;
        *) rate "qemu-$i"; q=$res ;; esac
    case $q in FAIL*) q="FAILED: ${q#FAIL }" ;; FAILED*) ;; *) qr+=("$q"); q="$q KB/s" ;; esac
    if [ -n "$vreason" ]; then v="skipped"
    elif [ ! -x "$bin" ]; then vreason="not built ($bin missing)"; v=$vreason
    else
        receive "vmboot-$i"
        r=$(time_between "vmboot-$i" 600 "" 'VMBOOT-GUEST-OK' env VMBOOT_LOG_LEVEL=info "$bin" boot -p linux \
            -m "${guest_mib}M" -c 1 -i "$guest/initramfs.cpio.gz" -a "$append" --net "$tap,mac=$mac" "$guest/vmlinuz")
        case $r in FAIL*) v=$r; kill "$rpid" 2>/dev/null || true; wait "$rpid" || true ;;
            *) rate "vmboot-$i"; v=$res ;; esac
        case $v in FAIL*) vreason=${v#FAIL }; v="FAILED: $vreason" ;; *) vr+=("$v"); v="$v KB/s" ;; esac
    fi
    echo "  run $i: qemu $q; vmboot $v"
done
report_pair tcp KB/s qr vr "$vreason" "$runs" ">=" 1.0

# (b) -------------------------------------------------------------------------------------------------------------
echo "(b) UDP guest -> host, 64-byte frames (18-byte datagrams, frame-sender in the guest) for $frames_s s; frames per" \
    "second = frames the VMM delivered to the tap (its rx_packets) per second of the guest's clock"
# sink NAME: in the background, a UDP socket on $port that reads and counts whatever comes (so the host answers no
# datagram with an ICMP port unreachable) until 5 s of silence after the first one; writes the count to $work/NAME.sink
sink() {
    /usr/bin/python3 - "$host_ip" "$port" >"$work/$1.sink" 2>&1 <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.bind((sys.argv[1], int(sys.argv[2])))
s.settimeout(900)
n = 0
try:
    while True:
        s.recv(2048)
        n += 1
        s.settimeout(5)
except socket.timeout:
    pass
print(n)
PY
    rpid=$!
    sleep 1
}
tap_rx() { cat "/sys/class/net/$tap/statistics/rx_packets"; }
# frames NAME RX_BEFORE: sets res to the frames per second of NAME's run ("FAIL <why>" when the guest did not send) and
# detail to what each side counted; the tap's count includes the guest's few other frames (3 pings, ARP, IPv6)
frames() {
    local line rx=$(( $(tap_rx) - $2 )) got
    line=$(tr -d '\r' <"$work/$1.out" | grep -aE '^VMBOOT-NET-(FRAMES|ERROR) ' | head -1 || true)
    # the sink ends 5 s after the last datagram; one that never got any would wait 900 s
    case $line in VMBOOT-NET-FRAMES*) ;; *) kill "$rpid" 2>/dev/null || true ;; esac
    wait "$rpid" 2>/dev/null || true
    got=$(cat "$work/$1.sink" 2>/dev/null || true)
    if [[ $line =~ ^VMBOOT-NET-FRAMES\ sent=([0-9]+)\ failed=([0-9]+)\ ms=([0-9]+) ]] && [ "${BASH_REMATCH[3]}" -gt 0 ]; then
        res=$(( rx * 1000 / BASH_REMATCH[3] ))
        detail="guest sent ${BASH_REMATCH[1]} in ${BASH_REMATCH[3]} ms (${BASH_REMATCH[2]} failed calls), tap $rx, host socket ${got:-?}"
    else
        res="FAIL the guest printed: ${line:-no VMBOOT-NET-FRAMES line}"
    fi
}
append_frames="console=ttyS0 quiet vmboot.net=$guest_ip/24,$host_ip,frames:$frames_s:$port"
qf=() vf=() vreason=""
for i in $(seq "$runs"); do
    sink "fq-$i"; rx0=$(tap_rx)
    r=$(time_between "fq-$i" 600 "" 'VMBOOT-GUEST-OK' "${qemu_base[@]}" -kernel "$guest/vmlinuz" \
        -initrd "$guest/initramfs.cpio.gz" -append "$append_frames" "${qnic[@]}")
    frames "fq-$i" "$rx0"
    case $r in FAIL*) q="FAILED: ${r#FAIL }" ;; *) case $res in FAIL*) q="FAILED: ${res#FAIL }" ;;
        *) qf+=("$res"); q="$res frames/s ($detail)" ;; esac ;; esac
    if [ -n "$vreason" ]; then v="skipped"
    elif [ ! -x "$bin" ]; then vreason="not built ($bin missing)"; v=$vreason
    else
        sink "fv-$i"; rx0=$(tap_rx)
        r=$(time_between "fv-$i" 600 "" 'VMBOOT-GUEST-OK' env VMBOOT_LOG_LEVEL=info "$bin" boot -p linux \
            -m "${guest_mib}M" -c 1 -i "$guest/initramfs.cpio.gz" -a "$append_frames" --net "$tap,mac=$mac" \
            "$guest/vmlinuz")
        frames "fv-$i" "$rx0"
        case $r in FAIL*) vreason=${r#FAIL }; v="FAILED: $vreason" ;; *) case $res in
            FAIL*) vreason=${res#FAIL }; v="FAILED: $vreason" ;; *) vf+=("$res"); v="$res frames/s ($detail)" ;; esac ;; esac
    fi
    echo "  run $i: qemu $q; vmboot $v"
done
report_pair frames-64 frames/s qf vf "$vreason" "$runs" ">=" 1.0
