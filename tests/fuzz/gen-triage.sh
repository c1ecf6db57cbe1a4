#!/usr/bin/env bash
# Turns a crash input of the generator fuzzer into a stored regression: minimises it
# (libFuzzer -minimize_crash), writes the generated bundle (with its budgets in LIMITS) to
# tests/fuzz/regressions/NAME.kbc, replays that bundle to check it still fails, and prints
# the first sanitizer/invariant line and the disassembly (ktapc dump, when built).
#   tests/fuzz/gen-triage.sh CRASH_INPUT NAME [SECONDS]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fz=$root/out/runtime/fuzzgen/fuzz_gen
crash=${1:?usage: gen-triage.sh CRASH_INPUT NAME [SECONDS]}
name=${2:?usage: gen-triage.sh CRASH_INPUT NAME [SECONDS]}
secs=${3:-60}
t=$(mktemp -d)
if python3 "$root/tests/lib/bundle_format.py" is-bundle "$crash"; then
    cp "$crash" "$here/regressions/$name.kbc"   # already a bundle
else
    "$fz" -minimize_crash=1 -max_total_time="$secs" -exact_artifact_path="$t/min" "$crash" > "$t/min.log" 2>&1
    [ -s "$t/min" ] || cp "$crash" "$t/min"
    KTAP_GEN_DUMP="$here/regressions/$name.kbc" "$fz" "$t/min" > /dev/null 2>&1
fi
"$fz" "$here/regressions/$name.kbc" > "$t/replay.log" 2>&1 && { echo "$name.kbc: does NOT fail when replayed"; rm -rf "$t"; exit 1; }
grep -m1 -E 'INVARIANT|runtime error|ERROR: AddressSanitizer|ERROR: libFuzzer|SUMMARY' "$t/replay.log"
ktapc=$root/toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll
[ -f "$ktapc" ] || ktapc=/work/main/toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll
[ -f "$ktapc" ] && dotnet "$ktapc" dump "$here/regressions/$name.kbc" > "$here/regressions/$name.txt" 2>&1 \
    && echo "disassembly: tests/fuzz/regressions/$name.txt"
rm -rf "$t"
