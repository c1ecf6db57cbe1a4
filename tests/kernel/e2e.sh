#!/usr/bin/env bash
# End-to-end tests of ktapvm.ko on the emulated x86_64 board (boards/qemu-x86_64):
# builds the module against the board's headers, boots the board, pushes the module, a
# static workload and bundles over SSH (cat > file: the board has no sftp), and checks
# exact results on real events. Bundles come from tests/kernel/kbc.py (hand-assembled to
# docs/bundle-format.md) until ktapc compiles these scripts; records are decoded by it too.
# Port: KTAP_KERNEL_PORT, else the first free one of the kernel-tests range (boards/ports.tsv). Last line: RESULT passed=N failed=M.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# KTAP_KERNEL_BOARD: another x86_64 board (qemu-x86_64-rt, -5.10, -6.12: Debian's other
# kernels); the module is built against that board's kernel tree.
board=${KTAP_KERNEL_BOARD:-qemu-x86_64}
tree=$(source "$root/boards/qemu/lib.sh" && ktap_board_load "$board" && echo "$board_tree")
# The first free port of the kernel tests' range (boards/ports.tsv) unless KTAP_KERNEL_PORT
# is given: other sessions may share the machine.
source "$root/boards/qemu/ports.sh"
port=${KTAP_KERNEL_PORT:-$(ktap_free_port kernel-tests)} || exit 1
work=$root/out/tests/kernel
mkdir -p "$work"
pass=0; fail=0
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh" # ok, bad, check, finish
kbc() { python3 "$here/kbc.py" "$@"; }
on_board() { timeout 120 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
push() { on_board "cat > $2" < "$1"; }
# Runs bundle $1 (a board path) in a session while $2 (a board command) runs, ends it with
# "stop" so trace_end's records arrive, and leaves the record stream in $3 (host path).
session() {
    on_board "exec 3<>/dev/ktap; cat $1 >&3 || { cat <&3; exit 1; }
              cat <&3 > /tmp/records & r=\$!; $2; echo stop >&3; wait \$r; cat /tmp/records" > "$3"
}

# ---- build and boot ------------------------------------------------------------------
ko=${KTAP_KERNEL_KO:-}  # a prebuilt module, for development
[ -n "$ko" ] || ko=$(bash "$root/scripts/build-module.sh" "$tree") ||
    { bad "module builds against $tree headers"; finish; }
ok "module builds against $tree headers"
gcc -static -O2 -Wall -Wextra -Werror -o "$work/ktapwl" "$here/workload.c" ||
    { bad "workload builds"; finish; }
source "$root/tests/lib/board-up.sh" # board_boot: stopped when this script exits
board_boot "$board" "$port" || { bad "board boots"; finish; }
ok "board boots and answers SSH"

push "$ko" /tmp/ktapvm.ko && push "$work/ktapwl" /tmp/ktapwl && on_board 'chmod +x /tmp/ktapwl'
out=$(on_board 'insmod /tmp/ktapvm.ko && ls /dev/ktap' 2>&1)
check "insmod creates /dev/ktap" "/dev/ktap" "$out"

# ---- exact counts on real events -----------------------------------------------------
kbc build count spec=syscalls:sys_enter_getppid target=syscalls:sys_enter_getppid \
    comm=ktapwl > "$work/count.kbc"
push "$work/count.kbc" /tmp/count.kbc
session /tmp/count.kbc '/tmp/ktapwl getppid 10000' "$work/count.out"
check "tracepoint syscalls:sys_enter_getppid counts 10000 calls exactly (table by execname, printed by trace_end)" \
    "1	ktapwl	10000" "$(kbc records "$work/count.out" | grep -v '^10')"
check "the stream ends with the summary record after trace_end" "10" \
    "$(kbc records "$work/count.out" | tail -n 1 | cut -f1)"

# ksys_lseek(fd, offset, whence): offset in si (4), whence in dx (3); returns the offset.
kbc build args target=ksys_lseek reg1=4 reg2=3 comm=ktapwl > "$work/args.kbc"
push "$work/args.kbc" /tmp/args.kbc
session /tmp/args.kbc '/tmp/ktapwl lseek 2 4242' "$work/args.out"
check "kprobe fetch-args and kretprobe \$retval on ksys_lseek" \
    "$(printf '1\tentry\t4242\t0\n1\treturn\t4242\n1\tentry\t4242\t0\n1\treturn\t4242')" \
    "$(kbc records "$work/args.out" | grep -v '^10')"

# uprobe at busybox's entry point; the host resolves the file offset from the ELF.
on_board 'cat /bin/busybox' > "$work/busybox"
off=$(python3 "$here/elf_entry_offset.py" "$work/busybox")
kbc build count kind=4 spec=uprobe:/bin/busybox:_start target=/bin/busybox value="$off" \
    comm=busybox > "$work/uprobe.kbc"
push "$work/uprobe.kbc" /tmp/uprobe.kbc
session /tmp/uprobe.kbc 'for i in 1 2 3 4 5; do /bin/busybox true; done' "$work/uprobe.out"
check "uprobe on /bin/busybox's entry (file offset $off) counts 5 runs" \
    "1	busybox	5" "$(kbc records "$work/uprobe.out" | grep -v '^10')"

kbc build tick ms=100 > "$work/tick.kbc"
push "$work/tick.kbc" /tmp/tick.kbc
session /tmp/tick.kbc 'sleep 1' "$work/tick.out"
ticks=$(kbc records "$work/tick.out" | awk -F'\t' '$2 == "ticks" {print $3}')
if [ -n "$ticks" ] && [ "$ticks" -ge 5 ] && [ "$ticks" -le 15 ]; then
    ok "tick-100ms ran $ticks times in about 1 s"
else
    bad "tick-100ms ran 5..15 times in about 1 s" "got: '$ticks'"
fi

# filters, argname/argevent, ftrace:function, profile-N (3 lseeks to 4242, 2 to 77)
both='/tmp/ktapwl lseek 3 4242; /tmp/ktapwl lseek 2 77'
kbc build count kind=2 spec=kprobe:ksys_lseek target=ksys_lseek fa=off:4 \
    'filter=off == 4242' comm=ktapwl > "$work/filter.kbc"
push "$work/filter.kbc" /tmp/filter.kbc
session /tmp/filter.kbc "$both" "$work/filter.out"
check "a filter (off == 4242) keeps the handler from running on the other 2 calls" \
    "1	ktapwl	3" "$(kbc records "$work/filter.out" | grep -v '^10')"
kbc build describe target=ksys_lseek reg=4 'filter=off == 4242 && !(off < 0)' > "$work/describe.kbc"
push "$work/describe.kbc" /tmp/describe.kbc
session /tmp/describe.kbc '/tmp/ktapwl lseek 1 4242' "$work/describe.out"
line=$(kbc records "$work/describe.out" | grep -v '^10')
case "$line" in
    "1	ksys_lseek	ksys_lseek: (ksys_lseek+0x0/0x"*") off=0x1092") ok "argname and argevent of a kprobe: $line" ;;
    *) bad "argname and argevent of a kprobe" "$line" ;;
