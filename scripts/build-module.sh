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
# Built already from the same sources for the same tree: prints the path, builds nothing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tree=${1:-6.1-amd64}
case $tree in x86|x86_64|arm|powerpc) tree=src-$tree ;; esac
out=$root/out/module/$tree
mkdir -p "$out"
exec 9> "$out.lock"
flock 9   # two test suites asking for the same tree build it once

# A module already built from the same sources for the same tree is reused: the test
# suites ask for the 6.1-amd64 module about ten times per run, each a full kbuild before.
# The key covers every file that goes into the build (the VM, the module, the arch
# tables, this script and the kernel-tree scripts) and the headers release of the tree.
state=${KTAP_STATE_DIR:-$HOME/.cache/ktap}
key=$( (cd "$root" && find runtime/ktapvm runtime/arch scripts/build-module.sh scripts/kernel-trees -type f -print0 |
        sort -z | xargs -0 sha256sum
        echo "tree $tree $(cat "$state/headers/$tree/release" 2>/dev/null)") | sha256sum | cut -c1-16)
if [ -f "$out/ktapvm.ko" ] && [ "$(cat "$out/source-key" 2>/dev/null)" = "$key" ]; then
    echo "$out/ktapvm.ko"
    exit 0
fi
rm -f "$out/source-key"

rm -rf "$out/src"
mkdir -p "$out/src/ktapvm"
cp -r "$root/runtime/ktapvm/." "$out/src/ktapvm/"
# kbuild compiles only files under the module's folder: the architecture parts
# (runtime/arch, one folder per target) are copied in as its arch/.
cp -r "$root/runtime/arch" "$out/src/ktapvm/arch"
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
echo "$key" > "$out/source-key"
echo "$out/ktapvm.ko"
