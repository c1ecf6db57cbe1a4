#!/usr/bin/env bash
# Usage: ktap-e2e.sh <board>   (qemu-x86_64, qemu-arm-v7, qemu-x86, qemu-powerpc, qemu-arm64,
#                                qemu-x86_64-rt, qemu-x86_64-5.10, qemu-x86_64-6.12, qemu-x86_64-debug)
# The same end-to-end checks on any emulated board, through `ktap run --board <board>`
# with scripts compiled for that board's target: exact syscall counts of a static
# workload, kprobe arguments through the portable $argN and the target's own registers,
# USDT markers with their arguments and semaphore,
# a kretprobe's return value, tick, trace_end at close, teardown after a dropped
# connection, bundles for other architectures refused by ktap and by the module. The
# expected outputs are the same strings for every board. Port: KTAP_E2E_PORT (else the e2e port of boards/ports.tsv).
# Prints the board's figures (boot to SSH-ready, ktap run to first output, module .text).
# Last line: RESULT passed=N failed=M.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
board=${1:?usage: ktap-e2e.sh <board>}
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
source "$root/boards/qemu/ports.sh"
port=${KTAP_E2E_PORT:-$(ktap_port_range e2e | cut -d" " -f1)}   # boards/ports.tsv
work=$root/out/tests/e2e-$board
mkdir -p "$work"
# The board's own facts (target, kernel tree, cross compiler) come from its YAML
# (boards/qemu/facts.py); the case below holds only what this test needs to know of each
# kernel: the registers of a syscall's arguments and where ksys_lseek's arguments are.
source "$root/boards/qemu/lib.sh"
ktap_board_load "$board"
tree=$board_tree; target=$board_target
cc=${board_cross_compile}gcc; size=${board_cross_compile}size
case "$board" in
    qemu-powerpc) uid_reg=%gpr5; gid_reg=%gpr6; others="arm-v7 x86_64"
                  # ksys_lseek is inlined into sys_lseek here, which gets the syscall's
                  # pt_regs (syscall wrapper): gpr4 at +16, gpr5 at +20. Typed here; untyped
                  # (one signed target word) reads the same s32 since ktapc 5cf36c3.
                  lseek_fn=sys_lseek; lseek_args="off=+16(%gpr3):s32 whence=+20(%gpr3):s32"
                  cflags=(-include "$root/tests/boards/raw-lseek.h") ;;
    qemu-x86_64|qemu-x86_64-rt|qemu-x86_64-5.10|qemu-x86_64-6.12|qemu-x86_64-debug)
                  # The same machine and userland architecture with Debian's other kernels:
                  # the module is built against each kernel's own headers.
                  uid_reg=%dx; gid_reg=%cx; others="arm-v7 powerpc"
                  lseek_fn=ksys_lseek; lseek_args="off=%si whence=%dx"
                  if [ "$board" = qemu-x86_64-debug ]; then
                      # Built without IA32_EMULATION, ksys_lseek has one caller and is
                      # inlined into __x64_sys_lseek, which gets the system call's pt_regs
                      # in di: si (the offset) at +104, dx (whence) at +96.
                      lseek_fn=__x64_sys_lseek; lseek_args="off=+104(%di) whence=+96(%di)"
                  fi
                  cflags=() ;;
    qemu-arm64)   # x86_64 agrees in byte order and word size: only the arch number refuses it.
                  uid_reg=%x2; gid_reg=%x3; others="x86_64 arm-v7"
                  # ksys_lseek is inlined into __arm64_sys_lseek, which gets the system
                  # call's pt_regs in x0 (syscall wrapper): x1 (the offset) at +8, x2
                  # (whence) at +16; untyped is one signed 64-bit word here.
                  lseek_fn=__arm64_sys_lseek; lseek_args="off=+8(%x0) whence=+16(%x0)"
                  cflags=() ;;
    qemu-arm-v7)  uid_reg=%r2; gid_reg=%r3; others="x86 powerpc"
                  # ksys_lseek is inlined into sys_lseek, which takes the system call's
                  # arguments in r0-r2 (no syscall wrapper on arm).
                  lseek_fn=sys_lseek; lseek_args="off=%r1 whence=%r2"
                  cflags=(-include "$root/tests/boards/raw-lseek.h")
                  # arm uprobes write a 32-bit ARM breakpoint: a marker must be ARM code,
                  # not Thumb (the default of arm-linux-gnueabihf-gcc; ktap refuses those)
                  sdt_cflags=(-marm) ;;
    qemu-x86)     # The i386 kernel (-mregparm=3) passes arguments 1-3 in ax, dx, cx and
                  # the 4th on the stack: the gid has no register, so it is the portable $arg4.
                  uid_reg=%cx; gid_reg='$arg4'; others="arm-v7 x86_64"
                  # ksys_lseek is inlined into __ia32_sys_lseek, which gets the system
                  # call's pt_regs in ax: cx (the offset) at +4, dx (whence) at +8. The
                  # fetches are untyped: one signed target word, s32 here.
                  lseek_fn=__ia32_sys_lseek; lseek_args="off=+4(%ax) whence=+8(%ax)"
                  cflags=(-include "$root/tests/boards/raw-lseek.h") ;;
    *) echo "ktap-e2e.sh: no end-to-end settings for board '$board'" >&2; exit 2 ;;
