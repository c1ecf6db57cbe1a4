/*
 * workload.c - a known amount of known work for the end-to-end tests and the benchmark,
 * built static so the busybox board can run it:
 *   ktapwl getppid N        N getppid() system calls
 *   ktapwl getpid N         N getpid() system calls, prints the elapsed nanoseconds
 *   ktapwl lseek N OFFSET   N lseek(fd, OFFSET, SEEK_SET) on a temporary file
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long i, n;

	if (argc < 3) {
		fprintf(stderr, "usage: ktapwl getppid|getpid|lseek N [OFFSET]\n");
		return 2;
	}
	n = atol(argv[2]);
	if (!strcmp(argv[1], "getppid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid); /* the raw call: libc may not cache it */
	} else if (!strcmp(argv[1], "getpid")) {
		long long t0 = now_ns();

		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
		printf("%lld\n", now_ns() - t0);
	} else if (!strcmp(argv[1], "lseek") && argc == 4) {
		char path[] = "/tmp/ktapwl.XXXXXX";
		int fd = mkstemp(path);
		long off = atol(argv[3]);

		if (fd < 0) {
			perror("mkstemp");
			return 1;
		}
		unlink(path);
		for (i = 0; i < n; i++)
			if (lseek(fd, off, SEEK_SET) != off) {
				perror("lseek");
				return 1;
			}
		close(fd);
	} else {
		fprintf(stderr, "ktapwl: unknown work '%s'\n", argv[1]);
		return 2;
	}
	return 0;
}
