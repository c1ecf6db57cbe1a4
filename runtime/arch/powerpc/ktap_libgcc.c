// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_libgcc.c (powerpc, 32-bit) - the VM core uses 64-bit `/` and `%` (script numbers are
 * always 64-bit). On 32-bit kernels gcc turns them into libgcc calls the kernel neither
 * links nor exports; these provide them on top of the kernel's div64_u64_rem(). The
 * core checks for division by zero before dividing; here it yields 0, never a trap.
 */
#include "../ktap_divide.h"
KTAP_LIBGCC_DIVIDE
