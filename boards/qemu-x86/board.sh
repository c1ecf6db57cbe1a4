# Sourced by boards/qemu/*.sh: what makes the qemu-x86 (i686) board.
board_target=x86
board_uname_m=i686
board_default_port=10024
board_suite=bookworm
board_deb_arch=i386
board_headers_flavour=6.1-686
board_tree=$board_headers_flavour   # make-module.sh tree for modules run on this board
board_image_flavour=686
board_qemu=qemu-system-i386
board_console=ttyS0
board_modules="virtio_pci virtio_net virtio-rng"
board_qemu_args() {
    echo -M pc -cpu max -m 512 -smp 2 \
        -netdev "user,id=n,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-pci,netdev=n \
        -device virtio-rng-pci
}
board_kernel_arch=x86
board_cross_compile=i686-linux-gnu-
