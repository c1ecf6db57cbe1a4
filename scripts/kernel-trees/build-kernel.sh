#!/usr/bin/env bash
# Usage: build-kernel.sh [--cached] powerpc|x86_64-debug
# Builds a bootable kernel that Debian does not ship, from Debian's linux-source-6.1:
#  powerpc       32-bit powerpc (qemu mac99): pmac32_defconfig plus the tracing options and
#                the pmac serial console, without what the qemu board never uses;
#  x86_64-debug  the debug board (qemu pc): tinyconfig plus the tracing options, the
#                board's devices and the kernel's bug detectors (KASAN, lockdep,
#                atomic-sleep, soft/hard lockup and hung-task detectors, list debugging),
#                so that a module bug shows up as a report in the kernel log instead of
#                as silent corruption.
# Cached by the configuration's hash (source version, architecture, options, recipe) under
# $KTAP_STATE_DIR/kernels/6.1-<arch>-<hash>/ (vmlinux or bzImage, Module.symvers,
# prepared for out-of-tree modules, build-seconds); prints that directory. Cold (make -j2):
# powerpc about 14 minutes on 2 idle cores; docs/boards.md has the measured times.
# --cached: build nothing; print the directory and exit 0 when it is built, else say so
# on stderr and exit 3 (tests/ci.d/39-debug-board.sh runs its board only when it is warm).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apt.sh"
cached_only=
[ "${1:-}" = --cached ] && { cached_only=1; shift; }
arch=${1:-}
# Bump when the build steps below change what ends up in the directory.
recipe=2
# What every kernel built here needs for ktap (the tracing options, modules, an initramfs).
options_ktap="MODULES MODULE_UNLOAD KPROBES KRETPROBES UPROBES PERF_EVENTS FTRACE FUNCTION_TRACER
    DYNAMIC_FTRACE KPROBE_EVENTS UPROBE_EVENTS EVENT_TRACING FTRACE_SYSCALLS DEBUG_FS
    DEVTMPFS DEVTMPFS_MOUNT
    BLK_DEV_INITRD RD_GZIP"
case "$arch" in
    powerpc)
        # The powerpc lists must keep their words and order: they are hashed, and a change
        # would orphan the cached powerpc kernel.
        karch=powerpc; defconfig=pmac32_defconfig; cross=powerpc-linux-gnu-
        tree_arch=powerpc; targets="vmlinux modules_prepare"; image=vmlinux
        options_on="$options_ktap SERIAL_PMACZILOG SERIAL_PMACZILOG_CONSOLE
            VIRTIO_MENU VIRTIO_PCI VIRTIO_NET HW_RANDOM HW_RANDOM_VIRTIO"
        # Off: what a qemu mac99 board with a serial console and an initramfs never uses
        # (frame buffers, disks, file systems, sound, USB, wireless, firewall, the xmon
        # debugger): a shorter cold build and a faster boot.
        options_off="MODVERSIONS MODULE_SIG DEBUG_INFO_BTF DRM FB SOUND USB_SUPPORT SCSI ATA MD
            NETFILTER PPP WLAN WIRELESS BT CFG80211 NFS_FS NFSD EXT2_FS EXT4_FS ISO9660_FS
            NETWORK_FILESYSTEMS HIBERNATION CPU_FREQ XMON HID INPUT_JOYSTICK INPUT_TABLET
            INPUT_TOUCHSCREEN XFRM_USER NET_KEY INET_AH INET_ESP PCNET32 MACE BMAC" ;;
    x86_64-debug)
        # tinyconfig plus what the board needs, not x86_64_defconfig: a third of the objects
        # to compile, and every KASAN-instrumented object compiles slowly. ARCH=x86_64 so
        # that tinyconfig is 64-bit (with ARCH=x86 it is i386).
        karch=x86_64; defconfig=tinyconfig; cross=
        tree_arch=x86_64; targets="bzImage modules_prepare"; image=arch/x86/boot/bzImage
        # Boot: 64-bit SMP on qemu pc with ACPI (SeaBIOS's MP table lists only the boot CPU:
        # without ACPI's MADT the board ran on one CPU, and no race or cross-CPU NMI was tested),
        # virtio over PCI with MSI-X for the network and the entropy dropbear needs, the
        # 8250 serial console, an initramfs with busybox init, dropbear over TCP with ptys,
        # proc/sys/tmpfs/devtmpfs, the sysctls the suite reads, /proc/config.gz, sysrq (the
        # hostile suite's NMI-context events are sysrq-l's backtrace NMIs). -O2 as in
        # Debian's kernels, so the same functions are inlined (the e2e probes ksys_lseek).
        # Full kallsyms so that a report names the module's functions.
        # The detectors: generic KASAN (inline: faster under TCG than outline calls) with
        # vmalloc shadow, lockdep with its proofs (and RCU's), sleeping in atomic context,
        # full preemption with DEBUG_PREEMPT (smp_processor_id() in preemptible code), soft
        # and hard lockups, hung tasks, list corruption. HARDLOCKUP_DETECTOR needs a perf
        # NMI; qemu's TCG has no PMU, so it is built but cannot arm (docs/boards.md).
        options_on="$options_ktap 64BIT SMP X86_MPPARSE CPU_SUP_INTEL CPU_SUP_AMD
            CC_OPTIMIZE_FOR_PERFORMANCE PRINTK PRINTK_TIME EARLY_PRINTK BUG BASE_FULL
            ACPI MULTIUSER FUTEX EPOLL SIGNALFD TIMERFD EVENTFD SHMEM POSIX_TIMERS FILE_LOCKING
            RSEQ HIGH_RES_TIMERS BINFMT_ELF BINFMT_SCRIPT PROC_FS PROC_SYSCTL SYSFS TMPFS
            IKCONFIG IKCONFIG_PROC KALLSYMS KALLSYMS_ALL MAGIC_SYSRQ
            TTY UNIX98_PTYS SERIAL_8250 SERIAL_8250_CONSOLE
            NET UNIX INET PCI PCI_MSI NETDEVICES NET_CORE
            VIRTIO_MENU VIRTIO VIRTIO_PCI VIRTIO_NET HW_RANDOM HW_RANDOM_VIRTIO
            SLUB DEBUG_KERNEL DEBUG_BUGVERBOSE KASAN KASAN_GENERIC KASAN_INLINE KASAN_VMALLOC
            PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP PREEMPT DEBUG_PREEMPT
            LOCKUP_DETECTOR SOFTLOCKUP_DETECTOR HARDLOCKUP_DETECTOR DETECT_HUNG_TASK DEBUG_LIST"
        # Off: the other choices, and anything that would turn a report into a panic (the
        # suite reads the log after the run).
        options_off="MODVERSIONS MODULE_SIG DEBUG_INFO_BTF CC_OPTIMIZE_FOR_SIZE SLOB PREEMPT_NONE
            PANIC_ON_OOPS BOOTPARAM_SOFTLOCKUP_PANIC BOOTPARAM_HARDLOCKUP_PANIC
            BOOTPARAM_HUNG_TASK_PANIC" ;;
    *) echo "build-kernel.sh: unknown configuration '${arch}'; known: powerpc x86_64-debug" >&2; exit 2 ;;
