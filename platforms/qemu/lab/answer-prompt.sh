#!/bin/bash
# Runs COMMAND with a pipe as its standard input; when PATTERN first appears in its output, writes KEYS (printf
# escapes allowed, e.g. 'reset -s\r') to that pipe, then closes it. Its output passes through unchanged and its exit
# status is returned. The lab gives its job no terminal, so this is how a demo "types" at a guest's prompt
# (scripts/run: answer "Shell> " with "reset -s").
# Usage: answer-prompt.sh PATTERN KEYS -- COMMAND [ARGS...]
set -euo pipefail
[ $# -ge 4 ] && [ "$3" = -- ] || { echo "usage: $0 PATTERN KEYS -- COMMAND [ARGS...]" >&2; exit 2; }
pattern=$1 keys=$2
shift 3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkfifo "$dir/in" "$dir/out"
# Keep the input pipe open for writing until the answer is sent, so COMMAND sees no end of input before it.
# (Named pipes only: the lab's chroot has no /dev/fd for process substitution.)
exec 3<>"$dir/in"
"$@" <"$dir/in" >"$dir/out" &
pid=$!
seen=0 buf=""
while IFS= read -r -d '' -n 1 c; do
    printf '%s' "$c"
    buf="$buf$c"
    [ ${#buf} -le 200 ] || buf=${buf: -200}
    if [ $seen = 0 ] && [[ $buf == *"$pattern"* ]]; then
        seen=1
        printf "$keys" >&3
    fi
done <"$dir/out"
exec 3>&-
set +e
wait "$pid"
status=$?
exit $status
