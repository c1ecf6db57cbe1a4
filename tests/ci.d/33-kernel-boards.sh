#!/usr/bin/env bash
# The x86_64 boards of Debian's other kernels: qemu-x86_64-rt (bookworm 6.1 PREEMPT_RT),
# qemu-x86_64-5.10 (bullseye) and qemu-x86_64-6.12 (trixie). Each run takes ONE of them, in
# rotation by day of the year (day % 3: 0 rt, 1 5.10, 2 6.12), to stay within the CI time
# budget; KTAP_KERNEL_BOARDS names others ("all", or board names separated by spaces).
# Per board: tests/boards/ktap-e2e.sh (the same script and expected outputs as every board)
# and the module's own end-to-end tests (tests/kernel/e2e.sh through
# tests/boards/kernel-e2e.sh), ktapvm.ko built against that kernel's own headers. No
# board-smoke.sh: its script checks (keys, ports, errors) do not depend on the kernel and run
# on qemu-x86_64 in 30-boards; booting, probes and module loading are checked by both parts
# here. Last line: RESULT passed=N failed=M.
set -uo pipefail
cd "$(dirname "$0")/../.."
all=(qemu-x86_64-rt qemu-x86_64-5.10 qemu-x86_64-6.12)
case "${KTAP_KERNEL_BOARDS:-}" in
    "") boards=("${all[$(( 10#$(date +%j) % 3 ))]}")
        echo "kernel boards: ${boards[*]} today (rotation by day of year; KTAP_KERNEL_BOARDS=all runs the three)" ;;
    all) boards=("${all[@]}") ;;
    *) read -ra boards <<<"$KTAP_KERNEL_BOARDS" ;;
esac
parts=()
for b in "${boards[@]}"; do
    [ -f "boards/$b.yaml" ] || { echo "33-kernel-boards: unknown board '$b' (known: ${all[*]})"; echo "RESULT passed=0 failed=1"; exit 1; }
    parts+=("tests/boards/ktap-e2e.sh $b" "tests/boards/kernel-e2e.sh $b")
done
source tests/lib/run-parts.sh
run_parts "${parts[@]}"