esac
pass=0; fail=0
[ -n "${sdt_cflags+set}" ] || sdt_cflags=()
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh" # ok, bad, check, finish
on_board() { timeout 120 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
push() { on_board "cat > $2" < "$1"; }
ktap() { "$work/tool/ktap" "$@"; }
ktapc() { "$work/tool/ktapc" "$@"; }
run() { # run SCRIPT_TEXT [CMD...]: ktap run on the board; stdout to $work/out, rc in $rc
    local text=$1; shift
    timeout 300 "$work/tool/ktap" run --board "$board" -e "$text" ${1:+--} "$@" \
        > "$work/out" 2> "$work/err"; rc=$?
}

# ---- build and boot -------------------------------------------------------------------
ko=$(bash "$root/scripts/build-module.sh" "$tree") || { bad "ktapvm.ko builds against $tree"; finish; }
ok "ktapvm.ko builds against $tree"
text=$($size -A "$ko" | awk '$1 == ".text" {print $2}')
"$cc" -static -O2 -Wall -Wextra -Werror "${cflags[@]}" -o "$work/ktapwl" "$root/tests/kernel/workload.c" ||
    { bad "the static workload builds with $cc"; finish; }
ok "the static workload builds with $cc"
# USDT markers (tests/kernel/sdt-markers.c), -O0: its 64-bit argument stays in memory (see
# there), with <sys/sdt.h> from the host (tests/lib/sdt-include.sh).
source "$root/tests/lib/sdt-include.sh"
"$cc" -static -O0 -Wall -Wextra -Werror "${sdt_cflags[@]}" -idirafter "$(sdt_include "$work/sdt-include")" -o "$work/sdt-markers" "$root/tests/kernel/sdt-markers.c" ||
    { bad "the USDT test program builds with $cc (systemtap-sdt-dev: scripts/deps.sh)"; finish; }
# Glob uprobe symbols (tests/kernel/uprobe-glob.c): ARM code on arm, as for the markers.
"$cc" -static -O0 -Wall -Wextra -Werror "${sdt_cflags[@]}" -o "$work/uprobe-glob" "$root/tests/kernel/uprobe-glob.c" ||
    { bad "the uprobe glob test program builds with $cc"; finish; }
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
ktap_tools 2> "$work/dotnet.log" || { bad "ktap and ktapc build" "$(cat "$work/dotnet.log")"; finish; }
rm -rf "$work/tool"; ln -s "$tools" "$work/tool"
source "$root/tests/lib/board-up.sh" # board_boot: stopped when this script exits
board_boot "$board" "$port" || { bad "$board boots"; finish; }
ok "$board boots and answers SSH"
boot=$(cat "$KTAP_STATE_DIR/boards/$board/boot-seconds")
push "$work/ktapwl" /tmp/ktapwl && push "$work/sdt-markers" /tmp/sdt-markers && push "$work/uprobe-glob" /tmp/uprobe-glob &&
    on_board 'chmod +x /tmp/ktapwl /tmp/sdt-markers /tmp/uprobe-glob'
# The dmesg check at the end looks only at what the kernel logs after this point: the i386
# kernel warns at boot about qemu's CPU (see docs/boards.md), before ktap runs at all.
boot_lines=$(on_board 'dmesg | wc -l')
boot_warnings=$(on_board 'dmesg | grep -E "BUG|WARNING|Oops" | head -3')
[ -n "$boot_warnings" ] && echo "note - the kernel warned at boot, before any ktap run:" && echo "$boot_warnings" | sed 's/^/       /'

# ---- ktap run: exact outputs ------------------------------------------------------------
# The first run deploys the profile's module_file (the module is not loaded yet).
t0=$(date +%s.%N)
timeout 300 "$work/tool/ktap" run --board "$board" -e 'trace syscalls:sys_enter_chdir { print(execname(), "chdir") }' \
    -- sh -c 'cd /' 2>"$work/err" | { read -r first; date +%s.%N > "$work/first-at"; echo "$first"; cat; } > "$work/out"
cold=$(awk -v s="$t0" -v n="$(cat "$work/first-at")" 'BEGIN {printf "%.1f", n - s}')
check "first ktap run (deploys the module) prints the chdir" "$(printf 'sh\tchdir')" "$(cat "$work/out")"
t0=$(date +%s.%N)
timeout 300 "$work/tool/ktap" run --board "$board" -e 'trace syscalls:sys_enter_chdir { print(execname(), "chdir") }' \
    -- sh -c 'cd /' 2>"$work/err" | { read -r first; date +%s.%N > "$work/first-at"; echo "$first"; cat; } > "$work/out"
warm=$(awk -v s="$t0" -v n="$(cat "$work/first-at")" 'BEGIN {printf "%.1f", n - s}')
check "warm ktap run prints the chdir" "$(printf 'sh\tchdir')" "$(cat "$work/out")"

run 't = {}
trace syscalls:sys_enter_getppid { t[execname()] += 1 }
trace_end { print("ktapwl", t["ktapwl"]) }' /tmp/ktapwl getppid 10000
check "syscalls:sys_enter_getppid counts the workload's 10000 calls exactly" "$(printf 'ktapwl\t10000')" "$(cat "$work/out")"
# ktap list: a board binary's uprobe symbols, and kprobe: as an alias of probe:
timeout 120 "$work/tool/ktap" list --board "$board" 'probe:/tmp/ktapwl:mai*' > "$work/out" 2> "$work/err"
check "ktap list probe:/tmp/ktapwl:mai* lists the workload's main as a script names it" "probe:/tmp/ktapwl:main" \
    "$(grep -x 'probe:/tmp/ktapwl:main' "$work/out")"
timeout 120 "$work/tool/ktap" list --board "$board" "kprobe:$lseek_fn" > "$work/out" 2> "$work/err"
check "ktap list kprobe:$lseek_fn finds the kernel function" "probe:$lseek_fn" "$(cat "$work/out")"

# USDT markers: tick 5 times with (-(i+1), 0x123456789abc + i), and hit (i) behind its
# semaphore, which the program sees set only while the session has the marker armed.
run 't = {}
trace sdt:/tmp/sdt-markers:tick { n += 1; t[arg1] = arg2 }
trace sdt:/tmp/sdt-markers:ktap_test:hit { h += 1; hs += arg1 }
trace_end { print(n, t[-1], t[-5], h, hs) }' sh -c '/tmp/sdt-markers 5 > /tmp/sdt.out'
check "sdt: tick fires 5 times with its negative int and 64-bit arguments; hit 5 times (sum of i 10)" \
    "$(printf '5\t20015998343868\t20015998343872\t5\t10')" "$(cat "$work/out" "$work/err")"
check "sdt: the program saw the semaphore set in each of its 5 loops while traced, and never after" \
    "enabled=5 enabled=0" "$(on_board 'cat /tmp/sdt.out; /tmp/sdt-markers 5' | tr '\n' ' ' | sed 's/ $//')"
# A marker glob arms both; argname tells them apart: PROVIDER:MARKER.
run 't = {}
trace sdt:/tmp/sdt-markers:* { t[argname] += 1 }
trace_end { print(t["ktap_test:tick"], t["ktap_test:hit"], len(t)) }' /tmp/sdt-markers 5
check "sdt:/tmp/sdt-markers:*: argname is each marker's PROVIDER:MARKER (5 ticks, 5 hits, 2 names; rc=$rc)" \
    "$(printf '5\t5\t2')" "$(cat "$work/out")"
timeout 120 "$work/tool/ktap" list --board "$board" 'sdt:/tmp/sdt-markers' > "$work/out" 2> "$work/err"
check "ktap list sdt:/tmp/sdt-markers lists both markers, hit with its semaphore" \
    "sdt:/tmp/sdt-markers:ktap_test:hit (semaphore) sdt:/tmp/sdt-markers:ktap_test:tick" \
    "$(sed -E 's/  arg1=.*  \(semaphore\)$/ (semaphore)/; s/  arg1=.*$//' "$work/out" | tr '\n' ' ' | sed 's/ $//')"

# Glob uprobe symbols: ktapg_* is one uprobe per function (not other_fn), each telling its
# name by argname; the return probes of the same glob fire once per call.
run 't = {}
trace probe:/tmp/uprobe-glob:ktapg_* { t[argname] += 1 }
trace probe:/tmp/uprobe-glob:ktapg_*%return { r += 1 }
trace_end { print(t["ktapg_alpha"], t["ktapg_beta"], t["ktapg_gamma"], t["ktapg_delta"], len(t), r) }' /tmp/uprobe-glob 10
check "probe:/tmp/uprobe-glob:ktapg_*: each function's own count by argname (10, 20, 30, 40; 4 names), 100 returns (rc=$rc)" \
    "$(printf '10\t20\t30\t40\t4\t100')" "$(cat "$work/out")"
run 'trace probe:/tmp/uprobe-glob:ktapm_* { }' true
if [ "$rc" -eq 3 ] && grep -qF "'ktapm_*' matches 2100 functions of /tmp/uprobe-glob, more than the 2048 one definition may arm: narrow it" "$work/err"; then
    ok "a glob over 2100 functions: exit 3, $(head -n 1 "$work/err")"
else bad "a glob over 2100 functions is refused naming 2100 and the cap 2048 (exit 3)" "rc=$rc $(cat "$work/err")"; fi

# Kernel symbol literals: `vfs_read` is the address of the board's kallsyms, exactly; a
# kprobe on vfs_read fires at that address plus the offset the kernel itself reports in
# argevent (0, or past an x86 endbr); an unknown name is a link error with a suggestion.
addr=$(on_board "grep -m1 ' [tT] vfs_read\$' /proc/kallsyms" | cut -d' ' -f1 | sed 's/^0*//')
run 'printf("%x\n", `vfs_read`)
trace probe:vfs_read { if (execname() == "head" && !seen) { seen = 1; printf("(vfs_read+0x%x/\n", arg1 - `vfs_read`); print(argevent) } }' head -c 3 /etc/hostname
check "\`vfs_read\` prints as the board's /proc/kallsyms address (rc=$rc)" "$addr" "$(sed -n 1p "$work/out")"
rel=$(sed -n 2p "$work/out"); event=$(sed -n 3p "$work/out")
case "$event" in
    "vfs_read: $rel"*) ok "a kprobe's arg1 minus \`vfs_read\` is the offset the kernel reports: $event" ;;
    *) bad "a kprobe's arg1 minus \`vfs_read\` is the offset the kernel reports" "$(cat "$work/out" "$work/err")" ;;
