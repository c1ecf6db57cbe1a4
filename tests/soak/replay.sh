#!/usr/bin/env bash
# The soak in replay (tests/soak/README.md): soak.kp over EVENTS (default 1,000,000)
# generated openat entry/exit events of 50 threads, through `ktap replay` and the
# user-space runner of VARIANT (default native), under a session memory budget of 256 KiB.
# Every event must run: no runtime error, no budget hit, the last event's values printed
# by trace_end (its table's and its closures'), and the summary's peak memory at most
# 64 KiB (the live set's size, not the events'). Without reclamation the session hit the
# budget after 166 events; without closures reclaimed, after 508 entries.
#   tests/soak/replay.sh [native|asan|i686|arm-v7|powerpc] [EVENTS]
# Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
variant=${1:-native}
events=${2:-1000000}
memory=262144
peak_max=65536
work=$root/out/tests/soak-replay-$variant
rm -rf "$work"; mkdir -p "$work"
pass=0; fail=0
source "$root/tests/lib/checks.sh" # ok, bad, check, finish
source "$root/tests/lib/tools.sh"  # ktap_tools
case $variant in
    native|asan) target=x86_64; qemu= ;;
    i686) target=x86; qemu=qemu-i386-static ;;
    arm-v7) target=arm-v7; qemu=qemu-arm-static ;;
    powerpc) target=powerpc; qemu=qemu-ppc-static ;;
    *) echo "usage: $0 [native|asan|i686|arm-v7|powerpc] [EVENTS]" >&2; exit 2 ;;
esac
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
make -s -C "$root/runtime/ktapvm/user" -j2 VARIANT="$variant" > "$work/make.log" 2>&1 ||
    { bad "ktapvm-run ($variant) builds" "$(tail -n 5 "$work/make.log")"; finish; }
# ktap replay runs KTAP_RUNNER; a cross runner goes through its qemu-user
runner=$root/out/runtime/$variant/ktapvm-run
if [ -n "$qemu" ]; then
    printf '#!/bin/sh\nexec %s %s "$@"\n' "$qemu" "$runner" > "$work/runner"
    chmod +x "$work/runner"
    runner=$work/runner
fi
"$tools/ktapc" --target "$target" "$here/soak.kp" -o "$work/soak.kbc" 2> "$work/ktapc.err" ||
    { bad "soak.kp compiles" "$(cat "$work/ktapc.err")"; finish; }
python3 "$here/gen-events.py" "$events" 50 > "$work/events.jsonl" || { bad "events generated"; finish; }

start=$(date +%s.%N)
KTAP_RUNNER=$runner "$tools/ktap" replay "$work/soak.kbc" --events "$work/events.jsonl" --format json \
    --limit memory=$memory > "$work/out.jsonl" 2> "$work/err.log"
rc=$?
secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
rm -f "$work/events.jsonl"
check "ktap replay exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/       /' "$work/err.log" | tail -n 5
summary=$(grep '"type":"summary"' "$work/out.jsonl" | tail -n 1)
read -r errors budget peak runs < <(python3 -c '
import json, sys
s = json.loads(sys.argv[1] or "{}")
print(s.get("runtime_errors", -1), sum(s.get("budget_hits", {"?": -1}).values()), s.get("memory_peak", -1),
      s.get("handler_runs", -1))' "$summary")
check "no runtime error" 0 "$errors"
check "no budget hit" 0 "$budget"
check "every event ran its handler (and main, trace_end)" $((events + 2)) "$runs"
opens=$((events / 2))
check "trace_end sees the last event's table and closures" \
    "events $opens, open 0, last $opens ev-$opens in-$opens ev-$opens file-$opens" \
    "$(grep '"type":"printf"' "$work/out.jsonl" | python3 -c 'import json, sys; print(json.loads(sys.stdin.readline())["text"].strip())')"
if [ "${peak:--1}" -gt 0 ] && [ "$peak" -le "$peak_max" ]; then ok "peak memory $peak bytes (at most $peak_max of the $memory budget)"
else bad "peak memory at most $peak_max bytes" "peak '${peak:-}'"; fi
echo "# soak ($variant): $events events, memory budget $memory, peak $peak bytes, ${secs} s"
finish
