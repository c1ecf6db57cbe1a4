# Sourced by boards/qemu/*.sh: what makes the qemu-x86_64-debug board, the debug board.
# The qemu-x86_64 board's userland (Debian amd64 busybox and dropbear) on a kernel built
# from Debian's linux-source-6.1 with the kernel's bug detectors: KASAN, lockdep, sleeping
# in atomic context, soft/hard lockups, hung tasks, list corruption
# (scripts/kernel-trees/build-kernel.sh x86_64-debug; docs/boards.md). A module bug that
# would pass silently on the other boards shows up here as a report in the kernel log.
board_target=x86_64                 # ktapc target profile name
board_uname_m=x86_64
board_default_port=10140
board_suite=bookworm                # Debian suite of the userland
board_deb_arch=amd64                # Debian architecture of the userland
board_kernel_build=x86_64-debug     # build-kernel.sh configuration
board_kernel_file=bzImage
board_tree=kernel-x86_64-debug      # make-module.sh tree for modules run on this board
board_qemu=qemu-system-x86_64
board_console=ttyS0
board_modules=""                    # virtio net and rng are built in
# Every kernel message goes to the serial console (console.log): a report printed at
# warning level (lockdep's) is kept even when the board dies before dmesg can be read.
# Every KASAN report is printed, not only the first; a task blocked for 30 s is reported
# (120 s by default: longer than any test waits).
board_kernel_args="ignore_loglevel kasan_multi_shot sysctl.kernel.hung_task_timeout_secs=30"
# KASAN's shadow takes an eighth of memory, and the debug kernel boots several times
# slower under TCG than Debian's.
board_boot_timeout=300
board_qemu_args() {
    echo -M pc -m 1024 -smp 2 \
        -netdev "user,id=n,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-pci,netdev=n \
        -device virtio-rng-pci
}
# Building modules for this board: make -C <tree> M=... ARCH=... CROSS_COMPILE=...
board_kernel_arch=x86
board_cross_compile=
