#!/usr/bin/env bash
# Usage: on-demand.sh [board]   (default qemu-x86_64)
# A new user's first `ktap run --board <emulated board>`: in a state directory where the
# board was never built (caches shared, as scripts/test.sh shares them), ktap builds what
# is missing (boards/qemu/prepare.sh), says so with a time estimate, boots the board on a
# free port and runs the script; the next run builds nothing. A script error before that
# builds and starts nothing. Last line: RESULT passed=N failed=M.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
board=${1:-qemu-x86_64}
outer=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
work=$root/out/tests/on-demand-$board
rm -rf "$work"; mkdir -p "$work/state"
for d in apt debs headers kernels src trees userland; do
    mkdir -p "$outer/$d"
    ln -sfn "$(readlink -f "$outer/$d")" "$work/state/$d"
done
export KTAP_STATE_DIR=$work/state
source "$root/tests/lib/checks.sh" # ok, bad, check, finish
stop() { bash "$root/boards/qemu/stop.sh" "$board" >/dev/null 2>&1; }
trap stop EXIT

source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
rm -rf "$work/tool"; ln -s "$tools" "$work/tool"

missing=$(bash "$root/boards/qemu/prepare.sh" "$board" --check); rc=$?
check "prepare.sh --check on a new state directory exits 4" 4 "$rc"
case "$missing" in *"the image"*) ok "it names the missing image" ;; *) bad "it names the missing image" "$missing" ;; esac

# A script error first: ktap compiles while it connects, but it builds and boots nothing
# for a script it will not run, and leaves nothing running behind it. The script is long
# (seconds to compile), so that a board build started beside the compiler would be seen.
awk 'BEGIN { print "var n = 0"; for (i = 0; i < 20000; i++) print "trace_end { n = n + " i " }"; print "trace_end { print( }" }' > "$work/error.kp"
timeout 300 "$work/tool/ktap" run --board "$board" "$work/error.kp" > "$work/out" 2> "$work/err"; rc=$?
check "a script error on the never-built board exits 3" 3 "$rc"
sleep 2
# (ktap may make the board's empty state folder; nothing may be built or written in it)
if [ -n "$(ls -A "$KTAP_STATE_DIR/boards/$board" 2>/dev/null)" ] || [ -e "$KTAP_STATE_DIR/build-times" ] ||
    pgrep -f "prepare.sh $board" >/dev/null; then
    bad "it builds and starts nothing" "$(ls -R "$KTAP_STATE_DIR/boards" "$KTAP_STATE_DIR/build-times" 2>&1 | head; pgrep -af prepare.sh)"
else
    ok "it builds and starts nothing"
fi

run() {
    timeout 900 "$work/tool/ktap" run --board "$board" -e 'trace_end { print("on demand") }' --duration 1s \
        > "$work/out" 2> "$work/err"; rc=$?
}
run
check "the first ktap run --board $board exits 0" 0 "$rc"
check "it prints the script's output" "on demand" "$(cat "$work/out")"
grep -q "^$board: building the $board image (about .*; cached afterwards)$" "$work/err" &&
    ok "it says it builds the image, with an estimate" || bad "it says it builds the image, with an estimate" "$(cat "$work/err")"
grep -q "starting the emulated board $board" "$work/err" &&
    ok "it says it starts the board" || bad "it says it starts the board" "$(cat "$work/err")"
[ -s "$KTAP_STATE_DIR/build-times/image-$board" ] &&
    ok "the image's build time is kept for the next estimate" || bad "the image's build time is kept for the next estimate"
check "prepare.sh --check then says built" "$board: built" "$(bash "$root/boards/qemu/prepare.sh" "$board" --check)"
port=$(cat "$KTAP_STATE_DIR/boards/$board/port" 2>/dev/null)
case "$(bash "$root/boards/qemu/status.sh" "$board")" in
    *"running port=$port "*) ok "the board runs on the port in its port file ($port)" ;;
    *) bad "the board runs on the port in its port file ($port)" ;;
esac

run
check "the second run exits 0" 0 "$rc"
check "the second run prints the script's output" "on demand" "$(cat "$work/out")"
grep -qE "building|starting the emulated" "$work/err" &&
    bad "the second run builds and starts nothing" "$(cat "$work/err")" || ok "the second run builds and starts nothing"

"$work/tool/ktap" board stop "$board" >/dev/null 2>&1
bash "$root/boards/qemu/status.sh" "$board" >/dev/null; rc=$?
check "ktap board stop stops it" 3 "$rc"
finish
