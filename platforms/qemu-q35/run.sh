#!/usr/bin/env bash
# Boots vmboot's LinuxBoot payload for QEMU's q35 machine (platforms/payload, platform qemu-q35): QEMU under TCG
# (-machine q35 -cpu max, which emulates AMD SVM, so the payload's kvm_amd gives vmboot a /dev/kvm) loads Debian's
# kernel and the payload's initramfs itself; the serial port is the console. Self-contained: nothing of the host is
# shared with the guest, whose JRE, libraries and vmboot all come from the initramfs.
#
# usage: run.sh [--payload DIR] [--disk IMAGE]... [--mem SIZE] [--timeout SECONDS] [--expect TEXT --log FILE]
#   --payload  the built payload (default platforms/payload/target/payload-qemu-q35: mvn -Dpayload -pl platforms/payload install)
#   --disk     an image passed as a read-only virtio disk (repeatable; vda, vdb... in the guest)
#   --expect   no terminal: the console goes to FILE (and stdout); ends with status 0 once TEXT is on it
# Exit status: 0 (TEXT seen; interactive: QEMU's), 124 timeout, 85 the guest ended without TEXT, 86 QEMU failed,
# 2 bad arguments.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
payload=$here/../payload/target/payload-qemu-q35
disks=() mem=2G tmo=1200 expect="" log=""
while [ $# -gt 0 ]; do
  case $1 in
    --payload) payload=${2:?}; shift 2 ;;
    --disk) [ -f "${2:-}" ] || { echo "run.sh: no disk image '${2:-}'" >&2; exit 2; }; disks+=("$2"); shift 2 ;;
    --mem) mem=${2:?}; shift 2 ;;
    --timeout) tmo=${2:?}; shift 2 ;;
    --expect) expect=${2:?}; shift 2 ;;
    --log) log=${2:?}; shift 2 ;;
    *) sed -n 's/^# \{0,1\}//; 7,12p' "$0" >&2; exit 2 ;;
  esac
done
for f in bzImage initramfs.cpio.xz; do
  [ -f "$payload/$f" ] || { echo "run.sh: no $payload/$f: build it with mvn -Dpayload -pl platforms/payload install" >&2
                            exit 2; }
done
if [ -n "$expect" ] && [ -z "$log" ]; then echo "run.sh: --expect needs --log FILE" >&2; exit 2; fi

# console=ttyS0: the only console; panic=-1 and -no-reboot: a kernel panic ends QEMU instead of looping.
qemu=(qemu-system-x86_64 -accel tcg -machine q35 -cpu max -smp 1 -m "$mem"
  -nodefaults -no-user-config -display none -no-reboot
  -kernel "$payload/bzImage" -initrd "$payload/initramfs.cpio.xz" -append "console=ttyS0 panic=-1")
i=0
for d in "${disks[@]}"; do
  qemu+=(-drive "file=${d//,/,,},if=none,id=disk$i,format=raw,readonly=on" -device "virtio-blk-pci,drive=disk$i")
  i=$((i + 1))
done

if [ -z "$expect" ]; then
  exec timeout --foreground "$tmo" "${qemu[@]}" -serial mon:stdio
fi

: >"$log"
"${qemu[@]}" -serial "file:$log" </dev/null 2>"$log.qemu-stderr" &
pid=$!
tail -f --pid="$pid" "$log" &
tailer=$!
status=124
for ((t = 0; t < tmo; t++)); do
  if grep -qF -- "$expect" "$log"; then status=0; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    qst=0; wait "$pid" || qst=$?
    if grep -qF -- "$expect" "$log"; then status=0
    elif [ "$qst" = 0 ]; then status=85; echo "run.sh: the guest ended without '$expect' on the console" >&2
    else status=86; echo "run.sh: QEMU failed (status $qst): $(tail -c 300 "$log.qemu-stderr")" >&2
    fi
    break
  fi
  sleep 1
done
kill "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
kill "$tailer" 2>/dev/null || true
[ "$status" = 124 ] && echo "run.sh: '$expect' not on the console within ${tmo}s" >&2
exit "$status"
