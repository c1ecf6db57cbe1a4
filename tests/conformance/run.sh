#!/usr/bin/env bash
# The conformance suite: compile every case with ktapc for one target, replay its events in
# that target's user-space VM (under qemu-user for the cross builds), decode the records
# with `ktap replay`, and compare with the case's expected output, which is the same on all
# five targets. Also checks that a bundle for another target is refused with its message,
# and that the cases together use every opcode and every built-in.
#   tests/conformance/run.sh [native|asan|i686|arm-v7|powerpc|arm64] [--update]
# Needs: out/runtime/<variant>/ktapvm-run (make -C runtime/ktapvm/user VARIANT=...), and the
# tools (tests/lib/tools.sh: KTAP_TEST_TOOLS says which build). KTAP_TEST_JOBS cases run
# at a time (default 2).
# Last line: RESULT passed=N failed=M. A case that cannot run is a failure, never a skip.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
variant=${1:-native}
update=${2:-}
case $variant in
    native)  target=x86_64;  qemu=;                 other=powerpc ;;
    # the native runner under ASan+UBSan: the same cases, memory errors abort
    asan)    target=x86_64;  qemu=;                 other=powerpc ;;
    i686)    target=x86;     qemu=qemu-i386-static; other=x86_64 ;;
    arm-v7)  target=arm-v7;  qemu=qemu-arm-static;  other=x86 ;;
    powerpc) target=powerpc; qemu=qemu-ppc-static;  other=arm-v7 ;;
    # arm64 and x86_64 agree on byte order and word size: only the arch number differs.
    arm64)   target=arm64;   qemu=qemu-aarch64-static; other=x86_64 ;;
    *) echo "usage: $0 [native|asan|i686|arm-v7|powerpc|arm64] [--update]"; exit 2 ;;
esac
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL [$variant] $*"; }

runner=$root/out/runtime/$variant/ktapvm-run
source "$root/tests/lib/tools.sh" # ktap_tools: which build of ktapc and ktap runs the cases
[ -x "$runner" ] || { bad "runner $runner not built"; echo "RESULT passed=$pass failed=$fail"; exit 1; }
[ -z "$qemu" ] || command -v "$qemu" >/dev/null || { bad "$qemu not installed"; echo "RESULT passed=$pass failed=$fail"; exit 1; }
ktap_tools || { bad "ktapc and ktap do not build (tests/lib/tools.sh)"; echo "RESULT passed=$pass failed=$fail"; exit 1; }
KTAPC=("$tools/ktapc"); KTAP=("$tools/ktap")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/runner.sh" <<WRAP
#!/bin/sh
exec $qemu "$runner" "\$@" \$KTAP_CASE_ARGS
WRAP
chmod +x "$work/runner.sh"

# One case: compile, dump, replay, compare. Its verdict goes to $work/NAME.verdict ("ok", or
# the FAIL lines), so that cases can run side by side and still be reported in name order.
run_case() {
    local kp=$1 name=${1%.kp} events sargs=()
    events=$here/events/default.jsonl
    [ -f "$name.jsonl" ] && events=$here/cases/$name.jsonl
    [ -f "$name.scriptargs" ] && read -ra sargs < "$name.scriptargs"
    if ! "${KTAPC[@]}" --target "$target" "$kp" -o "$work/$name.kbc" ${sargs[@]+-- "${sargs[@]}"} 2> "$work/$name.ktapc"; then
        echo "FAIL [$variant] $name: ktapc failed: $(head -c 300 "$work/$name.ktapc")"
        return
    fi
    "${KTAPC[@]}" dump "$work/$name.kbc" > "$work/$name.dump" 2>/dev/null
    (cd "$work" && KTAP_CASE_ARGS=$(cat "$here/cases/$name.args" 2>/dev/null) KTAP_RUNNER=$work/runner.sh \
        "${KTAP[@]}" replay "$name.kbc" --color always --events "$events" > "$work/$name.actual" 2>&1
        echo "[exit $?]" >> "$work/$name.actual")
    if [ "$update" = "--update" ]; then cp "$work/$name.actual" "$name.out"; fi
    if [ ! -f "$name.out" ]; then
        echo "FAIL [$variant] $name: no expected output $name.out"
    elif diff -u "$name.out" "$work/$name.actual" > "$work/$name.diff"; then
        echo ok
    else
        echo "FAIL [$variant] $name: output differs"; head -20 "$work/$name.diff"
    fi
}

# The cases run KTAP_TEST_JOBS at a time (default 2: the cores of a CI machine); each is a
# few short processes, mostly start-up and qemu-user, so two overlap well.
jobs=${KTAP_TEST_JOBS:-2}
cd "$here/cases"
for kp in *.kp; do
    while [ "$(jobs -pr | wc -l)" -ge "$jobs" ]; do wait -n; done
    run_case "$kp" > "$work/${kp%.kp}.verdict" 2>&1 &
