#!/usr/bin/env bash
# The x86_64 boards of Debian's other kernels: qemu-x86_64-rt (bookworm 6.1 PREEMPT_RT),
# qemu-x86_64-5.10 (bullseye) and qemu-x86_64-6.12 (trixie). Each run takes ONE of them, in
# rotation by day of the year (day % 3: 0 rt, 1 5.10, 2 6.12), to stay within the CI time
# budget; KTAP_KERNEL_BOARDS names others ("all", or board names separated by spaces).
# Per board: its smoke test and tests/boards/ktap-e2e.sh, ktapvm.ko built against that
# kernel's own headers. Last line: RESULT passed=N failed=M.
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
    [ -f "boards/$b/board.sh" ] || { echo "33-kernel-boards: unknown board '$b' (known: ${all[*]})"; echo "RESULT passed=0 failed=1"; exit 1; }
    parts+=("tests/boards/board-smoke.sh $b" "tests/boards/ktap-e2e.sh $b")
done
source tests/lib/run-parts.sh
run_parts "${parts[@]}"
