#!/usr/bin/env bash
# Usage: source-tree.sh <arch>      (x86, x86_64, arm, powerpc)
# Unpacks Debian's linux-source-6.1 once, configures an out-of-tree build directory (O=) for
# the architecture (its defconfig plus the tracing options ktap needs, modules without
# MODVERSIONS), runs `make modules_prepare` and prints the O= directory: pass it to
# `make -C`, with the ARCH and CROSS_COMPILE in its make-args file (make-module.sh does).
# Cached by the configuration's hash: a second run only prints the directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apt.sh"

arch=${1:-}
case "$arch" in
    x86)     karch=x86;     defconfig=i386_defconfig;    cross=i686-linux-gnu- ;;
    x86_64)  karch=x86;     defconfig=x86_64_defconfig;  cross= ;;
    arm)     karch=arm;     defconfig=multi_v7_defconfig; cross=arm-linux-gnueabihf- ;;
    powerpc) karch=powerpc; defconfig=pmac32_defconfig;  cross=powerpc-linux-gnu- ;;
    *) echo "source-tree.sh: unknown architecture '${arch}'; known: x86 x86_64 arm powerpc" >&2; exit 2 ;;
esac
[ -z "$cross" ] || command -v "${cross}gcc" >/dev/null ||
    { echo "source-tree.sh: ${cross}gcc not found (scripts/deps.sh installs it)" >&2; exit 1; }

# What every ktap kernel needs (enabled) and must not have (disabled).
options_on="MODULES MODULE_UNLOAD KPROBES KRETPROBES UPROBES PERF_EVENTS FTRACE FUNCTION_TRACER
    DYNAMIC_FTRACE KPROBE_EVENTS UPROBE_EVENTS EVENT_TRACING DEBUG_FS DEVTMPFS
    DEVTMPFS_MOUNT BLK_DEV_INITRD"
options_off="MODVERSIONS MODULE_SIG DEBUG_INFO_BTF"
# The powerpc board's serial console (qemu's mac99 escc).
[ "$arch" = powerpc ] && options_on="$options_on SERIAL_PMACZILOG SERIAL_PMACZILOG_CONSOLE"

version=$(ktap_apt_version bookworm linux-source-6.1)
src=$KTAP_STATE_DIR/src/linux-source-$version
if [ ! -f "$src/ready" ]; then
    debs=$KTAP_STATE_DIR/debs/bookworm
    ktap_apt_fetch bookworm "$debs" "linux-source-6.1=$version"
    rm -rf "$src" "$src.deb"; mkdir -p "$src.deb"
    dpkg-deb -x "$debs/linux-source-6.1_${version}_all.deb" "$src.deb"
    mkdir -p "$src"
    tar -C "$src" --strip-components=1 -xf "$src.deb"/usr/src/linux-source-6.1.tar.xz
    rm -rf "$src.deb"
    touch "$src/ready"
fi

hash=$(echo "$version $arch $defconfig $cross $options_on $options_off $(sha256sum < "$0")" |
    sha256sum | cut -c1-12)
out=$KTAP_STATE_DIR/trees/6.1-$arch-$hash
if [ -f "$out/ready" ]; then
    echo "$out"
    exit 0
fi
rm -rf "$out"; mkdir -p "$out"
mk() { make -s -C "$src" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" -j2 "$@"; }
mk "$defconfig" >/dev/null
on_args=(); for o in $options_on; do on_args+=(-e "$o"); done
off_args=(); for o in $options_off; do off_args+=(-d "$o"); done
"$src/scripts/config" --file "$out/.config" "${on_args[@]}" "${off_args[@]}"
mk olddefconfig >/dev/null
for o in $options_on; do
    grep -q "^CONFIG_$o=y" "$out/.config" ||
        { echo "source-tree.sh: $arch: CONFIG_$o did not stay enabled" >&2; exit 1; }
done
mk modules_prepare >"$out/prepare.log" 2>&1 ||
    { tail -n 20 "$out/prepare.log" >&2; echo "source-tree.sh: $arch: modules_prepare failed" >&2; exit 1; }
# ppc32 modules link against crtsavres.o.
if [ "$arch" = powerpc ]; then mk arch/powerpc/lib/crtsavres.o >>"$out/prepare.log" 2>&1; fi
echo "ARCH=$karch CROSS_COMPILE=$cross" > "$out/make-args"
touch "$out/ready"
ln -sfn "$(basename "$out")" "$KTAP_STATE_DIR/trees/6.1-$arch"
echo "$out"