esac
run 'print(`vfs_raed`)'
check "an unknown symbol literal: exit 3, a suggestion" \
    "rc=3 ktap: error: \`vfs_raed\`: no kernel function 'vfs_raed' on $board (did you mean 'vfs_read'?) (a symbol literal names a text symbol of /proc/kallsyms)" \
    "rc=$rc $(head -n 1 "$work/err")"
ktapc --target "$target" -o "$work/ksym.kbc" -e 'print(`vfs_read`)' && push "$work/ksym.kbc" /tmp/ksym.kbc
out=$(on_board 'exec 3<>/dev/ktap; cat /tmp/ksym.kbc >&3 2>/dev/null; echo "rc=$?"; cat <&3')
case "$out" in
    rc=1*"bundle has unresolved kernel symbol literals (format 2): link it for this board with ktap run"*)
        ok "the module refuses a bundle whose symbol literals were not linked: ${out#*$'\n'}" ;;
    *) bad "the module refuses a bundle whose symbol literals were not linked" "$out" ;;
esac

# The shipped sample, unchanged: the workload's getppid calls top the histogram, exactly.
timeout 300 "$work/tool/ktap" run --board "$board" "$root/samples/syscalls/syscount.kp" \
    -- /tmp/ktapwl getppid 10000 > "$work/out" 2> "$work/err"
check "samples/syscalls/syscount.kp: sys_enter_getppid tops the histogram with 10000" \
    "sys_enter_getppid 10000" "$(awk 'NR == 2 {print $1, $(NF)}' "$work/out")"

