# Sourced by scripts/deps.sh: what the arm64 target needs. The AArch64 cross compiler and C
# library (ktapvm.ko against linux-headers-*-arm64, the static VM runner and the board's
# workload), qemu-user-static (qemu-aarch64-static runs the runner) and qemu-system-arm,
# which is the Debian package that ships qemu-system-aarch64 (the qemu-arm64 board).
ktap_apt_install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static qemu-system-arm
