# Sourced by boards/qemu/*.sh: what makes the qemu-x86_64 board.
board_target=x86_64                 # ktapc target profile name
board_uname_m=x86_64
board_default_port=10022
board_suite=bookworm                # Debian suite of kernel and userland
board_deb_arch=amd64                # Debian architecture of the userland
board_headers_flavour=6.1-amd64     # the kernel image is the same version as these headers
board_tree=$board_headers_flavour   # make-module.sh tree for modules run on this board
board_image_flavour=amd64           # linux-image-<release> where release ends in this
board_qemu=qemu-system-x86_64
board_console=ttyS0
# virtio-net and virtio-rng (dropbear must not wait for entropy) over PCI (module file names).
board_modules="virtio_pci virtio_net virtio-rng"
board_qemu_args() {
    echo -M pc -m 512 -smp 2 \
        -netdev "user,id=n,hostfwd=tcp:127.0.0.1:$1-:22" -device virtio-net-pci,netdev=n \
        -device virtio-rng-pci
}
# Building modules for this board: make -C <headers> M=... ARCH=... CROSS_COMPILE=...
board_kernel_arch=x86
board_cross_compile=
