#!/usr/bin/env bash
# The kernel module's probe providers against the bundle's EVENTS kinds (providers.py):
# every EVENTS kind of ktap_bundle_format.def has one provider in kernel/providers.c's
# table, and the docs agree. Then the check itself: copies of the sources with one kind
# left unserved, a new kind in the definition, a provider missing from the table, must each fail it.
# Host only, no board. Last line: RESULT passed=N failed=M.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
check=$root/tests/kernel/providers.py
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

if out=$(python3 "$check" "$root"); then
    ok "the sources: $(grep -o 'passed=[0-9]*' <<<"$out" | tail -1) checks, $(head -n -1 <<<"$out" | tail -1)"
else
    bad "the sources"; echo "$out" | sed 's/^/    /'
fi

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# mutant NAME FILE SED EXPECT: a copy of what the check reads, FILE edited by SED, must
# fail with a line naming what broke (EXPECT)
mutant() {
    local name=$1 file=$2 edit=$3 expect=$4 copy=$tmp/$1
    mkdir -p "$copy/runtime/ktapvm" "$copy/docs" "$copy/tests/lib"
    cp -r "$root/runtime/ktapvm/include" "$root/runtime/ktapvm/kernel" "$root/runtime/ktapvm/ktap_bundle_format.def" "$copy/runtime/ktapvm/"
    cp "$root/tests/lib/bundle_format.py" "$copy/tests/lib/"
    cp "$root/docs/bundle-format.md" "$root/docs/kernel-module.md" "$copy/docs/"
    sed -i "$edit" "$copy/$file"
    if cmp -s "$root/$file" "$copy/$file"; then
        bad "$name: the edit changed nothing in $file"; return
    fi
    if out=$(python3 "$check" "$copy"); then
        bad "$name: the check passed"
    elif grep -q "$expect" <<<"$out"; then
        ok "$name: fails ($(grep -m1 "$expect" <<<"$out"))"
    else
        bad "$name: failed without naming it"; echo "$out" | sed 's/^/    /'
    fi
}
mutant unserved-kind runtime/ktapvm/kernel/watch.c \
    's/kt_watch_kinds\[\] = { KTAP_PROBE_WATCHPOINT, 0 }/kt_watch_kinds[] = { 0 }/' \
    'KTAP_PROBE_WATCHPOINT has one provider (has: none)'
mutant new-kind runtime/ktapvm/ktap_bundle_format.def \
    's/^KTAP_EVENT_KIND(13, WATCHPOINT, Watchpoint)$/&\nKTAP_EVENT_KIND(14, NEWKIND, NewKind)/' \
    'KTAP_PROBE_NEWKIND has one provider'
mutant not-in-table runtime/ktapvm/kernel/providers.c \
    '/^\t&kt_tick_provider,$/d' \
    'kt_tick_provider is in the table'
mutant served-twice runtime/ktapvm/kernel/profile.c \
    's/{ KTAP_PROBE_PROFILE, 0 }/{ KTAP_PROBE_PROFILE, KTAP_PROBE_TICK, 0 }/' \
    'KTAP_PROBE_TICK has one provider (has: kt_tick_provider, kt_profile_provider)'

echo "RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
