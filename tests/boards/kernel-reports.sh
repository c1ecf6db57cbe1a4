#!/usr/bin/env bash
# Usage: kernel-reports.sh LOG [FIRST_LINE]
# Finds the reports of the kernel's bug detectors in a kernel log (dmesg, or a board's
# console.log with every level printed) from line FIRST_LINE on (1): KASAN, lockdep,
# sleeping in atomic context, soft and hard lockups, hung tasks, RCU stalls, list
# corruption, BUG/WARN/Oops/panic and any other stack dump. Prints each report's first
# lines with the log's line numbers and exits 1 when there is one; exits 0 (printing
# nothing) when the log is clean. The one definition of "a report" for the debug board
# (tests/boards/debug-detectors.sh proves it finds each detector's report).
set -uo pipefail
log=${1:?usage: kernel-reports.sh LOG [FIRST_LINE]}
first=${2:-1}
[ -r "$log" ] || { echo "kernel-reports.sh: $log: cannot read" >&2; exit 2; }
# Report titles as the 6.1 kernel prints them (mm/kasan/report.c, kernel/locking/lockdep.c,
# kernel/sched/core.c, kernel/watchdog*.c, kernel/hung_task.c, kernel/rcu/tree_stall.h,
# lib/list_debug.c, kernel/panic.c), and "Call Trace:" for any report not named here.
pattern='BUG:|WARNING:|INFO:|Oops|general protection fault|Kernel panic|kernel BUG|cut here|'
pattern+='soft lockup|hard LOCKUP|blocked for more than|self-detected stall|detected stalls|'
pattern+='list_(add|del) corruption|UBSAN:|Call Trace:|RIP: '
# Not a report: the stack dumps someone asked for with sysrq-l ("Show backtrace of all
# active CPUs": tests/kernel/hostile.sh makes NMIs that way). Each starts at "NMI backtrace
# for cpu N" and ends at its "</TASK>" (or at the next CPU's, or at a named report); only
# the anonymous "Call Trace:"/"RIP:" lines inside one are dropped, and x86's note that the
# backtrace NMI handler ran long; a named report never is.
named='BUG:|WARNING:|INFO:|Oops|general protection fault|Kernel panic|kernel BUG|cut here|'
named+='soft lockup|hard LOCKUP|blocked for more than|self-detected stall|detected stalls|'
named+='list_(add|del) corruption|UBSAN:'
found=$(tail -n +"$first" "$log" | tr -d '\r' | awk -v pat="$pattern" -v named="$named" -v off="$first" '
    /sysrq: Show backtrace of all active CPUs/ { asked = 1 }
    asked && /NMI backtrace for cpu [0-9]+/ { inside = 1 }
    # the backtrace handler itself takes long under emulation (it prints a whole stack
    # from NMI context): x86 says so once; that is the dump asked for, not a fault
    asked && /INFO: NMI handler \(nmi_cpu_backtrace_handler\) took too long to run/ { next }
    $0 ~ named { inside = 0 }
    $0 ~ pat && !(inside && /Call Trace:|RIP: /) { print "line " (NR + off - 1) ": " $0; if (++n == 40) exit }
    inside && /<\/TASK>/ { inside = 0 }')
[ -z "$found" ] && exit 0
echo "$found"
exit 1
