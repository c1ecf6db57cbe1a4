#!/usr/bin/env bash
# The VM as an AArch64 program: builds the static arm64 runner and unit tests
# (make VARIANT=arm64, aarch64-linux-gnu-gcc -static), runs the unit tests and the
# conformance suite (run.sh arm64) under qemu-aarch64-static. The arm64 part of what
# 20-runtime does for the other four targets. Last line: RESULT passed=N failed=M.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pass=0; fail=0
log=$root/out/ci-arm64
mkdir -p "$log"
source "$root/tests/lib/checks.sh" # add_result
if make -s -C "$root/runtime/ktapvm/user" -j2 VARIANT=arm64 > "$log/build.log" 2>&1; then
    pass=$((pass + 1)); echo "ok   build VARIANT=arm64"
else
    fail=$((fail + 1)); echo "FAIL build VARIANT=arm64"; tail -n 30 "$log/build.log"
    echo "RESULT passed=$pass failed=$fail"; exit 1
fi
# It really is an AArch64 program (not a host binary that would pass without qemu).
if file -b "$root/out/runtime/arm64/ktapvm-run" | grep -q 'ARM aarch64.*statically linked'; then
    pass=$((pass + 1)); echo "ok   ktapvm-run is a static AArch64 executable"
else
    fail=$((fail + 1)); echo "FAIL ktapvm-run is a static AArch64 executable: $(file -b "$root/out/runtime/arm64/ktapvm-run")"
fi
qemu-aarch64-static "$root/out/runtime/arm64/ktapvm-tests" > "$log/unit.log" 2>&1
add_result "$log/unit.log"
bash "$root/tests/conformance/run.sh" arm64 > "$log/conformance.log" 2>&1
add_result "$log/conformance.log"
echo "RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
