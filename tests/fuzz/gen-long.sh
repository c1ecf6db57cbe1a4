#!/usr/bin/env bash
# A long fuzzing run that survives findings: runs a libFuzzer binary again and again on one
# corpus until SECONDS have passed, one process at a time (nice 15), keeping every crash,
# timeout or OOM input in ART, and appends to LOG. It runs in chunks of at most CHUNK seconds
# (default 900) and after each chunk and each finding logs the total executions, exec/s, the
# latest coverage line and the findings so far, so a running campaign can be read any time.
#   tests/fuzz/gen-long.sh FUZZER CORPUS ART LOG SECONDS [extra libFuzzer flags...]
set -uo pipefail
fz=${1:?usage: gen-long.sh FUZZER CORPUS ART LOG SECONDS [flags]}
corpus=$2 art=$3 log=$4 secs=$5
shift 5
mkdir -p "$corpus" "$art"
end=$(( $(date +%s) + secs ))
total=0; findings=0; t0=$(date +%s)
echo "gen-long: $(date -u +%FT%TZ) start $fz for ${secs}s, commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null)" >> "$log"
while [ "$(date +%s)" -lt "$end" ]; do
    left=$(( end - $(date +%s) ))
    [ "$left" -gt "${CHUNK:-900}" ] && left=${CHUNK:-900}
    one=$(mktemp)
    ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16} nice -n 15 "$fz" -max_total_time="$left" -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$art/" "$@" "$corpus" > "$one" 2>&1
    rc=$?
    n=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$one" | grep -oE '[0-9]+$' | tail -1)
    total=$(( total + ${n:-0} ))
    cov=$(grep -E '^#[0-9]+.*cov:' "$one" | tail -1)
    grep -E 'accepted by the verifier|checked all reclaimed' "$one" >> "$log"   # fuzz_gen with KTAP_GEN_STATS=1
    if [ "$rc" -ne 0 ]; then
        findings=$((findings + 1))
        echo "gen-long: $(date -u +%FT%TZ) FINDING $findings (exit $rc):" >> "$log"
        grep -m3 -E 'INVARIANT|runtime error|ERROR: AddressSanitizer|ERROR: libFuzzer|Test unit written' "$one" >> "$log"
    fi
    el=$(( $(date +%s) - t0 ))
    echo "gen-long: $(date -u +%FT%TZ) executions $total in ${el}s ($(( total / (el > 0 ? el : 1) )) exec/s), findings $findings; last: $cov" >> "$log"
    rm -f "$one"
done
