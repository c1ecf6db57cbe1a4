/* User-space stand-in for <linux/glob.h> (fuzzing only): fnmatch has the same * ? [ ]. */
#ifndef SHIM_LINUX_GLOB_H
#define SHIM_LINUX_GLOB_H
#include <fnmatch.h>
#include <stdbool.h>
static inline bool glob_match(const char *pat, const char *str)
{
	return fnmatch(pat, str, 0) == 0;
}
#endif
