#!/usr/bin/env bash
# Compile check of ktapvm.ko against every kernel tree the board scripts prepare: Debian's
# headers (6.1 generic and PREEMPT_RT, 5.10, 6.12, 6.1 armmp and 686) and linux-source-6.1
# configured for x86 (i386), x86_64, arm (multi_v7) and powerpc (pmac32). Prints the
# module's .text size per tree (`size`). KTAP_KERNEL_TREES overrides the list.
# Last line: RESULT passed=N failed=M.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
trees=${KTAP_KERNEL_TREES:-"6.1-amd64 6.1-rt-amd64 5.10-amd64 6.12-amd64 6.1-armmp 6.1-686 6.1-arm64 src-x86_64 src-x86 src-arm src-powerpc"}
pass=0; fail=0
printf '%-14s %10s %8s %s\n' tree text data result
for t in $trees; do
    start=$(date +%s)
    if ko=$(bash "$root/scripts/build-module.sh" "$t" 2>"$root/out/module-$t.err"); then
        read -r text data _ < <(size "$ko" | awk 'NR == 2 {print $1, $2}')
        printf '%-14s %10s %8s ok (%d s)\n' "$t" "$text" "$data" $(( $(date +%s) - start ))
        pass=$((pass + 1))
    else
        printf '%-14s %10s %8s FAILED\n' "$t" - -
        sed 's/^/    /' "$root/out/module-$t.err" | tail -n 15
        fail=$((fail + 1))
    fi
done
echo "RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
