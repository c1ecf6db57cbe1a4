# Sourced by tests/kernel/hostile.sh and counts.sh: the board they run on, the module and
# the workload pushed to it. Any x86_64 board of boards/ works (a debug kernel's too):
#   KTAP_HOSTILE_BOARD   board name (qemu-x86_64)
#   KTAP_KERNEL_PORT     SSH port when the suite boots the board (first free of the kernel-tests range, boards/ports.tsv)
#   KTAP_KERNEL_KO       the module to test (else built against KTAP_HOSTILE_TREE, 6.1-amd64)
# A board already running is used as it is and left running; one the suite boots is
# stopped at exit. Needs: here, root, work, ok/bad/finish defined by the caller.
board=${KTAP_HOSTILE_BOARD:-qemu-x86_64}
tree=${KTAP_HOSTILE_TREE:-6.1-amd64}
kbc() { python3 "$here/kbc.py" "$@"; }
on_board() { timeout 180 bash "$root/boards/qemu/ssh.sh" "$board" "$@"; }
push() { on_board "cat > $2" < "$1"; }
# field NAME "a=1 b=2" -> value of NAME
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
ms() { awk -v n="$1" 'BEGIN {printf "%.0f", n / 1e6}'; }

# Boot (or reuse) the board, push the module and the workload, load the module fresh.
board_up() {
    local p
    ko=${KTAP_KERNEL_KO:-}
    [ -n "$ko" ] || ko=$(bash "$root/scripts/build-module.sh" "$tree") ||
        { bad "module builds against $tree"; finish; }
    gcc -static -O2 -Wall -Wextra -Werror -o "$work/ktapwl" "$here/workload.c" ||
        { bad "workload builds"; finish; }
    source "$root/tests/lib/board-up.sh"
    board_use "$board" kernel-tests "${KTAP_KERNEL_PORT:-}" || { bad "board $board is up"; finish; }
    push "$ko" /tmp/ktapvm.ko && push "$work/ktapwl" /tmp/ktapwl && on_board 'chmod +x /tmp/ktapwl' ||
        { bad "module and workload pushed to $board"; finish; }
}
