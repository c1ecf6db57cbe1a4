# Sourced by boards/qemu/*.sh: what makes the qemu-x86_64-rt board: qemu-x86_64's machine
# with bookworm's PREEMPT_RT kernel (linux-image-6.1.0-*-rt-amd64).
# The module is built against this kernel's own headers (make-module.sh tree 6.1-rt-amd64).
board_target=x86_64
board_uname_m=x86_64
board_default_port=10161
board_suite=bookworm
board_deb_arch=amd64
board_headers_flavour=6.1-rt-amd64
board_tree=$board_headers_flavour
board_image_flavour=rt-amd64
board_qemu=qemu-system-x86_64
board_console=ttyS0
board_modules="virtio_pci virtio_net virtio-rng"
board_qemu_args() {
    echo -M pc -m 512 -smp 2 \
        -netdev "user,id=n,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-pci,netdev=n \
        -device virtio-rng-pci
}
board_kernel_arch=x86
board_cross_compile=
