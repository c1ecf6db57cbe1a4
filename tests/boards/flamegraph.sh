#!/usr/bin/env bash
# Flame graphs on a board (issue 16.5): `ktap run --flamegraph --folded` of
# samples/profiling/flamegraph.kp on the x86_64 board while dd reads /dev/urandom (a CPU
# busy in the kernel's random number generator). The folded file must be well-formed and
# sorted with a stack through get_random_bytes_user (dd's read surely runs it), and the SVG
# must render in headless Chromium with that frame, zoom on a click and run no name as code
# (tests/lib/flamegraph-browser.py). A script that prints no stack writes no file and exits
# 25. Board: qemu-x86_64; a running board is used and left running, else one is started on
# KTAP_FLAME_PORT (else the flamegraph port of boards/ports.tsv) and stopped at the end. Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
board=qemu-x86_64
tree=$(source "$root/boards/qemu/lib.sh" && ktap_board_load "$board" && echo "$board_tree")
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
work=$root/out/tests/flamegraph
rm -rf "$work"; mkdir -p "$work"
pass=0; fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'; fail=$((fail + 1)); }
finish() { echo "RESULT passed=$pass failed=$fail"; [ "$fail" -eq 0 ]; exit $?; }

# ---- build, boot, deploy ----------------------------------------------------------------
command -v chromium > /dev/null || { bad "chromium is installed (scripts/deps/40-tool.sh)"; finish; }
ko=${KTAP_KERNEL_KO:-}
[ -n "$ko" ] || ko=$(bash "$root/scripts/build-module.sh" "$tree") || { bad "module builds against $tree"; finish; }
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
rm -rf "$work/tool"; ln -s "$tools" "$work/tool"
source "$root/tests/lib/board-up.sh"
board_use "$board" flamegraph "${KTAP_FLAME_PORT:-}" || { bad "board $board is up"; finish; }
timeout 300 "$work/tool/ktap" deploy --board "$board" -m "$ko" > "$work/deploy" 2>&1 ||
    { bad "ktap deploy" "$(cat "$work/deploy")"; finish; }

# ---- a profile as folded stacks and a flame graph ----------------------------------------
t0=$(date +%s)
timeout 300 "$work/tool/ktap" run --board "$board" "$root/samples/profiling/flamegraph.kp" \
    --flamegraph "$work/cpu.svg" --folded "$work/cpu.folded" -o "$work/out" \
    -- sh -c 'dd if=/dev/urandom of=/dev/null bs=1M count=400 2>/dev/null' 2> "$work/err"; rc=$?
echo "# ktap run with --flamegraph took $(( $(date +%s) - t0 )) s"
if [ "$rc" -eq 0 ] && [ -s "$work/cpu.svg" ] && [ -s "$work/cpu.folded" ]; then
    ok "ktap run --flamegraph --folded exits 0 and writes both files ($(wc -l < "$work/cpu.folded") stacks, $(wc -c < "$work/cpu.svg") bytes of SVG)"
else
    bad "ktap run --flamegraph --folded" "rc=$rc $(tail -n 10 "$work/err")"; finish
fi
grep -q "samples in .* stacks written to" "$work/err" && ok "ktap says how many samples it wrote" || bad "the written message" "$(cat "$work/err")"
# Every line: frames joined by ';' (none empty), one space, a positive count; sorted.
malformed=$(grep -cvP '^[^;\s][^;]*(;[^;]+)* [1-9]\d*$' "$work/cpu.folded")
[ "$malformed" = 0 ] && ok "every folded line is 'frame;frame... COUNT'" || bad "folded lines" "$(grep -vP '^[^;\s][^;]*(;[^;]+)* [1-9]\d*$' "$work/cpu.folded" | head -5)"
LC_ALL=C sort -c "$work/cpu.folded" 2>/dev/null && ok "the folded file is sorted" || bad "folded file sorted" "$(head -n 5 "$work/cpu.folded")"
[ "$(sed 's/ [0-9]*$//' "$work/cpu.folded" | sort | uniq -d | wc -l)" = 0 ] && ok "each stack is one line" || bad "duplicate stacks"
grep -qP '(^|;)get_random_bytes_user(;| )' "$work/cpu.folded" && ok "a stack runs through get_random_bytes_user (dd's reads)" ||
    bad "get_random_bytes_user in the folded stacks" "$(sort -t' ' -k2 -n -r "$work/cpu.folded" | head -n 10)"
grep -qP '\+0x' "$work/cpu.folded" && bad "offsets are stripped" "$(grep -m3 '+0x' "$work/cpu.folded")" || ok "offsets are stripped (one frame per function)"
# ktap's session process reads and writes /dev/ktap on the board: a sample may land there
# (kt_read, kt_ring_read under vfs_read), never in the sampling handler itself.
handler=$(grep -E 'kt_fire|kt_probe_hit|kt_perf_|kt_profile_fn|kt_tick_fn|kt_vm' "$work/cpu.folded"; grep -F '[ktapvm]' "$work/cpu.folded" | grep -vP ';vfs_(read|write);kt_(read|write) \[ktapvm\]')
[ -z "$handler" ] && ok "no frame of ktap's handler path; ktapvm frames only under the session's read/write ($(grep -cF '[ktapvm]' "$work/cpu.folded") stacks)" ||
    bad "no frame of ktap's handler path in the stacks" "$(echo "$handler" | head -n 3)"
# The folded counts are the samples the script counted itself.
folded_total=$(awk '{n += $NF} END {print n}' "$work/cpu.folded")
printed=$(sed -n 's/^\([0-9]*\) samples in [0-9]* stacks$/\1/p' "$work/out")
[ -n "$printed" ] && [ "$folded_total" = "$printed" ] && ok "the folded counts sum to the script's own total ($printed samples)" ||
    bad "folded total $folded_total vs the script's $printed"

# ---- in the browser ---------------------------------------------------------------------
if python3 "$root/tests/lib/flamegraph-browser.py" "$work/cpu.svg" --workdir "$work/browser" --frame get_random_bytes_user > "$work/browser.log" 2>&1; then
    ok "the SVG renders in headless Chromium with a get_random_bytes_user frame, zooms and runs no name ($(grep -c '^ok' "$work/browser.log") checks)"
else
    bad "the SVG in headless Chromium" "$(cat "$work/browser.log")"
fi

# ---- no stacks: no file, exit 25 ----------------------------------------------------------
timeout 300 "$work/tool/ktap" run --board "$board" -e 's = {}; profile-1ms { s[backtrace()] += 1 }; tick-1s { exit() }' \
    --flamegraph "$work/none.svg" > "$work/out" 2> "$work/err"; rc=$?
[ "$rc" = 25 ] && [ ! -e "$work/none.svg" ] && grep -q "printed no stacks" "$work/err" &&
    ok "a session that prints no stack writes no SVG and exits 25" || bad "no stacks" "rc=$rc $(cat "$work/err")"
timeout 300 "$work/tool/ktap" run --board "$board" -e 'tick-1s { exit() }' --folded "$work/none.folded" > "$work/out" 2> "$work/err"; rc=$?
[ "$rc" = 25 ] && [ ! -e "$work/none.folded" ] && grep -q "calls neither backtrace" "$work/err" &&
    ok "a script without backtrace() is refused before it runs (exit 25)" || bad "script without stacks" "rc=$rc $(cat "$work/err")"
finish