esac

not_built() {
    echo "build-kernel.sh: the $arch kernel for this configuration is not built ($1)" >&2
    exit 3
}
# No built kernel for the architecture at all: cold, without asking apt for the version.
if [ -n "$cached_only" ] && ! compgen -G "$KTAP_STATE_DIR/kernels/6.1-$arch-*/ready" >/dev/null; then
    not_built "nothing under $KTAP_STATE_DIR/kernels"
fi
version=$(ktap_apt_version bookworm linux-source-6.1)
hash=$(echo "$version $arch $defconfig $cross $recipe" $options_on / $options_off |
    sha256sum | cut -c1-12)
out=$KTAP_STATE_DIR/kernels/6.1-$arch-$hash
if [ -f "$out/ready" ]; then echo "$out"; exit 0; fi
[ -z "$cached_only" ] || not_built "$out"
command -v "${cross}gcc" >/dev/null ||
    { echo "build-kernel.sh: ${cross}gcc not found (scripts/deps.sh installs it)" >&2; exit 1; }
mkdir -p "$KTAP_STATE_DIR/kernels"
# One build per directory at a time: a second caller waits, then finds it built.
exec 9> "$out.lock"
flock 9
if [ -f "$out/ready" ]; then echo "$out"; exit 0; fi

"$here/source-tree.sh" "$tree_arch" >/dev/null     # unpacks linux-source-6.1 once
src=$KTAP_STATE_DIR/src/linux-source-$version
# A directory with a configuration but no ready mark is a build that was interrupted:
# make resumes it (kbuild redoes only what is missing or stale) instead of starting over.
if [ -f "$out/.config" ]; then
    echo "build-kernel.sh: resuming the interrupted build in $out" >&2
else
rm -rf "$out"; mkdir -p "$out"
# A ready build of the same configuration name with other options seeds this one: kbuild
# records each object's CONFIG_ dependencies and recompiles only what the changed options
# touch (the debug kernel is about an hour of make cold on the shared machine).
seed=$(ls -dt "$KTAP_STATE_DIR/kernels/6.1-$arch-"*/ready 2>/dev/null | head -n 1 || true)
if [ -n "$seed" ]; then
    cp -a "$(dirname "$seed")/." "$out/"
    rm -f "$out/ready" "$out/build-seconds"
    basename "$(dirname "$seed")" > "$out/seeded-from"
fi
fi
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
# shellcheck disable=SC2086  # targets is a word list
mk $targets >"$out/build.log" 2>&1 ||
    { tail -n 30 "$out/build.log" >&2; echo "build-kernel.sh: $arch: build failed" >&2; exit 1; }
# ppc32 modules link against crtsavres.o.
[ "$arch" = powerpc ] && mk arch/powerpc/lib/crtsavres.o >>"$out/build.log" 2>&1
cp "$out/vmlinux.symvers" "$out/Module.symvers" 2>/dev/null || true
echo "ARCH=$karch CROSS_COMPILE=$cross" > "$out/make-args"
# The boot image under one name for every configuration (boards name it board_kernel_file).
[ "$image" = vmlinux ] || cp "$out/$image" "$out/$(basename "$image")"
echo "$(( $(date +%s) - start ))" > "$out/build-seconds"
touch "$out/ready"
echo "$out"
