#!/usr/bin/env bash
# The soak on the emulated x86_64 board (issue 12, tests/soak/README.md), tests/soak/soak.kp
# under `ktap run` on qemu-x86_64 (2 CPUs), two parts:
#  1. one process making KTAP_SOAK_OPENS (default 500000) openat()/close() pairs: a million
#     events with a small live set (one open file name per thread, one global table
#     replaced per event) under a session memory budget of 256 KiB, which the same script
#     exhausted after some hundred events without reclamation;
#  2. two such processes at once (a fifth as many opens each), so handlers run on both
#     CPUs and each frees what the other dropped, under 2 MiB: a grace period lasts as long
#     as the slowest handler run in progress, and on an emulated board a vCPU the loaded
#     host does not schedule can hold one open for tens of milliseconds while the other
#     keeps making garbage (docs/vm.md, Reclamation).
# Each part: no runtime error, no budget hit, every openat counted, the summary's peak
# memory within the budget. Boots the board on the first free port of the soak range
# (boards/ports.tsv, or KTAP_SOAK_PORT) and stops it at exit; uses $KTAP_STATE_DIR like the
# other board tests. Last line: RESULT passed=N failed=M.
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
opens=${KTAP_SOAK_OPENS:-500000}

ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
bash "$root/scripts/build-module.sh" "$tree" > "$work/module.log" 2>&1 ||
    { bad "ktapvm.ko builds against $tree" "$(tail -n 5 "$work/module.log")"; finish; }
gcc -static -O2 -Wall -Wextra -Werror -o "$work/ktapwl" "$here/workload.c" || { bad "workload builds"; finish; }
source "$root/tests/lib/board-up.sh" # board_boot
source "$root/boards/qemu/ports.sh"
port=${KTAP_SOAK_PORT:-$(ktap_free_port soak)} || { bad "a free port of the soak range"; finish; }
board_boot "$board" "$port" || { bad "$board is up on port $port"; finish; }
on_board() { timeout 180 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
on_board "cat > /tmp/ktapwl && chmod +x /tmp/ktapwl" < "$work/ktapwl" || { bad "workload pushed"; finish; }

soak() { # NAME MEMORY OPENS_EXPECTED COMMAND: one ktap run of soak.kp and its checks
    local name=$1 memory=$2 want=$3 cmd=$4 start rc secs summary line errors budget peak events
    start=$(date +%s)
    timeout 600 "$tools/ktap" run --board "$board" --format json --limit memory="$memory" --command-timeout 10m \
        "$root/tests/soak/soak.kp" -- sh -c "$cmd" > "$work/$name.jsonl" 2> "$work/$name.err"
    rc=$?
    secs=$(( $(date +%s) - start ))
    check "$name: ktap run exits 0" 0 "$rc"
    [ "$rc" -eq 0 ] || tail -n 5 "$work/$name.err" | sed 's/^/       /'
    summary=$(grep '"type":"summary"' "$work/$name.jsonl" | tail -n 1)
    line=$(grep '"type":"printf"' "$work/$name.jsonl" | tail -n 1)
    read -r errors budget peak < <(python3 -c '
import json, sys
s = json.loads(sys.argv[1] or "{}")
print(s.get("runtime_errors", -1), sum(s.get("budget_hits", {"?": -1}).values()), s.get("memory_peak", -1))' "$summary")
    events=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1] or "{}").get("values", [-1])[0])' "$line")
    check "$name: no runtime error" 0 "$errors"
    check "$name: no budget hit" 0 "$budget"
    # every openat of the workload ran its handler (the shell's own may add a few)
    if [ "${events:--1}" -ge "$want" ]; then ok "$name: all $want openat entries counted ($events)"
    else bad "$name: all $want openat entries counted" "counted ${events:-none}"; fi
    if [ "${peak:--1}" -gt 0 ] && [ "$peak" -le "$memory" ]; then ok "$name: peak memory $peak bytes within the $memory-byte budget"
    else bad "$name: peak memory within the budget" "peak '${peak:-}'"; fi
    echo "# soak $name: $((2 * want)) openat entry/exit events on $board, memory budget $memory, peak $peak bytes, $secs s"
}
soak one-cpu 262144 "$opens" "/tmp/ktapwl openclose $opens"
two=$((opens / 5))
soak two-cpus 2097152 $((2 * two)) "/tmp/ktapwl openclose $two & /tmp/ktapwl openclose $two; wait"
finish
