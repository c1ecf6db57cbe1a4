#!/usr/bin/env bash
# Filters and event arguments on the board, with exact counts (issue 11, items 4, 5, 7):
#   - /comm == "ktapwl"/ on a tracepoint that has no comm field matches exactly the
#     workload's calls, and tracefs, given the same filter at the same time, counts the same;
#   - the task's fields (comm, COMM, cpu, CPU, common_pid) work on a kprobe, which has none,
#     and a task of another name making the same calls is left out;
#   - user_string() of openat's path at sys_exit reads every path (ktapwl opens: each path
#     on a page nothing touched before); at sys_enter the count of nils is reported;
#   - arg1..argN: one bundle on the board and in ktapvm-run's replay prints the same;
#   - one /FILTER/ on the board and in a replay passes the same events (kernel/filter.c).
# Board: tests/kernel/board-lib.sh. Builds out/runtime/native/ktapvm-run (make: when stale).
# Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$root/out/tests/kernel-filters
mkdir -p "$work"
pass=0; fail=0
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh" # ok, bad, check, finish
source "$here/board-lib.sh"

source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
rm -rf "$work/ktapc"; ln -s "$tools" "$work/ktapc"
ktapc() { "$work/ktapc/ktapc" --target x86_64 "$@"; }
runner=$root/out/runtime/native/ktapvm-run
make -C "$root/runtime/ktapvm/user" -s -j2 VARIANT=native ||
    { bad "ktapvm-run builds"; finish; }
board_up
out=$(on_board 'rmmod ktapvm 2>/dev/null; insmod /tmp/ktapvm.ko && ls /dev/ktap; cp /tmp/ktapwl /tmp/otherwl' 2>&1)
[ "$out" = /dev/ktap ] || { bad "insmod creates /dev/ktap" "$out"; finish; }
# session BUNDLE(host) WORK(board command) -> the decoded records but the summary
session() {
    push "$1" /tmp/f.kbc < /dev/null
    on_board "exec 3<>/dev/ktap; cat /tmp/f.kbc >&3 || { cat <&3; exit 1; }
        cat <&3 > /tmp/records & r=\$!; $2; echo stop >&3; wait \$r" < /dev/null > "$work/session.log" 2>&1
    on_board 'cat /tmp/records' < /dev/null > "$work/records"
    kbc records "$work/records" | grep -v '^10'
}

# ---- comm on a tracepoint without a comm field, against tracefs ----------------------
n=500
ktapc -o "$work/comm.kbc" -e 'n = 0
trace syscalls:sys_enter_getppid /comm == "ktapwl"/ { n += 1 }
trace_end { print("n", n) }' || bad "ktapc compiles the comm filter"
k=$(session "$work/comm.kbc" "d=/sys/kernel/tracing/events/syscalls/sys_enter_getppid
    cd /sys/kernel/tracing; echo 0 > tracing_on; echo nop > current_tracer; echo > trace
    echo 'comm == \"ktapwl\"' > \$d/filter; echo 1 > \$d/enable; echo 1 > tracing_on
    /tmp/ktapwl getppid $n; /tmp/otherwl getppid 77
    echo 0 > \$d/enable; echo 0 > \$d/filter; grep -vc '^#' trace > /tmp/tracefs")
t=$(on_board 'cat /tmp/tracefs' < /dev/null)
check "/comm == \"ktapwl\"/ on sys_enter_getppid: ktap counts the $n calls, as tracefs ($t)" \
    "1	n	$n $n" "$k $t"

# ---- the task's fields on a kprobe ---------------------------------------------------
ktapc -o "$work/kcomm.kbc" -e 'n = 0
trace probe:ksys_lseek off=%si /comm == "ktapwl" && off == 4242 && COMM ~ "ktap*" && cpu >= 0 && CPU < 4096 && common_pid > 0/ { n += 1 }
trace_end { print("n", n) }' || bad "ktapc compiles the kprobe task-field filter"
check "task fields on a kprobe: 3 of ktapwl's 5 lseeks, none of otherwl's 4" "1	n	3" \
    "$(session "$work/kcomm.kbc" '/tmp/ktapwl lseek 3 4242; /tmp/ktapwl lseek 2 77; /tmp/otherwl lseek 4 4242')"
ktapc -o "$work/kneg.kbc" -e 'n = 0
trace probe:ksys_lseek off=%si /comm != "ktapwl" && off == 4242 && comm == "otherwl"/ { n += 1 }
trace_end { print("n", n) }'
check "comm != \"ktapwl\" && comm == \"otherwl\": exactly otherwl's 4" "1	n	4" \
    "$(session "$work/kneg.kbc" '/tmp/ktapwl lseek 3 4242; /tmp/otherwl lseek 4 4242')"

# ---- user_string() of openat's path at sys_enter and at sys_exit -----------------------
opens=300
ktapc -o "$work/enter.kbc" -e 'n = 0; nils = 0
trace syscalls:sys_enter_openat /comm == "ktapwl"/ { n += 1; if (user_string(arg3) == nil) { nils += 1 } }
trace_end { print("enter", n, nils) }'
ktapc -o "$work/exit.kbc" -e 'n = 0; nils = 0; devnull = 0; p = {}
trace syscalls:sys_enter_openat /comm == "ktapwl"/ { p[tid()] = arg3 }
trace syscalls:sys_exit_openat /comm == "ktapwl"/ {
    local s = user_string(p[tid()]); p[tid()] = nil; n += 1
    if (s == nil) { nils += 1 } elseif (s == "/dev/null") { devnull += 1 } }
trace_end { print("exit", n, nils, devnull) }'
enter=$(session "$work/enter.kbc" "/tmp/ktapwl opens $opens")
exit_=$(session "$work/exit.kbc" "/tmp/ktapwl opens $opens")
# ktapwl's own mkstemp is one more openat, its path on the (touched) stack
check "user_string() at sys_exit_openat reads all $opens /dev/null paths (no nil)" \
    "1	exit	$((opens + 1))	0	$opens" "$exit_"
case "$enter" in
    "1	enter	$((opens + 1))	"*) ok "at sys_enter_openat all $((opens + 1)) opens were seen; nil paths there: ${enter##*	}" ;;
    *) bad "at sys_enter_openat all $((opens + 1)) opens were seen" "$enter" ;;
