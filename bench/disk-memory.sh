#!/usr/bin/env bash
# virtio-blk: where vmboot's memory beyond guest RAM goes, in the scenario of bench/disk.sh (c) (the test guest reads its
# 256 MiB disk whole, then waits), once per VARIANT, each a fresh vmboot process in one lab run. A variant is
# "LABEL[|JAVA_OPTIONS[|BOOT_OPTIONS[|ENVIRONMENT]]]": the Java options go to bin/vmboot as VMBOOT_JAVA_OPTS, the boot
# options are added to the boot command (e.g. --no-rng), the environment is NAME=VALUE words (e.g. MALLOC_ARENA_MAX=1);
# the word thp=MODE among them instead sets the lab kernel's transparent huge pages (always, madvise, never: sysfs
# transparent_hugepage/enabled) for that variant, put back after it; every variant prints the setting it ran under.
# For each: memory beyond guest RAM as bench/disk.sh (c) measures it, the threads, and the resident memory of
# /proc/PID/smaps by kind: guest RAM, each mapped file (libjvm, the CDS archives...), malloc's main heap, and the other
# anonymous memory (Java heap, thread stacks, metaspace, code cache, malloc arenas), its largest mappings listed; with
# -XX:NativeMemoryTracking=summary among the Java options, also the JVM's own account (jcmd VM.native_memory).
# Usage: [VMBOOT_DIST=DIR] bench/disk-memory.sh [VARIANT...]   (default: one run, "default"; build first:
#        mvn -B -pl distribution -am package -DskipTests)
#        bench/disk-memory.sh --inner GUEST_DIR DATA_IMAGE VARIANT...   (what the lab runs)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
bin=${VMBOOT_DIST:-$root/distribution/target/vmboot}/bin/vmboot   # VMBOOT_DIST: another copy of the distribution
guest_mib=512

