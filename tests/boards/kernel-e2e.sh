#!/usr/bin/env bash
# Usage: kernel-e2e.sh <board>: tests/kernel/e2e.sh (the module's own end-to-end tests,
# written for x86_64) on another x86_64 board, e.g. qemu-x86_64-rt. Last line: RESULT.
board=${1:?usage: kernel-e2e.sh <board>}
case "$board" in
    qemu-x86_64|qemu-x86_64-*) ;;
    *) echo "kernel-e2e.sh: tests/kernel/e2e.sh is for x86_64 boards, not '$board'" >&2; echo "RESULT passed=0 failed=1"; exit 2 ;;
esac
KTAP_KERNEL_BOARD=$board exec bash "$(dirname "$0")/../kernel/e2e.sh"
