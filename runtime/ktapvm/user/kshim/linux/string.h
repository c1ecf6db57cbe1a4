/* User-space stand-in for <linux/string.h> (the runner and the filter fuzzer). */
#ifndef SHIM_LINUX_STRING_H
#define SHIM_LINUX_STRING_H
#include <string.h>
static inline long strscpy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size);

	if (n == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -7; /* -E2BIG */
	}
	memcpy(dst, src, n + 1);
	return (long)n;
}
#endif
