#!/usr/bin/env bash
# The emulated boards and kernel trees: compile checks against every kernel tree, then each
# board booted end to end. Last line: RESULT passed=N failed=M (sum of the parts).
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/lib/run-parts.sh
run_parts tests/boards/kernel-trees.sh tests/boards/x86_64-smoke.sh tests/boards/arm-v7-smoke.sh tests/boards/x86-smoke.sh
