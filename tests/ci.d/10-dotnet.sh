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
echo "RESULT passed=$p failed=$f"
exit $rc
