#!/usr/bin/env bash
# The C VM: builds the runner and the unit tests natively, for i686, arm-v7 and powerpc
# (static, run under qemu-user), with ASan+UBSan, and the libFuzzer harness; runs the unit
# tests and verifier/loader tables on every build, the conformance suite on all four
# targets, and a brief fuzz run. Last line: RESULT passed=N failed=M.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
pass=0; fail=0
step() { # name, command...: one counted check
    local name=$1; shift
    if "$@" > "$root/out/ci-runtime-step.log" 2>&1; then pass=$((pass + 1)); echo "ok   $name"
    else fail=$((fail + 1)); echo "FAIL $name"; tail -30 "$root/out/ci-runtime-step.log"; fi
}
add_result() { # log file of a suite ending with RESULT passed=N failed=M
    local line p f
    line=$(grep -E '^RESULT passed=[0-9]+ failed=[0-9]+' "$1" | tail -n 1)
    if [ -z "$line" ]; then fail=$((fail + 1)); echo "FAIL $1: no RESULT line"; tail -20 "$1"; return; fi
    p=$(sed -E 's/.*passed=([0-9]+).*/\1/' <<<"$line"); f=$(sed -E 's/.*failed=([0-9]+).*/\1/' <<<"$line")
    pass=$((pass + p)); fail=$((fail + f))
    echo "     $(basename "$1" .log): passed=$p failed=$f"
    [ "$f" -eq 0 ] || grep -E '^FAIL' "$1" | head -20
}
mkdir -p out/ci-runtime
mk() { make -s -C runtime/ktapvm/user -j2 VARIANT="$1"; }

for v in native i686 arm-v7 powerpc asan fuzz; do step "build $v" mk "$v"; done

declare -A qemu=([native]= [i686]=qemu-i386-static [arm-v7]=qemu-arm-static [powerpc]=qemu-ppc-static [asan]=)
for v in native asan i686 arm-v7 powerpc; do
    if [ -x "out/runtime/$v/ktapvm-tests" ]; then
        ${qemu[$v]} "out/runtime/$v/ktapvm-tests" > "out/ci-runtime/unit-$v.log" 2>&1
        add_result "out/ci-runtime/unit-$v.log"
    else
        fail=$((fail + 1)); echo "FAIL unit tests $v: not built"
    fi
done

# the compiler and ktap, for the conformance suite
step "build ktapc and ktap" bash -c 'dotnet build toolchain/Ktapc/ktapc/ktapc.csproj -c Release --nologo -v q && dotnet build toolchain/Ktap/ktap.csproj -c Release --nologo -v q'
for v in native i686 arm-v7 powerpc; do
    bash tests/conformance/run.sh "$v" > "out/ci-runtime/conformance-$v.log" 2>&1
    add_result "out/ci-runtime/conformance-$v.log"
done

# malformed bundles under ASan/UBSan: the runner must refuse, never crash
asan_refusals() {
    local r=out/runtime/asan/ktapvm-run b=tests/fuzz/corpus/op_print.kbc t; t=$(mktemp -d)
    : > "$t/e.jsonl"
    head -c 100 "$b" > "$t/trunc.kbc"
    printf 'garbage' > "$t/garbage.kbc"
    cp "$b" "$t/flip.kbc"; printf '\x07' | dd of="$t/flip.kbc" bs=1 seek=200 conv=notrunc 2>/dev/null
    for f in trunc garbage flip; do
        "$r" "$t/$f.kbc" --events "$t/e.jsonl" > /dev/null 2> "$t/$f.err"; rc=$?
        [ "$rc" -eq 3 ] || { echo "$f: exit $rc"; cat "$t/$f.err"; return 1; }
        grep -qE 'ktapvm-run: .*: (truncated|not a ktap bundle|checksum mismatch)' "$t/$f.err" || { cat "$t/$f.err"; return 1; }
    done
    rm -rf "$t"
}
step "malformed bundles refused under ASan/UBSan" asan_refusals

# brief fuzzing: zero findings
fuzz_brief() {
    local corpus; corpus=$(mktemp -d)
    cp tests/fuzz/corpus/* "$corpus/"
    out/runtime/fuzz/fuzz_bundle -max_total_time="${KTAP_FUZZ_SECONDS:-60}" -max_len=65536 "$corpus" > out/ci-runtime/fuzz.log 2>&1
    local rc=$?
    grep -E '^Done [0-9]+ runs' out/ci-runtime/fuzz.log
    rm -rf "$corpus"
    return $rc
}
step "fuzz ${KTAP_FUZZ_SECONDS:-60}s, zero findings" fuzz_brief

echo "RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
