/* User-space stand-in for <linux/ctype.h> (the runner and the filter fuzzer). The kernel's take a char that
 * may be negative; cast like its table lookup does. */
#ifndef SHIM_LINUX_CTYPE_H
#define SHIM_LINUX_CTYPE_H
#include <ctype.h>
#undef isalnum
#undef isspace
#define isalnum(c) (isalnum)((unsigned char)(c))
#define isspace(c) (isspace)((unsigned char)(c))
#endif
