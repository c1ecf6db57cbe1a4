#!/usr/bin/env bash
# Usage: board-smoke.sh <board>
# End-to-end check of one emulated board: builds a test module against the board's headers,
# builds the image with it, boots, checks tracefs, kallsyms and a live kprobe over SSH,
# loads/unloads the module (from the image and pushed over SSH), checks the pinned host
# key and the scripts' errors, stops the board. Last line: RESULT passed=N failed=M.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
board=${1:?usage: board-smoke.sh <board>}
q=$repo/boards/qemu
state=${KTAP_STATE_DIR:-$HOME/.cache/ktap}/boards/$board
source "$repo/boards/qemu/lib.sh"
ktap_board_load "$board"   # board_tree, board_uname_m, ... from boards/$board.yaml
passed=0; failed=0
ok()   { passed=$((passed + 1)); echo "ok   $*"; }
bad()  { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
on_board() { "$q/ssh.sh" "$board" "$@"; }
finish() {
    "$q/stop.sh" "$board" >/dev/null 2>&1
    echo "RESULT passed=$passed failed=$failed"
    [ "$failed" -eq 0 ]; exit
}
trap finish EXIT

# The test module, built against the tree of the board's kernel (Debian's headers, or the
# kernel built from source for boards Debian has no kernel for).
t0=$(date +%s.%N)
work=$(mktemp -d); trap 'rm -rf "$work"; finish' EXIT
cp "$repo/tests/boards/hello-module/"* "$work/"
if "$repo/scripts/kernel-trees/make-module.sh" "$board_tree" "$work" -s >"$work/build.log" 2>&1 &&
   [ -f "$work/ktap_hello.ko" ]; then
    ok "hello module builds against $board_tree"
else
    bad "hello module builds against $board_tree"; cat "$work/build.log"
fi

# Image and boot.
check "build-image.sh with --module" "$q/build-image.sh" "$board" --module "$work/ktap_hello.ko"
release=$(cat "$state/kernel-release")
check "hello module vermagic is $release" \
    sh -c "modinfo -F vermagic '$work/ktap_hello.ko' | grep -q '^$release '"
check "build-image.sh refuses a missing module" \
    sh -c "! '$q/build-image.sh' '$board' --module /nonexistent/x.ko 2>/dev/null"
"$q/stop.sh" "$board" >/dev/null 2>&1
t1=$(date +%s.%N)
# The board's default port, or the next free one of this project's board range (another
# session may be using the default): this also exercises --port.
want=$board_default_port
read -r _ range_last < <(ktap_port_range_of "$want")   # boards/ports.tsv, through lib.sh
while ktap_port_in_use "$want" && [ "$want" -lt "$range_last" ]; do want=$((want + 1)); done
port=$("$q/start.sh" "$board" --port "$want")
rc=$?
t2=$(date +%s.%N)
check "start.sh boots to SSH" test "$rc" -eq 0
check "start.sh prints the port ($port)" test "$port" = "$want"
[ "$rc" -eq 0 ] || { tail -n 40 "$state/console.log"; exit 1; }
echo "boot to SSH-ready: $(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.1f", b - a}') s (headers+module+image: $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s)"
check "start.sh again says already running" sh -c "'$q/start.sh' '$board' 2>/dev/null | grep -q 'already running'"
check "status.sh says running" sh -c "'$q/status.sh' '$board' | grep -q 'running port=$port'"
check "board runs kernel $release" test "$(on_board uname -r)" = "$release"
check "board's machine is $board_uname_m" test "$(on_board uname -m)" = "$board_uname_m"
check "/proc/kallsyms has symbols" test "$(on_board 'wc -l < /proc/kallsyms')" -gt 10000
check "tracefs mounted with sched_switch" on_board test -f /sys/kernel/tracing/events/sched/sched_switch/id
check "kprobe_events present" on_board test -w /sys/kernel/tracing/kprobe_events
check "debugfs mounted" on_board 'grep -q " /sys/kernel/debug debugfs" /proc/mounts'

