// SPDX-License-Identifier: GPL-2.0
/*
 * ktap_libgcc.c (arm) - the C side of the EABI 64-bit division helpers (see
 * ../x86/ktap_libgcc.c for why); ktap_aeabi_div.S returns quotient and remainder in
 * r0-r3 as the EABI requires.
 */
#include "../ktap_divide.h"

u64 ktap_arm_uldivmod(u64 n, u64 d, u64 *rem);
s64 ktap_arm_ldivmod(s64 n, s64 d, s64 *rem);

u64 ktap_arm_uldivmod(u64 n, u64 d, u64 *rem)
{
	return ktap_udivmod(n, d, rem);
}

s64 ktap_arm_ldivmod(s64 n, s64 d, s64 *rem)
{
	return ktap_sdivmod(n, d, rem);
}