esac
kbc build count kind=7 spec=ftrace:function 'filter=ip == ksys_lseek' comm=ktapwl > "$work/ftrace.kbc"
push "$work/ftrace.kbc" /tmp/ftrace.kbc
session /tmp/ftrace.kbc "$both" "$work/ftrace.out"
check "ftrace:function /ip == ksys_lseek/ counts all 5 calls" \
    "1	ktapwl	5" "$(kbc records "$work/ftrace.out" | grep -v '^10')"
kbc build tick kind=9 ms=10 > "$work/profile.kbc"
push "$work/profile.kbc" /tmp/profile.kbc
session /tmp/profile.kbc 'sleep 1' "$work/profile.out"
samples=$(kbc records "$work/profile.out" | awk -F'\t' '$2 == "ticks" {print $3}')
if [ -n "$samples" ] && [ "$samples" -ge 100 ]; then
    ok "profile-10ms sampled $samples times in about 1 s on 2 CPUs"
else
    bad "profile-10ms sampled at least 100 times in about 1 s on 2 CPUs" "got: '$samples'"
fi

# two sessions at once see the same calls
out=$(on_board 'exec 3<>/dev/ktap 4<>/dev/ktap
    cat /tmp/count.kbc >&3 && cat /tmp/count.kbc >&4 || exit 1
    cat <&3 > /tmp/r3 & a=$!; cat <&4 > /tmp/r4 & b=$!
    /tmp/ktapwl getppid 3000; echo stop >&3; echo stop >&4; wait $a $b
    cat /tmp/r3 /tmp/r4' > "$work/two.out"; kbc records "$work/two.out" | grep -v '^10')
check "two sessions at once count the same 3000 calls" \
    "$(printf '1\tktapwl\t3000\n1\tktapwl\t3000')" "$out"

# ---- bundles compiled by ktapc ---------------------------------------------------------
ktapc_ok=
source "$root/tests/lib/tools.sh" # ktap_tools: one shared build of ktap and ktapc per test run
if ktap_tools 2> "$work/ktapc-build.log"; then
    ktapc_ok=1; ok "ktapc builds"
else
    bad "ktapc builds" "$(cat "$work/ktapc-build.log")"
fi
ktapc() { "$tools/ktapc" "$@"; }
if [ -n "$ktapc_ok" ]; then
    ktapc --target x86_64 -o "$work/k-count.kbc" -e 't = {}
trace syscalls:sys_enter_getppid { t[execname()] += 1 }
trace_end { print("ktapwl", t["ktapwl"]) }'
    push "$work/k-count.kbc" /tmp/k-count.kbc
    session /tmp/k-count.kbc '/tmp/ktapwl getppid 10000' "$work/k-count.out"
    check "ktapc: t[execname()] += 1 on syscalls:sys_enter_getppid counts 10000 calls" \
        "1	ktapwl	10000" "$(kbc records "$work/k-count.out" | grep -v '^10')"
    # trace_end prints 50,000 records (about 1.6 MB, several times the ring) while the
    # session is stopping: the reader keeps draining and trace_end waits for room, so all
    # of them and the summary arrive, in order, and nothing is counted as lost.
    ktapc --target x86_64 -o "$work/k-end.kbc" -e 'trace_end { for (i = 1, 50000) { print(i) } }'
    push "$work/k-end.kbc" /tmp/k-end.kbc
    session /tmp/k-end.kbc 'true' "$work/k-end.out"
    check "trace_end's 50,000 prints all arrive in order behind a full ring" "50000 in order" \
        "$(kbc records "$work/k-end.out" | awk -F'\t' '$1 == 1 { n++; if ($2 != n) bad = 1 } END { print n, (bad ? "out of order" : "in order") }')"
    check "then the summary record, with no record lost" "10	0" \
        "$(kbc records "$work/k-end.out" | tail -n 1 | cut -f1,2)"
    ktapc --target x86_64 -o "$work/k-args.kbc" -e 'trace probe:ksys_lseek off=%si whence=%dx /off == 4242/ {
    if (execname() == "ktapwl") { print("entry", arg2, arg3, args.off) } }