# A live kprobe through tracefs: armed, hit by a file open, removed.
trace=/sys/kernel/tracing
on_board "echo 'p:ktap_smoke do_sys_openat2' >> $trace/kprobe_events && echo 1 > $trace/events/kprobes/ktap_smoke/enable && echo > $trace/trace && cat /etc/hostname >/dev/null && echo 0 > $trace/events/kprobes/ktap_smoke/enable" >/dev/null
check "kprobe on do_sys_openat2 fires" on_board "grep -q 'ktap_smoke:' $trace/trace"
on_board "echo '-:ktap_smoke' >> $trace/kprobe_events"
check "kprobe removed" sh -c "! '$q/ssh.sh' '$board' 'grep -q ktap_smoke $trace/kprobe_events'"

# The module from the image, then pushed over SSH.
check "image carries /lib/modules/ktap/ktap_hello.ko" on_board test -f /lib/modules/ktap/ktap_hello.ko
check "insmod from the image" on_board insmod /lib/modules/ktap/ktap_hello.ko
check "dmesg shows the module loaded on $release" on_board "dmesg | grep -q 'ktap_hello: loaded on $release, kprobes on'"
check "lsmod lists it" on_board "lsmod | grep -q '^ktap_hello'"
check "rmmod" on_board rmmod ktap_hello
check "dmesg shows it unloaded" on_board "dmesg | grep -q 'ktap_hello: unloaded'"
check "lsmod no longer lists it" sh -c "! '$q/ssh.sh' '$board' 'lsmod | grep -q ^ktap_hello'"
on_board 'cat > /tmp/pushed.ko' < "$work/ktap_hello.ko"
check "module pushed over SSH arrives intact" test \
    "$(on_board md5sum /tmp/pushed.ko | cut -d' ' -f1)" = "$(md5sum < "$work/ktap_hello.ko" | cut -d' ' -f1)"
check "pushed module loads and unloads" on_board 'insmod /tmp/pushed.ko && rmmod ktap_hello'

# The host key is pinned: another key under the board's address is refused.
printf '[127.0.0.1]:* %s\n' "$(ssh-keygen -q -t ed25519 -N '' -f "$work/other" <<<y >/dev/null 2>&1; cut -d' ' -f1,2 "$work/other.pub")" > "$work/known_hosts"
check "a wrong host key is refused" sh -c "! ssh -i '$state/id_ed25519' -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile='$work/known_hosts' -o GlobalKnownHostsFile=/dev/null -p '$port' root@127.0.0.1 true 2>/dev/null"
check "a wrong client key is refused" sh -c "! ssh -i '$work/other' -o BatchMode=yes -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile='$state/known_hosts' -o GlobalKnownHostsFile=/dev/null -p '$port' root@127.0.0.1 true 2>/dev/null"
check "ssh port is bound to 127.0.0.1 only" sh -c "ss -Hltn 'sport = :$port' | awk '{print \$4}' | grep -qx '127.0.0.1:$port' && test \$(ss -Hltn 'sport = :$port' | wc -l) -eq 1"

# Errors and stop.
check "start.sh refuses a bad port" sh -c "! '$q/start.sh' '$board' --port 12 2>/dev/null"
check "start.sh refuses an unknown board" sh -c "! '$q/start.sh' no-such-board 2>/dev/null"
check "stop.sh stops" "$q/stop.sh" "$board"
"$q/status.sh" "$board" >/dev/null; rc=$?
check "status.sh says stopped (exit 3)" test "$rc" -eq 3
check "port is free after stop" sh -c "! (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null"

# A boot that does not reach SSH in time fails with the console's tail and leaves nothing running.
out=$(KTAP_BOARD_TIMEOUT=1 "$q/start.sh" "$board" --port "$want" 2>&1); rc=$?
check "start.sh fails when SSH is not up in time" test "$rc" -ne 0
check "the failure names the timeout and shows the console" \
    sh -c "printf '%s' \"\$1\" | grep -q 'no SSH after 1 s; console tail:'" _ "$out"
"$q/status.sh" "$board" >/dev/null; rc=$?
check "no qemu left after the failed boot" test "$rc" -eq 3
