/*
 * ktap_arch.h (arm) - what the module needs to know about this architecture besides
 * its registers (ktap_regs.def): the bundle's architecture number and the check that
 * the kernel being built for really is this architecture.
 */
#ifndef KTAP_ARCH_H
#define KTAP_ARCH_H

#define KTAP_ARCH_NUMBER KTAP_ARCH_ARM_V7
#define KTAP_ARCH_LABEL "arm-v7"
#define KTAP_ARCH_WORD_SIZE 4
#if defined(CONFIG_CPU_BIG_ENDIAN)
#define KTAP_ARCH_BYTE_ORDER KTAP_BIG_ENDIAN
#else
#define KTAP_ARCH_BYTE_ORDER KTAP_LITTLE_ENDIAN
#endif
#if !defined(CONFIG_ARM) || defined(CONFIG_ARM64)
#error "runtime/arch/arm is for 32-bit ARM kernels"
#endif

#endif