trace probe:ksys_lseek%return ret=$retval { if (execname() == "ktapwl") { print("return", arg2) } }'
    push "$work/k-args.kbc" /tmp/k-args.kbc
    session /tmp/k-args.kbc "$both" "$work/k-args.out"
    check "ktapc: kprobe fetch-args with a filter, kretprobe \$retval" \
        "$(printf '1\tentry\t4242\t0\t4242\n1\treturn\t4242\n%.0s' 1 2 3; printf '1\treturn\t77\n1\treturn\t77')" \
        "$(kbc records "$work/k-args.out" | grep -v '^10')"
    ktapc --target arm-v7 -o "$work/k-arm.kbc" -e 'trace syscalls:sys_enter_getppid { print(1) }'
    push "$work/k-arm.kbc" /tmp/k-arm.kbc
    out=$(on_board 'exec 3<>/dev/ktap; cat /tmp/k-arm.kbc >&3 2>/dev/null; echo "rc=$?"; cat <&3')
    case "$out" in
        rc=1*"word size 4, this VM has 8"*|rc=1*"arm-v7"*) ok "ktapc's arm-v7 bundle is refused: ${out#*$'\n'}" ;;
        *) bad "ktapc's arm-v7 bundle is refused" "$out" ;;
    esac
fi

# ---- refusals --------------------------------------------------------------------------
refusal() { # bundle(host path) -> "rc=N message"
    push "$1" /tmp/refused.kbc
    on_board 'exec 3<>/dev/ktap; cat /tmp/refused.kbc >&3 2>/dev/null; echo "rc=$?"; cat <&3'
}
kbc retarget "$work/count.kbc" "$work/arm.kbc" 3
out=$(refusal "$work/arm.kbc")
# The loader checks word size before the architecture (docs/bundle-format.md), so an
# arm-v7 bundle (4-byte words) is refused at the word size on this 64-bit board.
case "$out" in
    rc=1*"bundle built for arm-v7, this VM is x86_64"*|rc=1*"word size 4, this VM has 8"*)
        ok "a bundle for arm-v7 is refused with its message: ${out#*$'\n'}" ;;
    *) bad "a bundle for arm-v7 is refused with its message" "$out" ;;
esac
kbc corrupt "$work/count.kbc" "$work/corrupt.kbc"
out=$(refusal "$work/corrupt.kbc")
case "$out" in
    rc=1*"checksum mismatch"*) ok "a corrupt bundle is refused (checksum mismatch)" ;;
    *) bad "a corrupt bundle is refused (checksum mismatch)" "$out" ;;
esac
kbc build count spec=syscalls:sys_enter_ktap_nope target=syscalls:sys_enter_ktap_nope \
    comm=x > "$work/noevent.kbc"
