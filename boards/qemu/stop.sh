#!/usr/bin/env bash
# Usage: stop.sh <board>
# Stops the board's qemu and waits for the process to exit (so the port is free again).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || ktap_die "usage: stop.sh <board>"
ktap_board_load "$1"
if ! pid=$(ktap_board_pid); then
    rm -f "$board_dir/qemu.pid"
    echo "$board: not running"
    exit 0
fi
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 100); do
    [ -d "/proc/$pid" ] || break
    sleep 0.1
done
if [ -d "/proc/$pid" ]; then
    kill -KILL "$pid" 2>/dev/null || true
    while [ -d "/proc/$pid" ]; do sleep 0.1; done
fi
rm -f "$board_dir/qemu.pid"
echo "$board: stopped"
