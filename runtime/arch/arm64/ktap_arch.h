/*
 * ktap_arch.h (arm64) - what the module needs to know about this architecture besides
 * its registers (ktap_regs.def): the bundle's architecture number and the check that
 * the kernel being built for really is this architecture. Little-endian only: the
 * arm64 profile is AArch64 LE, the byte order of every arm64 distribution kernel.
 */
#ifndef KTAP_ARCH_H
#define KTAP_ARCH_H

#define KTAP_ARCH_NUMBER KTAP_ARCH_ARM64
#define KTAP_ARCH_LABEL "arm64"
#define KTAP_ARCH_WORD_SIZE 8
#define KTAP_ARCH_BYTE_ORDER KTAP_LITTLE_ENDIAN
#if !defined(CONFIG_ARM64) || defined(CONFIG_CPU_BIG_ENDIAN)
#error "runtime/arch/arm64 is for little-endian 64-bit ARM kernels"
#endif

#endif
