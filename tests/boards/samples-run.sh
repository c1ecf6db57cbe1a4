#!/usr/bin/env bash
# Usage: samples-run.sh [--board B] [NAME...]   (default board qemu-x86_64; NAMEs: sample paths
#                                                 under samples/ such as io/traceio.kp, or one-liner:N)
# Runs every sample (samples/**/*.kp but the firmware's) and every one-liner of
# samples/one-liners.txt on the board with the workload its header states, and checks the
# output against the header's expectations (the convention is in samples/README.md):
#   # board-run: CMD         the workload: `ktap run ... -- sh -c CMD` (none: the script ends itself)
#   # board-duration: 2s     ktap run --duration (for scripts that wait for events forever)
#   # board-args: A B        script arguments (arg[1]...): compiled with ktapc -- A B first
#   # board-build: SRC DEST  builds samples/SRC (C, static, the board's compiler) and copies
#                            it to DEST on the board first (a program with USDT markers)
#   # expect: REGEX          at least one output line matches (grep -P, Perl syntax: \t is a tab)
#   # expect-not: REGEX      no output line matches
#   # board-all-tasks: REASON  ktap run -a: the sample watches every task while the workload runs
#   # board-exit: N REASON     ktap run's exit status is N, not 0 (26: the workload fails on purpose)
#   # board-may-lose: REASON   records lost to a full ring are expected (every event printed):
#                            ktap's report of them is not a failure; exit 0 still is required
#   # board: NAME REASON     the sample needs another emulated board (qemu-arm64: a CPU PMU);
#                            it runs when this script runs with --board NAME (32-arm64.sh)
#   # board-todo: REASON     cannot run on the emulated boards yet: printed as a todo line,
#                            counted neither passed nor failed (listed in samples/README.md)
# A sample or one-liner without an expect line fails: "it ran" is not a check. Every run must
# also end with exit 0 and no runtime error, budget hit or lost record in ktap's report.
# Port: KTAP_SAMPLES_PORT (else the samples port of boards/ports.tsv). Last line: RESULT passed=N failed=M.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
board=qemu-x86_64
if [ "${1:-}" = "--board" ]; then board=${2:?--board needs a name}; shift 2; fi
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
source "$root/boards/qemu/ports.sh"
port=${KTAP_SAMPLES_PORT:-$(ktap_port_range samples | cut -d" " -f1)}   # boards/ports.tsv
work=$root/out/tests/samples-$board
mkdir -p "$work"
pass=0; fail=0; todo=0
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh" # ok, bad, check, finish
on_board() { timeout 120 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }

