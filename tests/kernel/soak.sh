#!/usr/bin/env bash
# The soak on the emulated x86_64 board (issue 12, tests/soak/README.md): tests/soak/soak.kp
# traces two processes that each make KTAP_SOAK_OPENS (default 250000) openat()/close()
# pairs at once, on the board's two CPUs: a million events and more, with a small live set
# (one open file name per thread, one global table replaced per event), under a session
# memory budget of 256 KiB. Without reclamation the session hit that budget after some
# hundred events; with it every event must run: no runtime error, no budget hit, every
# openat counted, the summary's peak memory within the budget.
# Boots qemu-x86_64 on the first free port of the soak range (boards/ports.tsv, or
# KTAP_SOAK_PORT) and stops it at exit; uses $KTAP_STATE_DIR like the other board tests.
# Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/out/tests/kernel-soak
rm -rf "$work"; mkdir -p "$work"
pass=0; fail=0
source "$root/tests/lib/checks.sh" # ok, bad, check, finish
source "$root/tests/lib/tools.sh"  # ktap_tools
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
board=qemu-x86_64
tree=6.1-amd64
opens=${KTAP_SOAK_OPENS:-250000}
memory=262144

ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
bash "$root/scripts/build-module.sh" "$tree" > "$work/module.log" 2>&1 ||
    { bad "ktapvm.ko builds against $tree" "$(tail -n 5 "$work/module.log")"; finish; }
gcc -static -O2 -Wall -Wextra -Werror -o "$work/ktapwl" "$here/workload.c" || { bad "workload builds"; finish; }
bash "$root/boards/qemu/build-image.sh" "$board" > "$work/image.log" 2>&1 ||
    { bad "$board image builds" "$(tail -n 5 "$work/image.log")"; finish; }
source "$root/boards/qemu/ports.sh"
port=${KTAP_SOAK_PORT:-$(ktap_free_port soak)} || { bad "a free port of the soak range"; finish; }
bash "$root/boards/qemu/start.sh" "$board" --port "$port" > "$work/start.log" 2>&1 ||
    { bad "$board boots on port $port" "$(tail -n 5 "$work/start.log")"; finish; }
trap 'bash "$root/boards/qemu/stop.sh" "$board" >/dev/null 2>&1' EXIT
on_board() { timeout 180 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
on_board "cat > /tmp/ktapwl && chmod +x /tmp/ktapwl" < "$work/ktapwl" || { bad "workload pushed"; finish; }

start=$(date +%s)
timeout 600 "$tools/ktap" run --board "$board" --format json --limit memory=$memory --command-timeout 10m \
    "$root/tests/soak/soak.kp" -- sh -c "/tmp/ktapwl openclose $opens & /tmp/ktapwl openclose $opens; wait" \
    > "$work/out.jsonl" 2> "$work/err.log"
rc=$?
secs=$(( $(date +%s) - start ))
check "ktap run exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || echo "$(tail -n 5 "$work/err.log")" | sed 's/^/       /'
summary=$(grep '"type":"summary"' "$work/out.jsonl" | tail -n 1)
line=$(grep '"type":"printf"' "$work/out.jsonl" | tail -n 1)
read -r errors budget peak < <(python3 -c '
import json, sys
s = json.loads(sys.argv[1] or "{}")
print(s.get("runtime_errors", -1), sum(s.get("budget_hits", {"?": -1}).values()), s.get("memory_peak", -1))' "$summary")
events=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1] or "{}").get("values", [-1])[0])' "$line")
check "no runtime error" 0 "$errors"
check "no budget hit" 0 "$budget"
# every openat of both workloads ran its handler (the shell's own may add a few)
if [ "${events:--1}" -ge $((2 * opens)) ]; then ok "all $((2 * opens)) openat entries counted ($events)"
else bad "all $((2 * opens)) openat entries counted" "counted ${events:-none}; $(tail -n 3 "$work/err.log")"; fi
if [ "${peak:--1}" -gt 0 ] && [ "$peak" -le "$memory" ]; then ok "peak memory $peak bytes within the $memory-byte budget"
else bad "peak memory within the budget" "peak '${peak:-}'"; fi
echo "# soak: $((4 * opens)) openat/exit events on $board, memory budget $memory, peak $peak bytes, ${secs} s"
finish
