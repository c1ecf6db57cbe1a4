#!/usr/bin/env bash
# Seeds for the generator fuzzer (fuzz_gen): its inputs are streams of choices, so any bytes
# make a valid bundle; these are N pseudo-random byte strings of 256..4095 bytes from fixed
# seeds (the same files every time), long enough for programs of a few hundred
# instructions, plus the stored regression bundles.
#   tests/fuzz/make-gen-corpus.sh OUTDIR [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-gen-corpus.sh OUTDIR [N]}
n=${2:-64}
mkdir -p "$out"
for ((i = 1; i <= n; i++)); do
    RANDOM=$((i * 7919))
    size=$((256 + (RANDOM * 32768 + RANDOM) % 3840))
    s=
    for ((j = 0; j < size; j++)); do printf -v b '\\%03o' $((RANDOM % 256)); s+=$b; done
    printf "$s" > "$out/seed-$i"
done
cp "$here"/regressions/*.kbc "$out"/ 2>/dev/null || true
echo "$n seeds in $out"
