/*
 * raw-lseek.h - forced into tests/kernel/workload.c (gcc -include) for 32-bit boards.
 * glibc implements lseek() with the _llseek system call on 32-bit targets, and _llseek
 * calls vfs_llseek() without passing through ksys_lseek(), the function the end-to-end
 * tests probe. Making the lseek system call itself gives every board the same kernel path:
 * sys_lseek -> ksys_lseek(fd, offset, whence), returning the offset.
 */
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

static inline off_t ktap_raw_lseek(int fd, off_t offset, int whence)
{
	return syscall(SYS_lseek, fd, offset, whence);
}
#define lseek ktap_raw_lseek
