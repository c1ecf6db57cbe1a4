#!/usr/bin/env bash
# The module's filter parser (runtime/ktapvm/kernel/filter.c) in user space: the self-test
# (limits and verdicts), then the libFuzzer target under ASan+UBSan for
# KTAP_FILTER_FUZZ_SECONDS (default 20) from seeds/. Prints the fuzzer's execution
# count. Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$root/out/tests/filter-fuzz
secs=${KTAP_FILTER_FUZZ_SECONDS:-20}
mkdir -p "$work/corpus"
flags=(-g -O1 -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare -I "$root/runtime/ktapvm/user/kshim"
       -I "$root/runtime/ktapvm/include")
pass=0; fail=0
if clang "${flags[@]}" -DKT_FILTER_SELFTEST -fsanitize=address,undefined \
        -fno-sanitize-recover=all -o "$work/selftest" "$here/fuzz_filter.c" 2>"$work/build.log" &&
   "$work/selftest" > "$work/selftest.out" 2>&1; then
    pass=$((pass + 1)); echo "ok   - filter self-test: $(tail -n 1 "$work/selftest.out")"
else
    fail=$((fail + 1)); echo "FAIL - filter self-test"; cat "$work/build.log" "$work/selftest.out" 2>/dev/null | tail -n 20 | sed 's/^/       /'
fi
if clang "${flags[@]}" -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
        -o "$work/fuzz" "$here/fuzz_filter.c" 2>"$work/build.log"; then
    if (cd "$work" && ./fuzz -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
            corpus "$here/seeds" > fuzz.log 2>&1); then
        execs=$(awk '/stat::number_of_executed_units/ {print $2}' "$work/fuzz.log")
        pass=$((pass + 1)); echo "ok   - filter fuzzer: $execs executions in $secs s, no finding"
    else
        fail=$((fail + 1)); echo "FAIL - filter fuzzer found a crash (out/tests/filter-fuzz/fuzz.log)"
        grep -E "ERROR|SUMMARY|Assertion|runtime error" "$work/fuzz.log" | head -n 5 | sed 's/^/       /'
    fi
else
    fail=$((fail + 1)); echo "FAIL - filter fuzzer builds"; tail -n 10 "$work/build.log" | sed 's/^/       /'
fi
echo "RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
