#!/bin/bash
# Checks the nested KVM lab through run.sh: /dev/kvm in L1, java in the chroot,
# and timings (L1 boot to command, java -version). With --ovmf [N], also boots
# OVMF N times (default 5) under QEMU-KVM inside L1 up to the UEFI "Shell>"
# prompt: proves the patched kvm_amd copes with EDK2, and gives the QEMU-KVM
# baseline vmboot is compared with.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

ovmf_runs=0
case ${1:-} in
  --ovmf) ovmf_runs=${2:-5} ;;
  "") ;;
  *) echo "usage: $0 [--ovmf [RUNS]]" >&2; exit 2 ;;
esac

# Runs inside L1 (chroot of the host root). $1 = OVMF runs.
inner=$(cat <<'EOF'
set -u
echo "SELFTEST-START uptime=$(cut -d' ' -f1 /proc/uptime)s"
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
if [ -c /dev/kvm ]; then echo "check: /dev/kvm is a char device"; else echo "FAIL: no /dev/kvm"; exit 1; fi
t=$(date +%s%N)
java -version 2>&1 | head -1 || { echo "FAIL: java -version"; exit 1; }
echo "time: java -version $(ms "$t") ms"
ok=0
for i in $(seq "$1"); do
  log=/tmp/ovmf$i.log
  t=$(date +%s%N)
  qemu-system-x86_64 -accel kvm -cpu host -m 256 -nodefaults -display none \
    -serial "file:$log" -bios /usr/share/ovmf/OVMF.fd -no-reboot </dev/null 2>"$log.err" &
  q=$!
  res="no Shell> within 120 s"
  while :; do
    if grep -q 'Shell>' "$log" 2>/dev/null; then res=shell; break; fi
    kill -0 "$q" 2>/dev/null || { res="qemu exited: $(tail -c 200 "$log.err")"; break; }
    [ "$(ms "$t")" -lt 120000 ] || break
    sleep 0.2
  done
  took=$(ms "$t")
  kill "$q" 2>/dev/null; wait "$q" 2>/dev/null; qst=$?
  if [ "$res" = shell ]; then ok=$((ok + 1)); echo "ovmf run $i: Shell> after $took ms"
  else
    echo "ovmf run $i: FAILED ($res, status $qst) after $took ms; serial tail:"
    tail -c 300 "$log" | cat -v; echo; dmesg | tail -5
  fi
done
[ "$1" = 0 ] || { echo "ovmf: $ok/$1 runs reached Shell>"; [ "$ok" = "$1" ]; }
EOF
)

"$here/setup.sh" >/dev/null   # keep setup out of the boot timing
t0=$(date +%s%N)
st=0
# Timestamps the first line of the command on the host side.
"$here/run.sh" --timeout $((300 + ovmf_runs * 150)) -- bash -c "$inner" selftest "$ovmf_runs" |
  while IFS= read -r line; do
    case $line in
      SELFTEST-START*)
        echo "time: L1 boot to command $(( ($(date +%s%N) - t0) / 1000000 )) ms (run.sh start to first output; guest ${line#*uptime=} after kernel start)" ;;
      *) echo "$line" ;;
    esac
  done || st=$?
# pipefail: st is run.sh's status (the reader loop always succeeds).
if [ "$st" = 0 ]; then echo "selftest: OK"; else echo "selftest: FAILED (status $st)" >&2; fi
exit "$st"