out=$(refusal "$work/noevent.kbc")
case "$out" in
    rc=1*"no trace event matches syscalls:sys_enter_ktap_nope"*) ok "an unknown trace event is refused with its name" ;;
    *) bad "an unknown trace event is refused with its name" "$out" ;;
esac
kbc build count kind=2 spec=kprobe:ksys_lseek target=ksys_lseek fa=off:4 \
    'filter=off === 3' comm=x > "$work/badfilter.kbc"
out=$(refusal "$work/badfilter.kbc")
case "$out" in
    rc=1*"probe kprobe:ksys_lseek: bad filter"*) ok "a bad filter is refused: ${out#*$'\n'}" ;;
    *) bad "a bad filter is refused, naming its probe" "$out" ;;
esac
kbc build args target=ksys_lseek ret_target=ktap_no_such_function reg1=4 reg2=3 \
    comm=ktapwl > "$work/half.kbc"
out=$(refusal "$work/half.kbc")
left=$(on_board 'cat /sys/kernel/debug/kprobes/list')
case "$out" in
    rc=1*"ktap_no_such_function"*) if [ -z "$left" ]; then
            ok "all or nothing: a probe that cannot be armed is named and nothing stays armed"
        else bad "all or nothing: nothing stays armed" "$left"; fi ;;
    *) bad "all or nothing: the probe that cannot be armed is named" "$out" ;;
esac

# ---- dropped connection ----------------------------------------------------------------
# The session's shell reads stdin: when the SSH connection drops, dropbear exits, the
# read sees EOF, the reader is killed and the file closed (docs/kernel-module.md).
rm -f "$work/stdin.fifo"; mkfifo "$work/stdin.fifo"
sleep 120 > "$work/stdin.fifo" & feeder=$!
bash "$root/boards/qemu/ssh.sh" "$board" \
    'exec 3<>/dev/ktap; cat /tmp/args.kbc >&3 || exit 1; cat <&3 >/dev/null & r=$!; read x; kill $r' \
    < "$work/stdin.fifo" >/dev/null 2>&1 &
client=$!  # ssh.sh execs ssh: this is the SSH client
armed=
for _ in $(seq 1 50); do
    if on_board 'grep -q ksys_lseek /sys/kernel/debug/kprobes/list'; then armed=1; break; fi
    sleep 0.2
done
if [ -z "$armed" ]; then
    bad "dropped connection: the session armed its kprobe"
else
    { kill -KILL "$client"; wait "$client"; } 2>/dev/null  # dies without closing anything
    t0=$(date +%s.%N)
    # One SSH command polls on the board (a poll per SSH round trip measured the host's load
    # more than the module). The time is the host's, from the kill to the poll's answer, so
    # it includes that one connection: an upper bound of the teardown's own time. (The list
    # is read, not tested with -s: a debugfs file's size is always 0.)
    gone=$(on_board 'i=0; while [ $i -lt 200 ]; do [ -n "$(cat /sys/kernel/debug/kprobes/list)" ] || { echo gone; exit 0; }; sleep 0.05; i=$((i + 1)); done')
    took=$(awk -v s="$t0" -v n="$(date +%s.%N)" 'BEGIN {printf "%.2f", n - s}')
    if [ "$gone" = gone ] && awk -v t="$took" 'BEGIN {exit !(t <= 2.0)}'; then
        ok "dropped connection: every kprobe gone ${took} s after the client died"
    else
        bad "dropped connection: every kprobe gone within 2 s" "after ${took} s (${gone:-not gone}): $(on_board 'cat /sys/kernel/debug/kprobes/list')"
    fi
fi
kill "$client" "$feeder" 2>/dev/null; wait "$client" "$feeder" 2>/dev/null
out=$(on_board 'cat /sys/kernel/tracing/kprobe_events; grep -l 1 /sys/kernel/tracing/events/*/*/enable 2>/dev/null | head -3')
check "no kprobe_events and no enabled trace events are left" "" "$out"

# ---- module lifetime -------------------------------------------------------------------
out=$(on_board 'exec 3<>/dev/ktap; rmmod ktapvm 2>&1; echo "rc=$?"')
case "$out" in
    *rc=0) bad "rmmod is refused while a session is open" "$out" ;;
    *) ok "rmmod is refused while a session is open" ;;
esac
out=$(on_board 'rmmod ktapvm && echo unloaded; ls /dev/ktap 2>&1')
case "$out" in
    unloaded*"No such file"*) ok "the module unloads once every session is closed" ;;
    *) bad "the module unloads once every session is closed" "$out" ;;
esac
out=$(on_board 'dmesg | grep -E "BUG|WARNING|Oops|ktapvm.*(leak|error)" | head -5')
check "no kernel BUG/WARNING/Oops in dmesg" "" "$out"
finish
