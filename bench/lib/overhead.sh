# Sourced by the benchmarks that compare ktap's cost per event with a native C module's
# (bench/board-overhead, bench/kernel): the measurement of the module and the report,
# written once. The caller defines on_board and best, and has /tmp/native.ko and
# /tmp/ktapwl on the board.
#   native_best RUNS N     the best total ns of RUNS runs of N getpid calls counted by the
#                          native module; sets native_counted to what it counted
#   overhead_report N BASE KTAP NATIVE
#                          ns per call without a probe, with ktap, with the native module,
#                          and ktap's added cost over the module's (the goal: at most 3)
native_best() {
    local runs=$1 n=$2
    for _ in $(seq "$runs"); do
        on_board "insmod /tmp/native.ko && /tmp/ktapwl getpid $n; rmmod native_count"
    done | best
    native_counted=$(on_board 'dmesg | grep "native_count: ktapwl" | tail -n 1' | awk '{print $NF}')
}

overhead_report() {
    awk -v n="$1" -v b="$2" -v k="$3" -v c="$4" 'BEGIN {
        printf "  no probe          %8.0f\n", b / n
        printf "  ktap (table)      %8.0f   added %6.0f\n", k / n, (k - b) / n
        printf "  native C module   %8.0f   added %6.0f\n", c / n, (c - b) / n
        if (c > b) printf "ktap added cost / native added cost: %.2f (goal <= 3)\n", (k - b) / (c - b)
        else print "native added cost not measurable"
    }'
}