# ---- scope: -- CMD traces CMD and its descendants, -p PID one process, -a everything ----
# Another process calls getppid all along (ktapwl mix: one call every ~2 ms); only the
# workload's calls count.
# (setsid: dropbear ends what the SSH session left behind, nohup or not)
on_board 'setsid /tmp/ktapwl mix 1000000 >/dev/null 2>&1 </dev/null & echo $! > /tmp/noise.pid'
count='trace syscalls:sys_enter_getppid { n += 1 } trace_end { print(n) }'
run "$count" /tmp/ktapwl getppid 1000
check "-- CMD: exactly the workload's 1000 getppid calls while another process calls it too" "1000" "$(cat "$work/out")"
# (busybox sh itself calls getppid once as it starts, for $PPID: it is the workload too)
run "$count" sh -c '/tmp/ktapwl getppid 1000; /tmp/ktapwl getppid 500'
check "-- sh -c: sh's own call and those of its two children (1 + 1000 + 500), no other" "1501" "$(cat "$work/out")"
timeout 300 "$work/tool/ktap" run --board "$board" -a -e "$count" -- sh -c '/tmp/ktapwl getppid 1000; sleep 1' > "$work/out" 2> "$work/err"
if [ "$(cat "$work/out")" -gt 1101 ] 2>/dev/null; then ok "-a: every task's calls count ($(cat "$work/out") > 1 + 1000 + 100 from the other process)"
else bad "-a: every task's calls count (more than 1101: the other process runs for 1 s)" "$(cat "$work/out" "$work/err")"; fi
timeout 300 "$work/tool/ktap" run --board "$board" -a -e 'trace syscalls:sys_enter_getppid { if (pid() == cpid()) { n += 1 } } trace_end { print(n) }' \
    -- /tmp/ktapwl getppid 1000 > "$work/out" 2> "$work/err"
check "-a: cpid() is the workload's pid (1000 calls with pid() == cpid())" "1000" "$(cat "$work/out")"
run 'print(cpid()) tick-100ms { exit() }'
check "cpid() is 0 without a workload" "0" "$(cat "$work/out")"
# exit(code) reaches ktap's exit status through the board's summary record; a closure kept
# in a global counts across tick handler runs (its cell lives in the module's arena)
run 'exit(3)'
check "ktap run -e 'exit(3)' exits 3" "rc=3" "rc=$rc"
run 'function make() {
    var n = 0
    return function() { n += 1; return n }
}
var c = make()
tick-10ms { if (c() == 3) { print(c()); exit(-1) } }'
check "a closure called from tick handlers, then exit(-1): prints 4, exits 255" "4 rc=255" "$(cat "$work/out") rc=$rc"
# one closure in a global, called by the getppid handlers of two processes on the board's
# CPUs at once: each call counts through it (t[cpu()] += 1 is atomic) and both CPUs write
# its string upvalue (whole values under the globals' lock, never torn)
run 'function mk() {
    var last = "none"
    return function(who) { last = who .. "@" .. cpu(); t[cpu()] += 1 }, function() { return last }
}
t = {}
var hit, peek = mk()
trace syscalls:sys_enter_getppid { hit(execname()) }
trace_end { var n = 0
    for (k, v in pairs(t)) { n += v }
    printf("%d %s\n", n, peek()) }' sh -c '/tmp/ktapwl getppid 20000 & /tmp/ktapwl getppid 20000; wait'
check "a closure called on two CPUs at once: 1 + 2 x 20000 calls through it, its upvalue whole (rc=$rc)" \
    "40001 ktapwl" "$(sed 's/@[0-9]*$//' "$work/out")"
# -p PID: a process that waits for a file, then makes 2 x 1000 calls on two threads and
# exits. The tick says when the session is armed (ticks run only then); the test then
# creates the file. The session ends by itself when the process has exited (the board's
# watcher polls every 0.5 s), long before --duration, and leaves no process and no open
# /dev/ktap on the board.
on_board 'rm -f /tmp/go; setsid /tmp/ktapwl after /tmp/go 1000 >/dev/null 2>&1 </dev/null & echo $! > /tmp/after.pid'
target_pid=$(on_board 'cat /tmp/after.pid')
timeout 300 "$work/tool/ktap" run --board "$board" -p "$target_pid" --duration 60s -e 'tick-100ms { if (!said) { print("armed", cpid()); said = 1 } }
trace syscalls:sys_enter_getppid { n += 1 }
trace_end { print(n) }' > "$work/out" 2> "$work/err" &
client=$!
for _ in $(seq 1 300); do grep -q armed "$work/out" && break; sleep 0.1; done
t0=$(date +%s)
on_board 'touch /tmp/go'
wait "$client"; rc=$?
took=$(( $(date +%s) - t0 ))
check "-p PID: exactly the 2 x 1000 calls of the process's two threads; cpid() is PID (rc=$rc)" \
    "$(printf 'armed\t%s\n2000' "$target_pid")" "$(cat "$work/out")"
left=$(on_board 'for p in /proc/[0-9]*; do ls -l $p/fd 2>/dev/null | grep -q /dev/ktap && echo "${p#/proc/}"; done')
if [ "$rc" -eq 0 ] && [ "$took" -lt 15 ] && [ -z "$left" ]; then ok "-p PID: the session ended by itself when PID exited (${took} s, exit 0, no /dev/ktap open)"
else bad "-p PID: the session ends when PID exits (under 15 s, not at --duration 60s)" "rc=$rc took=${took}s open by: $left $(cat "$work/err")"; fi
# -T: every line starts with its record's time since the session started, "S.UUUUUU: ";
# times never go back, the 1 s sleep between two groups of calls shows, and none is later
# than the run lasted.
t0=$(date +%s.%N)
timeout 300 "$work/tool/ktap" run --board "$board" -T -e 'trace syscalls:sys_enter_getppid { print("g") } trace_end { print("end") }' \
    -- sh -c '/tmp/ktapwl getppid 3; sleep 1; /tmp/ktapwl getppid 3' > "$work/out" 2> "$work/err"; rc=$?
