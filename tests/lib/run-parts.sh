# Sourced by the suites in tests/ci.d that run several part scripts. run_parts runs each
# part (a command line), shows its output and time, adds up the parts' last
# "RESULT passed=N failed=M" lines, prints the suite's own RESULT line and returns
# non-zero when anything failed. A part that exits non-zero counts at least one failure,
# even if its RESULT line says none (or it printed none).
source "$(dirname "${BASH_SOURCE[0]}")/checks.sh" # result_counts
run_parts() {
    local total_p=0 total_f=0 log part start rc line p f
    log=$(mktemp)
    for part in "$@"; do
        echo "--- $part"
        start=$(date +%s)
        # shellcheck disable=SC2086
        bash $part 2>&1 | tee "$log"; rc=${PIPESTATUS[0]}
        line=$(result_counts "$log")
        read -r p f <<<"${line:-0 0}"
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        echo "--- $part: passed=$p failed=$f ($(( $(date +%s) - start )) s)"
        total_p=$((total_p + p)); total_f=$((total_f + f))
    done
    rm -f "$log"
    echo "RESULT passed=$total_p failed=$total_f"
    [ "$total_f" -eq 0 ]
}
