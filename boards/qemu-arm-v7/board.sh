# Sourced by boards/qemu/*.sh: what makes the qemu-arm-v7 board.
board_target=arm-v7
board_uname_m=armv7l
board_default_port=10023
board_suite=bookworm
board_deb_arch=armhf
board_headers_flavour=6.1-armmp
board_tree=$board_headers_flavour   # make-module.sh tree for modules run on this board
board_image_flavour=armmp
board_qemu=qemu-system-arm
board_console=ttyAMA0
# virtio devices on the virt machine's MMIO transport.
board_modules="virtio_mmio virtio_net virtio-rng"
board_qemu_args() {
    echo -M virt -cpu cortex-a15 -m 512 -smp 2 \
        -netdev "user,id=n,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-device,netdev=n \
        -device virtio-rng-device
}
board_kernel_arch=arm
board_cross_compile=arm-linux-gnueabihf-