# ---- the checks of one script -----------------------------------------------------------
# check_run NAME HEADER_FILE: runs the script described by $script/$eval with the directives
# in HEADER_FILE (only '# key: value' lines), compares the output.
check_run() {
    local name=$1 header=$2 cmd duration args expects rc out err line missing="" unwanted=""
    cmd=$(sed -n 's/^# board-run: //p' "$header" | head -n 1)
    duration=$(sed -n 's/^# board-duration: //p' "$header" | head -n 1)
    args=$(sed -n 's/^# board-args: //p' "$header" | head -n 1)
    # A script written for another board runs in that board's pass (`# board: NAME REASON`).
    local for_board
    for_board=$(sed -n 's/^# board: \([^ ]*\).*/\1/p' "$header" | head -n 1)
    if [ "${for_board:-qemu-x86_64}" != "$board" ]; then
        echo "skip - $name: runs on ${for_board:-qemu-x86_64}"; return
    fi
    # A script that cannot run on any emulated board yet says why; it is listed, never passed.
    if grep -q '^# board-todo: ' "$header"; then
        echo "todo - $name: $(sed -n 's/^# board-todo: //p' "$header" | head -n 1)"; todo=$((todo + 1)); return
    fi
    expects=$(grep -c '^# expect: ' "$header")
    if [ "$expects" -eq 0 ]; then bad "$name: has no '# expect:' line"; return; fi
    if [ -z "$cmd" ] && [ -z "$duration" ] && ! grep -q '^# board-ends-itself' "$header"; then
        bad "$name: states neither a workload (board-run), a duration nor board-ends-itself"; return
    fi
    local what=()
    if [ -n "$eval" ]; then what=(-e "$eval")
    elif [ -n "$args" ]; then
        # shellcheck disable=SC2086
        "$tool/ktapc" --target "$target" -o "$work/args.kbc" "$script" -- $args 2> "$work/err" ||
            { bad "$name: ktapc with arguments $args" "$(cat "$work/err")"; return; }
        what=("$work/args.kbc")
    else what=("$script"); fi
    local build
    build=$(sed -n 's/^# board-build: //p' "$header" | head -n 1)
    if [ -n "$build" ]; then
        local src=${build%% *} dest=${build#* }
        source "$root/tests/lib/sdt-include.sh" # <sys/sdt.h> for the board's compiler
        "$cc" -static -O2 -Wall -Wextra -Werror -idirafter "$(sdt_include "$work/sdt-include")" -o "$work/built" "$root/samples/$src" 2> "$work/err" &&
            on_board "cat > $dest && chmod +x $dest" < "$work/built" ||
            { bad "$name: builds samples/$src and copies it to $dest" "$(cat "$work/err")"; return; }
    fi
    local all=()
    grep -q '^# board-all-tasks: ' "$header" && all=(-a)
    local started=$(date +%s.%N)
    timeout 240 "$tool/ktap" run --board "$board" "${all[@]}" ${duration:+--duration "$duration"} "${what[@]}" \
        ${cmd:+-- sh -c "$cmd"} > "$work/out" 2> "$work/err"; rc=$?
    local took=$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN {printf "%.1f", n - s}')
    out=$(cat "$work/out"); err=$(cat "$work/err")
    local want
    want=$(sed -n 's/^# board-exit: \([0-9]*\).*/\1/p' "$header" | head -n 1)
    if [ "$rc" -ne "${want:-0}" ]; then bad "$name: ktap run exits ${want:-0} (${took} s)" "rc=$rc
$(tail -n 15 "$work/err")
--- output:
$(head -n 20 "$work/out")"; return; fi
    local failing='runtime error|budget|lost [0-9]|records? lost'
    grep -q '^# board-may-lose: ' "$header" && failing='runtime error|budget'
    if grep -qiE "$failing" "$work/err"; then
        bad "$name: no runtime error, budget hit or lost record" "$(tail -n 10 "$work/err")"; return
    fi
    while IFS= read -r line; do
        grep -qP -- "$line" "$work/out" || missing+="$line"$'\n'
    done < <(sed -n 's/^# expect: //p' "$header")
    while IFS= read -r line; do
        grep -qP -- "$line" "$work/out" && unwanted+="$line"$'\n'
    done < <(sed -n 's/^# expect-not: //p' "$header")
    if [ -z "$missing" ] && [ -z "$unwanted" ]; then
        ok "$name ($expects expectations, ${took} s)"
    else
        bad "$name" "${missing:+no line matches:
$missing}${unwanted:+a line matches what must not be there:
$unwanted}--- output ($(wc -l < "$work/out") lines):
$(head -n 40 "$work/out")
--- stderr:
$(tail -n 5 "$work/err")"
    fi
}

# ---- build and boot -----------------------------------------------------------------------
case "$board" in
    qemu-x86_64) tree=6.1-amd64; target=x86_64; cc=gcc ;;
    # the samples that say `# board: qemu-arm64` (a CPU PMU: hardware perf events)
    qemu-arm64) tree=6.1-arm64; target=arm64; cc=aarch64-linux-gnu-gcc ;;
    *) echo "samples-run.sh: the samples' expectations are written for qemu-x86_64 (and qemu-arm64 where a sample says so), not '$board'" >&2; exit 2 ;;
