# Sourced by boards/qemu/*.sh: what makes the qemu-powerpc (32-bit, big-endian) board.
# Debian has neither a kernel nor a userland for it: both are built from Debian's sources
# (scripts/kernel-trees/build-kernel.sh powerpc, boards/qemu-powerpc/userland.sh).
board_target=powerpc
board_uname_m=ppc
board_default_port=10025
board_suite=bookworm
board_deb_arch=powerpc
board_kernel_build=powerpc           # build-kernel.sh architecture
board_kernel_file=vmlinux
board_userland_build=userland.sh
board_tree=kernel-powerpc
board_qemu=qemu-system-ppc
board_console=ttyS0                   # pmac32_defconfig names the pmac zilog ports ttyS (SERIAL_PMACZILOG_TTYS)
board_dropbear_args=""                # keys only already: password logins are compiled out (userland.sh), so -s is refused
board_modules=""                      # virtio net and rng are built in
board_qemu_args() {
    echo -M mac99 -m 512 \
        -netdev "user,id=n,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-pci,netdev=n \
        -device virtio-rng-pci
}
board_kernel_arch=powerpc
board_cross_compile=powerpc-linux-gnu-
