/* User-space stand-in for <linux/err.h> (the runner and the filter fuzzer). */
#ifndef SHIM_LINUX_ERR_H
#define SHIM_LINUX_ERR_H
#include <stdint.h>
#include <errno.h>
#include <stdbool.h>
#define ERR_PTR(e) ((void *)(intptr_t)(e))
#define PTR_ERR(p) ((long)(intptr_t)(p))
#define IS_ERR(p) ((uintptr_t)(p) >= (uintptr_t)-4095)
#endif
