#!/usr/bin/env bash
# Hardware watchpoints (issue 16.2) through `ktap run` on an emulated board:
# - the board's kallsyms has vm_swappiness as kernel data (the variable the tests watch:
#   each write of a number to /proc/sys/vm/swappiness stores it once, WRITE_ONCE in
#   do_proc_dointvec_minmax_conv; each read of the file loads it once, and nothing else on
#   an idle board with free memory reads it: reclaim would);
# - `watchpoint:vm_swappiness:4:w` counts exactly the N writes of a workload, in the
#   workload's task (execname, and pid == cpid()), with argname the symbol and a backtrace
#   through the sysctl write path (vfs_write);
# - reads: `rw` counts N writes + M reads exactly (x86 has no read-only watchpoint: `r` is
#   refused at compile time there); `r` counts only the M reads where a CPU has it (not
#   on a board yet: the arm boards are refused, powerpc is not run);
# - a misspelt symbol is refused at link time with "did you mean"; on a kernel without
#   CONFIG_KALLSYMS_ALL (Debian's 686: kallsyms lists no data, its System.map is a stub) the
#   symbol form is refused with that reason, and the checks watch ktapvm's own parameters
#   by address instead (/sys/module/ktapvm/parameters/*: one store per write, one load per
#   read), from ktapvm.ko's symbol table and the board's section addresses;
# - five watchpoints on five sysctl variables, on CPUs with four debug registers: the kernel
#   refuses the fifth (-ENOSPC), the message names the probe and the reason, and nothing
#   stays armed: four then arm and count each of their variables' N writes exactly.
#   (Four watchpoints on one variable would not do: qemu reports only the first matching
#   debug register of a hit, where hardware reports every one);
# - on 32-bit arm and arm64 boards, whose kernels cannot step over a kernel watchpoint hit
#   reliably for a tracer (docs/language.md; arm64 measured: a double count, then a write
#   trapping for ever), the link step refuses with its reason (asserted, not skipped).
# Usage: watch.sh [BOARD]
# Board: BOARD, else KTAP_WATCH_BOARD, else qemu-x86_64 (qemu-x86, qemu-arm64, qemu-arm-v7...), port
# KTAP_WATCH_PORT (else the first free port of the watch range of boards/ports.tsv); a running board is used and left running.
# Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
board=${1:-${KTAP_WATCH_BOARD:-qemu-x86_64}}
# The board's facts from its YAML (boards/qemu/facts.py).
facts=$(python3 "$root/boards/qemu/facts.py" "$board") || exit 2; eval "$facts"   # board_tree, board_target, ... (one read of the YAML)
tree=$board_tree; target=$board_target
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
work=$root/out/tests/kernel-watch-$board
mkdir -p "$work"
pass=0; fail=0
source "$root/tests/lib/checks.sh" # ok, bad, check, finish
on_board() { timeout 120 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
run() { # run SCRIPT_TEXT [CMD...]: stdout to $work/out, stderr to $work/err, status in $rc
    local text=$1; shift
    timeout 300 "$work/tool/ktap" run --board "$board" -e "$text" ${1:+--} "$@" > "$work/out" 2> "$work/err"
    rc=$?
    echo "(ktap run exit status $rc)" >> "$work/err" # shown with a failure's output
}
both() { cat "$work/out" "$work/err"; }
value() { both | grep -o "$1=[0-9]*" | sed "s/^$1=//" | tail -n 1; }

# ---- build, boot, deploy ----------------------------------------------------------------
ko=${KTAP_KERNEL_KO:-}
[ -n "$ko" ] || ko=$(bash "$root/scripts/build-module.sh" "$tree") || { bad "module builds against $tree"; finish; }
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
rm -rf "$work/tool"; ln -s "$tools" "$work/tool"
source "$root/tests/lib/board-up.sh"
board_use "$board" watch "${KTAP_WATCH_PORT:-}" || { bad "board $board is up"; finish; }
timeout 300 "$work/tool/ktap" deploy --board "$board" -m "$ko" > "$work/deploy" 2>&1 ||
    { bad "ktap deploy" "$(cat "$work/deploy")"; finish; }
dmesg_before=$(on_board 'dmesg | wc -l')

# ---- arm kernels: refused at link time, with the reason -------------------------------------
case "$target" in
    arm-v7) why="32-bit arm kernel cannot watch kernel data for a tracer: it steps over a watchpoint hit only for perf's own handler" ;;
    arm64)  why="arm64 kernel cannot watch kernel data for a tracer: it steps over a watchpoint hit with interrupts enabled" ;;
    *)      why= ;;
esac
if [ -n "$why" ]; then
    run 'trace watchpoint:vm_swappiness:4:w { print(1) }' sh -c 'echo 60 > /proc/sys/vm/swappiness'
    grep -q "$why" "$work/err" && grep -q "does not link against $board; nothing was run" "$work/err" && [ "$rc" -ne 0 ] &&
        ok "$board: a watchpoint is refused at link time with the kernel's reason" ||
        bad "$board: a watchpoint is refused at link time with the kernel's reason" "$(both)"
    finish
