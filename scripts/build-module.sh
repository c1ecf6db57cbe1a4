#!/usr/bin/env bash
# Builds ktapvm.ko into out/module/<tree>/ktapvm.ko and prints its path.
#   scripts/build-module.sh [<tree>]
# <tree> is a kernel tree of the board scripts (scripts/kernel-trees/make-module.sh):
#   Debian headers: 6.1-amd64 (default), 6.1-rt-amd64, 5.10-amd64, 6.12-amd64, 6.1-armmp,
#                   6.1-686
#   configured linux-source-6.1 trees: src-x86, src-x86_64, src-arm, src-powerpc
#                   (x86, x86_64, arm and powerpc are accepted for these)
# The sources are copied to out/module/<tree>/src so trees build side by side and the
# source folders stay free of build products. The build log is out/module/<tree>/build.log.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:-6.1-amd64}
case $tree in x86|x86_64|arm|powerpc) tree=src-$tree ;; esac
out=$root/out/module/$tree

rm -rf "$out/src"
mkdir -p "$out/src/ktapvm" "$out/src/arch"
cp -r "$root/runtime/ktapvm/." "$out/src/ktapvm/"   # arch/ there links to ../arch
cp -r "$root/runtime/arch/." "$out/src/arch/"
rm -f "$out/src/ktapvm/Makefile"
[ -d "$out/src/ktapvm/core" ] || {
    echo "build-module: runtime/ktapvm/core is missing (the VM core)" >&2; exit 1; }

log=$out/build.log
if ! bash "$root/scripts/kernel-trees/make-module.sh" "$tree" "$out/src/ktapvm" -j2 modules \
        >"$log" 2>&1; then
    grep -E 'error|Error|undefined|unknown' "$log" | head -40 >&2
    echo "build-module: build failed for $tree (log: $log)" >&2
    exit 1
fi
cp "$out/src/ktapvm/ktapvm.ko" "$out/ktapvm.ko"
echo "$out/ktapvm.ko"
