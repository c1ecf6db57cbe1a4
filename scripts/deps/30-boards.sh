# Sourced by scripts/deps.sh: what the emulated boards and the kernel trees need.
# qemu and the initramfs userland, the SSH client, and the tools to build out-of-tree
# modules (native and cross) and to configure Debian's linux-source trees.
ktap_apt_install \
    qemu-system-x86 qemu-system-arm \
    dropbear-bin cpio openssh-client kmod xz-utils file \
    make gcc bc flex bison libelf-dev libssl-dev iproute2 \
    gcc-arm-linux-gnueabihf gcc-powerpc-linux-gnu gcc-i686-linux-gnu
