/* User-space stand-in for <linux/glob.h> (the runner and the filter fuzzer): the kernel's
 * glob_match is documented as !fnmatch(pat, str, 0): * ? [ ] [!...] and \ escapes. Known
 * differences at the edges: glibc also reads [^...] as a negated class, and an unclosed [
 * is literal in both but matched differently after it. */
#ifndef SHIM_LINUX_GLOB_H
#define SHIM_LINUX_GLOB_H
#include <fnmatch.h>
#include <stdbool.h>
static inline bool glob_match(const char *pat, const char *str)
{
	return fnmatch(pat, str, 0) == 0;
}
#endif
