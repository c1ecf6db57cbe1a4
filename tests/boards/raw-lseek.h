/*
 * raw-lseek.h - forced into tests/kernel/workload.c (gcc -include) for 32-bit boards.
 * glibc implements lseek() with the _llseek system call on 32-bit targets, which calls
 * vfs_llseek() with a 64-bit offset, while the end-to-end tests probe the lseek system
 * call (sys_lseek/ksys_lseek: int fd, long offset, returning the offset). Making the lseek
 * system call itself gives every board that same kernel path.
 * It is included before workload.c's first line, so it defines _GNU_SOURCE itself (the
 * workload's setresuid/setresgid need it, and later includes of the same headers are no-ops).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline off_t ktap_raw_lseek(int fd, off_t offset, int whence)
{
	return syscall(SYS_lseek, fd, offset, whence);
}
#define lseek ktap_raw_lseek
