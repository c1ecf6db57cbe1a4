/* User-space stand-in for <linux/slab.h> (the runner and the filter fuzzer). */
#ifndef SHIM_LINUX_SLAB_H
#define SHIM_LINUX_SLAB_H
#include <stdlib.h>
#define GFP_KERNEL 0
#define kzalloc(size, gfp) calloc(1, (size))
#define kfree(p) free(p)
#endif
