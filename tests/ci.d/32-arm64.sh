#!/usr/bin/env bash
# arm64 (AArch64), on every run: the VM's unit tests and conformance suite as a static
# aarch64 program under qemu-aarch64-static, then the qemu-arm64 board (Debian bookworm's
# arm64 kernel on qemu-system-aarch64 -M virt): its smoke test and tests/boards/ktap-e2e.sh,
# the same script and expected outputs as the other boards (ktapvm.ko is built against
# linux-headers-6.1-arm64 there), hardware watchpoints (tests/kernel/watch.sh: refused at
# link time with the arm64 kernel's reason, asserted), and the samples written for it (`# board: qemu-arm64`:
# hardware perf events need its CPU PMU). Last line: RESULT passed=N failed=M.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/run-parts.sh
run_parts tests/conformance/arm64.sh "tests/boards/board-smoke.sh qemu-arm64" "tests/boards/ktap-e2e.sh qemu-arm64" \
    "tests/kernel/watch.sh qemu-arm64" \
    "tests/boards/samples-run.sh --board qemu-arm64"