wall=$(awk -v s="$t0" -v n="$(date +%s.%N)" 'BEGIN {print n - s}')
verdict=$(awk -v wall="$wall" '
    !/^ *[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]: (g|end)$/ { print "bad line: " $0; exit }
    { t = $1 + 0; if (NR > 1 && t < last) { print "time went back at line " NR; exit }
      if (t > wall) { print "time " t " after the run (" wall " s)"; exit }
      if (NR > 1 && t - last >= 0.9) gap++; last = t; n++ }
    END { if (n == 8 && gap == 1) print "ok"; else if (n != 8) print n " lines, not 8"; else print gap " gaps of 1 s" }' "$work/out")
check "-T: 8 lines (sh, 2 x 3 calls, trace_end), each prefixed with a time, in order, the sleep seen (rc=$rc)" \
    "ok" "$verdict"
timeout 120 "$work/tool/ktap" run --board "$board" -p 4000000 -e "$count" > "$work/out" 2> "$work/err"; rc=$?
if [ "$rc" -eq 24 ] && grep -q "no process 4000000" "$work/err"; then ok "-p of no process: exit 24, $(head -n 1 "$work/err")"
else bad "-p of no process: exit 24" "rc=$rc $(cat "$work/err")"; fi
on_board 'kill $(cat /tmp/noise.pid)'
# Ending the session ends the workload: --duration 2s on a sleep 40 with a child.
t0=$(date +%s)
timeout 120 "$work/tool/ktap" run --board "$board" --duration 2s -e "$count" -- sh -c 'sleep 40 & sleep 41' > "$work/out" 2> "$work/err"
took=$(( $(date +%s) - t0 ))
left=$(on_board "ps -o pid,args | awk '\$2 == \"sleep\" && (\$3 == \"40\" || \$3 == \"41\")'")
if [ "$took" -lt 30 ] && [ -z "$left" ]; then ok "--duration 2s ends the workload and its child (${took} s, no process left)"
else bad "--duration 2s ends the workload and its child" "took=${took}s left=$left $(cat "$work/err")"; fi
# exit() in a handler ends the session and the workload with it: no failure of the workload.
t0=$(date +%s)
run 'tick-200ms { exit() }' sh -c 'sleep 40 & sleep 41'
took=$(( $(date +%s) - t0 ))
left=$(on_board "ps -o pid,args | awk '\$2 == \"sleep\" && (\$3 == \"40\" || \$3 == \"41\")'")
if [ "$rc" -eq 0 ] && [ "$took" -lt 30 ] && [ -z "$left" ]; then ok "exit() ends the workload and its child (${took} s, exit 0, no process left)"
else bad "exit() ends the workload and its child" "rc=$rc took=${took}s left=$left $(cat "$work/err")"; fi
# A workload's own failure is reported with its status, exit 26 (ktap_exit_codes.def).
run 'tick-1s { n = 1 }' sh -c 'exit 3'
if [ "$rc" -eq 26 ] && grep -qx "ktap: the workload exited with status 3" "$work/err"; then ok "a workload that exits 3: exit 26, said so"
else bad "a workload that exits 3: exit 26" "rc=$rc $(cat "$work/err")"; fi
run 'tick-1s { n = 1 }' /nonexistent-ktap-command
if [ "$rc" -eq 26 ] && grep -q "could not be run: command not found on the board (status 127)" "$work/err"; then
    ok "a workload that does not exist: exit 26, $(grep -m1 'could not be run' "$work/err")"
else bad "a workload that does not exist: exit 26" "rc=$rc $(cat "$work/err")"; fi
# Script arguments (ktap 0.4): the words between the script and --, as arg[1], arg[2]...
# A script without probes and workload ends after main (and trace_end), as in ktap 0.4.
t0=$(date +%s)
timeout 120 "$work/tool/ktap" run --board "$board" -e 'print(arg[1] + 1, arg[2]) trace_end { print("end") }' 41 two > "$work/out" 2> "$work/err"
took=$(( $(date +%s) - t0 ))
check "script arguments, no probe: arg[1] + 1, arg[2], then trace_end, ended after main (${took} s)" \
    "$(printf '42\ttwo\nend\nfast')" "$(cat "$work/out"; [ "$took" -lt 30 ] && echo fast)"
timeout 300 "$work/tool/ktap" run --board "$board" -e 'trace syscalls:sys_enter_getppid { n += 1 } trace_end { print(arg[1], n) }' wl \
    -- /tmp/ktapwl getppid 1000 > "$work/out" 2> "$work/err"
check "script arguments before -- CMD: arg[1] and the workload's 1000 calls" "$(printf 'wl\t1000')" "$(cat "$work/out")"
# --limit raises a budget up to the module's ceiling: a handler of a 60,000-step loop (over
# 120,000 instructions) fails with the default budget (100,000) and runs with insns=500000.
loop='tick-100ms { var n = 0; for (i = 1, 60000) { n += 1 }; print(n); exit() }'
timeout 300 "$work/tool/ktap" run --board "$board" --duration 2s -e "$loop" > "$work/out" 2> "$work/err"; rc=$?
if [ "$rc" -eq 22 ] && grep -q "budget exceeded: instructions per handler run (limit 100000)" "$work/err"; then ok "the default instruction budget stops a 60,000-step loop (exit 22)"
else bad "the default instruction budget stops a 60,000-step loop" "rc=$rc $(cat "$work/out" "$work/err")"; fi
timeout 300 "$work/tool/ktap" run --board "$board" --limit insns=500000 -e "$loop" > "$work/out" 2> "$work/err"; rc=$?
check "--limit insns=500000 lets it finish (rc=$rc)" "60000" "$(cat "$work/out")"
# -C CPU (ktap 0.4's -C): only that CPU's events. Two dd runs pinned to CPU 0, then CPU 1;
# profile samples keyed by cpu(): without -C both CPUs, with -C 1 only CPU 1.
pinned='taskset -c 0 dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null; taskset -c 1 dd if=/dev/zero of=/dev/null bs=1 count=100000 2>/dev/null'
cpus='n = {}; profile-1ms { n[cpu()] = 1 } trace_end { for (c, v in pairs(n)) { print(c) } }'
ncpu=$(on_board 'ls -d /sys/devices/system/cpu/cpu[0-9]* | wc -l')
if [ "$ncpu" -ge 2 ]; then
    timeout 300 "$work/tool/ktap" run --board "$board" -a -e "$cpus" -- sh -c "$pinned" > "$work/out" 2> "$work/err"
    check "profile of two pinned dd runs samples CPUs 0 and 1" "$(printf '0\n1')" "$(sort "$work/out")"
    timeout 300 "$work/tool/ktap" run --board "$board" -a -C 1 -e "$cpus" -- sh -c "$pinned" > "$work/out" 2> "$work/err"
    check "-C 1: only CPU 1's samples" "1" "$(cat "$work/out")"
else
    # qemu's mac99 (powerpc) has one CPU: samples come from CPU 0 only, and -C 1 is refused.
    timeout 300 "$work/tool/ktap" run --board "$board" -a -e "$cpus" -- sh -c "$pinned" > "$work/out" 2> "$work/err"
    check "profile on a 1-CPU board samples CPU 0" "0" "$(sort "$work/out")"
    timeout 120 "$work/tool/ktap" run --board "$board" -C 1 -e "$count" -- true > "$work/out" 2> "$work/err"; rc=$?
    if [ "$rc" -eq 3 ] && grep -q "cpu: no CPU 1 on this board" "$work/err"; then ok "-C 1 on a 1-CPU board: exit 3, the board's message"
    else bad "-C 1 on a 1-CPU board: exit 3, the board's message" "rc=$rc $(cat "$work/err")"; fi
fi
timeout 120 "$work/tool/ktap" run --board "$board" -C 7 -e "$count" -- true > "$work/out" 2> "$work/err"; rc=$?
if [ "$rc" -eq 3 ] && grep -q "cpu: no CPU 7 on this board (CPUs 0 to " "$work/err"; then ok "-C 7 on a $ncpu-CPU board: exit 3, the board's message"
else bad "-C 7 on a $ncpu-CPU board: exit 3, the board's message" "rc=$rc $(cat "$work/err")"; fi
# The scope command is the module's input too: garbage is refused, with the reason.
for cmd in 'scope ' 'scope x' 'scope 0' 'scope 012' 'scope -1' 'scope 99999999' 'scope 4194305' \
           'scope 1 kids' 'scope 1 children all' 'scope 1children' "scope $(printf '1%.0s' $(seq 1 60))" 'scope 4000000'; do
    out=$(on_board "exec 3<>/dev/ktap; printf '%s' '$cmd' >&3 2>/dev/null; echo rc=\$?; cat <&3")
    case "$out" in
        rc=1*scope:*) ok "the module refuses '$cmd': ${out#*$'\n'}" ;;
        *) bad "the module refuses '$cmd'" "$out" ;;
    esac
