#!/usr/bin/env bash
# The ktap 0.4 compatibility suite (tests/compat/README.md): every NAME.kp here, written in
# the style of ktap 0.4's test suite, runs unchanged and prints exactly NAME.out (its stdout
# and a last line "[exit N]" with ktap's exit status).
#   tests/compat/run.sh replay [native|asan]   compiled with ktapc for x86_64 and run by
#                                              `ktap replay` over NAME.jsonl (or no events)
#                                              in that build of the user-space runner
#   tests/compat/run.sh board [BOARD]          `ktap run --board BOARD NAME.kp` on the
#                                              emulated board (default qemu-x86_64), booted
#                                              here on KTAP_COMPAT_PORT (else the compat port of boards/ports.tsv) and stopped
# ktap's messages must hold no runtime error or budget hit. Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mode=${1:-replay}
pass=0; fail=0
source "$root/tests/lib/checks.sh" # ok, bad, finish
work=$root/out/tests/compat-$mode-${2:-default}
rm -rf "$work"; mkdir -p "$work"
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }

case $mode in
    replay)
        variant=${2:-native}
        make -s -C "$root/runtime/ktapvm/user" -j2 VARIANT="$variant" > "$work/make.log" 2>&1 ||
            { bad "ktapvm-run ($variant) builds" "$(tail -n 5 "$work/make.log")"; finish; }
        export KTAP_RUNNER=$root/out/runtime/$variant/ktapvm-run
        : > "$work/none.jsonl"
        run_one() { # NAME -> stdout in $work/NAME.actual, messages in $work/NAME.err
            local events=$work/none.jsonl
            [ -f "$here/$1.jsonl" ] && events=$here/$1.jsonl
            if ! "$tools/ktapc" --target x86_64 "$here/$1.kp" -o "$work/$1.kbc" 2> "$work/$1.err"; then
                echo "[ktapc failed]" > "$work/$1.actual"; return
            fi
            "$tools/ktap" replay "$work/$1.kbc" --events "$events" > "$work/$1.actual" 2>> "$work/$1.err"
            echo "[exit $?]" >> "$work/$1.actual"
        } ;;
    board)
        board=${2:-qemu-x86_64}
        case $board in
            qemu-x86_64) tree=6.1-amd64 ;;
            *) echo "compat/run.sh: board mode runs on qemu-x86_64, not '$board'" >&2; exit 2 ;;
        esac
        export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
        bash "$root/scripts/build-module.sh" "$tree" > "$work/module.log" 2>&1 || { bad "ktapvm.ko builds against $tree" "$(tail -n 5 "$work/module.log")"; finish; }
        source "$root/tests/lib/board-up.sh" # board_boot: stopped when this script exits
        board_boot "$board" "${KTAP_COMPAT_PORT:-$(source "$root/boards/qemu/ports.sh" && ktap_port_range compat | cut -d" " -f1)}" ||
            { bad "$board boots"; finish; }
        run_one() {
            timeout 240 "$tools/ktap" run --board "$board" "$here/$1.kp" > "$work/$1.actual" 2> "$work/$1.err"
            echo "[exit $?]" >> "$work/$1.actual"
        } ;;
    *) echo "usage: $0 replay [native|asan] | board [BOARD]" >&2; exit 2 ;;
esac

for kp in "$here"/*.kp; do
    name=$(basename "$kp" .kp)
    run_one "$name"
    if [ ! -f "$here/$name.out" ]; then
        bad "$name: no expected output $name.out"
    elif ! diff -u "$here/$name.out" "$work/$name.actual" > "$work/$name.diff"; then
        bad "$name ($mode): output differs" "$(head -n 20 "$work/$name.diff"; tail -n 5 "$work/$name.err")"
    elif grep -qiE 'runtime error|budget' "$work/$name.err"; then
        bad "$name ($mode): no runtime error or budget hit" "$(tail -n 5 "$work/$name.err")"
    else
        ok "$name ($mode)"
    fi
done
finish
