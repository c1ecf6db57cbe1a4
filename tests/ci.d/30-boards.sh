#!/usr/bin/env bash
# The emulated boards and kernel trees: compile checks against every kernel tree, each
# board's smoke test, then tests/boards/ktap-e2e.sh (`ktap run` end to end, one set of
# expected outputs) on each board, hardware watchpoints on the arm-v7 (refused at link time,
# asserted) and x86 boards (tests/kernel/watch.sh; x86_64's run in 35-kernel), then every
# sample and one-liner on qemu-x86_64 (tests/boards/samples-run.sh), then the ktap 0.4
# compatibility suite on qemu-x86_64 (tests/compat/run.sh board), then a profile as a flame graph in headless Chromium
# (tests/boards/flamegraph.sh), then a new user's first `ktap run --board` in a state
# directory where the board was never built (tests/boards/on-demand.sh).
# Last line: RESULT passed=N failed=M (sum of the parts).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/run-parts.sh
run_parts tests/boards/kernel-trees.sh tests/boards/x86_64-smoke.sh tests/boards/arm-v7-smoke.sh tests/boards/x86-smoke.sh \
    "tests/boards/ktap-e2e.sh qemu-x86_64" "tests/boards/ktap-e2e.sh qemu-arm-v7" "tests/boards/ktap-e2e.sh qemu-x86" \
    "tests/kernel/watch.sh qemu-arm-v7" "tests/kernel/watch.sh qemu-x86" \
    tests/boards/samples-run.sh \
    "tests/compat/run.sh board qemu-x86_64" \
    tests/boards/flamegraph.sh \
    tests/boards/on-demand.sh
