#!/usr/bin/env bash
# The longer fuzzing run (CI only replays the committed inputs): every Jazzer @FuzzTest, of the parsers (GPT, MBR,
# XFS, ext4, FAT, ISO9660, PVH ELF, bzImage setup header) and of the devices a guest drives (UART, CMOS/RTC, PCI
# configuration, PIIX4 PM, fw_cfg, virtqueue, virtio-blk, virtio-net, virtio-console, virtio-rng, the virtio-pci
# transport), fuzzed in turn for its maxDuration (60 s each), one JVM per target (Jazzer fuzzes one test per run).
# Prints the executions each target reached and any finding; a finding leaves its reproducer (crash-*) in the module
# directory, to be copied into src/test/resources/<Test>Inputs/ by hand once fixed.
# Exit status: 0 without findings, 1 with.
# Usage: bench/fuzz.sh [MODULE_FILTER]     (build first: mvn -B install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-}
work=${VMBOOT_BENCH_DIR:-bench/results/fuzz}
mkdir -p "$work"

mapfile -t targets < <(grep -rn --include='*FuzzTest.java' -A1 '@FuzzTest' bundles/*/src/test \
    | sed -nE 's#^(bundles/[^/]+)/src/test/java/(.+)\.java-[0-9]+-[[:space:]]+(public[[:space:]]+)?void[[:space:]]+([A-Za-z0-9_]+).*#\1 \2 \4#p' \
    | awk '{ gsub("/", ".", $2); print }' | sort -u)
[ ${#targets[@]} -gt 0 ] || { echo "fuzz: no @FuzzTest found" >&2; exit 1; }

findings=0
for t in "${targets[@]}"; do
    read -r module class method <<<"$t"
    [ -z "$filter" ] || [[ $module == *"$filter"* ]] || continue
    simple=${class##*.}
    log=$work/$simple-$method.log
    echo "fuzz: $module $simple#$method"
    set +e
    (cd "$module" && JAZZER_FUZZ=1 mvn -B -ntp -o -q surefire:test -DfailIfNoTests=false \
        -Dsurefire.failIfNoSpecifiedTests=false -Dtest="$simple#$method" >"$OLDPWD/$log" 2>&1)
    status=$?
    set -e
    # libFuzzer's final status line: "#<runs> DONE ..." (or the last "#<runs> ..." pulse before a finding)
    runs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    if [ $status -eq 0 ]; then
        echo "  ${runs:-?} executions, no findings"
    else
        findings=$((findings + 1))
        echo "  FINDING or failure (status $status) after ${runs:-?} executions; see $log"
        grep -m3 -E '== Java Exception|Exception:|crash-' "$log" | sed 's/^/    /' || true
    fi
done
[ $findings -eq 0 ]
