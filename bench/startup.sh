#!/usr/bin/env bash
# Cold start of bin/vmboot, as a ratio to a bare `java -version` timed in the same run (this machine is shared and
# noisy: absolute times of different runs do not compare, ratios within one run do), in wall time (the goals) and in
# CPU time (user + system of all the run's processes, less disturbed by other load on the 2 cores). Every candidate is a new JVM
# run to its end; the runs are interleaved (one of each candidate per round, N rounds, default 7) and each candidate's
# median is divided by the median of `java -version`. Candidates:
#   devices            bin/vmboot devices: framework, every bundle, DS components, one command (the "ready shell")
#   devices, moved     the same from a copy moved elsewhere after the build (tar/cpio/cp -a keep the jars' times)
#   devices, no CDS    VMBOOT_CDS=off (the JDK's own archive only): what a moved distribution got before it was fixed
#   devices, no kept cache   -Dvmboot.bundle.cache=off: every bundle installed into a fresh cache, as before the
#                      launcher kept its bundle cache in cache/ (the runs before use the kept one, made by the first)
#   shell              the interactive shell (jline, gogo's profile) to its prompt, then exit
#   menu               bin/vmboot --autoboot on the 4-partition image of bench/scan.sh: scan, menu, "s", exit
#   scan               bin/vmboot scan of that image (ext4, xfs, vfat, iso9660)
#   scan, no kept cache     the same with -Dvmboot.bundle.cache=off
#   scan, fewer        the same with only the 24 bundles scan uses (no VMM, devices, boot protocols, FileInstall)
#   devices, jlink     a jlinked runtime (the 6 modules the bundles import, with its own CDS archives)
#   devices, Atomos    Apache Felix Atomos: the bundles on the class path, connected to Felix (bench/lib/AtomosDevices)
#   floor: ...         what vmboot is built on, with no vmboot bundle and no command (bench/lib/FrameworkFloor: start
#                      and stop Felix with a kept bundle cache and a dynamic CDS archive of its own, as the launcher):
#                      "Felix" alone; "+ DS, gogo" (Declarative Services, the gogo runtime and the OSGi libraries
#                      they need: the design's minimum); "+ CM, Metatype, Log" (also Configuration Admin, Metatype, the
#                      log service and SLF4J, which the distribution starts as well)
# A candidate that cannot be prepared here (no jlink, Atomos not in the local Maven repository) is skipped with a line
# saying why. Usage: bench/startup.sh [rounds]   (build first: mvn -B install -DskipTests)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-7}
root=$PWD
dist=$root/distribution/target/vmboot
work=${VMBOOT_BENCH_DIR:-$root/bench/results/startup}
[ -x "$dist/bin/vmboot" ] || { echo "startup: build the distribution first (mvn -B install -DskipTests)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "startup: GNU time measures the CPU time: apt-get install time" >&2; exit 1; }
if [ -n "${JAVA_HOME:-}" ]; then java=$JAVA_HOME/bin/java; else java=java; fi
repo=${VMBOOT_MAVEN_REPO:-$HOME/.m2/repository}
atomos_jar=$repo/org/apache/felix/org.apache.felix.atomos/1.0.0/org.apache.felix.atomos-1.0.0.jar
rm -rf "$work/moved" "$work/unpacked" "$work/menu" "$work/fewer" "$work/jlinked" "$work/atomos" "$work/floor"
mkdir -p "$work"

# The 4-partition image, made by bench/scan.sh (which also runs its warm scans once).
img=$work/scan/disk.img
[ -f "$img" ] || VMBOOT_BENCH_DIR="$work/scan" bench/scan.sh 1 >/dev/null
cat "$img" >/dev/null   # in the page cache: "cold" means a new JVM, not an empty disk cache

# Unpacked in one place, then moved: the archive made at build time goes along.
cp -a "$dist" "$work/unpacked"
mkdir -p "$work/moved"
mv "$work/unpacked" "$work/moved/vmboot"

cp -a "$dist" "$work/menu"
printf 'disks=%s\ntimeout=-1\n' "$img" >"$work/menu/etc/dev.vmboot.boot.cfg"

# Everything scan does not use: the VMM, its devices, the boot protocols, FileInstall, gogo's commands (Configuration
# Admin, Metatype and the log service stay: vmboot.shell and Metatype import them).
cp -a "$dist" "$work/fewer"
(cd "$work/fewer/bundle" && rm -f org.apache.felix.fileinstall-* org.apache.felix.gogo.command-* jna-* vmboot.kvm-* \
    vmboot.machine-* vmboot.platform-* vmboot.acpi-* vmboot.virtio-* vmboot.virtio.*-* vmboot.boot.*-*)

skipped=()
jre=$work/jre
if [ ! -x "$jre/bin/java" ] && command -v jlink >/dev/null; then
    # java.xml: SCR's component descriptions; java.desktop: java.beans, which commons-compress and commons-lang3
    # import; jdk.unsupported: sun.misc for JNA and zstd-jni; java.logging, java.management: the JDK's own users.
    jlink --add-modules java.base,java.xml,java.logging,java.management,jdk.unsupported,java.desktop \
        --strip-debug --no-header-files --no-man-pages --output "$jre"
    "$jre/bin/java" -Xshare:dump >/dev/null   # JDK 17's jlink makes no CDS archive of its own
fi
if [ -x "$jre/bin/java" ]; then
    cp -a "$dist" "$work/jlinked"
    rm -f "$work/jlinked"/lib/*.jsa
    JAVA_HOME=$jre VMBOOT_CDS=create "$work/jlinked/bin/vmboot" devices >/dev/null
else
    skipped+=("devices, jlink: no jlink in this JDK")
fi

# bin/vmboot's JVM options, for the Atomos candidate, which has its own class path and main class.
jvm_opts=(-XX:+UseSerialGC -Xmn3m -XX:TrimNativeHeapInterval=1000 -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1
    -XX:-UsePerfData -Xss1m
    -Djna.platform.library.path=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:/lib64:/usr/lib64:/lib:/usr/lib
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.logFile=System.err)
if [ -f "$atomos_jar" ] && command -v javac >/dev/null; then
    at=$work/atomos
    cp -a "$dist" "$at"
    rm -f "$at"/lib/*.jsa
    cp "$atomos_jar" "$at/lib/atomos.jar"
    mkdir -p "$at/classes"
    javac -d "$at/classes" -cp "$at/lib/felix.jar:$at/lib/atomos.jar" bench/lib/AtomosDevices.java
    jar cf "$at/lib/atomos-devices.jar" -C "$at/classes" .   # CDS takes jars only, no directories, on the class path
    # One-shot: without the interactive shell's bundles, as the launcher leaves them out.
    atomos_cp=$at/lib/atomos-devices.jar:$at/lib/felix.jar:$at/lib/atomos.jar
    for jar in "$at"/bundle/*.jar; do
        case ${jar##*/} in org.apache.felix.gogo.jline-*|jline-*) ;; *) atomos_cp=$atomos_cp:$jar ;; esac
    done
    atomos_cmd="'$java' ${jvm_opts[*]} -Djna.boot.library.path='$at/lib/native' -Dvmboot.home='$at' -cp '$atomos_cp'"
    atomos_cmd="$atomos_cmd AtomosDevices vmboot:devices"
    bash -c "${atomos_cmd/AtomosDevices/-XX:ArchiveClassesAtExit=$at/lib/atomos.jsa AtomosDevices}" >/dev/null
