# Sourced by scripts/deps.sh: what the kernel module's tests need beyond the boards' tools
# (30-boards.sh: qemu, busybox, dropbear, gcc, cross compilers, kernel build tools):
# python3 for the test bundle assembler and record reader, the static C library for the
# workload binary pushed to the board.
ktap_apt_install python3 libc6-dev
