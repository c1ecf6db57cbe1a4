#!/usr/bin/env bash
# The runner does not trust the event stream it reads (runtime/ktapvm/ktap_replay_stream.def):
# a valid stream from `ktap replay-events` is cut at lengths spread over it (every 23rd byte,
# so every header, item and string is cut somewhere) and has bytes changed (every 41st); under ASan+UBSan each run must replay (exit 0) or stop with the stream's message
# (exit 5), never crash. Needs out/runtime/asan/ktapvm-run and the
# Release builds of ktapc and ktap (tests/ci.d/20-runtime.sh makes them).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
runner=$root/out/runtime/asan/ktapvm-run
ktapc=$root/toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll
ktap=$root/toolchain/Ktap/bin/Release/net10.0/ktap.dll
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet "$ktapc" --target x86_64 -o "$work/s.kbc" -e 'trace *:* /prev_pid != 1/ { print(argname, pid(), tid(), execname(), cpu(), arg1, args.prev_comm, user_string(args.filename)) print_backtrace() }' || exit 1
dotnet "$ktap" replay-events "$root/tests/conformance/events/default.jsonl" -o "$work/good.krs" || exit 1
size=$(stat -c %s "$work/good.krs")
runs=0
one() { # stream file, what was done to it
    local rc
    "$runner" "$work/s.kbc" --events "$1" > /dev/null 2> "$work/err"; rc=$?
    runs=$((runs + 1))
    # 5 with a message naming the stream: a damaged record ("event N: ..."), or a damaged
    # value the replay itself refuses ("FILE:LINE: ts ... goes back in time")
    if { [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; } || grep -q 'Sanitizer\|runtime error' "$work/err" ||
       { [ "$rc" -eq 5 ] && ! grep -q "^$1: \|^$1:[0-9]*: " "$work/err"; }; then
        echo "$2: exit $rc"; head -5 "$work/err"; exit 1
    fi
}
one "$work/good.krs" "the stream as written"
for ((n = 0; n < size; n += 23)); do
    head -c "$n" "$work/good.krs" > "$work/cut.krs"
    one "$work/cut.krs" "cut to $n bytes"
done
for ((n = 1; n < size; n += 41)); do
    cp "$work/good.krs" "$work/flip.krs"
    printf "\\x$(printf %02x $(( (n * 37 + 0x80) & 0xff )))" | dd of="$work/flip.krs" bs=1 seek="$n" conv=notrunc 2>/dev/null
    one "$work/flip.krs" "byte $n changed"
done
echo "$runs damaged or whole streams ($size bytes whole): none crashed the runner"