done
for cmd in 'cpu ' 'cpu x' 'cpu 01' 'cpu -1' 'cpu 99999' 'cpu 4095' 'cpu 1 2' 'cpu 0x1' "cpu $(printf '1%.0s' $(seq 1 20))"; do
    out=$(on_board "exec 3<>/dev/ktap; printf '%s' '$cmd' >&3 2>/dev/null; echo rc=\$?; cat <&3")
    case "$out" in
        rc=1*cpu:*) ok "the module refuses '$cmd': ${out#*$'\n'}" ;;
        *) bad "the module refuses '$cmd'" "$out" ;;
    esac
done
# sdt-sem (kernel/sdt.c): malformed commands, then ones that name no sdt event of the bundle
# (a tick's bundle: event 0 is no marker, event 1 does not exist), in one round trip.
ktapc --target "$target" -o "$work/tick.kbc" -e 'tick-1s { }' && push "$work/tick.kbc" /tmp/tick.kbc
out=$(on_board 'for c in "sdt-sem " "sdt-sem x 2" "sdt-sem 1 0" "sdt-sem 01 2" "sdt-sem 65536 2" "sdt-sem 1 18446744073709551616" "sdt-sem 1 2 3" "sdt-sem -1 2"; do
    (exec 3<>/dev/ktap; printf "%s" "$c" >&3 2>/dev/null; echo "rc=$? $(cat <&3)"); done
for c in 0 1; do (exec 3<>/dev/ktap; printf "sdt-sem $c 2" >&3; cat /tmp/tick.kbc >&3 2>/dev/null; echo "rc=$? $(cat <&3)"); done')
e='rc=1 sdt-sem: expected "sdt-sem EVENT OFFSET" (decimal digits)'
check "the module refuses 8 malformed sdt-sem commands, and sdt-sem for a tick and for a missing event" \
    "$(printf '%s\n' "$e" "$e" 'rc=1 sdt-sem: event 1: semaphore offset 0' "$e" "$e" "$e" "$e" "$e" \
        'rc=1 sdt-sem: event 0 (tick-1s) is not an sdt marker' 'rc=1 sdt-sem: event 1 is not in the bundle (1 events)')" "$out"
out=$(on_board 'exec 3<>/dev/ktap; printf "cpu 0\n" >&3 && printf "cpu 1" >&3 2>/dev/null; echo rc=$?; cat <&3')
case "$out" in rc=1*"already has a CPU"*) ok "a second cpu command is refused" ;; *) bad "a second cpu command is refused" "$out" ;; esac
out=$(on_board 'exec 3<>/dev/ktap; printf "scope 1\n" >&3 && printf "scope 1" >&3 2>/dev/null; echo rc=$?; cat <&3')
case "$out" in rc=1*"already has a scope"*) ok "a second scope command is refused" ;; *) bad "a second scope command is refused" "$out" ;; esac
out=$(on_board 'exec 3<>/dev/ktap; printf "time\n" >&3 && printf "time" >&3 2>/dev/null; echo rc=$?; cat <&3')
case "$out" in rc=1*"already has timestamps"*) ok "a second time command is refused" ;; *) bad "a second time command is refused" "$out" ;; esac

run 's = ptable()
trace syscalls:sys_enter_chdir { s[execname()] <<< 1 }
trace_end { histogram(s) }' sh -c 'for i in 1 2 3 4 5 6 7; do cd /; done'
check "histogram of 7 chdir calls" \
    "$(printf '%s\n%s' "                         value ------------- Distribution ------------- count" \
                       "                             sh |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@7      ")" \
    "$(cat "$work/out")"

