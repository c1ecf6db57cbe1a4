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
source tests/lib/run-parts.sh
run_parts "tests/boards/board-smoke.sh qemu-powerpc" "tests/boards/ktap-e2e.sh qemu-powerpc"
