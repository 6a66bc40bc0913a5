# Sourced by the profiles (bench/disk-profile.sh, bench/net-profile.sh): L1 CPU samples of a `perf record -a` by thread
# and by what the thread was running.
# shellcheck shell=bash

# thread_samples PERF KALLSYMS T0 T1 FOLD COPY: the samples of PERF taken within [T0, T1] (L1 uptime, seconds), counted
# per thread name and category: the kernel (split into COPY, an awk pattern over the sample's line naming the kernel's
# copy routines, and the rest, unless COPY is empty), the JVM's interpreter, compiled Java (perf-PID.map, written by
# -XX:+DumpPerfMapAtExit), the JVM itself, else the sample's library; FOLD=1 folds the numbers in thread names
# (vmboot-net-rx-0 and -1 count together). Rows of fewer than 3 samples are left out.
thread_samples() {
    perf script -i "$1" --kallsyms="$2" -F comm,tid,time,ip,sym,dso 2>/dev/null |
        awk -v t0="$3" -v t1="$4" -v fold="$5" -v copy="$6" -v width="$([ "$5" = 1 ] && echo 28 || echo 20)" '
        {
            for (i = 1; i <= NF && $i !~ /^[0-9]+\.[0-9]+:$/; i++) {}
            t = substr($i, 1, length($i) - 1) + 0
            if (t < t0 || t > t1) next
            comm = ""; for (j = 1; j < i - 1; j++) comm = comm (j > 1 ? " " : "") $j
            if (fold == 1) gsub(/[0-9]+/, "N", comm)
            dso = $NF; line = $0
            if (dso ~ /kallsyms/) cat = copy == "" ? "kernel" : line ~ copy ? "copy into guest RAM" : "kernel, other"
            else if (line ~ / Interpreter /) cat = "interpreter"
            else if (dso ~ /perf-[0-9]+\.map/) cat = "compiled Java"
            else if (dso ~ /libjvm/) cat = "JVM"
            else { gsub(/^\(|\)$/, "", dso); sub(/.*\//, "", dso); cat = dso }
            c[comm "\t" cat] += 1; all += 1
        }
        END {
            printf "   %d samples of L1 CPU (2 ms each)\n", all
            for (k in c) { split(k, p, "\t"); if (c[k] >= 3) printf "   %6d  %-" width "s %s\n", c[k], p[1], p[2] }
        }' | sort -k1,1nr -s
}
