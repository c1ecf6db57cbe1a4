#!/usr/bin/env bash
# The C# test projects (compiler, ktap command, MSBuild tasks).
set -uo pipefail
cd "$(dirname "$0")/../.."
out=$(mktemp)
dotnet test Ktap.sln --nologo -c Release 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
# dotnet test prints one summary line per test assembly: "Passed!  - Failed: 0, Passed: 12, ..."
p=$(grep -oE 'Passed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
f=$(grep -oE 'Failed: +[0-9]+' "$out" | awk '{s+=$2} END {print s+0}')
rm -f "$out"
# The fuzz targets of every host parser of untrusted input (tests/fuzz-host), briefly and
# in-process: one counted check, failed by any finding (an exception a parser let escape).
fuzz_out=$(dotnet run --project tests/fuzz-host/Ktap.FuzzHost.csproj -c Release -- random all "${KTAP_FUZZ_SECONDS:-16}" 2>&1)
fuzz_rc=$?
echo "$fuzz_out"
if [ $fuzz_rc -eq 0 ]; then p=$((p + 1)); else f=$((f + 1)); [ $rc -eq 0 ] && rc=1; fi
echo "RESULT passed=$p failed=$f"
exit $rc
