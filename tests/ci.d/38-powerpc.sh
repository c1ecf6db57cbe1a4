#!/usr/bin/env bash
# The qemu-powerpc board end to end: the board smoke test and tests/boards/ktap-e2e.sh.
# Debian has no 32-bit powerpc kernel or userland, so the board is built here
# (boards/qemu/prepare.sh: kernel from linux-source-6.1, about 25 CPU-minutes cold, then
# the module and the image). scripts/test.sh starts that preparation in the background at
# the start of the run, at the lowest priority (tests/lib/background-board.sh); this suite
# waits for it, then prepares in the foreground whatever is still missing (everything, when
# the suite is run alone on a cold machine). Last line: RESULT passed=N failed=M.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/background-board.sh
ktap_background_wait qemu-powerpc
if ! bash boards/qemu/prepare.sh qemu-powerpc; then
    echo "not ok - preparing the qemu-powerpc board (kernel, module, image) failed"
    echo "RESULT passed=0 failed=1"
    exit 1
fi
echo "qemu-powerpc kernel: $(bash scripts/kernel-trees/build-kernel.sh --cached powerpc)"
source tests/lib/run-parts.sh
run_parts "tests/boards/board-smoke.sh qemu-powerpc" "tests/boards/ktap-e2e.sh qemu-powerpc"
