#!/usr/bin/env bash
# The C VM: builds the runner and the unit tests natively, for i686, arm-v7 and powerpc
# (static, run under qemu-user), with ASan+UBSan, and the libFuzzer harness; checks the
# core's layering (tests/runtime/core_deps.py); runs the unit tests and verifier/loader
# tables on every build, the conformance suite on all four targets (and natively under
# ASan/UBSan), the ktap 0.4 compatibility suite in replay, the replay soak (tests/soak),
# damaged replay event streams, and a brief fuzz run. Last line: RESULT passed=N failed=M.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
pass=0; fail=0
source tests/lib/checks.sh # add_result
step() { # name, command...: one counted check
    local name=$1; shift
    if "$@" > "$root/out/ci-runtime-step.log" 2>&1; then pass=$((pass + 1)); echo "ok   $name"
    else fail=$((fail + 1)); echo "FAIL $name"; tail -30 "$root/out/ci-runtime-step.log"; fi
}
mkdir -p out/ci-runtime
mk() { make -s -C runtime/ktapvm/user -j2 VARIANT="$1"; }

for v in native i686 arm-v7 powerpc asan fuzz; do step "build $v" mk "$v"; done

# the core's layering from the native objects: no dependency circle but interp <-> builtins,
# every external symbol kvm_/ktap_ (tests/runtime/core_deps.py)
step "core objects: one circle (interp, builtins), kvm_/ktap_ names" python3 tests/runtime/core_deps.py

declare -A qemu=([native]= [i686]=qemu-i386-static [arm-v7]=qemu-arm-static [powerpc]=qemu-ppc-static [asan]=)
for v in native asan i686 arm-v7 powerpc; do
    if [ -x "out/runtime/$v/ktapvm-tests" ]; then
        ${qemu[$v]} "out/runtime/$v/ktapvm-tests" > "out/ci-runtime/unit-$v.log" 2>&1
        add_result "out/ci-runtime/unit-$v.log"
    else
        fail=$((fail + 1)); echo "FAIL unit tests $v: not built"
    fi
done

# the compiler and ktap: the Release builds (the damage checks below run them through
# dotnet), and the build the conformance and compatibility cases run (tests/lib/tools.sh:
# scripts/test.sh picks the tools a user installs)
step "build ktapc and ktap" bash -c 'dotnet build toolchain/Ktapc/ktapc/ktapc.csproj -c Release --nologo -v q && dotnet build toolchain/Ktap/ktap.csproj -c Release --nologo -v q'
source tests/lib/tools.sh
step "build the tools the cases run (KTAP_TEST_TOOLS=${KTAP_TEST_TOOLS:-})" ktap_tools
for v in native asan i686 arm-v7 powerpc; do
    bash tests/conformance/run.sh "$v" > "out/ci-runtime/conformance-$v.log" 2>&1
    add_result "out/ci-runtime/conformance-$v.log"
done

# the ktap 0.4 compatibility suite in replay, native and under ASan/UBSan (tests/compat)
for v in native asan; do
    bash tests/compat/run.sh replay "$v" > "out/ci-runtime/compat-replay-$v.log" 2>&1
    add_result "out/ci-runtime/compat-replay-$v.log"
done

# the soak (tests/soak): a million replayed events with a small live set in a 256 KiB
# session memory budget: reclamation must keep the peak at the live set's size
bash tests/soak/replay.sh native > out/ci-runtime/soak-replay.log 2>&1
add_result out/ci-runtime/soak-replay.log
grep '^# soak' out/ci-runtime/soak-replay.log

# malformed bundles under ASan/UBSan: the runner must refuse, never crash
asan_refusals() {
    local r=out/runtime/asan/ktapvm-run b t; t=$(mktemp -d)
    dotnet toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll --target x86_64 \
        tests/conformance/cases/op_print.kp -o "$t/valid.kbc" || return 1
    b=$t/valid.kbc
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

# damaged event streams under ASan/UBSan: each is replayed (exit 0) or refused with the
# stream's message (exit 5), never a crash (tests/runtime/replay-stream-damage.sh)
step "damaged replay event streams refused under ASan/UBSan" bash tests/runtime/replay-stream-damage.sh

# brief fuzzing: zero findings
fuzz_brief() {
    local corpus; corpus=$(mktemp -d)
    bash tests/fuzz/make-corpus.sh "$corpus" || return 1
    # inputs that once crashed the VM must stay harmless
    out/runtime/fuzz/fuzz_bundle tests/fuzz/regressions/* > out/ci-runtime/fuzz-regressions.log 2>&1 \
        || { cat out/ci-runtime/fuzz-regressions.log; return 1; }
    out/runtime/fuzz/fuzz_bundle -max_total_time="${KTAP_FUZZ_SECONDS:-60}" -max_len=65536 "$corpus" > out/ci-runtime/fuzz.log 2>&1
    local rc=$?
    grep -E '^Done [0-9]+ runs' out/ci-runtime/fuzz.log
    rm -rf "$corpus"
    return $rc
}

# the generator fuzzer (tests/fuzz/fuzz_gen.c): bundles the verifier accepts, run with the
# VM's invariants checked; the stored regressions first (each run twice: same records at other
# addresses), then a brief run from fixed seeds.
# The generator must stay useful: at least 90% of its bundles accepted.
fuzz_gen_brief() {
    local corpus log=out/ci-runtime/fuzz-gen.log rc pct; corpus=$(mktemp -d)
    make -s -C tests/fuzz -j2 || return 1
    KTAP_GEN_DETERMINISM=1 out/runtime/fuzzgen/fuzz_gen tests/fuzz/regressions/*.kbc > out/ci-runtime/fuzz-gen-regressions.log 2>&1 \
        || { tail -30 out/ci-runtime/fuzz-gen-regressions.log; return 1; }
    bash tests/fuzz/make-gen-corpus.sh "$corpus" 64 > /dev/null || return 1
    KTAP_GEN_STATS=1 ASAN_OPTIONS=quarantine_size_mb=16 out/runtime/fuzzgen/fuzz_gen \
        -max_total_time="${KTAP_FUZZ_SECONDS:-60}" -max_len=8192 -timeout=10 "$corpus" > "$log" 2>&1
    rc=$?
    rm -rf "$corpus"
    grep -E '^Done [0-9]+ runs|accepted by the verifier' "$log"
    [ "$rc" -eq 0 ] || { grep -m5 -E 'INVARIANT|runtime error|ERROR:' "$log"; return 1; }
    pct=$(grep -oE 'accepted by the verifier \([0-9]+' "$log" | grep -oE '[0-9]+$')
    [ "${pct:-0}" -ge 90 ] || { echo "only ${pct:-0}% of generated bundles accepted"; grep -A10 'accepted by the verifier' "$log"; return 1; }
}
# Each fuzzer is one process on one core: the two run side by side, then report in order.
finished() { # PID LOG: the background run's exit status, its output shown
    local rc; wait "$1"; rc=$?; cat "$2"; return $rc
}
fuzz_brief > out/ci-runtime/fuzz-brief.out 2>&1 & fuzz_pid=$!
fuzz_gen_brief > out/ci-runtime/fuzz-gen-brief.out 2>&1 & gen_pid=$!
step "fuzz ${KTAP_FUZZ_SECONDS:-60}s, zero findings" finished $fuzz_pid out/ci-runtime/fuzz-brief.out
step "generator fuzz ${KTAP_FUZZ_SECONDS:-60}s, zero findings, >= 90% accepted" finished $gen_pid out/ci-runtime/fuzz-gen-brief.out

echo "RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