esac

# ---- arg1..argN: one bundle on the board and in a replay --------------------------------
ktapc -o "$work/args.kbc" -e 'trace probe:ksys_lseek off=%si whence=%dx {
    if (execname() == "ktapwl") { local none = 0; if (arg4 == nil) { none = 1 }
        print("addr", arg1); print("args", arg2, arg3, args.off, args.whence, none) } }'
on_brd=$(session "$work/args.kbc" '/tmp/ktapwl lseek 2 4242')
# kallsyms' address as the VM's signed 64-bit number
want=$(on_board 'grep " ksys_lseek$" /proc/kallsyms' < /dev/null |
    python3 -c 'import sys; a = int(sys.stdin.read().split()[0], 16); print(a - (1 << 64) if a >> 63 else a)')
check "on the board arg1 is the probe address (kallsyms' ksys_lseek), arg2.. the fetch-args" \
    "$(for i in 1 2; do printf '1\taddr\t%s\n1\targs\t4242\t0\t4242\t0\t1\n' "$want"; done)" "$on_brd"
printf '%s\n' '{"event":"kprobe:ksys_lseek","ts":1,"comm":"ktapwl","fields":{"off":4242,"whence":0}}' \
    '{"event":"kprobe:ksys_lseek","ts":2,"comm":"ktapwl","addr":"0xffffffff81234560","fields":{"off":4242,"whence":0}}' \
    > "$work/args.jsonl"
# the runner reads the stream `ktap replay` would hand it (docs/replay-format.md)
"$work/ktapc/ktap" replay-events "$work/args.jsonl" -o "$work/args.krs" 2> "$work/args.err"
"$runner" "$work/args.kbc" --events "$work/args.krs" > "$work/args.replay" 2>> "$work/args.err"
replay=$(kbc records "$work/args.replay" | grep -v '^10')
check "a replay of the same bundle gives the same arg2.. as the board" \
    "$(echo "$on_brd" | grep args)" "$(echo "$replay" | grep args)"
check "a replay's arg1 is the event's addr (0xffffffff81234560)" "1	addr	-2128394912" \
    "$(echo "$replay" | grep addr | tail -n 1)"

# ---- one /FILTER/ on the board and in a replay: both run kernel/filter.c ----------------
# other tasks' lseeks (comm), another offset (off) and a task of another name are left out
ktapc -o "$work/flt.kbc" -e 'trace probe:ksys_lseek off=%si whence=%dx /off == 4242 && comm ~ "ktap*"/ { print(execname(), arg2, arg3) }'
on_brd=$(session "$work/flt.kbc" '/tmp/ktapwl lseek 2 4242; /tmp/otherwl lseek 1 4242; /tmp/ktapwl lseek 1 7')
check "on the board the filter passes ktapwl's two lseeks to 4242" \
    "$(printf '1\tktapwl\t4242\t0\n1\tktapwl\t4242\t0')" "$on_brd"
printf '%s\n' '{"event":"kprobe:ksys_lseek","ts":1,"comm":"ktapwl","fields":{"off":4242,"whence":0}}' \
    '{"event":"kprobe:ksys_lseek","ts":2,"comm":"ktapwl","fields":{"off":4242,"whence":0}}' \
    '{"event":"kprobe:ksys_lseek","ts":3,"comm":"otherwl","fields":{"off":4242,"whence":0}}' \
    '{"event":"kprobe:ksys_lseek","ts":4,"comm":"ktapwl","fields":{"off":7,"whence":0}}' > "$work/flt.jsonl"
"$work/ktapc/ktap" replay-events "$work/flt.jsonl" -o "$work/flt.krs" 2> "$work/flt.err"
"$runner" "$work/flt.kbc" --events "$work/flt.krs" > "$work/flt.replay" 2>> "$work/flt.err"
check "a replay of the same events gives what the board gave" "$on_brd" "$(kbc records "$work/flt.replay" | grep -v '^10')"

out=$(on_board 'rmmod ktapvm && echo unloaded' < /dev/null 2>&1)
[ "$out" = unloaded ] && ok "rmmod ktapvm" || bad "rmmod ktapvm" "$out"
finish