fi

# ---- what to watch ------------------------------------------------------------------------
# NAME:FILE pairs: a variable, and the file whose write stores it once and whose read loads
# it once. A kernel with its data in kallsyms (CONFIG_KALLSYMS_ALL: Debian's amd64): sysctl
# variables, watched by symbol. Without (Debian's 686; its System.map is a stub): the symbol
# form's refusal is checked, and the module's own parameters (ulong: one word) are watched
# by address, from ktapvm.ko's symbol table (objdump -t: section and offset) and the
# section's load address on the board (/sys/module/ktapvm/sections/).
ndata=$(on_board 'grep -c "^[0-9a-f]* [dDbBrR] " /proc/kallsyms')
if [ "$ndata" -ge 1000 ]; then
    dir=/proc/sys/vm; len=4; path_re='proc_sys_(call_handler|write)|proc_dointvec'
    vars="vm_swappiness:swappiness vm_dirty_ratio:dirty_ratio dirty_background_ratio:dirty_background_ratio sysctl_vfs_cache_pressure:vfs_cache_pressure sysctl_overcommit_ratio:overcommit_ratio"
else
    dir=/sys/module/ktapvm/parameters; path_re='param_attr_store|param_set_ulong|kstrtoul'
    len=$(case $target in x86_64|arm64) echo 8;; *) echo 4;; esac)
    vars="max_insns:max_insns max_call_depth:max_call_depth max_string:max_string max_table_entries:max_table_entries run_ns:run_ns"
    objdump=${board_cross_compile:-}objdump
