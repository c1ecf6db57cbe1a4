/* User-space stand-in for the few <linux/kernel.h> names filter.c uses (the runner and the filter fuzzer). */
#ifndef SHIM_LINUX_KERNEL_H
#define SHIM_LINUX_KERNEL_H
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <errno.h>
#include <limits.h>
#define ARRAY_SIZE(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
/* kstrtoll: the whole string is one integer of base 0 (decimal, 0x hex, 0 octal). */
static inline int kstrtoll(const char *s, unsigned int base, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '+')
		s++;
	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtoll(s, &end, (int)base);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end || end == s || *s == ' ' || *s == '\t' || (*s == '-' && s[1] == '-'))
		return -EINVAL;
	*out = v;
	return 0;
}
#endif
