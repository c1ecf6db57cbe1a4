#!/usr/bin/env bash
# Perf counter events (issue 16.1) through `ktap run` on an emulated x86_64 board:
# - software:page-faults:1 counts a workload that touches N fresh anonymous pages: the
#   count for N = 1000 minus the count for N = 0 is exactly 1000 (address-space
#   randomisation is switched off for the runs, so both runs' other faults - exec, libc
#   start, exit - are the same; the workload refuses huge pages for its range);
# - software:context-switches:1 counts a workload of K 1 ms sleeps: at least the task's
#   own count (getrusage) of its switches inside the loop, and no more than that plus the
#   switches the K = 0 run has outside the loop (exec, exit) plus 3. Not "at least K": a
#   sleep whose timer expires before the task blocks (a slow emulated CPU) does not
#   switch - measured: 199 switches for 200 sleeps;
# - software:cpu-clock fires per CPU, and a PERIOD under the minimum is refused at compile
#   time with the range;
# - on a board without a CPU PMU (qemu's x86 under TCG, qemu's 32-bit arm virt: the
#   board's /sys/bus/event_source/devices has no "cpu"/"armv*"), hardware:cycles is
#   refused at link time, before anything is sent, and a hand-built bundle with it (the
#   host's check skipped) is refused by the module with the kernel's error (-ENOENT);
#   on a board with one (qemu's arm64 virt) hardware:cycles fires.
# Board: KTAP_PERF_BOARD (qemu-x86_64; any board of boards/ with 2 CPUs), port KTAP_PERF_PORT (first free of the kernel-tests range, boards/ports.tsv);
# a running board is used and left running. Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
board=${KTAP_PERF_BOARD:-qemu-x86_64}
facts=$(python3 "$root/boards/qemu/facts.py" "$board") || exit 2; eval "$facts"   # board_tree, board_target, ... (one read of the YAML)
tree=$board_tree; cc=${board_cross_compile:-}gcc
# the bundle arch byte of kbc.py (1 x86, 2 x86_64, 3 arm-v7, 4 powerpc, 5 arm64)
kbc_arch=$(case $board_target in x86) echo 1;; x86_64) echo 2;; arm-v7) echo 3;; powerpc) echo 4;; arm64) echo 5;; esac)
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
work=$root/out/tests/kernel-perf-$board
mkdir -p "$work"
pass=0; fail=0
ok() { echo "ok   - $1"; pass=$((pass + 1)); }
bad() { echo "FAIL - $1"; [ $# -gt 1 ] && echo "$2" | sed 's/^/       /'; fail=$((fail + 1)); }
finish() { echo "RESULT passed=$pass failed=$fail"; [ "$fail" -eq 0 ]; exit $?; }
on_board() { timeout 120 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
run() { # run [-a] SCRIPT_TEXT [CMD...]: stdout to $work/out, stderr to $work/err, status in $rc
    local all=()
    [ "$1" = -a ] && { all=(-a); shift; }
    local text=$1; shift
    timeout 300 "$work/tool/ktap" run --board "$board" "${all[@]}" -e "$text" ${1:+--} "$@" > "$work/out" 2> "$work/err"
    rc=$?
    echo "(ktap run exit status $rc)" >> "$work/err" # shown with a failure's output
}
# value NAME: NAME=V printed by a run: the script's output or the workload's (which ktap
# passes on as it comes, on either stream, unordered with the script's records)
value() { cat "$work/out" "$work/err" | grep -o "$1=[0-9]*" | sed "s/^$1=//" | tail -n 1; }

# ---- build, boot, deploy ----------------------------------------------------------------
ko=${KTAP_KERNEL_KO:-}
[ -n "$ko" ] || ko=$(bash "$root/scripts/build-module.sh" "$tree") || { bad "module builds against $tree"; finish; }
$cc -static -O2 -Wall -Wextra -Werror -o "$work/ktapwl" "$here/workload.c" || { bad "workload builds"; finish; }
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
rm -rf "$work/tool"; ln -s "$tools" "$work/tool"
source "$root/tests/lib/board-up.sh"
board_use "$board" kernel-tests "${KTAP_PERF_PORT:-}" || { bad "board $board is up"; finish; }
on_board 'cat > /tmp/ktapwl; chmod +x /tmp/ktapwl' < "$work/ktapwl"
timeout 300 "$work/tool/ktap" deploy --board "$board" -m "$ko" > "$work/deploy" 2>&1 ||
    { bad "ktap deploy" "$(cat "$work/deploy")"; finish; }

# ---- page faults: N fresh pages -----------------------------------------------------------
aslr=$(on_board 'cat /proc/sys/kernel/randomize_va_space')
on_board 'echo 0 > /proc/sys/kernel/randomize_va_space'
faults='n = 0; trace software:page-faults:1 { if (execname() == "ktapwl") { n += 1 } }; trace_end { printf("faults=%d\n", n) }'
declare -A got
for pages in 0 1000 0 1000; do
    run "$faults" /tmp/ktapwl pages $pages
    f=$(value faults)
    [ -n "$f" ] || { bad "software:page-faults:1 counts ktapwl pages $pages" "$(cat "$work/out" "$work/err")"; continue; }
    echo "# ktapwl pages $pages: $f page faults"
    # both runs of a size must agree: otherwise the difference below would be luck
    if [ -n "${got[$pages]:-}" ] && [ "${got[$pages]}" != "$f" ]; then
        bad "two runs of ktapwl pages $pages count the same faults" "${got[$pages]} and $f"
    fi
    got[$pages]=$f
done
on_board "echo ${aslr:-2} > /proc/sys/kernel/randomize_va_space"
if [ -n "${got[0]:-}" ] && [ -n "${got[1000]:-}" ]; then
    d=$((got[1000] - got[0]))
    [ "$d" -eq 1000 ] && ok "page faults: 1000 pages minus 0 pages = $d (${got[1000]} - ${got[0]})" ||
        bad "page faults: 1000 pages minus 0 pages is exactly 1000" "got $d (${got[1000]} - ${got[0]})"
fi
# minor-faults counts the same anonymous faults (none of them needs I/O)
run 'n = 0; trace software:minor-faults:1 { if (execname() == "ktapwl") { n += 1 } }; trace_end { printf("faults=%d\n", n) }' /tmp/ktapwl pages 1000
f=$(value faults)
[ -n "$f" ] && [ "$f" -ge 1000 ] && ok "software:minor-faults:1 counts at least the 1000 page faults ($f)" ||
    bad "software:minor-faults:1 counts at least the 1000 page faults" "$(cat "$work/out" "$work/err")"
# PERIOD 100: one handler run per 100 faults of the CPU's counter. The counter is per CPU
# and counts every task, so the runs that see ktapwl are its ~1024 faults / 100 give or
# take the unknown phase at both ends on each CPU it ran on, and fewer if another task
# faults at a crossing: 8..12 holds on the idle board (measured 10 and 11).
run 'n = 0; trace software:page-faults:100 { if (execname() == "ktapwl") { n += 1 } }; trace_end { printf("faults=%d\n", n) }' /tmp/ktapwl pages 1000
f=$(value faults)
[ -n "$f" ] && [ "$f" -ge 8 ] && [ "$f" -le 12 ] && ok "software:page-faults:100 fires about once per 100 faults ($f runs for ~1000 faults)" ||
    bad "software:page-faults:100 fires 8..12 times for 1000 faults" "$(cat "$work/out" "$work/err")"

# ---- context switches: K sleeps -----------------------------------------------------------
switches='n = 0; trace software:context-switches:1 { if (execname() == "ktapwl") { n += 1 } }; trace_end { printf("counted=%d\n", n) }'
run "$switches" /tmp/ktapwl sleeps 0
c0=$(value counted); s0=$(value switches)
run "$switches" /tmp/ktapwl sleeps 200
c=$(value counted); s=$(value switches)
if [ -z "$c0" ] || [ -z "$s0" ] || [ -z "$c" ] || [ -z "$s" ]; then
    bad "software:context-switches:1 counts ktapwl sleeps" "$(cat "$work/out" "$work/err")"
else
    echo "# sleeps 0: counted $c0, the task's own count in the loop $s0; sleeps 200: counted $c, own $s"
    outside=$((c0 - s0))
    if [ "$s" -ge 100 ] && [ "$c" -ge "$s" ] && [ "$c" -le $((s + outside + 3)) ]; then
        ok "context switches: 200 sleeps: counted $c, the task's own count $s <= $c <= $s + $outside (outside the loop) + 3"
    else
        bad "context switches: 100 <= own $s <= counted $c <= own + $outside + 3" "$(cat "$work/out" "$work/err")"
    fi
fi

# ---- clocks and periods -------------------------------------------------------------------
# a 1 ms clock per CPU: on each CPU at least 10 runs in the 1 s of sleep (an emulated CPU
# that the loaded host does not run misses ticks, which perf's hrtimer then skips: 42 on
# a busy host's arm64 board, ~600 an idle one's), never more than the run's ms + 1. With
# -a: every task's samples (-- CMD alone would keep only sleep's, which sleeps).
t0=$(date +%s%N)
run -a 'c = {}; trace software:cpu-clock:1000000 { c[cpu()] += 1 }; trace_end { for (k, v in pairs(c)) { printf("cpu%d=%d\n", k, v) } }' /bin/sleep 1
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
n0=$(value cpu0); n1=$(value cpu1)
[ -n "$n0" ] && [ -n "$n1" ] && [ "$n0" -ge 10 ] && [ "$n1" -ge 10 ] && [ "$n0" -le $((ms + 1)) ] && [ "$n1" -le $((ms + 1)) ] &&
    ok "software:cpu-clock:1000000 fires on every CPU ($n0 and $n1 runs in a run of $ms ms)" ||
    bad "software:cpu-clock:1000000 fires 10..$((ms + 1)) times on both CPUs" "$(cat "$work/out" "$work/err")"
run 'trace software:cpu-clock:1000 { }' /bin/true
grep -q "bad period '1000' for software:cpu-clock: expected a whole number of nanoseconds from 100000 to 1000000000000" "$work/err" && [ "$rc" -ne 0 ] &&
    ok "a cpu-clock PERIOD under 100 us is refused at compile time" ||
    bad "a cpu-clock PERIOD under 100 us is refused at compile time" "$(cat "$work/err")"
run 'trace software:page-fault:1 { }' /bin/true
grep -q "unknown software event 'page-fault' (did you mean 'page-faults'?)" "$work/err" && [ "$rc" -ne 0 ] &&
    ok "a misspelt software event gets 'did you mean'" || bad "a misspelt software event gets 'did you mean'" "$(cat "$work/err")"

# ---- hardware events -------------------------------------------------------------------
devices=$(on_board 'ls /sys/bus/event_source/devices' | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
echo "# perf devices of $board: $devices"
if ! echo " $devices," | grep -Eq ' (cpu|cpu_[a-z]+|armv[^,]*|arm_cortex[^,]*|[^,]*pmuv3[^,]*|arm_pmu),'; then
    # no CPU PMU (qemu's x86 under TCG, qemu's 32-bit arm virt): refused at link time
    run 'trace hardware:cycles:1000000 { print("never") }' /bin/true
    if grep -qF "hardware:cycles:1000000: $board has no CPU PMU, so no hardware events (its perf devices: $devices)" "$work/err" &&
       grep -q "does not link against $board; nothing was run" "$work/err" && [ "$rc" -ne 0 ]; then
        ok "hardware:cycles is refused at link time: the board has no CPU PMU"
    else
        bad "hardware:cycles is refused at link time: the board has no CPU PMU" "$(cat "$work/err")"
    fi
    [ -s "$KTAP_STATE_DIR/boards/$board/catalog/$(on_board 'uname -r')/perf-devices.txt" ] &&
        ok "the board's perf devices are cached with its event catalog" || bad "the board's perf devices are cached with its event catalog"
    # The module's own check, for a bundle that skipped the host (kbc.py: hardware = kind 12).
    python3 "$here/kbc.py" build count spec=hardware:cycles:1000000 target=cycles kind=12 value=1000000 comm=ktapwl arch=$kbc_arch > "$work/hw.kbc"
    on_board 'cat > /tmp/hw.kbc' < "$work/hw.kbc"
    out=$(on_board '/tmp/ktapwl load /tmp/hw.kbc' 2>&1)
    if echo "$out" | grep -q 'msg=cannot arm probe hardware:cycles:1000000: the kernel refused perf hardware event cycles (error -2: no PMU of this kernel counts it: the board has no CPU PMU, or its PMU lacks this event)'; then
        ok "the module refuses a crafted hardware:cycles bundle with the kernel's error"
    else
        bad "the module refuses a crafted hardware:cycles bundle with the kernel's error" "$out"
    fi
else
    # an emulated PMU (qemu's arm64 virt): cycles per CPU, in the handler (a normal IRQ on arm)
    run 'c = {}; trace hardware:cycles:1000000 { c[cpu()] += 1 }; trace_end { for (k, v in pairs(c)) { printf("cpu%d=%d\n", k, v) } }' /tmp/ktapwl mix 200
    n0=$(value cpu0); n1=$(value cpu1)
    [ -n "$n0$n1" ] && [ "${n0:-0}" -ge 1 -o "${n1:-0}" -ge 1 ] &&
        ok "hardware:cycles:1000000 fires on the emulated PMU (cpu0 ${n0:-0}, cpu1 ${n1:-0})" ||
        bad "hardware:cycles:1000000 fires on the emulated PMU" "$(cat "$work/out" "$work/err")"
    # the PMU may lack an event (qemu's has no instructions-retired without -icount): then
    # the module refuses it with the kernel's error, else it counts
    run 'n = 0; trace hardware:instructions:1000000 { n += 1 }; trace_end { printf("runs=%d\n", n) }' /tmp/ktapwl mix 200
    if [ "$rc" -eq 0 ] && [ -n "$(value runs)" ]; then
        ok "hardware:instructions counts (runs $(value runs))"
    elif grep -qF "cannot arm probe hardware:instructions:1000000: the kernel refused perf hardware event instructions (error -2: no PMU of this kernel counts it: the board has no CPU PMU, or its PMU lacks this event)" "$work/err"; then
        ok "hardware:instructions, which this PMU lacks, is refused by the module with the kernel's error"
    else
        bad "hardware:instructions counts or is refused with the kernel's error" "$(cat "$work/out" "$work/err")"
    fi
fi
finish
