/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap_aeabi_div.S - __aeabi_uldivmod / __aeabi_ldivmod: numerator in r0:r1, denominator
 * in r2:r3; quotient back in r0:r1 and remainder in r2:r3. The C helper takes a third
 * argument, a pointer to the remainder, which the AAPCS passes on the stack.
 */
#include <linux/linkage.h>

.macro ktap_divmod name, helper
ENTRY(\name)
	push	{r4, lr}
	sub	sp, sp, #16
	add	r4, sp, #8
	str	r4, [sp]
	bl	\helper
	ldr	r2, [sp, #8]
	ldr	r3, [sp, #12]
	add	sp, sp, #16
	pop	{r4, pc}
ENDPROC(\name)
.endm

ktap_divmod __aeabi_uldivmod, ktap_arm_uldivmod
ktap_divmod __aeabi_ldivmod, ktap_arm_ldivmod
