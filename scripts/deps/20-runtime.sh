# The C VM: native gcc, cross compilers with their C libraries (static runners for
# qemu-user), qemu-user-static, clang with its runtime (libFuzzer, ASan/UBSan), make,
# and lua5.1 as the benchmark baseline.
ktap_apt_install make gcc libc6-dev \
    gcc-i686-linux-gnu libc6-dev-i386-cross \
    gcc-arm-linux-gnueabihf libc6-dev-armhf-cross \
    gcc-powerpc-linux-gnu libc6-dev-powerpc-cross \
    qemu-user-static clang libclang-rt-dev lua5.1
