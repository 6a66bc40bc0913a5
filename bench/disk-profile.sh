#!/usr/bin/env bash
# virtio-blk read, where the CPU goes: QEMU-KVM and vmboot each boot the test guest once and read its 256 MiB disk
# twice (dd bs=1M iflag=direct, as bench/disk.sh (a)), under `perf record -a` (499 Hz, CLOCK_MONOTONIC) inside the lab's
# L1. The guest's lines (vmboot.disk=queue-info,read-bench,queue-info,read-bench,queue-info) are time-stamped with L1's
# uptime as they arrive, which delimits each read. Then, on the host, for each read: the guest's requests and sectors
# per request (the queue-info stat lines), and the L1 CPU samples of each VMM thread, split into the copy into guest
# RAM (the kernel's copy from the page cache), the rest of the kernel, and for vmboot the interpreter, compiled Java
# (vmboot runs with -XX:+DumpPerfMapAtExit here) and the JVM itself. A sample is 2 ms of L1 CPU: unlike the guest's
# MB/s, the counts hardly move with the load of the machine the lab runs on (it only slows L1 down).
# DISK_PROFILE_COMPILATION=1: vmboot also runs with -XX:+PrintCompilation, and each read's block lists how many methods
# the JIT compiled during it, by package (the full list in target/disk-profile/vmboot.compiled, L1 uptime first).
# DISK_PROFILE_JAVA_OPTS: more JVM options for vmboot (to try one).
# Usage: bench/disk-profile.sh           (build first: mvn -B -pl distribution -am package -DskipTests)
#        bench/disk-profile.sh --inner GUEST_DIR DATA_IMAGE OUT_DIR   (what the lab runs)
#        bench/disk-profile.sh --report OUT_DIR                       (the tables again, from a finished run)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# shellcheck source=bench/lib/perf-samples.sh
. bench/lib/perf-samples.sh
bin=$root/distribution/target/vmboot/bin/vmboot
out=$root/target/disk-profile
append="console=ttyS0 quiet vmboot.disk=queue-info,read-bench,queue-info,read-bench,queue-info"

# report DIR NAME: one block per read of NAME's run
report() {
    local dir=$1 name=$2 t0="" t1 line n=0 s0="" s1
    echo "== $name"
    while read -r t line; do
        case $line in
            VMBOOT-DISK-QUEUE*)
                s1=${line##*stat=}
                if [ -n "$t0" ]; then
                    awk -v a="$s0" -v b="$s1" 'BEGIN { split(a, x, ","); split(b, y, ","); r = y[1] - x[1]
                        printf "   guest: %d read requests, %.0f sectors each\n", r, r ? (y[3] - x[3]) / r : 0 }'
                    t0=""
                fi
                s0=$s1 t0=$t ;;
            VMBOOT-DISK-READ*)
                n=$((n + 1)) t1=$t
                echo " read $n: ${line#VMBOOT-DISK-READ } (L1 uptime $t0 .. $t1)"
                thread_samples "$dir/$name.perf" "$dir/kallsyms" "$t0" "$t1" 0 "copy_user|_copy_to_iter|copy_page_to_iter|shmem_file_read|shmem_get|filemap|xas_"
                compiled "$dir/$name.compiled" "$t0" "$t1" ;;
        esac
    done <"$dir/$name.lines"
}

# compiled FILE T0 T1: the methods the JIT compiled within [T0, T1] (lines of -XX:+PrintCompilation), by package
compiled() {
    [ -s "$1" ] || return 0
    awk -v t0="$2" -v t1="$3" '$1 >= t0 && $1 <= t1 && !/made (not entrant|zombie)/ {
            for (i = 2; i <= NF && $i !~ /::/; i++) {}
            if (i > NF) next
            m = $i; sub(/::.*/, "", m); n = split(m, p, "."); pkg = ""
            for (j = 1; j < n; j++) pkg = pkg (j > 1 ? "." : "") p[j]
            c[pkg]++; all++
        }
        END {
            printf "   %d methods compiled during the read\n", all
            for (k in c) if (c[k] >= 2) printf "   %6d  compiled in %s\n", c[k], k
        }' "$1" | sort -k1,1nr -s
}

case ${1:-} in
--report)
    for name in qemu vmboot; do report "$2" "$name"; done
    exit 0 ;;
