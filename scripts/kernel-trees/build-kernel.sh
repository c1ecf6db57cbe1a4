#!/usr/bin/env bash
# Usage: build-kernel.sh powerpc
# Builds a bootable kernel for a board Debian ships no kernel for (32-bit powerpc, qemu
# mac99) from Debian's linux-source-6.1: pmac32_defconfig plus the tracing options, the
# pmac serial console, and virtio net/rng built in. Cached by the configuration's hash under
# $KTAP_STATE_DIR/kernels/6.1-<arch>-<hash>/ (vmlinux, Module.symvers, prepared for
# out-of-tree modules); prints that directory. Cold: about 14 minutes on 2 idle cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apt.sh"
arch=${1:-}
case "$arch" in
    powerpc) karch=powerpc; defconfig=pmac32_defconfig; cross=powerpc-linux-gnu- ;;
    *) echo "build-kernel.sh: unknown architecture '${arch}'; known: powerpc" >&2; exit 2 ;;
esac
command -v "${cross}gcc" >/dev/null || { echo "build-kernel.sh: ${cross}gcc not found" >&2; exit 1; }
options_on="MODULES MODULE_UNLOAD KPROBES KRETPROBES UPROBES PERF_EVENTS FTRACE FUNCTION_TRACER
    DYNAMIC_FTRACE KPROBE_EVENTS UPROBE_EVENTS EVENT_TRACING FTRACE_SYSCALLS DEBUG_FS
    DEVTMPFS DEVTMPFS_MOUNT
    BLK_DEV_INITRD RD_GZIP SERIAL_PMACZILOG SERIAL_PMACZILOG_CONSOLE
    VIRTIO_MENU VIRTIO_PCI VIRTIO_NET HW_RANDOM HW_RANDOM_VIRTIO"
# Off: what a qemu mac99 board with a serial console and an initramfs never uses (frame
# buffers, disks, file systems, sound, USB, wireless, firewall, the xmon debugger): a
# shorter cold build and a faster boot.
options_off="MODVERSIONS MODULE_SIG DEBUG_INFO_BTF DRM FB SOUND USB_SUPPORT SCSI ATA MD
    NETFILTER PPP WLAN WIRELESS BT CFG80211 NFS_FS NFSD EXT2_FS EXT4_FS ISO9660_FS
    NETWORK_FILESYSTEMS HIBERNATION CPU_FREQ XMON HID INPUT_JOYSTICK INPUT_TABLET
    INPUT_TOUCHSCREEN XFRM_USER NET_KEY INET_AH INET_ESP PCNET32 MACE BMAC"

"$here/source-tree.sh" "$arch" >/dev/null     # unpacks linux-source-6.1 once
version=$(ktap_apt_version bookworm linux-source-6.1)
src=$KTAP_STATE_DIR/src/linux-source-$version
hash=$(echo "$version $arch $defconfig $cross $options_on $options_off $(sha256sum < "$0")" |
    sha256sum | cut -c1-12)
out=$KTAP_STATE_DIR/kernels/6.1-$arch-$hash
if [ -f "$out/ready" ]; then echo "$out"; exit 0; fi
rm -rf "$out"; mkdir -p "$out"
mk() { make -s -C "$src" O="$out" ARCH="$karch" CROSS_COMPILE="$cross" -j2 "$@"; }
mk "$defconfig" >/dev/null
on_args=(); for o in $options_on; do on_args+=(-e "$o"); done
off_args=(); for o in $options_off; do off_args+=(-d "$o"); done
"$src/scripts/config" --file "$out/.config" "${on_args[@]}" "${off_args[@]}"
mk olddefconfig >/dev/null
for o in $options_on; do
    grep -q "^CONFIG_$o=y" "$out/.config" ||
        { echo "build-kernel.sh: $arch: CONFIG_$o did not stay enabled" >&2; exit 1; }
done
start=$(date +%s)
mk vmlinux modules_prepare >"$out/build.log" 2>&1 ||
    { tail -n 30 "$out/build.log" >&2; echo "build-kernel.sh: $arch: build failed" >&2; exit 1; }
[ "$arch" = powerpc ] && mk arch/powerpc/lib/crtsavres.o >>"$out/build.log" 2>&1
cp "$out/vmlinux.symvers" "$out/Module.symvers" 2>/dev/null || true
echo "ARCH=$karch CROSS_COMPILE=$cross" > "$out/make-args"
echo "$(( $(date +%s) - start ))" > "$out/build-seconds"
touch "$out/ready"
echo "$out"
