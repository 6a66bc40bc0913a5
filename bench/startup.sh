#!/usr/bin/env bash
# Cold start of bin/vmboot to the end of its first command's output ("vmboot devices": framework, every bundle,
# DS components, one command), median of N runs (default 7), with and without the class data sharing archive.
# Usage: bench/startup.sh [runs]   (build first: mvn -B install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
bin=distribution/target/vmboot/bin/vmboot
[ -x "$bin" ] || { echo "startup: build the distribution first (mvn -B install -DskipTests)" >&2; exit 1; }

measure() { # prints the median wall time in ms of $runs runs of: "$@"
    local times=() t0 t1
    for _ in $(seq "$runs"); do
        t0=$(date +%s%N)
        "$@" >/dev/null
        t1=$(date +%s%N)
        times+=($(( (t1 - t0) / 1000000 )))
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'
}

"$bin" devices >/dev/null   # warm the page cache: "cold" means a new JVM, not an empty disk cache
with=$(measure "$bin" devices)
without=$(VMBOOT_JAVA_OPTS="-Xshare:off" measure "$bin" devices)
echo "startup: bin/vmboot devices, median of $runs: ${with} ms with CDS archive, ${without} ms without (target <= 1500 ms)"