--inner)
    guest=$2 data=$3 dir=$4
    [ -c /dev/kvm ] || { echo "disk-profile: no /dev/kvm" >&2; exit 1; }
    command -v perf >/dev/null || { echo "disk-profile: no perf" >&2; exit 1; }
    work=$(mktemp -d /tmp/vmboot-disk-profile.XXXXXX)
    trap 'rm -rf "$work"' EXIT
    cp "$data" "$work/data.img"
    cat /proc/kallsyms >"$dir/kallsyms"
    qemu=(qemu-system-x86_64 -accel kvm -machine pc -cpu host -m 512 -smp 1 -nodefaults -no-user-config -display none
        -serial stdio -no-reboot -kernel "$guest/vmlinuz" -initrd "$guest/initramfs.cpio.gz" -append "$append"
        -drive "file=$work/data.img,if=none,id=d0,format=raw,readonly=on"
        -device virtio-blk-pci,drive=d0,disable-legacy=on)
    opts="-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit"
    # on stderr, apart from the guest's lines: the two would mix within a line on stdout
    [ "${DISK_PROFILE_COMPILATION:-0}" = 1 ] && opts="$opts -XX:+PrintCompilation -XX:+DisplayVMOutputToStderr"
    opts="$opts ${DISK_PROFILE_JAVA_OPTS:-}"
    vmboot=(env VMBOOT_JAVA_OPTS="$opts" "$bin" boot -p linux -m 512M
        -c 1 -i "$guest/initramfs.cpio.gz" -a "$append" --disk "$work/data.img,ro" "$guest/vmlinuz")
    for name in qemu vmboot; do
        perf record -a -F 499 -k mono -o "$dir/$name.perf" 2>"$dir/$name.perf.err" &
        recorder=$!
        sleep 3 # perf is slow to start under TCG
        rm -f "$work/fifo" && mkfifo "$work/fifo"
        if [ "$name" = qemu ]; then "${qemu[@]}" >"$work/fifo" 2>&1 &
        else "${vmboot[@]}" >"$work/fifo" 2>"$work/vmboot.stderr" & fi
        vmm=$!
        # the process's start in L1 uptime (clock ticks, USER_HZ 100): the JVM's time stamps count from about then
        started=$(awk '{ print $22 / 100 }' "/proc/$vmm/stat")
        : >"$dir/$name.lines"
        while IFS= read -r line; do # uptime read by the shell itself: no process started while the guest reads
            read -r up _ </proc/uptime
            line=${line%$'\r'}
            case $line in
                VMBOOT-DISK*|VMBOOT-GUEST-OK*) echo "$up $line" >>"$dir/$name.lines"; echo "$name: $line" ;;
            esac
        done <"$work/fifo"
        wait "$vmm" || echo "disk-profile: $name ended with status $?"
        if [ "$name" = vmboot ]; then # -XX:+PrintCompilation lines ("MS ID FLAGS LEVEL METHOD (SIZE)"), in L1 uptime
            awk -v t="$started" '$1 ~ /^[0-9]+$/ && /::/ { printf "%.2f %s\n", t + $1 / 1000, $0 }' \
                "$work/vmboot.stderr" >"$dir/$name.compiled"
        fi
        kill -INT "$recorder"; wait "$recorder" || true
    done
    cp /tmp/perf-*.map "$dir/" 2>/dev/null || true # vmboot's JIT symbols, read by perf script from /tmp
    exit 0 ;;
esac

[ -x "$bin" ] || { echo "disk-profile: $bin missing (build first)" >&2; exit 1; }
guest=$(platforms/qemu/guest/prepare.sh)
mkdir -p "$out" && rm -f "$out"/*
platforms/qemu/guest/make-disk.sh data "$out/data.img" 256 >/dev/null
platforms/qemu/lab/run.sh --cpus 1 --rw "$out" --timeout 1800 -- \
    env DISK_PROFILE_COMPILATION="${DISK_PROFILE_COMPILATION:-0}" DISK_PROFILE_JAVA_OPTS="${DISK_PROFILE_JAVA_OPTS:-}" \
    "$0" --inner "$guest" "$out/data.img" "$out"
cp "$out"/perf-*.map /tmp/ 2>/dev/null || true
"$0" --report "$out"