if [ "${1:-}" != --inner ]; then
    [ -x "$bin" ] || { echo "disk-memory: $bin missing (build first)" >&2; exit 1; }
    [ $# -gt 0 ] || set -- default
    guest=$(platforms/qemu/guest/prepare.sh)
    out=$root/target/disk-memory
    mkdir -p "$out"
    [ -f "$out/data.img" ] || platforms/qemu/guest/make-disk.sh data "$out/data.img" 256 >/dev/null
    exec platforms/qemu/lab/run.sh --cpus 1 --timeout $((600 + $# * 400)) -- "$0" --inner "$guest" "$out/data.img" "$@"
fi

guest=$2 data_image=$3
shift 3
[ -c /dev/kvm ] || { echo "disk-memory: no /dev/kvm" >&2; exit 1; }
work=$(mktemp -d /tmp/vmboot-disk-memory.XXXXXX)
# shellcheck source=bench/lib/process-timing.sh
. bench/lib/process-timing.sh
cp "$data_image" "$work/data.img"
append="console=ttyS0 quiet vmboot.disk=read-bench vmboot.echo=1"

# smaps_summary PID: resident KiB by kind, then the largest anonymous mappings that are not guest RAM
smaps_summary() {
    local f=/proc/$1/smaps
    awk -v want=$((guest_mib * 1024)) '
        /^[0-9a-f]+-[0-9a-f]+ / { name = (NF >= 6) ? $6 : ""; next }
        /^Size:/ { size = $2; next }
        /^Rss:/ {
            if (name == "" && size == want) kind = "guest RAM"
            else if (name == "") kind = "anonymous (Java heap, stacks, metaspace, code cache, malloc arenas)"
            else if (name ~ /^\[/) kind = "anonymous " name
            else { kind = name; sub(/.*\//, "", kind); kind = "file " kind }
            r[kind] += $2
        }
        END { for (k in r) if (r[k] >= 64) printf "    %8.1f MiB  %s\n", r[k] / 1024, k }' "$f" | sort -rn
    echo "    largest other anonymous mappings (resident KiB, size KiB, range):"
    awk -v want=$((guest_mib * 1024)) '
        /^[0-9a-f]+-[0-9a-f]+ / { anon = (NF < 6); range = $1; next }
        /^Size:/ { size = $2; next }
        /^Rss:/ { if (anon && size != want && $2 > 0) printf "      %7d %9d  %s\n", $2, size, range }' "$f" |
        sort -rn | head -15
}

thp_file=/sys/kernel/mm/transparent_hugepage/enabled
thp_setting() { sed 's/.*\[\(.*\)\].*/\1/' "$thp_file"; }   # "always [madvise] never" -> madvise
thp_before=$(thp_setting)
trap 'echo "$thp_before" >"$thp_file" 2>/dev/null || true; cleanup' EXIT   # cleanup: process-timing.sh's

for variant in "$@"; do
    IFS='|' read -r label opts boot_opts environment <<<"$variant"
    thp=$thp_before env_words=""
    for word in ${environment:-}; do
        case $word in thp=*) thp=${word#thp=} ;; *) env_words="$env_words $word" ;; esac
    done
    environment=${env_words# }
    if ! echo "$thp" >"$thp_file" 2>/dev/null || [ "$(thp_setting)" != "$thp" ]; then
        echo "== $label: FAILED: cannot set transparent huge pages to '$thp' (now $(thp_setting))"
        continue
    fi
    echo "== $label (VMBOOT_JAVA_OPTS='${opts:-}'${boot_opts:+, boot $boot_opts}${environment:+, $environment}," \
        "THP $(thp_setting))"
    name=mem-$label
    # shellcheck disable=SC2086 # boot_opts and environment are word lists
    r=$(KEEP=1 time_between "$name" 400 "" 'VMBOOT-GUEST-READY' env ${environment:-} VMBOOT_LOG_LEVEL=info \
        VMBOOT_JAVA_OPTS="${opts:-}" "$bin" boot -p linux -m "${guest_mib}M" -c 1 -i "$guest/initramfs.cpio.gz" \
        -a "$append" --disk "$work/data.img,ro" ${boot_opts:-} "$guest/vmlinuz")
    case $r in FAIL*) echo "  FAILED: ${r#FAIL }"; continue ;; esac
    sleep 2
    pgid=$(cat "$work/$name.pid")
    java_pid=$(pgrep -g "$pgid" -x java || true)
    read_line=$(tr -d '\r' <"$work/$name.out" | grep -a '^VMBOOT-DISK-READ' | head -1 || true)
    echo "  guest: ${read_line:-no VMBOOT-DISK-READ line}; guest ready after $r ms"
    if [ -z "$java_pid" ]; then
        echo "  FAILED: no java process in group $pgid"
    else
        awk -v want=$((guest_mib * 1024)) '
            /^[0-9a-f]+-[0-9a-f]+ / { anon = (NF < 6) }
            /^Size:/ { size = $2 }
            /^Rss:/ { rss += $2; if (anon && size == want) ram += $2 }
            END { printf "  RSS %.1f MiB, guest RAM resident %.1f MiB: beyond guest RAM %.1f MiB\n",
                rss / 1024, ram / 1024, (rss - ram) / 1024 }' "/proc/$java_pid/smaps"
        echo "  threads: $(ls "/proc/$java_pid/task" | wc -l):" \
            "$(cat /proc/"$java_pid"/task/*/comm | sort | uniq -c | awk '{ printf "%s%s", sep, $2 ($1 > 1 ? "x" $1 : ""); sep = ", " }')"
        smaps_summary "$java_pid"
        case $opts in *NativeMemoryTracking*)
            jcmd "$java_pid" VM.native_memory summary 2>&1 | grep -E '^ *(-|Total)|committed=' |
                grep -vE '^ *\((malloc|mmap|arena|reserved|classes|instance|array|stack|threads)' | head -40 ;;
        esac
    fi
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait 2>/dev/null || true
done