esac
bash "$root/scripts/build-module.sh" "$tree" > /dev/null || { bad "ktapvm.ko builds against $tree"; finish; }
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
tool=$tools
# KTAP_SAMPLES_KEEP_BOARD: the board already runs (its image built); used as it is, left running
if [ -z "${KTAP_SAMPLES_KEEP_BOARD:-}" ]; then
    source "$root/tests/lib/board-up.sh" # board_boot: stopped when this script exits
    board_boot "$board" "$port" || { bad "$board boots"; finish; }
fi
suite_start=$(date +%s)
boot_lines=$(on_board 'dmesg | wc -l')

# The board has no disk: the block-layer samples write to a loop device, from the kernel's
# own loop.ko (the same package the board's kernel comes from).
release=$(on_board 'uname -r')
loop=$KTAP_STATE_DIR/kernels/$release/lib/modules/$release/kernel/drivers/block/loop.ko
if [ -f "$loop" ] && on_board 'cat > /tmp/loop.ko' < "$loop" &&
   on_board 'grep -qw loop /proc/modules || insmod /tmp/loop.ko; [ -b /dev/loop0 ] || mknod /dev/loop0 b 7 0'; then
    ok "loop.ko of $release loaded on the board (for the block-layer samples)"
else bad "loop.ko of $release loads on the board" "$loop"; fi

# ---- the samples and one-liners -----------------------------------------------------------
selected() { # selected NAME: true when no NAME was given or NAME is one of them
    [ "${#names[@]}" -eq 0 ] && return 0
    local n; for n in "${names[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1
}
names=("$@")
while IFS= read -r script; do
    rel=${script#"$root/samples/"}
    selected "$rel" || continue
    eval=
    # The header: the comment lines from the top of the file to the first other line.
    awk '!/^#/ {exit} {print}' "$script" > "$work/header"
    check_run "$rel" "$work/header"
done < <(find "$root/samples" -name '*.kp' -not -path '*/firmware/*' | LC_ALL=C sort)

# One-liners: the directive comments right above a line belong to it.
n=0; : > "$work/header"
while IFS= read -r line; do
    case "$line" in
        '# board-'*|'# expect'*) echo "$line" >> "$work/header" ;;
        '#'*|'') ;;
        *) n=$((n + 1))
           if selected "one-liner:$n"; then script=; eval=$line; check_run "one-liner:$n: $line" "$work/header"; fi
           : > "$work/header" ;;
    esac
done < "$root/samples/one-liners.txt"

# ---- the host's hint for a uprobe path the board lacks -----------------------------------
if [ "$board" = qemu-x86_64 ] && selected hint; then
    timeout 120 "$tool/ktap" run --board "$board" -e 'trace uprobe:/lib/libc.so.6:malloc { }' \
        > "$work/out" 2> "$work/err"; rc=$?
    if [ "$rc" -ne 0 ] && grep -q "/lib/libc.so.6 does not exist on $board.*/lib/x86_64-linux-gnu/libc.so.6" "$work/err"; then
        ok "a uprobe on /lib/libc.so.6 names the board's libc: $(grep -o 'does not exist.*' "$work/err" | head -n 1)"
    else bad "a uprobe on /lib/libc.so.6 names the board's libc" "rc=$rc $(cat "$work/err")"; fi
fi

check_dmesg=$(on_board "dmesg | tail -n +$((boot_lines + 1)) | grep -E 'BUG|WARNING|Oops' | head -5")
[ -z "$check_dmesg" ] && ok "no kernel BUG/WARNING/Oops in dmesg during the samples" ||
    bad "no kernel BUG/WARNING/Oops in dmesg during the samples" "$check_dmesg"
echo "figures $board: samples and one-liners ran in $(( $(date +%s) - suite_start )) s; $todo not runnable on the board yet (todo lines)"
finish
