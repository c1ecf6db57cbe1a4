#!/usr/bin/env bash
# Usage: prepare.sh <board> [--check]
# Builds what an emulated board still lacks before it can boot and run ktap: the kernel
# when Debian ships none for it (powerpc, the debug board: build-kernel.sh), the image
# (build-image.sh) and ktapvm.ko for the board's kernel tree (build-module.sh). What is
# there already is not rebuilt: a board that was built before costs one stat per file.
# Each step says what it builds and how long it should take (the last measured time on
# this machine, else the figure measured when the step was written), and a long step
# prints a line every minute; the step's full output goes to <state>/boards/<board>/prepare.log.
# `ktap board start` and `ktap run --board <emulated board>` call it (docs/boards.md).
# --check: build nothing; list what is missing on stdout, exit 0 when nothing is, else 4.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

check=
board_arg=
for a in "$@"; do
    case "$a" in
        --check) check=1 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        -*) ktap_die "unknown option $a" ;;
        *) [ -z "$board_arg" ] || ktap_die "one board only (got '$board_arg' and '$a')"
           board_arg=$a ;;
    esac
done
ktap_board_load "$board_arg"
mkdir -p "$board_dir"
log=$board_dir/prepare.log
times=$KTAP_STATE_DIR/build-times
module=$ktap_repo/out/module/$board_tree/ktapvm.ko

# What each step took when it was written (2 cores, cold caches, apt mirror near by);
# replaced by this machine's own last time once a step has run here.
default_seconds() {
    case "$1" in
        kernel-*) echo 840 ;;   # powerpc: pmac32_defconfig minus what the board never uses
        image-qemu-powerpc) echo 420 ;; # busybox and dropbear built from source (load 15)
        image-*) echo 60 ;;
        module-*) echo 90 ;;
        *) echo 60 ;;
    esac
}
estimate() {
    local s how="as measured on 2 cores"
    if s=$(cat "$times/$1" 2>/dev/null); then how="as last time on this machine"; else s=$(default_seconds "$1"); fi
    if [ "$s" -ge 120 ]; then echo "about $(( (s + 30) / 60 )) min, $how"; else echo "about $s s, $how"; fi
}

# Runs one step with its output in the log, a progress line every minute, and its time kept.
run_step() {
    local key=$1 what=$2; shift 2
    local t0 pid rc=0 said=0 m
    echo "$board: building $what ($(estimate "$key"); cached afterwards)" >&2
    t0=$(date +%s)
    echo "== $(date -u +%FT%TZ) $what: $*" >> "$log"
    "$@" >> "$log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 2
        m=$(( ($(date +%s) - t0) / 60 ))
        [ "$m" -gt "$said" ] && { said=$m; echo "$board: ... $what: $m min so far" >&2; }
    done
    wait "$pid" || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "$board: building $what failed (exit $rc); the end of $log:" >&2
        tail -n 25 "$log" >&2
        exit 1
    fi
    mkdir -p "$times"
    echo $(( $(date +%s) - t0 )) > "$times/$key"
}

missing=()
kernel_missing=
if [ -n "${board_kernel_build:-}" ] &&
   ! "$ktap_repo/scripts/kernel-trees/build-kernel.sh" --cached "$board_kernel_build" >/dev/null 2>&1; then
    kernel_missing=1; missing+=("the $board_kernel_build kernel")
fi
image_missing=
for f in vmlinuz initramfs.cpio.gz id_ed25519 known_hosts; do
    [ -f "$board_dir/$f" ] || image_missing=1
done
[ -n "$image_missing" ] && missing+=("the image")
module_missing=
[ -f "$module" ] || { module_missing=1; missing+=("ktapvm.ko for $board_tree"); }

if [ -n "$check" ]; then
    [ ${#missing[@]} -eq 0 ] && { echo "$board: built"; exit 0; }
    printf '%s: missing %s\n' "$board" "$(IFS=,; echo "${missing[*]}" | sed 's/,/, /g')"
    exit 4
fi
[ ${#missing[@]} -eq 0 ] && exit 0

[ -n "$kernel_missing" ] &&
    run_step "kernel-$board_kernel_build" "the $board_kernel_build kernel from linux-source-6.1" \
        "$ktap_repo/scripts/kernel-trees/build-kernel.sh" "$board_kernel_build"
[ -n "$module_missing" ] &&
    run_step "module-$board_tree" "ktapvm.ko for $board_tree" "$ktap_repo/scripts/build-module.sh" "$board_tree"
[ -n "$image_missing" ] &&
    run_step "image-$board" "the $board image" "$ktap_repo/boards/qemu/build-image.sh" "$board" --module "$module"
echo "$board: built (log: $log)" >&2
