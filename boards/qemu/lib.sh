# Sourced by the boards/qemu/*.sh scripts: loads a board's definition and names its state.
#   ktap_board_load <board>  sets board, board_dir (state), board_def (boards/<board>) and the
#                            board's facts (board_target, board_tree, ...: boards/qemu/facts.py)
KTAP_STATE_DIR=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
ktap_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

source "$ktap_repo/boards/qemu/ports.sh"   # ktap_port_range_of, ktap_port_in_use

ktap_die() { echo "$(basename "$0"): $*" >&2; exit 1; }

ktap_board_load() {
    board=${1:-}
    [ -n "$board" ] || ktap_die "missing board name (one of: $(ktap_board_names))"
    [ -f "$ktap_repo/boards/$board.yaml" ] && grep -q '^emulation:' "$ktap_repo/boards/$board.yaml" ||
        ktap_die "unknown board '$board' (known: $(ktap_board_names))"
    # The board's YAML is its only definition: its target, default port and emulation:
    # mapping become board_target, board_default_port and board_<key> (boards/qemu/facts.py).
    local facts
    facts=$(python3 "$ktap_repo/boards/qemu/facts.py" "$board") || exit 1
    eval "$facts"
    board_def=$ktap_repo/boards/$board   # the board's own scripts (powerpc: userland.sh)
    board_dir=$KTAP_STATE_DIR/boards/$board
}

# The emulated boards: the profiles of boards/ with an emulation: mapping.
ktap_board_names() {
    local f names=()
    for f in "$ktap_repo"/boards/*.yaml; do
        grep -q '^emulation:' "$f" && names+=("$(basename "$f" .yaml)")
    done
    echo "${names[*]}"
}

# The pid of the board's qemu when it is running (checked against /proc, so a stale pid
# file or a reused pid is not taken for the board).
ktap_board_pid() {
    local pid
    [ -f "$board_dir/qemu.pid" ] || return 1
    pid=$(cat "$board_dir/qemu.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$board_dir/initramfs.cpio.gz" || return 1
    echo "$pid"
}

ktap_ssh_args() {
    local port=$1
    echo -i "$board_dir/id_ed25519" -o IdentitiesOnly=yes -o BatchMode=yes \
        -o UserKnownHostsFile="$board_dir/known_hosts" -o StrictHostKeyChecking=yes \
        -o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=5 \
        -p "$port" root@127.0.0.1
}
