#!/usr/bin/env bash
# Compile check of the hello module against every kernel tree ktapvm is built for: Debian's
# headers (6.1 generic and rt, 5.10, 6.12, armmp, arm64) and the configured 6.1 source trees
# (i386, multi_v7, pmac32). Checks each .ko's ELF machine and vermagic.
# Last line: RESULT passed=N failed=M.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
kt=$repo/scripts/kernel-trees
passed=0; failed=0
ok()  { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# tree, expected ELF machine (file(1) wording), expected vermagic start
while read -r tree machine magic; do
    rm -rf "$work/m"; cp -r "$repo/tests/boards/hello-module" "$work/m"
    start=$(date +%s)
    if "$kt/make-module.sh" "$tree" "$work/m" -s >"$work/log" 2>&1 && [ -f "$work/m/ktap_hello.ko" ]; then
        got_machine=$(file -b "$work/m/ktap_hello.ko")
        got_magic=$(modinfo -F vermagic "$work/m/ktap_hello.ko")
        if [[ "$got_machine" == *"$machine"* ]] && [[ "$got_magic" == $magic* ]]; then
            ok "$tree: ktap_hello.ko for $machine, vermagic '$got_magic' ($(( $(date +%s) - start )) s)"
        else
            bad "$tree: expected $machine / $magic*, got '$got_machine' / '$got_magic'"
        fi
    else
        bad "$tree: build failed"; tail -n 15 "$work/log"
    fi
done <<'TREES'
6.1-amd64    x86-64        6.1.0-
6.1-rt-amd64 x86-64        6.1.0-*-rt-amd64 SMP preempt_rt
5.10-amd64   x86-64        5.10.0-
6.12-amd64   x86-64        6.12.
6.1-armmp    ARM,          6.1.0-
6.1-686      80386         6.1.0-*-686 SMP
6.1-arm64    aarch64       6.1.0-*-arm64 SMP
src-x86      80386         6.1.
src-arm      ARM,          6.1.
src-powerpc  PowerPC       6.1.
TREES

# Bad inputs get clear errors.
for cmd in "headers.sh 6.1-sparc" "source-tree.sh mips" "make-module.sh 6.1-amd64 /nonexistent"; do
    # shellcheck disable=SC2086
    if msg=$("$kt"/$cmd 2>&1); then bad "$cmd accepted"; elif [ -n "$msg" ]; then ok "$cmd refused: $msg"; else bad "$cmd: no message"; fi
done
echo "RESULT passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
