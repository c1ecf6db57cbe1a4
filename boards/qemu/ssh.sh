#!/usr/bin/env bash
# Usage: ssh.sh <board> CMD...
# Runs CMD on the running board as root (key and pinned host key); exits with its status.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -ge 2 ] || ktap_die "usage: ssh.sh <board> CMD..."
ktap_board_load "$1"; shift
ktap_board_pid >/dev/null || ktap_die "$board is not running (boards/qemu/start.sh $board)"
# shellcheck disable=SC2046
exec ssh $(ktap_ssh_args "$(cat "$board_dir/port")") -- "$*"
