#!/usr/bin/env bash
# Usage: bench/board-overhead/run.sh <board>   (any boards/qemu-*: qemu-x86_64, qemu-powerpc, qemu-arm64...)
# bench/kernel/run.sh's measurement on any emulated board, with a bundle that ktapc
# compiles for the board's target (bench/kernel/run.sh is x86_64-only): N getpid() calls
# timed inside the static workload (tests/kernel/workload.c) with no probe, under
# `ktap run` counting syscalls:sys_enter_getpid into a table keyed by execname, and with
# bench/kernel/native's native_count.ko doing the same in C. Best of KTAP_BENCH_RUNS (3).
# Prints ktap's added cost / native's added cost. KTAP_BENCH_N calls (100000); port
# KTAP_BENCH_PORT (else the bench-board port of boards/ports.tsv). Builds what it runs itself (bench/lib/board.sh:
# ktap and ktapc, the module, the workload with the board's compiler), so it needs no
# earlier tests/boards/ktap-e2e.sh run.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
board=${1:?usage: run.sh <board>}
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
source "$root/boards/qemu/ports.sh"
port=${KTAP_BENCH_PORT:-$(ktap_port_range bench-board | cut -d" " -f1)}   # boards/ports.tsv
n=${KTAP_BENCH_N:-100000}
runs=${KTAP_BENCH_RUNS:-3}
work=$root/out/bench/board-overhead/$board
rm -rf "$work"; mkdir -p "$work"
source "$root/bench/lib/board.sh"   # bench_board_up, on_board, best
source "$root/bench/lib/overhead.sh" # native_best, overhead_report
bench_board_up "$board" "$port" "$work"
# The native module is built against the board's own kernel tree (emulation tree: of its YAML).
cp -r "$root/bench/kernel/native" "$work/native"
bash "$root/scripts/kernel-trees/make-module.sh" "$tree" "$work/native" >"$work/native.log" 2>&1 ||
    { cat "$work/native.log" >&2; exit 1; }
on_board 'cat > /tmp/native.ko' < "$work/native/native_count.ko"
printf '%s\n' 't = {}' 'trace syscalls:sys_enter_getpid { t[execname()] += 1 }' \
    'trace_end { print("counted", t["ktapwl"]) }' > "$work/count.kp"

base=$(for _ in $(seq "$runs"); do on_board "/tmp/ktapwl getpid $n"; done | best)
ktap=$(for _ in $(seq "$runs"); do
    "$tools/ktap" run --board "$board" "$work/count.kp" -- /tmp/ktapwl getpid "$n" \
        > "$work/counted" 2> "$work/ktap.err"
    grep -E '^[0-9]+$' "$work/ktap.err" | tail -n 1
done | best)
native_best "$runs" "$n" > "$work/native"; native=$(cat "$work/native")

echo "$board: getpid calls per run: $n (best of $runs runs, ns per call)"
overhead_report "$n" "$base" "$ktap" "$native"
echo "counted: ktap $(awk '{print $2}' "$work/counted"), native $native_counted (expected $n each)"
