#!/usr/bin/env bash
# Start-up of the payload's JRE with its purpose-built libjvm.so (platforms/jvm/build-libjvm.sh: C1 and Serial GC
# only) against the same JRE with Debian's libjvm.so (and libjimage.so) of the same build, on this host (x86-64 Linux,
# as the payload). Both JREs are the X11SCH-F payload's (platforms/supermicro/x11sch-f/build-payload.sh, which leaves
# it in platforms/payload/target/payload-x11sch-f/work/jre), stripped alike; they differ only in lib/server/libjvm.so.
# Candidates, each a new JVM run to its end, interleaved (one of each per round, N rounds, default 9):
#   java -version            the bare JVM start
#   devices                  bin/vmboot devices with JAVA_HOME at the JRE and no class-data archive (VMBOOT_CDS=off;
#                            the payload has none: jre.cds = false, and the distribution's is made for the host JDK)
# Prints the median wall and CPU (user + system) time of each, in ms, and the custom ÷ stock ratio.
# Usage: bench/libjvm.sh [rounds]   (after build-payload.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-9}
root=$PWD
jre=$root/platforms/payload/target/payload-x11sch-f/work/jre
dist=$root/distribution/target/vmboot
work=${VMBOOT_BENCH_DIR:-$root/bench/results/libjvm}
[ -x "$jre/bin/java" ] || { echo "libjvm: build the X11SCH-F payload first (build-payload.sh)" >&2; exit 1; }
[ -x "$dist/bin/vmboot" ] || { echo "libjvm: build the distribution first (mvn -B install -DskipTests)" >&2; exit 1; }
jvm=$(platforms/jvm/build-libjvm.sh)

rm -rf "$work" && mkdir -p "$work"
cp -a "$jre" "$work/custom"
cp -a "$jre" "$work/stock"
for l in lib/server/libjvm.so lib/libjimage.so; do
    cp "$jvm/jdk/$l" "$work/stock/$l"
    chmod u+w "$work/stock/$l"
    strip --strip-unneeded "$work/stock/$l"   # as the payload builder strips them
done
cp -a "$dist" "$work/vmboot"
rm -f "$work/vmboot/lib/vmboot.jsa"
for v in custom stock; do
    printf '%s: libjvm.so %s bytes, %s\n' "$v" "$(stat -c %s "$work/$v/lib/server/libjvm.so")" \
        "$("$work/$v/bin/java" -version 2>&1 | tail -1)"
done

# run NAME COMMAND...: one timed run, appended to $work/NAME as "wall_us cpu_us" (Python's clock and the child's
# rusage: GNU time's 10 ms steps are a third of a `java -version`)
run() {
    local name=$1
    shift
    python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
w = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(int(w * 1e6), int((r.ru_utime + r.ru_stime) * 1e6))' "$@" >>"$work/$name" || {
        echo "libjvm: $name failed: $*" >&2; exit 1; }
}
for _ in $(seq "$rounds"); do
    for v in custom stock; do
        run "$v.version" "$work/$v/bin/java" -version
        run "$v.devices" env JAVA_HOME="$work/$v" VMBOOT_CDS=off "$work/vmboot/bin/vmboot" devices
    done
done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
printf '%-10s %12s %12s %12s %12s\n' candidate "custom wall" "stock wall" "custom CPU" "stock CPU"
for c in version devices; do
    cw=$(cut -d' ' -f1 "$work/custom.$c" | median); sw=$(cut -d' ' -f1 "$work/stock.$c" | median)
    cc=$(cut -d' ' -f2 "$work/custom.$c" | median); sc=$(cut -d' ' -f2 "$work/stock.$c" | median)
    printf '%-10s %9.1f ms %9.1f ms %9.1f ms %9.1f ms   custom/stock: wall %.2f, CPU %.2f\n' "$c" \
        "$(echo "$cw / 1000" | bc -l)" "$(echo "$sw / 1000" | bc -l)" "$(echo "$cc / 1000" | bc -l)" \
        "$(echo "$sc / 1000" | bc -l)" "$(echo "$cw / $sw" | bc -l)" "$(echo "$cc / $sc" | bc -l)"
done