fi
# where NAME: what a script names to watch NAME (the symbol, or its address)
where() {
    [ "$ndata" -ge 1000 ] && { echo "$1"; return; }
    local sec off base
    read -r off sec < <($objdump -t "$ko" | awk -v s="$1" '$NF == s { print $1, $(NF-2) }')
    base=$(on_board "cat /sys/module/ktapvm/sections/$sec" 2>/dev/null)
    [ -n "$off" ] && [ -n "$base" ] && printf '0x%x\n' $(( base + 0x$off ))
}
# address NAME: its address as the module prints it (hex, no leading zeros)
address() {
    local w; w=$(where "$1")
    case $w in 0x*) echo "$w" ;; *) echo "0x$(on_board "grep ' $1\$' /proc/kallsyms" | cut -d' ' -f1 | sed 's/^0*//')" ;; esac
}
set -- $vars
first=${1%%:*}; file=$dir/${1#*:}
sw=$(where "$first")
if [ "$sw" = "$first" ]; then
    ok "the board's kallsyms has $first as data ($(on_board "grep ' $first\$' /proc/kallsyms"))"
elif [ -n "$sw" ]; then
    ok "the board's kallsyms has no kernel data ($ndata data symbols): $first of ktapvm.ko is at $sw"
    run 'trace watchpoint:vm_swappiness:4:w { }' true
    grep -Eq "kallsyms lists $ndata data symbols?, not 'vm_swappiness': its kernel was built without CONFIG_KALLSYMS_ALL" "$work/err" && [ "$rc" -ne 0 ] &&
        ok "the symbol form is refused at link time: the kernel has no CONFIG_KALLSYMS_ALL, watch the address" ||
        bad "the symbol form is refused at link time with the KALLSYMS_ALL reason" "$(both)"
else
    bad "$first is found in the board's kallsyms or in ktapvm.ko" "where: '$sw', data symbols: $ndata"
    finish
fi
before=$(on_board "cat $file")
# the workload: W writes of the file, then R reads, in one shell (writes by the shell
# itself, reads by cat, its children: both in the scope of `ktap run -- CMD`)
workload() {
    echo "i=0; while [ \$i -lt $1 ]; do echo $before > $file; i=\$((i+1)); done;" \
         "i=0; while [ \$i -lt $2 ]; do cat $file > /dev/null; i=\$((i+1)); done"
}

# ---- exact write counts, the task, argname, arg1, backtrace ---------------------------------
writes="t = {}; trace watchpoint:$sw:$len:w { t[execname()] += 1; if (pid() == cpid()) { own += 1 } }
trace_end { for (k, v in pairs(t)) { printf(\"%s=%d\\n\", k, v) }; printf(\"own=%d\\n\", own) }"
for n in 25 7; do
    run "$writes" sh -c "$(workload $n 0)"
    [ "$(value sh)" = "$n" ] && [ "$(value own)" = "$n" ] && [ "$(both | grep -c '=[0-9]')" = 2 ] &&
        ok "watchpoint:$first:$len:w counts the $n writes of $file exactly, all in the workload's task" ||
        bad "watchpoint:$first:$len:w counts $n writes, all in the workload's task (sh, pid == cpid())" "$(both)"
done
run "trace watchpoint:$sw:$len:w { printf(\"name=%s ip=%p\\n\", argname, arg1); print_backtrace(); exit() }" \
    sh -c "$(workload 1 0)"
# arg1 is the trapping instruction: the backtrace's first frame, named on the host
frame=$(grep -m1 '^ => ' "$work/out")
grep -Eq "^name=$sw ip=0x[0-9a-f]*[1-9a-f][0-9a-f]*$" "$work/out" && [ -n "$frame" ] &&
    ok "argname is what the script watches ($sw), arg1 the accessing instruction ($frame)" ||
    bad "argname is what the script watches ($sw), arg1 the accessing instruction" "$(both)"
grep -q "vfs_write" "$work/out" && grep -Eq "$path_re" "$work/out" &&
    ok "the backtrace of a hit runs through the write of $file (vfs_write, $path_re)" ||
    bad "the backtrace of a hit runs through the write of $file (vfs_write, $path_re)" "$(both)"

# ---- reads ----------------------------------------------------------------------------------
rw="trace watchpoint:$sw:$len:rw { n += 1 }; trace_end { printf(\"hits=%d\\n\", n) }"
run "$rw" sh -c "$(workload 6 9)"
[ "$(value hits)" = 15 ] && ok "watchpoint:$first:$len:rw counts 6 writes + 9 reads = 15" ||
    bad "watchpoint:$first:$len:rw counts 6 writes + 9 reads = 15" "$(both)"
case "$target" in
    x86|x86_64)
        run 'trace watchpoint:vm_swappiness:4:r { }' true
        grep -q "KTAP3032: $target cannot watch reads alone" "$work/err" && [ "$rc" -ne 0 ] &&
            ok "watchpoint ...:r is refused at compile time on $target (debug registers have no read-only condition)" ||
            bad "watchpoint ...:r is refused at compile time on $target" "$(both)" ;;
    *)
        run "trace watchpoint:$sw:$len:r { n += 1 }; trace_end { printf(\"hits=%d\\n\", n) }" sh -c "$(workload 6 9)"
        [ "$(value hits)" = 9 ] && ok "watchpoint:$first:$len:r counts the 9 reads and none of the 6 writes" ||
            bad "watchpoint:$first:$len:r counts 9 reads, not the 6 writes" "$(both)" ;; # (no such board yet: powerpc)
esac

# ---- refusals -------------------------------------------------------------------------------
if [ "$sw" = vm_swappiness ]; then # (without kernel data: the refusal is checked above)
    run 'trace watchpoint:vm_swapiness:4:w { }' true
    grep -q "has no data symbol 'vm_swapiness' (did you mean 'vm_swappiness'?)" "$work/err" && [ "$rc" -ne 0 ] &&
        ok "a misspelt symbol is refused at link time with 'did you mean'" ||
        bad "a misspelt symbol is refused at link time with 'did you mean'" "$(both)"
fi
# four variables, each stored once per write of its file, and a fifth
set -- $vars
defs=; files=
for v in $1 $2 $3 $4; do defs="$defs${defs:+, }watchpoint:$(where "${v%%:*}"):$len:w"; files="$files $dir/${v#*:}"; done
fifth=$(where "${5%%:*}")
five="trace $defs, watchpoint:$fifth:$len:w { n += 1 }"
run "$five" sh -c "$(workload 2 0)"
grep -q "cannot arm probe watchpoint:$fifth:$len:w: the kernel refused a watchpoint on $(address "${5%%:*}") (error -28: every debug register of a CPU is taken" "$work/err" &&
    [ "$rc" -ne 0 ] && ok "a fifth watchpoint is refused with the kernel's reason (-ENOSPC: four debug registers)" ||
    bad "a fifth watchpoint is refused with the kernel's reason (-ENOSPC)" "$(both)"
# each file written 4 times with its own value (read first, by cat: not a write)
four="t = {}; trace $defs { t[argname] += 1 }; trace_end { for (k, v in pairs(t)) { printf(\"%s=%d\\n\", k, v) } }"
run "$four" sh -c "for f in $files; do v=\$(cat \$f); for i in 1 2 3 4; do echo \$v > \$f; done; done"
counts=; want=
for v in $1 $2 $3 $4; do w=$(where "${v%%:*}"); counts="$counts $w=$(value "$w")"; want="$want $w=4"; done
[ "$counts" = "$want" ] && [ "$rc" -eq 0 ] &&
    ok "after the refusal nothing stayed armed: four watchpoints arm and count their variables' 4 writes each" ||
    bad "after the refusal four watchpoints arm and count 4 writes of each variable" "$counts
$(both)"

on_board "echo $before > $file"
report=$(on_board "dmesg | tail -n +$((dmesg_before + 1)) | grep -E 'BUG|WARNING|Oops|watchpoint|hw_breakpoint'")
[ -z "$report" ] && ok "the kernel logged no BUG, WARNING or breakpoint complaint" ||
    bad "the kernel logged no BUG, WARNING or breakpoint complaint" "$report"
finish
