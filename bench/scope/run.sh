#!/usr/bin/env bash
# Usage: bench/scope/run.sh   (the emulated x86_64 board)
# What the session's scope (docs/kernel-module.md, "Scope") costs per event. N getpid()
# calls timed inside the static workload (tests/kernel/workload.c), with a cheap handler
# (`trace syscalls:sys_enter_getpid { n += 1 }`), in one run and against its baseline:
#   no ktap        the workload alone
#   -a             system-wide: every task's event runs the handler (scope "PID all")
#   -- CMD         scoped to the workload: its own events pass one pointer compare, then run it
#   out of scope   a session scoped to another command (-- sleep) while the workload runs:
#                  the handler never runs, each event pays the walk up the workload's
#                  parents (to init: 4-5 steps on the board) and is skipped
# Each is the best of KTAP_BENCH_RUNS (3) interleaved rounds (per-round figures on stderr); prints ns per call, the added ns per event
# against no ktap, and scoped / system-wide. KTAP_BENCH_N calls (100000); port
# KTAP_BENCH_PORT (else the bench-scope port of boards/ports.tsv). Builds what it runs itself, as bench/board-overhead/run.sh does.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
board=qemu-x86_64
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
source "$root/boards/qemu/ports.sh"
port=${KTAP_BENCH_PORT:-$(ktap_port_range bench-scope | cut -d" " -f1)}   # boards/ports.tsv
n=${KTAP_BENCH_N:-100000}
runs=${KTAP_BENCH_RUNS:-3}
work=$root/out/bench/scope
rm -rf "$work"; mkdir -p "$work"
source "$root/bench/lib/board.sh"   # bench_board_up, on_board, best
bench_board_up "$board" "$port" "$work"
# the handler is the cheapest that still runs the VM; trace_end says how often it ran
printf '%s\n' 'trace syscalls:sys_enter_getpid { n += 1 }' 'trace_end { print("ran", n) }' > "$work/count.kp"
krun() { timeout 300 "$tools/ktap" run --board "$board" -q "$work/count.kp" "$@"; }
# the workload's own figure (its stdout reaches ktap's stderr): total ns of the N calls
elapsed() { grep -E '^[0-9]+$' "$1" | tail -n 1; }

krun -- true > /dev/null 2>&1 # deploys the module on a fresh board, warms the caches
ran() { awk '$1 == "ran" { print ($2 == "nil" ? 0 : $2) }' "$1"; }
outside_once() {
    # scoped to a sleep; the workload runs beside it in another SSH session. The tick says armed.
    timeout 300 "$tools/ktap" run --board "$board" -q -e 'tick-100ms { if (!said) { print("armed"); said = 1 } }
trace syscalls:sys_enter_getpid { n += 1 } trace_end { print("ran", n) }' -- sleep 120 > "$work/outside.out" 2> "$work/outside.err" &
    local client=$!
    for _ in $(seq 1 600); do grep -q armed "$work/outside.out" && break; sleep 0.1; done
    on_board "/tmp/ktapwl getpid $n"
    kill -INT "$client"; wait "$client" || true
}
# Interleaved rounds (no ktap, -a, -- CMD, out of scope, again...): the host's load drifts
# over minutes (other boards, builds), and each configuration should see the same drift.
: > "$work/rounds"
for _ in $(seq "$runs"); do
    b=$(on_board "/tmp/ktapwl getpid $n")
    krun -a -- /tmp/ktapwl getpid "$n" > "$work/wide.out" 2> "$work/wide.err"; w=$(elapsed "$work/wide.err")
    krun -- /tmp/ktapwl getpid "$n" > "$work/scoped.out" 2> "$work/scoped.err"; s=$(elapsed "$work/scoped.err")
    o=$(outside_once)
    echo "$b $w $s $o" | tee -a "$work/rounds" >&2
done
column() { awk -v c="$1" '{print $c}' "$work/rounds" | best; }
base=$(column 1); wide=$(column 2); scoped=$(column 3); outside=$(column 4)

echo "$board: getpid calls per run: $n (best of $runs runs; handler: n += 1)"
awk -v b="$base" -v w="$wide" -v s="$scoped" -v o="$outside" -v n="$n" 'BEGIN {
    printf "  no ktap                    %7.0f ns/call\n", b / n
    printf "  -a (system-wide)           %7.0f ns/call   added %6.0f\n", w / n, (w - b) / n
    printf "  -- CMD (scoped, in scope)  %7.0f ns/call   added %6.0f\n", s / n, (s - b) / n
    printf "  out of scope (skipped)     %7.0f ns/call   added %6.0f\n", o / n, (o - b) / n
    if (w > b) printf "added cost: scoped / system-wide %.2f, out of scope / system-wide %.2f\n", (s - b) / (w - b), (o - b) / (w - b)
}'
echo "handler runs in the last round: -a $(ran "$work/wide.out"), -- CMD $(ran "$work/scoped.out"), out of scope $(ran "$work/outside.out") (expected >= $n, $n, 0)"
