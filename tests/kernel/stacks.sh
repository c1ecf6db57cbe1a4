#!/usr/bin/env bash
# Stacks of the traced code (issue 11.3), through `ktap run` on an emulated x86_64 board:
# backtrace() starts at the traced function for each probe kind and carries none of
# ktap's own frames (the VM, kt_probe_hit: "[ktapvm]") nor the probe machinery's (int3, perf,
# hrtimer, irq entry); frames are named on the host from the board's /proc/kallsyms
# (cached per kernel identity), histogram keys that are kernel addresses print as symbols,
# and user-mode contexts (a uprobe, a syscall tracepoint's user registers) have no kernel
# frames. Board: KTAP_STACKS_BOARD (qemu-x86_64), port KTAP_STACKS_PORT (first free of
# the kernel-tests range, boards/ports.tsv); a running board is used and left running. Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
board=${KTAP_STACKS_BOARD:-qemu-x86_64}
tree=$(source "$root/boards/qemu/lib.sh" && ktap_board_load "$board" && echo "$board_tree")
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
work=$root/out/tests/kernel-stacks
mkdir -p "$work"
pass=0; fail=0
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh" # ok, bad, check, finish
on_board() { timeout 120 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
run() { # run SCRIPT_TEXT [CMD...]: stdout to $work/out, stderr to $work/err
    local text=$1; shift
    timeout 300 "$work/tool/ktap" run --board "$board" -e "$text" ${1:+--} "$@" > "$work/out" 2> "$work/err"
    echo "(ktap run exit status $?)" >> "$work/err" # shown with a failure's output
}
# ktap's own frames and the probe machinery's: none may appear in a stack of traced code.
machinery='\[ktapvm\]|^ => (kvm_|kt_|perf_|__perf|hrtimer_|__hrtimer|__sysvec|sysvec_|asm_sysvec|asm_exc_int3|exc_int3|kprobe_|irq_exit)'
# A sample's interrupted code may itself be anywhere (even in an interrupt handler), but
# ktap's frames never, and its first frame is never the sampling machinery.
ours='\[ktapvm\]|^ => (kvm_|kt_)'
# The profile interrupt's own path (perf's hrtimer-driven software event): a sample's first
# frame is never one of these. Other perf functions can be the interrupted code itself: a
# sample landed in perf_lock_task_context under perf_event_exec while the workload exec'd.
sampling='^ => (perf_swevent|__perf_event_overflow|perf_event_overflow|perf_callchain|perf_prepare_sample|perf_output|__perf_event_output|perf_event_output)'
first_of_samples() { awk '/^--$/ {f = 0; next} !f {print; f = 1}' "$1"; }

# ---- build, boot, deploy ----------------------------------------------------------------
ko=${KTAP_KERNEL_KO:-}
[ -n "$ko" ] || ko=$(bash "$root/scripts/build-module.sh" "$tree") || { bad "module builds against $tree"; finish; }
gcc -static -O2 -Wall -Wextra -Werror -o "$work/ktapwl" "$here/workload.c" || { bad "workload builds"; finish; }
gcc -static -O0 -fno-omit-frame-pointer -Wall -Wextra -Werror -o "$work/ktapwl-fp" "$here/workload.c" &&
    gcc -static-pie -fPIE -O0 -fno-omit-frame-pointer -Wall -Wextra -Werror -o "$work/ktapwl-pie" "$here/workload.c" ||
    { bad "frame-pointer workloads build"; finish; }
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
rm -rf "$work/tool"; ln -s "$tools" "$work/tool"
source "$root/tests/lib/board-up.sh"
board_use "$board" kernel-tests "${KTAP_STACKS_PORT:-}" || { bad "board $board is up"; finish; }
on_board 'cat > /tmp/ktapwl; chmod +x /tmp/ktapwl' < "$work/ktapwl"
timeout 300 "$work/tool/ktap" deploy --board "$board" -m "$ko" > "$work/deploy" 2>&1 ||
    { bad "ktap deploy" "$(cat "$work/deploy")"; finish; }

# ---- kprobe -----------------------------------------------------------------------------
rm -rf "$KTAP_STATE_DIR/boards/$board/kallsyms"
run 'trace probe:ksys_lseek { if (execname() == "ktapwl") { print_backtrace() } }' /tmp/ktapwl lseek 1 7
first=$(head -n 1 "$work/out")
if [ "$first" = " => ksys_lseek+0x0" ] && grep -q '^ => do_syscall_64+0x' "$work/out" && ! grep -Eq "$machinery" "$work/out"; then
    ok "kprobe: the stack starts at ksys_lseek+0x0, reaches do_syscall_64, no ktap or int3 frame"
else
    bad "kprobe stack" "$(cat "$work/out" "$work/err")"
fi
ls "$KTAP_STATE_DIR/boards/$board/kallsyms/"*/*.txt > /dev/null 2>&1 &&
    ok "the board's kallsyms is cached under the state directory" || bad "kallsyms cache" "$(ls -R "$KTAP_STATE_DIR/boards/$board")"
t0=$(date +%s%N)
run 'trace probe:ksys_lseek { if (execname() == "ktapwl") { print_backtrace() } }' /tmp/ktapwl lseek 1 7
echo "# warm run (cached kallsyms): $(( ($(date +%s%N) - t0) / 1000000 )) ms"
[ "$(head -n 1 "$work/out")" = " => ksys_lseek+0x0" ] && ok "a warm run names the frames from the cache" ||
    bad "warm run" "$(cat "$work/out" "$work/err")"

# backtrace(depth): the first frames of the traced code, not of ktap
run 'trace probe:ksys_lseek { if (execname() == "ktapwl") { print(backtrace(1)) } }' /tmp/ktapwl lseek 1 7
[ "$(cat "$work/out")" = " => ksys_lseek+0x0" ] && ok "backtrace(1) is the traced function" ||
    bad "backtrace(1)" "$(cat "$work/out" "$work/err")"

# an address as a histogram key prints as its symbol, not a negative number
run 's = {}; trace probe:ksys_lseek { if (execname() == "ktapwl") { s[arg1] += 1 } }; trace_end { histogram(s) }' /tmp/ktapwl lseek 3 7
# (the bar runs into the count: "ksys_lseek+0x0 |@@@...@3")
sed -n 2p "$work/out" | grep -Eq '^ *ksys_lseek\+0x0 \|@+3 *$' && [ "$(wc -l < "$work/out")" = 2 ] && ok "histogram key arg1 (the probe address) prints as ksys_lseek+0x0" ||
    bad "histogram of addresses" "$(cat "$work/out" "$work/err")"

# ---- kretprobe: the return site in the caller -------------------------------------------
run 'trace probe:ksys_lseek%return { if (execname() == "ktapwl") { print_backtrace() } }' /tmp/ktapwl lseek 1 7
if head -n 1 "$work/out" | grep -q '^ => do_syscall_64+0x' && ! grep -Eq "$machinery|kretprobe" "$work/out"; then
    ok "kretprobe: the stack starts at the return site in do_syscall_64"
else
    bad "kretprobe stack" "$(cat "$work/out" "$work/err")"
fi

# ---- ftrace function --------------------------------------------------------------------
run 'trace ftrace:function /ip==ksys_lseek/ { if (execname() == "ktapwl") { print_backtrace() } }' /tmp/ktapwl lseek 1 7
if [ "$(head -n 1 "$work/out")" = " => ksys_lseek+0x0" ] && grep -q '^ => do_syscall_64+0x' "$work/out" &&
   ! grep -Eq "$machinery|ftrace" "$work/out"; then
    ok "ftrace: the stack starts at ksys_lseek+0x0, no ftrace trampoline frame"
else
    bad "ftrace stack" "$(cat "$work/out" "$work/err")"
fi

# ---- tracepoint -------------------------------------------------------------------------
run 'trace sched:sched_switch { if (execname() == "ktapwl") { print_backtrace(); exit() } }' /tmp/ktapwl mix 3
# (the switch may come through schedule() or through preemption, __cond_resched: both fine)
if head -n 1 "$work/out" | grep -q '^ => __schedule+0x' &&
   ! grep -Eq "$ours|^ => (perf_|__perf|trace_event|__traceiter)" "$work/out"; then
    ok "tracepoint sched_switch: the stack starts at __schedule, no perf or tracepoint frame"
else
    bad "tracepoint stack" "$(cat "$work/out" "$work/err")"
fi
# a syscall tracepoint fires with the user's registers: no kernel frames of traced code
run 'n = 0; trace syscalls:sys_enter_lseek { if (execname() == "ktapwl") { n += 1; print_backtrace() } }; trace_end { print("runs", n) }' /tmp/ktapwl lseek 2 7
[ "$(cat "$work/out")" = "$(printf 'runs\t2')" ] && ok "syscall tracepoint (user registers): empty kernel stack, handler ran twice" ||
    bad "syscall tracepoint stack" "$(cat "$work/out" "$work/err")"

# ---- profile and tick: the interrupted code ---------------------------------------------
run 'n = 0; profile-1ms { if (n < 30) { n += 1; print_backtrace(); print("--") } }' /tmp/ktapwl mix 100
samples=$(grep -c '^--$' "$work/out")
kernel=$(first_of_samples "$work/out" | grep -c '^ => ')
if [ "$samples" -ge 10 ] && [ "$kernel" -ge 1 ] && ! grep -Eq "$ours" "$work/out" &&
   ! first_of_samples "$work/out" | grep -Eq "$ours|$sampling"; then
    # (not $machinery: a sample may interrupt an hrtimer or irq-exit path, its own code)
    ok "profile: $samples samples, $kernel in kernel code, none with a perf/hrtimer/irq or ktap frame"
else
    bad "profile stacks ($samples samples, $kernel kernel)" "$(head -n 40 "$work/out"; cat "$work/err")"
fi
# (This check failed now and then, and a run without a workload once hung: a tick whose first
# expiry came before the session ran was never restarted. Fixed in timer.c; ktap-e2e.sh
# checks a tick beside 690 probes.)
run 'n = 0; tick-5ms { n += 1; print_backtrace(); print("--"); if (n >= 5) { exit() } }' /bin/sleep 2
if [ "$(grep -c '^--$' "$work/out")" -ge 5 ] && ! grep -Eq "$ours" "$work/out" &&
   ! first_of_samples "$work/out" | grep -Eq "$machinery"; then
    ok "tick: stacks of the interrupted code, no hrtimer or ktap frame"
else
    bad "tick stacks" "$(cat "$work/out" "$work/err")"
fi

# ---- uprobe: user code, no kernel frames ------------------------------------------------
run 'n = 0; trace probe:/tmp/ktapwl:main { n += 1; print_backtrace() }; trace_end { print("runs", n) }' /tmp/ktapwl lseek 1 7
[ "$(cat "$work/out")" = "$(printf 'runs\t1')" ] && ok "uprobe: no kernel frames (the traced code is user code)" ||
    bad "uprobe stack" "$(cat "$work/out" "$work/err")"

# ---- ustack: user stacks, named on the host from the workload's ELF symbols -------------
# A frame-pointer build (ustack needs frame pointers past the first frame) at /tmp/fp, so
# its command name stays ktapwl. chain: main -> ustack_chain -> a -> b -> c -> ustack_site
# -> libc's syscall(), a leaf without a frame: its caller ustack_site is not seen.
on_board 'mkdir -p /tmp/fp; cat > /tmp/fp/ktapwl; chmod +x /tmp/fp/ktapwl' < "$work/ktapwl-fp"
on_board 'mkdir -p /tmp/pie; cat > /tmp/pie/ktapwl; chmod +x /tmp/pie/ktapwl' < "$work/ktapwl-pie"
chain=' => syscall c b a ustack_chain main'
names() { sed 's/+0x[0-9a-f]*$//' "$work/out" | awk '/^ => syscall$/ {if (s != "") print s; s = ""} {s = s $0} END {if (s != "") print s}' | sed 's/ => / /g; s/^ //'; }
run 'trace syscalls:sys_enter_getppid { if (execname() == "ktapwl") { print_ustack() } }' /tmp/fp/ktapwl chain 3
got=$(names | cut -d' ' -f1-6 | sort | uniq -c | sed 's/^ *//')
if [ "$got" = "3 syscall c b a ustack_chain main" ] && grep -q '^ => c+0x[0-9a-f]*$' "$work/out"; then
    ok "print_ustack: 3 stacks, each syscall, c, b, a, ustack_chain, main (symbol+0xoff from the ELF)"
else
    bad "print_ustack" "$(cat "$work/out" "$work/err")"
fi
run 's = {}; trace syscalls:sys_enter_getppid { if (execname() == "ktapwl") { s[ustack()] += 1 } }; trace_end { for (k, v in pairs(s)) { print(v) } }' /tmp/fp/ktapwl chain 7
[ "$(cat "$work/out")" = "7" ] && ok "s[ustack()] += 1: one key, counted exactly 7 times" ||
    bad "ustack as a key" "$(cat "$work/out" "$work/err")"
run 'trace syscalls:sys_enter_getppid { if (execname() == "ktapwl") { print(ustack(2)) } }' /tmp/fp/ktapwl chain 1
[ "$(sed 's/+0x[0-9a-f]*$//' "$work/out" | tr '\n' ' ')" = " => syscall  => c " ] && ok "ustack(2): the first two frames" ||
    bad "ustack(2)" "$(cat "$work/out" "$work/err")"
# A kernel and a user stack never make the same key.
run 's = {}; trace syscalls:sys_enter_getppid { if (execname() == "ktapwl") { s[ustack(0)] += 1; s[backtrace(0)] += 1 } }; trace_end { n = 0; for (k, v in pairs(s)) { n += 1 }; print(n) }' /tmp/fp/ktapwl chain 2
[ "$(cat "$work/out")" = "2" ] && ok "an empty ustack and an empty backtrace are two keys" ||
    bad "ustack vs backtrace keys" "$(cat "$work/out" "$work/err")"
# PIE: loaded where only the process's mappings say; frames stay in hex, with a warning.
run 'trace syscalls:sys_enter_getppid { if (execname() == "ktapwl") { print_ustack() } }' /tmp/pie/ktapwl chain 1
if [ "$(grep -c . "$work/out")" -ge 6 ] && ! grep -v '^ => 0x[0-9a-f]*$' "$work/out" | grep -q . &&
   grep -q 'position-independent' "$work/err"; then
    ok "ustack of a PIE: hex frames and a warning"
else
    bad "PIE ustack" "$(cat "$work/out" "$work/err")"
fi

dmesg_bad=$(on_board 'dmesg | grep -E "BUG|WARNING|Oops" | head -3')
[ -z "$dmesg_bad" ] && ok "the kernel logged no BUG/WARNING/Oops" || bad "dmesg" "$dmesg_bad"
finish
