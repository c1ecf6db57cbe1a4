#!/usr/bin/env bash
# The qemu-powerpc board end to end, when its kernel is already built. The kernel is built
# from linux-source-6.1 (scripts/kernel-trees/build-kernel.sh powerpc, about 14 minutes
# of make -j2 on idle cores): too slow for every CI run, so a cold cache runs nothing
# here and counts as neither a pass nor a failure (docs/boards.md). Warm: the board smoke
# test and tests/boards/ktap-e2e.sh. Last line: RESULT passed=N failed=M.
set -uo pipefail
cd "$(dirname "$0")/../.."
if ! kernel=$(bash scripts/kernel-trees/build-kernel.sh --cached powerpc 2>/dev/null); then
    echo "NOT RUN: the qemu-powerpc board was not run because its kernel is not built for the"
    echo "         current configuration. Build it once per machine (about 14 minutes) with:"
    echo "           scripts/kernel-trees/build-kernel.sh powerpc"
    echo "RESULT passed=0 failed=0"
    exit 0
fi
echo "qemu-powerpc kernel: $kernel"
total_p=0; total_f=0
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "tests/boards/board-smoke.sh qemu-powerpc" "tests/boards/ktap-e2e.sh qemu-powerpc"; do
    echo "--- $t"
    start=$(date +%s)
    # shellcheck disable=SC2086
    bash $t 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
    line=$(grep -E '^RESULT passed=[0-9]+ failed=[0-9]+' "$log" | tail -n 1)
    p=$(sed -nE 's/.*passed=([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*failed=([0-9]+).*/\1/p' <<<"$line")
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    echo "--- $t: passed=$p failed=$f ($(( $(date +%s) - start )) s)"
    total_p=$((total_p + p)); total_f=$((total_f + f))
done
echo "RESULT passed=$total_p failed=$total_f"
[ "$total_f" -eq 0 ]
