# Sourced by every test script that prints checks: the one definition of a check line and
# of the RESULT line that scripts/test.sh, the suites and run_parts add up.
#   ok NAME                  a passed check:  "ok   - NAME"
#   bad NAME [DETAIL]        a failed check:  "FAIL - NAME", DETAIL indented below it
#   check NAME EXPECTED ACTUAL   ok when the two strings are equal, else bad with both
#   finish                   prints "RESULT passed=N failed=M" and exits 0 only if M is 0
#   result_counts FILE       prints "N M" from FILE's last RESULT line, nothing if it has none
#   add_result FILE          adds FILE's RESULT counts (a part's log) to pass and fail, prints
#                            them and the part's FAIL lines; no RESULT line is one failure
# The counters are the caller's globals pass and fail.
pass=${pass:-0}
fail=${fail:-0}

ok() { echo "ok   - $1"; pass=$((pass + 1)); }

bad() {
    echo "FAIL - $1"
    [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'
    fail=$((fail + 1))
}

check() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1" "expected: $2
actual:   $3"; fi
}

finish() {
    echo "RESULT passed=$pass failed=$fail"
    [ "$fail" -eq 0 ]
    exit $?
}

result_counts() {
    sed -nE 's/^RESULT passed=([0-9]+) failed=([0-9]+).*/\1 \2/p' "$1" | tail -n 1
}

add_result() {
    local line p f
    line=$(result_counts "$1")
    if [ -z "$line" ]; then
        fail=$((fail + 1)); echo "FAIL $(basename "$1"): no RESULT line"; tail -n 20 "$1"; return
    fi
    read -r p f <<<"$line"
    pass=$((pass + p)); fail=$((fail + f))
    echo "     $(basename "$1" .log): passed=$p failed=$f"
    [ "$f" -eq 0 ] || grep -E '^FAIL' "$1" | head -n 20
}
