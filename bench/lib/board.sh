# Sourced by the benchmarks that time a workload on an emulated board (bench/board-overhead,
# bench/scope): their common set-up, written once.
#   bench_board_up BOARD PORT WORK
#       builds ktap and ktapc (tests/lib/tools.sh, one build shared with the tests: $tools),
#       ktapvm.ko for the board's kernel tree (scripts/build-module.sh reuses a module built
#       from the same sources), the static workload tests/kernel/workload.c with the board's
#       compiler (WORK/ktapwl); boots the board on PORT, stopped when the shell exits, and
#       copies the workload to /tmp/ktapwl. Sets $tree and $cc from the board's YAML.
#   on_board CMD...   runs CMD on that board (5 minutes at most)
#   best              the smallest of the numbers on stdin
# Needs $root (the repository).
source "$root/tests/lib/tools.sh"
source "$root/tests/lib/board-up.sh"   # board_boot

bench_board_up() {
    local port=$2 work=$3
    bench_board=$1
    local facts
    facts=$(python3 "$root/boards/qemu/facts.py" "$bench_board") || exit 2
    eval "$facts"   # board_tree, board_cross_compile, ... (one read of the YAML)
    tree=$board_tree; cc=${board_cross_compile}gcc
    ktap_tools || exit 1
    # Only the getpid loop runs in the benchmarks: no board needs tests/boards/raw-lseek.h.
    "$cc" -static -O2 -Wall -Wextra -Werror -o "$work/ktapwl" "$root/tests/kernel/workload.c"
    bash "$root/scripts/build-module.sh" "$tree" >/dev/null   # the module ktap deploys
    board_boot "$bench_board" "$port" || exit 1
    on_board 'cat > /tmp/ktapwl; chmod +x /tmp/ktapwl' < "$work/ktapwl"
}

on_board() { timeout 300 bash "$root/boards/qemu/ssh.sh" "$bench_board" "$@"; }
best() { sort -n | head -n 1; }
