#!/usr/bin/env bash
# Builds ktapvm.ko into out/module/<flavour>/ktapvm.ko.
#   scripts/build-module.sh <flavour>   Debian headers (scripts/kernel-trees/headers.sh):
#                                       6.1-amd64 (default), 6.1-rt-amd64, 5.10-amd64,
#                                       6.12-amd64, 6.1-armmp, 6.1-686
#   scripts/build-module.sh <arch>      a configured linux-source-6.1 tree
#                                       (scripts/kernel-trees/source-tree.sh): x86, x86_64,
#                                       arm, powerpc
# The kernel tree comes from KTAP_KDIR when set, else from the board scripts
# (scripts/kernel-trees/headers.sh or source-tree.sh, which print the tree's path last).
# Sources are copied to out/module/<flavour>/src so flavours build side by side and the
# source folders stay free of build products. Prints the .ko path on success.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-6.1-amd64}
out=$root/out/module/$flavour
arch_args=()
case $flavour in
    x86|6.1-686) arch_args=(ARCH=i386 CROSS_COMPILE=i686-linux-gnu-) ;;
    x86_64|*-amd64) arch_args=(ARCH=x86_64) ;;
    arm|6.1-armmp) arch_args=(ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-) ;;
    powerpc) arch_args=(ARCH=powerpc CROSS_COMPILE=powerpc-linux-gnu-) ;;
    *) echo "build-module: unknown flavour '$flavour' (6.1-amd64 6.1-rt-amd64 5.10-amd64 6.12-amd64 6.1-armmp 6.1-686 x86 x86_64 arm powerpc)" >&2; exit 2 ;;
esac

kdir=${KTAP_KDIR:-}
if [ -z "$kdir" ]; then
    case $flavour in
        x86|x86_64|arm|powerpc) tree_script=$root/scripts/kernel-trees/source-tree.sh ;;
        *) tree_script=$root/scripts/kernel-trees/headers.sh ;;
    esac
    if [ ! -f "$tree_script" ]; then
        echo "build-module: $tree_script is missing (the board scripts) and KTAP_KDIR is not set" >&2
        exit 2
    fi
    kdir=$(bash "$tree_script" "$flavour" | tail -n 1)
fi
[ -f "$kdir/Makefile" ] || { echo "build-module: no kernel tree at '$kdir'" >&2; exit 2; }

rm -rf "$out/src"
mkdir -p "$out/src/ktapvm" "$out/src/arch"
cp -r "$root/runtime/ktapvm/." "$out/src/ktapvm/"
cp -r "$root/runtime/arch/." "$out/src/arch/"
rm -f "$out/src/ktapvm/Makefile"
find "$out/src/ktapvm" -maxdepth 1 -type d ! -name ktapvm ! -name kernel ! -name core ! -name include -exec rm -rf {} +

log=$out/build.log
if ! make -C "$kdir" M="$out/src/ktapvm" "${arch_args[@]}" -j2 modules >"$log" 2>&1; then
    grep -E 'error|Error|undefined' "$log" | head -40 >&2
    echo "build-module: build failed for $flavour (log: $log)" >&2
    exit 1
fi
cp "$out/src/ktapvm/ktapvm.ko" "$out/ktapvm.ko"
echo "$out/ktapvm.ko"
