#!/usr/bin/env bash
# Usage: debug-detectors.sh   (the qemu-x86_64-debug board; its kernel must be built)
# A clean kernel log on the debug board means something only if the detectors are live and
# their reports are found. Boots the board and checks from it that KASAN, lockdep, the
# soft/hard lockup and hung-task detectors are built (/proc/config.gz) and on; then loads
# tests/boards/detector-canary once per bug (KASAN out-of-bounds read, sleeping under a spinlock, list corruption,
# lockdep circular dependency) and checks that each report is in dmesg and that
# tests/boards/kernel-reports.sh finds it in the board's console log (what
# tests/ci.d/39-debug-board.sh reads after the e2e and hostile suites).
# Port: KTAP_DEBUG_PORT, else the first free one of the debug-board range (boards/ports.tsv). Prints the boot-to-SSH
# seconds. Last line: RESULT passed=N failed=M.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
board=qemu-x86_64-debug
export KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
source "$root/boards/qemu/ports.sh"
port=${KTAP_DEBUG_PORT:-$(ktap_free_port debug-board)} || exit 1
work=$root/out/tests/debug-board
mkdir -p "$work"
console=$KTAP_STATE_DIR/boards/$board/console.log
pass=0; fail=0
source "$(dirname "${BASH_SOURCE[0]}")/../lib/checks.sh" # ok, bad, check, finish
on_board() { timeout 120 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }

# ---- build and boot -------------------------------------------------------------------
rm -rf "$work/canary"; cp -r "$root/tests/boards/detector-canary" "$work/canary"
bash "$root/scripts/kernel-trees/make-module.sh" kernel-x86_64-debug "$work/canary" \
    >"$work/canary.log" 2>&1 || { bad "the canary module builds" "$(tail -n 5 "$work/canary.log")"; finish; }
ok "the canary module builds against the debug kernel"
source "$root/tests/lib/board-up.sh" # board_boot: stopped when this script exits
board_boot "$board" "$port" || { bad "$board boots"; finish; }
ok "$board boots and answers SSH"
boot=$(cat "$KTAP_STATE_DIR/boards/$board/boot-seconds")

# ---- the detectors are on -------------------------------------------------------------
kernel=$(bash "$root/scripts/kernel-trees/build-kernel.sh" --cached x86_64-debug 2>/dev/null)
check "the board runs the debug kernel (uname -r -m)" \
    "$(cat "$kernel/include/config/kernel.release" 2>/dev/null) x86_64" "$(on_board 'uname -r -m')"
detectors="KASAN KASAN_GENERIC PROVE_LOCKING DEBUG_ATOMIC_SLEEP DEBUG_PREEMPT SOFTLOCKUP_DETECTOR
    HARDLOCKUP_DETECTOR DETECT_HUNG_TASK DEBUG_LIST"
check "the running kernel's configuration (/proc/config.gz) has every detector" \
    "$(echo $detectors | tr ' ' '\n' | sed 's/.*/CONFIG_&=y/' | sort)" \
    "$(on_board 'zcat /proc/config.gz' | grep -E "^CONFIG_($(echo $detectors | tr ' ' '|'))=y\$" | sort)"
check "KASAN initialized at boot" "1" "$(grep -c 'KernelAddressSanitizer initialized' "$console")"
check "lockdep is on and nothing has turned it off (debug_locks 1)" "1" \
    "$(on_board "awk '\$1 == \"debug_locks:\" {print \$2}' /proc/lockdep_stats")"
check "the soft lockup detector is on" "1" "$(on_board 'cat /proc/sys/kernel/soft_watchdog')"
check "the hung-task detector reports after 30 s" "30" \
    "$(on_board 'cat /proc/sys/kernel/hung_task_timeout_secs')"
# HARDLOCKUP_DETECTOR rides on a perf NMI: qemu's TCG emulates no PMU, so it is built in
# (checked above) but cannot arm here. Say what the kernel said.
nmi=$(grep -m1 -iE 'NMI watchdog' "$console" | tr -d '\r' | sed 's/^\[[^]]*\] //')
echo "note - hard lockup detector at boot: ${nmi:-no NMI watchdog line in the log}"
reports=$(bash "$root/tests/boards/kernel-reports.sh" "$console")
check "the kernel log is clean after boot" "" "$reports"
check "the board runs on 2 CPUs (SMP through ACPI)" "2" "$(on_board 'grep -c ^processor /proc/cpuinfo')"
# sysrq-l's backtraces are asked for (hostile.sh makes NMIs that way): not reports, while
# the log check still sees each CPU's dump arrive.
from=$(( $(wc -l < "$console") + 1 ))
on_board 'echo l > /proc/sysrq-trigger' >/dev/null; sleep 2
check "sysrq-l dumps every CPU's stack (NMI backtrace lines)" "2" \
    "$(tail -n +"$from" "$console" | grep -c 'NMI backtrace for cpu')"
check "kernel-reports.sh does not count a requested sysrq-l backtrace as a report" "" \
    "$(bash "$root/tests/boards/kernel-reports.sh" "$console" "$from")"

# ---- each detector reports, and the log check finds the report -----------------------
cat "$work/canary/ktap_canary.ko" | on_board 'cat > /tmp/ktap_canary.ko'
canary() { # canary BUG TITLE: load the canary with bug=BUG, expect TITLE in the logs
    local from out
    from=$(( $(wc -l < "$console") + 1 ))
    out=$(on_board "insmod /tmp/ktap_canary.ko bug=$1 2>&1; dmesg | grep -c '$2'")
    if [ "${out##*$'\n'}" -ge 1 ] 2>/dev/null; then ok "bug=$1: dmesg has '$2'"
    else bad "bug=$1: dmesg has '$2'" "$out"; fi
    sleep 1   # the console file is written by qemu as the kernel prints
    found=$(bash "$root/tests/boards/kernel-reports.sh" "$console" "$from")
    if grep -q -- "$2" <<<"$found"; then ok "bug=$1: kernel-reports.sh finds it in the console log"
    else bad "bug=$1: kernel-reports.sh finds it in the console log" "${found:-nothing found}"; fi
}
# lockdep first: any report that taints the kernel as unreliable for locking (KASAN's bad
# page taint, an oops) turns lockdep off for good, and its canary would then find nothing.
canary lockdep 'WARNING: possible circular locking dependency detected'
check "lockdep turned itself off after its report (debug_locks 0)" "0" \
    "$(on_board "awk '\$1 == \"debug_locks:\" {print \$2}' /proc/lockdep_stats")"
canary kasan 'BUG: KASAN: slab-out-of-bounds'
canary sleep 'BUG: sleeping function called from invalid context'
canary list 'list_del corruption'
cp "$console" "$work/detectors-console.log"

echo "figures $board: boot to SSH-ready ${boot} s"
finish
