#!/usr/bin/env bash
# Usage: start.sh <board> [--port N]
# Boots the board's image (build-image.sh) in qemu under TCG in the background: serial
# console to console.log, SSH forwarded from 127.0.0.1:<port> only. Waits until SSH with
# the board's key works, prints the port and exits 0; on a failed or timed-out boot
# (KTAP_BOARD_TIMEOUT, else the YAML's emulation.boot_timeout, else 90 s) stops qemu, prints
# the console's tail and exits 1. The YAML's emulation.kernel_args are added to the command line.
# Already running: says so, prints the port, exits 0. Without --port it uses the board's
# default port, or the next free one after it when that is taken (--port N: N or an error).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

port=
board_arg=
while [ $# -gt 0 ]; do
    case "$1" in
        --port) [ $# -ge 2 ] || ktap_die "--port needs a number"
                [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge 1024 ] && [ "$2" -le 65535 ] ||
                    ktap_die "--port $2: not a port number in 1024..65535"
                port=$2; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        -*) ktap_die "unknown option $1" ;;
        *) [ -z "$board_arg" ] || ktap_die "one board only (got '$board_arg' and '$1')"
           board_arg=$1; shift ;;
    esac
done
ktap_board_load "$board_arg"
# One start of a board at a time: a second caller (a test fixture beside a `ktap run` that
# found the board down) waits, then finds it running.
mkdir -p "$board_dir"
exec 8> "$board_dir.start.lock"
flock 8
timeout_s=${KTAP_BOARD_TIMEOUT:-${board_boot_timeout:-90}}

if pid=$(ktap_board_pid); then
    echo "$board: already running (pid $pid, port $(cat "$board_dir/port"))"
    cat "$board_dir/port"
    exit 0
fi
for f in vmlinuz initramfs.cpio.gz id_ed25519 known_hosts; do
    [ -f "$board_dir/$f" ] || ktap_die "$board_dir/$f missing: run boards/qemu/build-image.sh $board first"
done
command -v "$board_qemu" >/dev/null || ktap_die "$board_qemu not found (scripts/deps.sh installs it)"
if [ -n "$port" ]; then
    ktap_port_in_use "$port" && ktap_die "127.0.0.1:$port is already in use; pick another with --port"
else
    # The default port may be another board's or another state directory's (the test
    # suites keep their own): take the next free one of the default's range in
    # boards/ports.tsv, never one of another range's users, and say so.
    range=$(ktap_port_range_of "$board_default_port") || exit 1
    read -r _ range_last <<<"$range"
    port=$board_default_port
    while ktap_port_in_use "$port"; do
        port=$((port + 1))
        [ "$port" -le "$range_last" ] ||
            ktap_die "127.0.0.1:$board_default_port..$range_last (its range in boards/ports.tsv) are in use; pick a port with --port"
    done
    [ "$port" = "$board_default_port" ] ||
        echo "$board: port $board_default_port is in use, using $port (written to $board_dir/port)" >&2
fi

rm -f "$board_dir/qemu.pid" "$board_dir/console.log"
started=$(date +%s.%N)
# shellcheck disable=SC2046
"$board_qemu" ${board_qemu_args//\{port\}/$port} \
    -kernel "$board_dir/vmlinuz" -initrd "$board_dir/initramfs.cpio.gz" \
    -append "console=$board_console panic=-1 quiet ${board_kernel_args:-}" \
    -display none -monitor none -serial "file:$board_dir/console.log" -no-reboot \
    -daemonize -pidfile "$board_dir/qemu.pid" 8>&- ||
    ktap_die "$board_qemu failed to start"   # 8>&-: qemu outlives this script and must not keep the start lock
echo "$port" > "$board_dir/port"

fail() {
    echo "$board: $1; console tail:" >&2
    tail -n 30 "$board_dir/console.log" >&2 2>/dev/null || true
    "$(dirname "$0")/stop.sh" "$board" >/dev/null 2>&1 || true
    exit 1
}
# shellcheck disable=SC2046
while :; do
    ktap_board_pid >/dev/null || fail "qemu exited during boot"
    if ssh $(ktap_ssh_args "$port") true 2>/dev/null; then break; fi
    elapsed=$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN {printf "%d", n - s}')
    [ "$elapsed" -lt "$timeout_s" ] || fail "no SSH after ${timeout_s} s"
    sleep 1
done
ready=$(awk -v s="$started" -v n="$(date +%s.%N)" 'BEGIN {printf "%.1f", n - s}')
echo "$board: ready for SSH on 127.0.0.1:$port after $ready s" >&2
echo "$ready" > "$board_dir/boot-seconds"
echo "$port"
