#!/usr/bin/env bash
# Makes the fuzzer's seed corpus: every conformance case compiled by ktapc for this host's
# target (x86_64), one valid bundle each. Generated, not committed, so it always matches
# the current compiler and bundle format.
#   tests/fuzz/make-corpus.sh OUTDIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: make-corpus.sh OUTDIR}
mkdir -p "$out"
ktapc=$root/toolchain/Ktapc/ktapc/bin/Release/net10.0/ktapc.dll
[ -f "$ktapc" ] || dotnet build "$root/toolchain/Ktapc/ktapc/ktapc.csproj" -c Release --nologo -v q >/dev/null
n=0
for kp in "$root"/tests/conformance/cases/*.kp; do
    name=$(basename "$kp" .kp)
    dotnet "$ktapc" --target x86_64 "$kp" -o "$out/$name.kbc" 2>/dev/null && n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "make-corpus: no case compiled" >&2; exit 1; }
echo "$n bundles in $out"
