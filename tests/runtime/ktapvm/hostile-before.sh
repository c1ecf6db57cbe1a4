#!/usr/bin/env bash
# Shows that each hostile row catches something: builds the unit tests of this tree against
# the VM core of another commit (default: 4df0ee8, before the run-time checks) with
# ASan+UBSan and runs every row in its own process. A row "catches" when it fails there
# (wrong output, sanitizer report, crash or a 60 s timeout). Rows the current verifier
# refuses run there without that refusal being asserted.
#   tests/runtime/ktapvm/hostile-before.sh [COMMIT]
set -uo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
commit=${1:-4df0ee8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/runtime" "$root/tests" "$work/"
rm -rf "$work/runtime/ktapvm/core"
git -C "$root" archive "$commit" runtime/ktapvm/core | tar -x -C "$work"
# an older core has no test hook: give the tests its variable (that verifier has no flow pass)
grep -q kvm_testing_skip_flow "$work/runtime/ktapvm/core/verifier.c" ||
    echo 'int kvm_testing_skip_flow;' >> "$work/runtime/ktapvm/core/verifier.c"
make -s -C "$work/runtime/ktapvm/user" -j2 VARIANT=asan >/dev/null || { echo "build against $commit failed"; exit 1; }
t=$work/out/runtime/asan/ktapvm-tests
caught=0; missed=0; i=0
while :; do
    out=$(KTAP_HOSTILE_ROW=$i KTAP_HOSTILE_NO_REFUSAL=1 timeout 60 "$t" 2>&1); rc=$?
    name=$(sed -n 's/^row [0-9]*: //p' <<<"$out" | head -1)
    [ -n "$name" ] || break
    if grep -q '^FAIL.*test_hostile' <<<"$out" || ! grep -q '^RESULT' <<<"$out"; then
        why=$(grep -oE 'AddressSanitizer: [a-z-]+|runtime error: [^:]*|^FAIL.*test_hostile' <<<"$out" | head -1 | sed 's/^FAIL.*/wrong output/')
        [ $rc -eq 124 ] && why="timeout"
        echo "caught  $i: $name (${why:-exit $rc})"; caught=$((caught + 1))
    else
        echo "MISSED  $i: $name"; missed=$((missed + 1))
    fi
    i=$((i + 1))
done
echo "rows caught against $commit: $caught, passing there: $missed"
