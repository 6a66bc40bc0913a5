# Sourced by the benchmarks that time VMM processes (bench/boot.sh, bench/disk.sh, bench/net.sh) after they set
# $work, an empty directory of their own: kills every process group they started when they exit, gives the guests a standard input
# that never ends and never types, and times patterns in a process's output.
# shellcheck shell=bash

cleanup() { # every process group the script started (each VMM run is one), whatever state it is in
    local g
    if [ -f "$work/pgids" ]; then
        while read -r g; do kill -KILL -- "-$g" 2>/dev/null || true; done <"$work/pgids"
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The guests' standard input: a FIFO that this script holds open for writing and never writes to, so neither VMM
# sees end-of-file or a key press (a key would stop OVMF's countdown and change what is measured).
mkfifo "$work/stdin"
exec {hold}<>"$work/stdin"

# time_to NAME TIMEOUT_S PATTERN CMD...: time_between from the process start.
time_to() {
    local name=$1 tmo=$2; shift 2
    time_between "$name" "$tmo" "" "$@"
}

# time_between NAME TIMEOUT_S FIRST SECOND CMD...: runs CMD in its own process group and prints the milliseconds from
# the moment FIRST appears on its stdout (the process start when FIRST is empty) until SECOND appears after it; on
# failure prints "FAIL <reason>" (timeout, or the process ended, with the last line it printed). The output is kept in
# $work/NAME.out, the epoch milliseconds of the match in $work/NAME.end. The process group is killed either way, unless KEEP=1, when it is left running and its id is
# written to $work/NAME.pid (the caller measures it, then kills it). Output is read in pieces that end with the last
# character of the pattern awaited, so a prompt is seen without a newline after it.
time_between() {
    local name=$1 tmo=$2 first=$3 second=$4; shift 4
    local log=$work/$name.out err=$work/$name.err fifo=$work/$name.fifo
    local t0 t1 deadline now left chunk pid res="" pat delim
    rm -f "$fifo"; mkfifo "$fifo"; : >"$log"
    t0=${EPOCHREALTIME/./}
    setsid "$@" <"$work/stdin" >"$fifo" 2>"$err" &
    pid=$!
    echo "$pid" >>"$work/pgids"   # this runs in a subshell: the EXIT trap of the script reads this file
    echo "$pid" >"$work/$name.pid"
    exec {rd}<"$fifo"
    deadline=$((t0 + tmo * 1000000))
    if [ -z "$first" ]; then t1=$t0 pat=$second; else t1="" pat=$first; fi
    local what="'$second'${first:+ after '$first'}"
    while :; do
        delim=${pat: -1}
        now=${EPOCHREALTIME/./}
        left=$(( (deadline - now) / 1000000 ))
        [ "$left" -gt 0 ] || { res="FAIL no $what within ${tmo}s"; break; }
        if IFS= read -r -d "$delim" -t "$left" -u "$rd" chunk; then
            printf '%s%s' "$chunk" "$delim" >>"$log"
            case $chunk$delim in
                *"$pat")
                    now=${EPOCHREALTIME/./}
                    if [ -z "$t1" ]; then t1=$now pat=$second; continue; fi
                    res=$(( (now - t1) / 1000 )); echo "$(( now / 1000 ))" >"$work/$name.end"
                    break ;;
            esac
        else
            # read failed: timeout (status > 128) or end of output (the process closed stdout / exited).
            local rs=$?
            [ -n "$chunk" ] && printf '%s' "$chunk" >>"$log"
            if [ "$rs" -gt 128 ] || [ "$(( ${EPOCHREALTIME/./} ))" -ge "$deadline" ]; then
                res="FAIL no $what within ${tmo}s"
            else
                wait "$pid" 2>/dev/null && st=0 || st=$?
                res="FAIL exited (status $st) without $what: $(last_words "$err" "$log")"
            fi
            break
        fi
    done
    if [ "${KEEP:-0}" = 1 ] && [ "${res#FAIL}" = "$res" ]; then
        # the reader stays open on a detached cat, so the VMM never blocks on a full pipe while it is measured
        cat <&"$rd" >>"$log" &
        echo "$!" >"$work/$name.drain"
    else
        kill -KILL -- "-$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    exec {rd}<&-
    echo "$res"
}

stop() { # NAME: kills what time_between left running with KEEP=1
    kill -KILL -- "-$(cat "$work/$1.pid")" 2>/dev/null || true
    kill "$(cat "$work/$1.drain" 2>/dev/null)" 2>/dev/null || true
}

last_words() { # the last non-empty line of stderr, else of stdout, cleaned of escape sequences
    local f line=""
    for f in "$@"; do
        line=$(sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' "$f" | grep -v '^[[:space:]]*$' | tail -1 || true)
        [ -n "$line" ] && break
    done
    echo "${line:-no output}" | cut -c1-200
}

median() { sort -n | awk '{a[NR]=$1} END {if (NR) print (NR%2 ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2))}'; }

# report_pair LABEL UNIT QEMU_ARRAY VMBOOT_ARRAY VREASON RUNS [OP GOAL [VMBOOT_NAME]]: the result lines of one measure
# taken on both sides: QEMU's median, vmboot's (or why it could not be measured: VREASON, when not empty), and the
# ratio vmboot ÷ QEMU with the goal when one is given (OP is >= or <=). The arrays are passed by name.
report_pair() {
    local label=$1 unit=$2 vreason=$5 runs=$6 op=${7:-} goal=${8:-} vname=${9:-vmboot}
    local -n q_values=$3 v_values=$4
    local qm vm goal_text=""
    [ -n "$op" ] && goal_text=" (goal $op $goal)"
    qm=$(printf '%s\n' "${q_values[@]}" | median)
    echo "$label: qemu-kvm median $([ -n "$qm" ] && echo "$qm $unit" || echo n/a) (${#q_values[@]}/$runs runs)"
    if [ -n "$vreason" ]; then
        echo "$label: vmboot: cannot measure: $vreason"
        echo "$label: ratio vmboot/qemu: n/a$goal_text"
        return
    fi
    vm=$(printf '%s\n' "${v_values[@]}" | median)
    echo "$label: $vname median $vm $unit (${#v_values[@]}/$runs runs)"
    if [ -z "$qm" ] || [ "$qm" = 0 ]; then
        echo "$label: ratio vmboot/qemu: n/a (no QEMU baseline)"
        return
    fi
    awk -v l="$label" -v v="$vm" -v q="$qm" -v op="$op" -v goal="$goal" 'BEGIN { r = v / q
        printf "%s: ratio vmboot/qemu: %.2f", l, r
        if (op == ">=") printf " (goal >= %s): %s", goal, (r >= goal ? "met" : "NOT met")
        if (op == "<=") printf " (goal <= %s): %s", goal, (r <= goal ? "met" : "NOT met")
        printf "\n" }'
}
