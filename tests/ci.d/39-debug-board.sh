#!/usr/bin/env bash
# The debug board (qemu-x86_64-debug: KASAN, lockdep, atomic-sleep, lockup and hung-task
# detectors), when its kernel is already built. The kernel is built from linux-source-6.1
# (scripts/kernel-trees/build-kernel.sh x86_64-debug, tens of minutes of make -j2): far too
# slow for a CI run, so a cold cache runs nothing here and counts as neither a pass nor a
# failure (docs/boards.md). Warm, three parts, each on a freshly booted board:
#   tests/boards/debug-detectors.sh   the detectors are live and their reports are found;
#   tests/boards/ktap-e2e.sh          the e2e suite, same expected outputs as qemu-x86_64;
#   tests/kernel/hostile.sh           hostile bundles written straight to /dev/ktap;
# after the last two, tests/boards/kernel-reports.sh reads the board's console log (the
# whole kernel log since boot, every level: the board's kernel_args ignore_loglevel) and one check per
# part passes only when it holds no report. Ports: the debug-board range of boards/ports.tsv.
# Last line: RESULT passed=N failed=M.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! kernel=$(bash scripts/kernel-trees/build-kernel.sh --cached x86_64-debug 2>/dev/null); then
    echo "NOT RUN: the qemu-x86_64-debug board was not run because its kernel is not built for"
    echo "         the current configuration. Build it once per machine (about 50 minutes on"
    echo "         2 cores) with:"
    echo "           scripts/kernel-trees/build-kernel.sh x86_64-debug"
    echo "RESULT passed=0 failed=0"
    exit 0
fi
echo "qemu-x86_64-debug kernel: $kernel (built in $(cat "$kernel/build-seconds") s)"
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
board=qemu-x86_64-debug
console=$KTAP_STATE_DIR/boards/$board/console.log
work=out/tests/debug-board
mkdir -p "$work"
source boards/qemu/ports.sh
free_port() { ktap_free_port debug-board; } # boards/ports.tsv
source tests/lib/checks.sh # result_counts
total_p=0; total_f=0
part() { # part NAME CMD...: runs a part script, adds its RESULT line to the totals
    local name=$1 log start rc line p f; shift
    log=$work/$name.log
    echo "--- $*"
    start=$(date +%s)
    "$@" 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
    line=$(result_counts "$log")
    read -r p f <<<"${line:-0 0}"
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    echo "--- $*: passed=$p failed=$f ($(( $(date +%s) - start )) s)"
    total_p=$((total_p + p)); total_f=$((total_f + f))
}
clean_log() { # clean_log NAME: the console log of the part just run holds no report
    local reports
    cp "$console" "$work/$1-console.log" 2>/dev/null ||
        { echo "FAIL - $1: no console log at $console"; total_f=$((total_f + 1)); return; }
    if reports=$(bash tests/boards/kernel-reports.sh "$work/$1-console.log"); then
        echo "ok   - $1: no KASAN/lockdep/BUG/WARNING/lockup/hung-task report in the kernel log since boot"
        total_p=$((total_p + 1))
    else
        echo "FAIL - $1: the kernel reported (whole log: $work/$1-console.log):"
        echo "$reports" | sed 's/^/       /'
        total_f=$((total_f + 1))
    fi
}

part detectors env KTAP_DEBUG_PORT="$(free_port)" bash tests/boards/debug-detectors.sh
part e2e env KTAP_E2E_PORT="$(free_port)" bash tests/boards/ktap-e2e.sh "$board"
clean_log e2e
if [ -f tests/kernel/hostile.sh ]; then
    part hostile env KTAP_HOSTILE_BOARD="$board" KTAP_HOSTILE_TREE=kernel-x86_64-debug \
        KTAP_KERNEL_PORT="$(free_port)" bash tests/kernel/hostile.sh
    clean_log hostile
else
    echo "FAIL - tests/kernel/hostile.sh is missing: the hostile-bundle suite cannot run"
    total_f=$((total_f + 1))
fi
echo "RESULT passed=$total_p failed=$total_f"
[ "$total_f" -eq 0 ]
