#!/usr/bin/env bash
# Usage: status.sh <board>
# Prints "running port=N pid=P" (exit 0) or "stopped" (exit 3).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -eq 1 ] || ktap_die "usage: status.sh <board>"
ktap_board_load "$1"
if pid=$(ktap_board_pid); then
    echo "$board: running port=$(cat "$board_dir/port") pid=$pid"
    exit 0
fi
echo "$board: stopped"
exit 3