# do_fchownat(dfd, filename, user, group, flag) returns 0: busybox chown calls chown(2),
# which reaches it on every architecture with the ids in arguments 3 and 4.
chowns='touch /tmp/f; chown 4242:77 /tmp/f; chown 7:8 /tmp/f'
expected_chown=$(printf 'chown\t4242\t77\nreturn\t0\nchown\t7\t8\nreturn\t0')
chown_script() { # chown_script UID_FETCH GID_FETCH
    echo "trace probe:do_fchownat uid=$1 gid=$2 { if (execname() == \"chown\") { print(\"chown\", arg2, arg3) } }
trace probe:do_fchownat%return ret=\$retval { if (execname() == \"chown\") { print(\"return\", arg2) } }"
}
run "$(chown_script '$arg3' '$arg4')" sh -c "$chowns"
check "kprobe with the portable \$arg3/\$arg4, kretprobe \$retval (do_fchownat)" "$expected_chown" "$(cat "$work/out")"
run "$(chown_script "$uid_reg" "$gid_reg")" sh -c "$chowns"
check "kprobe with $target's own registers (uid=$uid_reg gid=$gid_reg), kretprobe \$retval" "$expected_chown" "$(cat "$work/out")"

# The lseek system call returns the offset: 3 calls to 4242 and 2 to 77, with a filter.
both='/tmp/ktapwl lseek 3 4242; /tmp/ktapwl lseek 2 77'
run "trace probe:$lseek_fn $lseek_args /off == 4242/ {
    if (execname() == \"ktapwl\") { print(\"entry\", arg2, arg3, args.off) } }
trace probe:$lseek_fn%return ret=\$retval { if (execname() == \"ktapwl\") { print(\"return\", arg2) } }" sh -c "$both"
check "kprobe $lseek_fn $lseek_args with a filter, kretprobe \$retval" \
    "$(printf 'entry\t4242\t0\t4242\nreturn\t4242\n%.0s' 1 2 3; printf 'return\t77\nreturn\t77')" "$(cat "$work/out")"

# The session lasts as long as `sleep 1` plus starting it, which an emulated board under
# load stretches (16 ticks seen on qemu-arm64 at load 20): so the ticks are checked
# against the board's own clock between the first and the last tick (n - 1 intervals of
# 100 ms, within 20 % or one tick), and there must be at least 5.
run 'n = 0
t0 = 0
t1 = 0
tick-100ms { if (n == 0) { t0 = gettimeofday_us() }; n = n + 1; t1 = gettimeofday_us() }
trace_end { print("ticks", n, t1 - t0) }' sleep 1
read -r _ ticks span < <(awk '$1 == "ticks"' "$work/out")
if [ -n "${ticks:-}" ] && [ "$ticks" -ge 5 ] &&
   awk -v n="$ticks" -v us="$span" 'BEGIN { d = (n - 1) - us / 100000; if (d < 0) d = -d
                                           t = 0.2 * (n - 1); if (t < 1) t = 1; exit !(d <= t) }'; then
    ok "tick-100ms ran $ticks times, $((span / 1000)) ms from the first to the last"
else bad "tick-100ms: at least 5 ticks, 100 ms apart by the board's clock" "$(cat "$work/out" "$work/err")"; fi

# A tick beside many probes: its timer starts while the others are still being armed, and
# a first expiry before the session ran once stopped the tick for good (0 runs in 15 s).
timeout 120 "$work/tool/ktap" run --board "$board" --duration 15s \
    -e 'n = 0; trace syscalls:sys_enter_* { } tick-1ms { n += 1; if (n >= 3) { exit() } } trace_end { print(n) }' > "$work/out" 2> "$work/err"
check "tick-1ms beside the syscalls:sys_enter_* probes runs (3 runs, then exit())" "3" "$(cat "$work/out")"

timeout 120 "$work/tool/ktap" run --board "$board" --duration 1s -e 'n = 0
trace syscalls:sys_enter_chdir { n = n + 1 }
trace_end { printf("ended %d\n", n) }' > "$work/out" 2> "$work/err"
check "trace_end runs when the session closes (--duration 1s)" "ended 0" "$(cat "$work/out")"

# ---- bundles for other architectures ----------------------------------------------------
for other in $others; do
    ktapc --target "$other" -o "$work/$other.kbc" -e 'trace syscalls:sys_enter_getppid { print(1) }' ||
        { bad "ktapc compiles for $other"; continue; }
    timeout 120 "$work/tool/ktap" run --board "$board" "$work/$other.kbc" > "$work/out" 2> "$work/err"; rc=$?
    if [ "$rc" -eq 21 ] && grep -q "was built for $other.*board $board is $target.*recompile it with ktapc -t $target" "$work/err"; then
        ok "ktap refuses the $other bundle before upload: $(head -n 1 "$work/err")"
    else bad "ktap refuses the $other bundle before upload (exit 21)" "rc=$rc $(cat "$work/err")"; fi
    push "$work/$other.kbc" /tmp/other.kbc
    out=$(on_board 'exec 3<>/dev/ktap; cat /tmp/other.kbc >&3 2>/dev/null; echo "rc=$?"; cat <&3')
    case "$out" in
        rc=1*"bundle is little-endian, this VM is big-endian"*|rc=1*"bundle is big-endian, this VM is little-endian"*|\
        rc=1*"word size"*"this VM has"*|rc=1*"built for $other, this VM is $target"*)
            ok "the module refuses the $other bundle: ${out#*$'\n'}" ;;
        *) bad "the module refuses the $other bundle" "$out" ;;
    esac
done

# ---- the board's refusals reach the user as the module wrote them --------------------------
# (the session script once decided "refused" from busybox head's exit status, which is 0
# after a failed write: the module's message was then decoded as records)
refused() { # refused NAME SCRIPT MESSAGE_PATTERN
    run "$2" true
    if [ "$rc" -eq 3 ] && grep -qE "^ktap: error: the board refused the bundle: .*$3" "$work/err" &&
       ! grep -q 'decode' "$work/err"; then ok "$1: exit 3, the board's message: $(head -n 1 "$work/err")"
    else bad "$1: exit 3 with the board's message" "rc=$rc $(cat "$work/err")"; fi
}
refused "a kprobe on no symbol" 'trace kprobe:vfs_raed { print(1) }' "no kernel symbol vfs_raed"
refused "ftrace:function without a filter" 'trace ftrace:function { print(1) }' "needs a filter"
refused "an interval below the module's minimum" 'tick-10us { print(1) }' "below the minimum"
# trace *:* (ktap 0.4's every-event one-liner) arms every tracepoint perf can sample: not
# tracefs's ftrace records, not events perf refuses to sample (x86's irq_work_exit)
run 'n = 0; trace *:* { n += 1 }; trace_end { printf("%d\n", n) }' /bin/true
if [ "$rc" -eq 0 ] && [ "$(cat "$work/out")" -gt 0 ] 2>/dev/null; then ok "trace *:* arms and counts $(cat "$work/out") events"
else bad "trace *:* arms and counts events" "rc=$rc out=$(cat "$work/out") $(cat "$work/err")"; fi

# ---- argevent as ftrace prints it -------------------------------------------------------
# The same events enabled in tracefs while ktap prints argevent of each: every line ktap
# prints must be a line of ftrace's trace file (what follows the timestamp), the host having
# applied each event's print fmt from the board's catalog. Events whose print fmt has %p
# are left out: the kernel hashes pointers, the host prints them in hex (docs/language.md).
evs="sched/sched_switch sched/sched_wakeup sched/sched_process_exec syscalls/sys_enter_openat syscalls/sys_exit_openat syscalls/sys_enter_open syscalls/sys_exit_open"
tracefs() { on_board "cd /sys/kernel/tracing && $1"; }
tracefs "echo 0 > tracing_on && echo > trace && for e in $evs; do [ -e events/\$e ] && echo 1 > events/\$e/enable; done; echo 1 > tracing_on"
run 'trace sched:sched_switch, sched:sched_wakeup, sched:sched_process_exec, syscalls:sys_enter_open*, syscalls:sys_exit_open* { print(argevent) }' \
    sh -c 'cat /etc/hostname > /dev/null; ls / > /dev/null'
tracefs "echo 0 > tracing_on; cat trace; for e in $evs; do [ -e events/\$e ] && echo 0 > events/\$e/enable; done; echo > trace; echo 1 > tracing_on" \
    | sed -n 's/^.*[0-9]\.[0-9]\{6\}: //p' > "$work/ftrace"
missing=$(grep -vxFf "$work/ftrace" "$work/out" | head -5)
if [ "$rc" -eq 0 ] && grep -q '^sched_process_exec: filename=' "$work/out" && grep -q '^sys_open' "$work/out" &&
   grep -q '^sched_switch: prev_comm=.* ==> next_comm=' "$work/out" && [ -z "$missing" ]; then
    ok "argevent prints as ftrace does: $(wc -l < "$work/out") lines, each in the trace file"
else
    bad "argevent prints as ftrace does" "rc=$rc; not in the trace file: ${missing:-none}; ktap printed: $(head -5 "$work/out") $(cat "$work/err")"
fi

# ---- dropped connection -----------------------------------------------------------------
# powerpc keeps a kprobe of its own on __kretprobe_trampoline from boot: not a session's.
probes() { on_board 'grep -v " __kretprobe_trampoline+" /sys/kernel/debug/kprobes/list'; }
timeout 120 "$work/tool/ktap" run --board "$board" -e 'trace probe:do_sys_openat2 { }' > /dev/null 2> "$work/drop.err" &
client=$!
armed=
for _ in $(seq 1 150); do
    if on_board 'grep -q do_sys_openat2 /sys/kernel/debug/kprobes/list'; then armed=1; break; fi
    sleep 0.2
done
if [ -z "$armed" ]; then
    bad "dropped connection: the session armed its kprobe" "$(cat "$work/drop.err")"
else
    # Kill the dropbear process serving the session (parent of the shell holding /dev/ktap).
    on_board 'for p in /proc/[0-9]*; do if ls -l $p/fd 2>/dev/null | grep -q /dev/ktap; then kill -9 $(awk "{print \$4}" $p/stat); break; fi; done'
    wait "$client"; rc=$?
    if [ "$rc" -eq 14 ] && grep -q "lost while the session ran" "$work/drop.err"; then
        ok "ktap reports the lost connection (exit 14)"
    else bad "ktap reports the lost connection (exit 14)" "rc=$rc $(cat "$work/drop.err")"; fi
    gone=
    for _ in $(seq 1 25); do
        if [ -z "$(probes)" ]; then gone=1; break; fi
        sleep 0.2
    done
    if [ -n "$gone" ]; then ok "dropped connection: no kprobe left on the board"
    else bad "dropped connection: no kprobe left" "$(probes)"; fi
fi
kill "$client" 2>/dev/null; wait "$client" 2>/dev/null
check "no kprobe_events and no enabled trace events are left" "" \
    "$(on_board 'cat /sys/kernel/tracing/kprobe_events; grep -l 1 /sys/kernel/tracing/events/*/*/enable 2>/dev/null | head -3')"
check "the module's reference count is back to 0" "0" "$(on_board 'cat /sys/module/ktapvm/refcnt')"
out=$(on_board 'rmmod ktapvm && echo unloaded')
check "the module unloads" "unloaded" "$out"
check "no kernel BUG/WARNING/Oops in dmesg since boot" "" \
    "$(on_board "dmesg | tail -n +$((boot_lines + 1)) | grep -E 'BUG|WARNING|Oops' | head -5")"

echo "figures $board: boot to SSH-ready ${boot} s; ktap run to first output ${cold} s (deploying the module), ${warm} s warm; ktapvm.ko .text ${text} bytes"
finish
