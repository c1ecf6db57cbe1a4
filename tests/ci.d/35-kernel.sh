#!/usr/bin/env bash
# The kernel module: compile checks against every kernel tree, then the end-to-end tests
# on the emulated x86_64 board. Last line: RESULT passed=N failed=M (sum of the parts).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p out
source tests/lib/run-parts.sh
run_parts tests/kernel/compile-check.sh tests/kernel/e2e.sh