else
    skipped+=("devices, Atomos: org.apache.felix:org.apache.felix.atomos:1.0.0 is not in $repo (or no javac)")
fi

# The floor candidates: each with its bundle cache, made by a first run, and its archive, made by a second.
floor_candidates=()
if command -v javac >/dev/null; then
    fl=$work/floor
    mkdir -p "$fl/classes"
    javac -d "$fl/classes" -cp "$dist/lib/felix.jar" bench/lib/FrameworkFloor.java
    jar cf "$fl/floor.jar" -C "$fl/classes" .
    b=$dist/bundle
    ds_gogo=$(ls "$b"/org.osgi.util.function-*.jar "$b"/org.osgi.util.promise-*.jar \
        "$b"/org.osgi.service.component-*.jar "$b"/org.apache.felix.scr-*.jar "$b"/org.apache.felix.gogo.runtime-*.jar |
        tr '\n' ' ')
    services=$(ls "$b"/org.apache.felix.configadmin-*.jar "$b"/org.apache.felix.metatype-*.jar \
        "$b"/org.apache.felix.log-*.jar "$b"/slf4j-api-*.jar "$b"/slf4j-simple-*.jar | tr '\n' ' ')
    i=0
    for f in "Felix|" "+ DS, gogo|$ds_gogo" "+ CM, Metatype, Log|$ds_gogo $services"; do
        IFS='|' read -r name jars <<<"$f"
        i=$((i + 1))
        cmd="'$java' ${jvm_opts[*]} -cp '$fl/floor.jar:$dist/lib/felix.jar' FrameworkFloor '$fl/cache-$i' $jars"
        bash -c "$cmd" >/dev/null
        bash -c "${cmd/FrameworkFloor/-XX:ArchiveClassesAtExit=$fl/floor-$i.jsa FrameworkFloor}" >/dev/null 2>&1
        archived=${cmd/FrameworkFloor/-XX:SharedArchiveFile=$fl/floor-$i.jsa -Xshare:auto FrameworkFloor}
        floor_candidates+=("floor: $name|-|$archived")
    done
