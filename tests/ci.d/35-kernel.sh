#!/usr/bin/env bash
# The kernel module: compile checks against every kernel tree, then the end-to-end tests
# on the emulated x86_64 board. Last line: RESULT passed=N failed=M (sum of the parts).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p out
total_p=0; total_f=0
for t in tests/kernel/compile-check.sh tests/kernel/e2e.sh; do
    echo "--- $t"
    start=$(date +%s)
    bash "$t" 2>&1 | tee out/kernel-suite.log
    rc=${PIPESTATUS[0]}
    line=$(grep -E '^RESULT passed=[0-9]+ failed=[0-9]+' out/kernel-suite.log | tail -n 1)
    p=$(sed -nE 's/.*passed=([0-9]+).*/\1/p' <<<"$line"); f=$(sed -nE 's/.*failed=([0-9]+).*/\1/p' <<<"$line")
    p=${p:-0}; f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    echo "--- $t: passed=$p failed=$f ($(( $(date +%s) - start )) s)"
    total_p=$((total_p + p)); total_f=$((total_f + f))
done
echo "RESULT passed=$total_p failed=$total_f"
[ "$total_f" -eq 0 ]
