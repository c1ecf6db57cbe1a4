#!/usr/bin/env bash
# The kernel module: compile checks against every kernel tree, a provider for every probe
# kind of the bundle (tests/kernel/providers.sh, host only), the filter parser in user
# space (self-test and a short libFuzzer run), then on the emulated x86_64 board the
# end-to-end tests, the ktap-against-tracefs event counts, the filters/arguments checks
# (tests/kernel/filters.sh), the stacks of traced code (`ktap run`, kallsyms names on the
# host), the perf counter events (tests/kernel/perf.sh), hardware watchpoints
# (tests/kernel/watch.sh), the soak of a million events in a small memory budget
# (tests/kernel/soak.sh) and the hostile-bundle suite
# (last: it locks the board it booted down). Last line: RESULT passed=N failed=M (sum of
# the parts).
set -uo pipefail
cd "$(dirname "$0")/../.."
mkdir -p out
source tests/lib/run-parts.sh
run_parts tests/kernel/compile-check.sh tests/kernel/providers.sh tests/kernel/filter-fuzz/run.sh tests/kernel/e2e.sh \
    tests/kernel/counts.sh tests/kernel/filters.sh tests/kernel/stacks.sh tests/kernel/perf.sh tests/kernel/watch.sh \
    tests/kernel/soak.sh tests/kernel/hostile.sh
