# Sourced by scripts/test.sh and by the suite of a board that may need building.
#
# Why: the qemu-powerpc kernel is not in Debian, and building it cold is about 25 CPU-minutes
# of make (12-14 min of wall time on 2 idle cores). The suites before 38-powerpc leave more
# than half of the two cores idle: the fresh-clone run of 93053d2 took 39 min 35 s of wall
# time and 31 min of CPU time (`time bash .ci/run`: user 20m46s, sys 10m18s) - they wait on
# SSH round trips, boots and sleeps. So scripts/test.sh starts the board's preparation
# (boards/qemu/prepare.sh: kernel, module, image) at the start of the run, at the lowest CPU
# and I/O priority so that the suites' own boards and timings are served first, and the
# board's suite waits for it (docs/boards.md, "CI and the powerpc board").
#
#   ktap_background_prepare BOARD LOG_DIR   start preparing BOARD unless it is built already
#   ktap_background_wait BOARD              wait for that preparation, if one is running
#   ktap_background_stop                    kill the preparations this shell started

# Where the preparation's pid is kept: the state directory is the test run's own. Not in the
# board's folder, which building its image may replace.
ktap_background_pidfile() { echo "$KTAP_STATE_DIR/background-prepare-$1.pid"; }

ktap_background_prepare() {
    local board=$1 log_dir=$2 pidfile
    pidfile=$(ktap_background_pidfile "$board")
    # --check costs a few stats when the board is built: then there is nothing to start.
    if bash boards/qemu/prepare.sh "$board" --check >/dev/null 2>&1; then return 0; fi
    echo "$board is not built: preparing it in the background at the lowest priority" \
        "(log: $log_dir/$board-prepare.log)"
    # setsid: its own process group, so that ktap_background_stop ends make's children too
    # (--wait: if setsid has to fork, $! still lives as long as the preparation).
    setsid --wait nice -n 19 ionice -c 3 bash boards/qemu/prepare.sh "$board" \
        > "$log_dir/$board-prepare.log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
    KTAP_BACKGROUND_PIDS+=("$!")
}

ktap_background_wait() {
    local board=$1 pidfile pid t0
    pidfile=$(ktap_background_pidfile "$board")
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        t0=$(date +%s)
        echo "waiting for the background preparation of $board (pid $pid, started by scripts/test.sh)"
        # Not `wait`: the preparation is the child of scripts/test.sh, not of this suite.
        while kill -0 "$pid" 2>/dev/null; do sleep 5; done
        echo "waited $(( $(date +%s) - t0 )) s for $board's preparation"
    fi
    rm -f "$pidfile"
}

ktap_background_stop() {
    local pid
    for pid in "${KTAP_BACKGROUND_PIDS[@]}"; do
        kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
    done
}
KTAP_BACKGROUND_PIDS=()
