/*
 * ktap_arch.h (x86) - what the module needs to know about this architecture besides
 * its registers (ktap_regs.def): the bundle's architecture number and the check that
 * the kernel being built for really is this architecture.
 */
#ifndef KTAP_ARCH_H
#define KTAP_ARCH_H

#define KTAP_ARCH_NUMBER KTAP_ARCH_X86
#define KTAP_ARCH_LABEL "x86"
#define KTAP_ARCH_WORD_SIZE 4
#define KTAP_ARCH_BYTE_ORDER KTAP_LITTLE_ENDIAN
#if !defined(CONFIG_X86_32)
#error "runtime/arch/x86 is for 32-bit x86 kernels"
#endif
/* -mregparm=3: $arg1..3 are registers; the rest are on the stack (the compiler knows). */

#endif
