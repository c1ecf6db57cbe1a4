/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap_divide.h - 64-bit division for 32-bit kernels (see x86/ktap_libgcc.c), written
 * once: the libgcc names differ per architecture, the arithmetic does not.
 */
#ifndef KTAP_DIVIDE_H
#define KTAP_DIVIDE_H

#include <linux/types.h>
#include <linux/math64.h>

static inline u64 ktap_udivmod(u64 n, u64 d, u64 *rem)
{
	u64 r = 0, q = 0;

	if (d)
		q = div64_u64_rem(n, d, &r);
	if (rem)
		*rem = r;
	return q;
}

/* Truncating signed division; the remainder takes the dividend's sign (C99). */
static inline s64 ktap_sdivmod(s64 n, s64 d, s64 *rem)
{
	u64 un = n < 0 ? -(u64)n : (u64)n, ud = d < 0 ? -(u64)d : (u64)d, ur;
	u64 uq = ktap_udivmod(un, ud, &ur);
	s64 q = (n < 0) != (d < 0) ? -(s64)uq : (s64)uq;

	if (rem)
		*rem = n < 0 ? -(s64)ur : (s64)ur;
	return q;
}

/* The libgcc entry points of i386 and powerpc (and the C side of ARM's). */
#define KTAP_LIBGCC_DIVIDE \
	s64 __divdi3(s64 n, s64 d); \
	s64 __moddi3(s64 n, s64 d); \
	u64 __udivdi3(u64 n, u64 d); \
	u64 __umoddi3(u64 n, u64 d); \
	u64 __udivmoddi4(u64 n, u64 d, u64 *rem); \
	s64 __divmoddi4(s64 n, s64 d, s64 *rem); \
	s64 __divdi3(s64 n, s64 d) { return ktap_sdivmod(n, d, NULL); } \
	s64 __moddi3(s64 n, s64 d) { s64 r; ktap_sdivmod(n, d, &r); return r; } \
	u64 __udivdi3(u64 n, u64 d) { return ktap_udivmod(n, d, NULL); } \
	u64 __umoddi3(u64 n, u64 d) { u64 r; ktap_udivmod(n, d, &r); return r; } \
	u64 __udivmoddi4(u64 n, u64 d, u64 *rem) { return ktap_udivmod(n, d, rem); } \
	s64 __divmoddi4(s64 n, s64 d, s64 *rem) { return ktap_sdivmod(n, d, rem); }

#endif