done
wait
for kp in *.kp; do
    v=$work/${kp%.kp}.verdict
    if [ "$(cat "$v")" = ok ]; then ok; else fail=$((fail + 1)); cat "$v"; fi
done

# every opcode and every callable built-in appears in some case's bytecode
ops=$(sed -n 's/^KTAP_OP(\([A-Z]*\),.*/\1/p' "$root/runtime/ktapvm/ktap_opcodes.def")
for op in $ops; do
    if grep -qE "^ +[0-9]+ +\[ *[0-9]+\] +$op( |$)" "$work"/*.dump 2>/dev/null; then ok; else bad "opcode $op is used by no case"; fi
done
bis=$(sed -n 's/^KTAP_BUILTIN( *[0-9]*, *[A-Z0-9_]*, *"\([^"]*\)".*/\1/p' "$root/runtime/ktapvm/ktap_builtins.def")
for bi in $bis; do
    case $bi in
        print) grep -qE ' PRINT ' "$work"/*.dump && ok || bad "built-in print is used by no case" ;;
        printf) grep -qE ' PRINTF ' "$work"/*.dump && ok || bad "built-in printf is used by no case" ;;
        sorted_next) ok ;; # returned by sort_pairs at run time, never named in bytecode
        *) if grep -qF "; $bi" "$work"/*.dump; then ok; else bad "built-in $bi is used by no case"; fi ;;
    esac
done

# a bundle for another target is refused with the precise message
"${KTAPC[@]}" --target "$other" op_print.kp -o "$work/other.kbc" 2>/dev/null
msg=$(cd "$work" && $qemu "$runner" other.kbc --events "$here/events/default.jsonl" 2>&1 >/dev/null)
declare -A order=([x86]=little-endian [x86_64]=little-endian [arm-v7]=little-endian [powerpc]=big-endian [arm64]=little-endian)
declare -A word=([x86]=4 [x86_64]=8 [arm-v7]=4 [powerpc]=4 [arm64]=8)
if [ "${order[$other]}" != "${order[$target]}" ]; then want="bundle is ${order[$other]}, this VM is ${order[$target]}"
elif [ "${word[$other]}" != "${word[$target]}" ]; then want="bundle word size ${word[$other]}, this VM has ${word[$target]}"
else want="bundle built for $other, this VM is $target"; fi
if [ "$msg" = "ktapvm-run: other.kbc: $want" ]; then ok; else bad "foreign bundle: got '$msg', want 'ktapvm-run: other.kbc: $want'"; fi

# the runner reads only the stream ktap replay writes (ktap_replay_stream.def): JSON is refused
"${KTAPC[@]}" --target "$target" op_print.kp -o "$work/own.kbc" 2>/dev/null
msg=$(cd "$work" && $qemu "$runner" own.kbc --events "$here/events/default.jsonl" 2>&1 >/dev/null); rc=$?
want="$here/events/default.jsonl: not a replay event stream (ktap replay or ktap replay-events writes one from a JSON lines file)"
if [ "$rc" -eq 5 ] && [ "$msg" = "$want" ]; then ok; else bad "JSON given to the runner: exit $rc, got '$msg', want '$want'"; fi

# the runner itself exits with the script's exit(code), as a shell maps it (ktap replay's
# [exit N] above could come from the summary alone): exit(-1) is 255, exit(3) is 3
"${KTAP[@]}" replay-events "$here/events/default.jsonl" -o "$work/default.krs" 2>/dev/null
for code in -1:255 3:3 256:0; do
    "${KTAPC[@]}" --target "$target" -o "$work/exit.kbc" -e "exit(${code%%:*})" 2>/dev/null
    (cd "$work" && $qemu "$runner" exit.kbc --events default.krs > /dev/null 2>&1); rc=$?
    if [ "$rc" -eq "${code##*:}" ]; then ok; else bad "ktapvm-run after exit(${code%%:*}): exit $rc, want ${code##*:}"; fi
done

# /FILTER/s run (the filter_*.kp cases); only ftrace's function filter is refused by name,
# never silently ignored (every event would pass it)
"${KTAPC[@]}" --target "$target" -o "$work/filter.kbc" \
    -e 'trace ftrace:function /ip == vfs_*/ { print(1) }' 2>/dev/null
msg=$(cd "$work" && $qemu "$runner" filter.kbc --events /dev/null 2>&1 >/dev/null); rc=$?
want="ktapvm-run: filter.kbc: probe 'ftrace:function' has the filter /ip == vfs_*/: ftrace picks the functions by name on the board, and a replay's ftrace:function events carry no names; test args.ip in the handler instead"
if [ "$rc" -eq 3 ] && [ "$msg" = "$want" ]; then ok; else bad "ftrace filter refusal: exit $rc, got '$msg', want '$want'"; fi

echo "RESULT passed=$pass failed=$fail"
[ "$fail" -eq 0 ]
