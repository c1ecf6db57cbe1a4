# Sourced by boards/qemu/*.sh: what makes the qemu-arm64 (AArch64) board: Debian bookworm's
# arm64 kernel and arm64 userland on qemu's virt machine.
board_target=arm64
board_uname_m=aarch64
board_default_port=10160
board_suite=bookworm
board_deb_arch=arm64
board_headers_flavour=6.1-arm64
board_tree=$board_headers_flavour   # make-module.sh tree for modules run on this board
board_image_flavour=arm64
board_qemu=qemu-system-aarch64
board_console=ttyAMA0
# virtio devices on the virt machine's MMIO transport, as on qemu-arm-v7 (no PCI modules).
board_modules="virtio_mmio virtio_net virtio-rng"
board_qemu_args() {
    echo -M virt -cpu cortex-a57 -m 512 -smp 2 \
        -netdev "user,id=n,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-device,netdev=n \
        -device virtio-rng-device
}
board_kernel_arch=arm64
board_cross_compile=aarch64-linux-gnu-