else
    skipped+=("floor: no javac")
fi

# name|goal (ratio, or -)|command run by bash -c, its standard output thrown away
candidates=(
    "java -version|-|'$java' -version 2>/dev/null"
    "devices|6|'$dist/bin/vmboot' devices"
    "devices, moved|6|'$work/moved/vmboot/bin/vmboot' devices"
    "devices, no CDS|-|VMBOOT_CDS=off '$dist/bin/vmboot' devices"
    "devices, no kept cache|-|VMBOOT_JAVA_OPTS=-Dvmboot.bundle.cache=off '$dist/bin/vmboot' devices"
    "shell|-|printf 'exit\\n' | '$dist/bin/vmboot' 2>/dev/null"
    "menu|-|printf 's\\nexit\\n' | '$work/menu/bin/vmboot' --autoboot 2>/dev/null"
    "scan|8|'$dist/bin/vmboot' scan '$img'"
    "scan, no kept cache|-|VMBOOT_JAVA_OPTS=-Dvmboot.bundle.cache=off '$dist/bin/vmboot' scan '$img'"
    "scan, fewer bundles|-|'$work/fewer/bin/vmboot' scan '$img'"
)
[ -d "$work/jlinked" ] && candidates+=("devices, jlink|-|JAVA_HOME='$jre' '$work/jlinked/bin/vmboot' devices")
candidates+=("${floor_candidates[@]}")
[ -d "$work/atomos" ] && candidates+=("devices, Atomos|-|${atomos_cmd/AtomosDevices/-XX:SharedArchiveFile=$at/lib/atomos.jsa -Xshare:auto AtomosDevices}")

# One untimed run of each: it must succeed (a candidate that fails fast would look fast), and it warms the page cache
# (and makes each copy's kept bundle cache, as a first start does).
for c in "${candidates[@]}"; do
    IFS='|' read -r name _ cmd <<<"$c"
    if ! out=$(bash -c "$cmd" </dev/null 2>&1); then
        echo "startup: candidate '$name' failed: $cmd" >&2
        printf '%s\n' "$out" | tail -5 >&2
        exit 1
    fi
done

# Wall time, and the CPU time (user + system) of the run's processes, which other load on the machine disturbs less.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
declare -A times cpu
for _ in $(seq "$rounds"); do
    for c in "${candidates[@]}"; do
        IFS='|' read -r name _ cmd <<<"$c"
        t0=${EPOCHREALTIME/./}
        /usr/bin/time -f '%U %S' -o "$work/cpu" bash -c "$cmd" </dev/null >/dev/null
        t1=${EPOCHREALTIME/./}
        times[$name]+="$(( (t1 - t0) / 1000 )) "
        cpu[$name]+="$(awk '{printf "%d", ($1 + $2) * 1000}' "$work/cpu") "
    done
done

median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }
base=$(median <<<"${times[java -version]}")
base_cpu=$(median <<<"${cpu[java -version]}")
echo "startup: medians of $rounds interleaved runs; ratio = median / median of \`java -version\` in this run" \
    "($base ms wall, $base_cpu ms CPU); load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-28s %9s %7s  %-14s %9s %7s  %s\n' candidate wall ratio goal CPU ratio "wall of each run (ms)"
for c in "${candidates[@]}"; do
    IFS='|' read -r name goal _ <<<"$c"
    m=$(median <<<"${times[$name]}")
    ratio=$(awk -v m="$m" -v b="$base" 'BEGIN {printf "%.1f", m / b}')
    mc=$(median <<<"${cpu[$name]}")
    ratio_cpu=$(awk -v m="$mc" -v b="$base_cpu" 'BEGIN {printf "%.1f", (b > 0 ? m / b : 0)}')
    verdict=""
    if [ "$goal" != - ]; then
        verdict=$(awk -v r="$ratio" -v g="$goal" 'BEGIN {print (r <= g ? "<= " g " met" : "<= " g " MISSED")}')
    fi
    printf '  %-28s %6s ms %6sx  %-14s %6s ms %6sx  %s\n' "$name" "$m" "$ratio" "$verdict" "$mc" "$ratio_cpu" \
        "${times[$name]}"
done
for s in "${skipped[@]}"; do echo "  skipped: $s"; done
