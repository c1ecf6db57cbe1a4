# Sourced by the tests and benchmarks that need an emulated board: the one way they get it
# up. Needs $root (the repository) and KTAP_STATE_DIR.
#   board_boot BOARD PORT        builds BOARD's image when it is missing (build-image.sh)
#                                and boots it on PORT (start.sh); the board is stopped when
#                                the shell exits. On a failure it prints which step failed
#                                and returns 1.
#   board_use BOARD RANGE [PORT] a board that already runs (status.sh) is used as it is and
#                                left running; else board_boot on PORT or on the first free
#                                port of RANGE (boards/ports.tsv).
board_boot() {
    local board=$1 port=$2
    bash "$root/boards/qemu/build-image.sh" "$board" > /dev/null || { echo "# $board: its image does not build"; return 1; }
    bash "$root/boards/qemu/start.sh" "$board" --port "$port" > /dev/null || { echo "# $board: it does not boot"; return 1; }
    # shellcheck disable=SC2064 # the board's name now, not at exit
    trap "bash '$root/boards/qemu/stop.sh' '$board' > /dev/null 2>&1" EXIT
}

board_use() {
    local board=$1 range=$2 port=${3:-}
    if bash "$root/boards/qemu/status.sh" "$board" > /dev/null 2>&1; then
        echo "# using the running board $board"
        return 0
    fi
    if [ -z "$port" ]; then
        port=$(source "$root/boards/qemu/ports.sh" && ktap_free_port "$range") ||
            { echo "# no free port in the $range range (boards/ports.tsv)"; return 1; }
    fi
    board_boot "$board" "$port"
}
