#!/bin/bash
# Runs COMMAND inside the nested KVM lab: an L1 Linux guest under QEMU TCG
# (-cpu max emulates AMD SVM) that has /dev/kvm and sees the host's root
# filesystem read-only (plus --rw shares), chrooted, in the caller's cwd.
# Exit status: the command's; 124 timeout; 86 emulator crashed or stalled twice;
# 85 the lab itself failed (setup inside L1, no exit marker).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() {
  echo "usage: $0 [--rw DIR]... [--mem 6G] [--cpus 2] [--timeout SECONDS] -- COMMAND [ARGS...]" >&2
  exit 2
}
say() { echo "LAB: $*" >&2; }

rw=() mem=6G cpus=2 tmo=3600
# L1 writes a heartbeat to its second serial port every 10 s; this long without one means the emulator has stalled
# (seen under TCG with an SMP L1: the whole guest stops, no timer runs), which counts like a crash.
stall=${VMBOOT_LAB_STALL_SECONDS:-240}
while [ $# -gt 0 ]; do
  case $1 in
    --rw) [ -d "${2:-}" ] || { say "--rw needs an existing directory: '${2:-}'"; exit 2; }
          rw+=("$(realpath "$2")"); shift 2 ;;
    --mem) mem=${2:?}; shift 2 ;;
    --cpus) cpus=${2:?}; shift 2 ;;
    --timeout) tmo=${2:?}; shift 2 ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
[ $# -gt 0 ] || usage

cache=$("$here/setup.sh")

# The job dir is read by L1 through the read-only host root share.
job=$(mktemp -d /tmp/vmboot-lab.XXXXXX)
trap 'rm -rf "$job"' EXIT

# HOME stays the host's only if it (or a dir in it, e.g. ~/.m2) is writable in L1.
home=/tmp
for d in "${rw[@]}"; do
  case $d/ in "$HOME"/*) home=$HOME ;; esac
done

qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp "$cpus" -m "$mem"
  -nodefaults -no-user-config -display none -serial stdio -serial "file:$job/alive" -no-reboot
  -pidfile "$job/qemu.pid"
  -kernel "$cache/vmlinuz" -initrd "$cache/initramfs.cpio.gz"
  -append "console=ttyS0 quiet loglevel=0 panic=-1 mitigations=off vmboot_lab.job=$job"
  -virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap)
: >"$job/shares"
i=0
for d in "${rw[@]}"; do
  qemu+=(-virtfs "local,path=${d//,/,,},mount_tag=rw$i,security_model=none,multidevs=remap")
  echo "rw$i $d" >>"$job/shares"
  i=$((i + 1))
done

{ # The job: a clean environment plus a few passed-through variables.
  for v in JAVA_HOME PATH CI LANG MAVEN_OPTS JAVA_TOOL_OPTIONS $(compgen -e | grep '^VMBOOT_' || true); do
    [ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
  done
  printf 'export HOME=%q\n' "$home"
  printf 'cd %q || { echo "LAB: cwd not visible in L1 (under /tmp? use --rw)"; exit 85; }\n' "$PWD"
  # One KVM VM held open for the job, so VM create/destroy cycles do not re-patch the kernel's scheduler under TCG
  # (see hold-kvm-vm.pl: L1 froze in an endless INT3 loop otherwise).
  printf '%q </dev/null >/dev/null &\n' "$here/hold-kvm-vm.pl"
  printf 'exec'; printf ' %q' "$@"; echo
} >"$job/job.sh"

# Streams the console to stdout live, minus the exit marker, whose status goes
# to $job/rc. mawk must be told not to buffer.
filter() {
  local aw=(awk); awk -W version 2>&1 | grep -q mawk && aw=(awk -W interactive)
  "${aw[@]}" -v rcfile="$job/rc" '
    match($0, /VMBOOT-LAB-EXIT -?[0-9]+$/) {
      printf "%s", substr($0, 1, RSTART - 1)
      print substr($0, RSTART + 16) > rcfile
      next
    }
    { print; fflush() }'
}

# Kills QEMU when L1's heartbeat file stops growing for $stall seconds (from the first one on; before it, L1 is
# still booting and gets the same allowance), leaving $job/stalled behind.
watch_heartbeat() {
  local last=-1 since=$SECONDS size
  while sleep 5; do
    size=$(stat -c %s "$job/alive" 2>/dev/null || echo 0)
    if [ "$size" != "$last" ]; then last=$size since=$SECONDS; continue; fi
    if [ $((SECONDS - since)) -ge "$stall" ]; then
      : >"$job/stalled"
      kill -KILL "$(cat "$job/qemu.pid" 2>/dev/null)" 2>/dev/null
      return
    fi
  done
}

# One boot. Returns 0 when the marker was seen, 124 on timeout, 86 if QEMU
# crashed, 85 if the guest ended without a marker.
attempt() {
  rm -f "$job/rc" "$job/stalled" "$job/alive" "$job/qemu.pid"
  watch_heartbeat &
  local watcher=$!
  set +e
  timeout -k 10 "$tmo" "${qemu[@]}" </dev/null 2>"$job/qemu.err" | filter
  local qst=${PIPESTATUS[0]}
  kill "$watcher" 2>/dev/null; wait "$watcher" 2>/dev/null
  set -e
  [ -s "$job/rc" ] && return 0
  if [ -e "$job/stalled" ]; then
    say "emulator stalled: no heartbeat from L1 for ${stall}s; QEMU killed"
    return 86
  fi
  if [ "$qst" = 124 ]; then
    say "timeout after ${tmo}s: QEMU killed"
    return 124
  fi
  if [ "$qst" != 0 ] || grep -qE 'tcg_handle_interrupt|assertion failed|Aborted' "$job/qemu.err"; then
    say "emulator crashed (qemu status $qst: $(tail -c 300 "$job/qemu.err" | tr '\n' ' '))"
    return 86
  fi
  say "guest ended without exit marker (kernel panic?); qemu stderr: $(tail -c 300 "$job/qemu.err")"
  return 85
}

st=0
attempt || st=$?
if [ "$st" = 86 ]; then
  say "retrying once after the emulator crashed or stalled"
  st=0
  attempt || st=$?
  [ "$st" = 86 ] && say "emulator crashed or stalled twice; giving up (exit 86)"
fi
[ "$st" = 0 ] || exit "$st"
exit "$(cat "$job/rc")"
