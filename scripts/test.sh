#!/usr/bin/env bash
# Runs every test suite of the project on a fresh Debian machine: installs what the suites
# need (scripts/deps/*.sh), then runs tests/ci.d/*.sh in order. Each suite prints its own
# output and, as its last line, "RESULT passed=N failed=M". A suite that exits non-zero
# fails the run. The closing line sums the counts: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
log_dir=${KTAP_TEST_LOGS:-$root/out/test-logs}
mkdir -p "$log_dir"

bash scripts/deps.sh || { echo "dependency installation failed"; exit 1; }

# The suites boot, stop and re-key boards. They do it in a state directory of their own, so
# that a board the user started (scripts/setup.sh leaves qemu-x86_64 running) and its port
# file, key and known_hosts survive a test run. What is only a cache (packages, kernel
# headers and trees, built kernels, userland debs) is shared with the user's directory
# through symlinks: nothing is downloaded or compiled twice.
user_state=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
export KTAP_STATE_DIR=${KTAP_TEST_STATE_DIR:-$user_state/test-state}
if [ "$KTAP_STATE_DIR" != "$user_state" ]; then
    mkdir -p "$KTAP_STATE_DIR"
    for d in apt debs headers kernels src trees userland; do
        mkdir -p "$user_state/$d"
        [ -L "$KTAP_STATE_DIR/$d" ] || [ ! -e "$KTAP_STATE_DIR/$d" ] ||
            { echo "$KTAP_STATE_DIR/$d is not a link to $user_state/$d: remove it"; exit 1; }
        ln -sfn "$user_state/$d" "$KTAP_STATE_DIR/$d"
    done
fi
echo "test state directory: $KTAP_STATE_DIR (caches shared with $user_state)"

# The script-level suites run ktapc and ktap as a user installs them (scripts/install-tools.sh:
# NativeAOT ktapc, ReadyToRun ktap), published once by the first suite that needs them
# (tests/lib/tools.sh); the C# suite tests the same code under the JIT.
export KTAP_TEST_TOOLS=${KTAP_TEST_TOOLS:-installed}

# A board whose kernel is built here (qemu-powerpc) is prepared in the background while the
# suites before its own run: they leave most of the CPU idle (tests/lib/background-board.sh).
# It starts after the C# suite (10-dotnet), whose end-to-end fixture builds and boots
# qemu-x86_64 with its own scripts: CI failed that fixture twice with the preparation
# running beside it, never without.
source tests/lib/background-board.sh
trap ktap_background_stop EXIT
background_started=

source tests/lib/checks.sh # result_counts
total_pass=0; total_fail=0; failed_suites=()
for suite in tests/ci.d/*.sh; do
    [ -e "$suite" ] || continue
    name=$(basename "$suite" .sh)
    if [ -z "$background_started" ] && [[ "$name" > 10-dotnet ]]; then
        background_started=1
        [ -e tests/ci.d/38-powerpc.sh ] && ktap_background_prepare qemu-powerpc "$log_dir"
    fi
    echo "=== suite $name"
    start=$(date +%s)
    bash "$suite" 2>&1 | tee "$log_dir/$name.log"
    rc=${PIPESTATUS[0]}
    line=$(result_counts "$log_dir/$name.log")
    read -r p f <<<"${line:-0 0}"
    if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
        [ "$f" -eq 0 ] && f=1
        failed_suites+=("$name")
    fi
    total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
    echo "=== suite $name: passed=$p failed=$f exit=$rc ($(( $(date +%s) - start ))s)"
done
[ ${#failed_suites[@]} -gt 0 ] && echo "failed suites: ${failed_suites[*]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ ${#failed_suites[@]} -eq 0 ]
