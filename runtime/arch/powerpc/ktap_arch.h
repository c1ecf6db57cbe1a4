/*
 * ktap_arch.h (powerpc) - what the module needs to know about this architecture besides
 * its registers (ktap_regs.def): the bundle's architecture number and the check that
 * the kernel being built for really is this architecture.
 */
#ifndef KTAP_ARCH_H
#define KTAP_ARCH_H

#define KTAP_ARCH_NUMBER KTAP_ARCH_POWERPC
#define KTAP_ARCH_LABEL "powerpc"
#define KTAP_ARCH_WORD_SIZE 4
#define KTAP_ARCH_BYTE_ORDER KTAP_BIG_ENDIAN
#if !defined(CONFIG_PPC32) || defined(CONFIG_CPU_LITTLE_ENDIAN)
#error "runtime/arch/powerpc is for 32-bit big-endian powerpc kernels"
#endif

#endif
