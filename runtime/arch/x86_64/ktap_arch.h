/*
 * ktap_arch.h (x86_64) - what the module needs to know about this architecture besides
 * its registers (ktap_regs.def): the bundle's architecture number and the check that
 * the kernel being built for really is this architecture.
 */
#ifndef KTAP_ARCH_H
#define KTAP_ARCH_H

#define KTAP_ARCH_NUMBER KTAP_ARCH_X86_64
#define KTAP_ARCH_LABEL "x86_64"
#define KTAP_ARCH_WORD_SIZE 8
#define KTAP_ARCH_BYTE_ORDER KTAP_LITTLE_ENDIAN
#if !defined(CONFIG_X86_64)
#error "runtime/arch/x86_64 is for 64-bit x86 kernels"
#endif

#endif
