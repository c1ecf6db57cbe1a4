# Sourced by scripts/deps.sh: what the qemu-powerpc board needs beyond 30-boards.sh
# (which has gcc-powerpc-linux-gnu and the kernel build tools): qemu's mac99 machine, the
# powerpc C library for the static userland and workload, patch for Debian's patch series.
ktap_apt_install qemu-system-ppc libc6-dev-powerpc-cross patch
