/*
 * workload.c - a known amount of known work for the end-to-end tests and the benchmark,
 * built static so the busybox board can run it:
 *   ktapwl getppid N        N getppid() system calls
 *   ktapwl getpid N         N getpid() system calls, prints the elapsed nanoseconds
 *   ktapwl lseek N OFFSET   N lseek(fd, OFFSET, SEEK_SET) on a temporary file
 *   ktapwl after FILE N     wait (10 ms naps, no getppid) until FILE exists, then N
 *                           getppid() calls on each of two threads: the tests of
 *                           `ktap run -p PID` create FILE once the session is armed
 *   ktapwl chain N          N getppid calls through main -> ustack_chain -> a -> b -> c (user stacks)
 *   ktapwl mix N            N times: getppid(), a 1 ms nanosleep(), ~1 ms of computing
 *   ktapwl opens N          N openat() of /dev/null, each path on its own page of a fresh
 *                           file mapping that nothing touched before: the kernel faults
 *                           each page in, as for a program's not yet read .rodata
 *   ktapwl openclose N      N openat() and close() of /dev/null, nothing else: the soak's
 *                           stream of paired syscall entries and exits (tests/kernel/soak.sh)
 *   ktapwl pages N          write one byte to each of N fresh anonymous pages (no huge
 *                           pages): exactly N page faults more than with N = 0
 *   ktapwl sleeps N         N 1 ms nanosleep()s (each a voluntary context switch); prints
 *                           "switches=S", the task's own count of context switches
 *                           (getrusage: voluntary + involuntary) during the loop
 *   ktapwl now              CLOCK_MONOTONIC in nanoseconds (busybox date has no %N)
 *   ktapwl hold BUNDLE      open /dev/ktap, write BUNDLE, print "rc=R errno=E ns=T" (the
 *                           write's duration), then hold the session until killed
 *   ktapwl dropwrite BUNDLE open /dev/ktap as root, drop to uid/gid 65534 and every
 *                           capability, then write BUNDLE: prints "rc=R errno=E ns=T"
 *   ktapwl load BUNDLE      write BUNDLE to a new session, print "rc=R errno=E ns=T" and,
 *                           when refused, "msg=" and the session's message; then close
 *   ktapwl loadmany FILE... load each FILE as above, one line "FILE rc=R errno=E" each
 *   ktapwl stats N          N KTAP_IOC_STATS on fd 3 (a session the shell opened), then
 *                           print the last: "state= probes= lost= reentry= runs= errors=
 *                           memory= nmi_skips= lock_skips="
 */
#ifndef _GNU_SOURCE /* tests/boards/raw-lseek.h may have defined it already */
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <errno.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The whole file, or NULL. */
static char *slurp(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*len = ftell(f);
	rewind(f);
	buf = malloc(*len ? *len : 1);
	if (!buf || fread(buf, 1, *len, f) != (size_t)*len) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* kernel/ktap_ioctl.h, restated: the workload builds with the C library's headers only. */
struct ktap_ioc_stats {
	unsigned int state, probes;
	unsigned long long lost_records, reentry_skips, handler_runs, runtime_errors, memory_used;
	unsigned long long nmi_skips, lock_skips;
};
#define KTAP_IOC_STATS _IOR('k', 2, struct ktap_ioc_stats)

static void *getppids(void *arg)
{
	long i, n = (long)arg;

	for (i = 0; i < n; i++)
		syscall(SYS_getppid);
	return NULL;
}

/* -p PID counts every thread of the process: the main thread and a second one. */
static int after(const char *file, long n)
{
	struct timespec nap = { 0, 10000000 };
	struct stat st;
	pthread_t t;

	while (stat(file, &st) != 0)
		nanosleep(&nap, NULL);
	if (pthread_create(&t, NULL, getppids, (void *)n))
		return 1;
	getppids((void *)n);
	pthread_join(t, NULL);
	return 0;
}

static int stats(long n)
{
	struct ktap_ioc_stats st;
	long i;

	memset(&st, 0, sizeof(st));
	for (i = 0; i < n; i++)
		if (ioctl(3, KTAP_IOC_STATS, &st)) {
			perror("KTAP_IOC_STATS");
			return 1;
		}
	printf("state=%u probes=%u lost=%llu reentry=%llu runs=%llu errors=%llu memory=%llu "
	       "nmi_skips=%llu lock_skips=%llu\n", st.state, st.probes, st.lost_records,
	       st.reentry_skips, st.handler_runs, st.runtime_errors, st.memory_used, st.nmi_skips,
	       st.lock_skips);
	return 0;
}

/* Open /dev/ktap, optionally drop privileges, write the bundle in one write(). */
static int load(const char *path, int drop, int hold)
{
	long len;
	char *b = slurp(path, &len);
	int fd = open("/dev/ktap", O_RDWR);
	long long t0;
	ssize_t rc;
	int err;

	if (!b || fd < 0) {
		perror(b ? "/dev/ktap" : path);
		return 1;
	}
	/* setresuid from root to another uid clears the capability sets. */
	if (drop && (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		     setresuid(65534, 65534, 65534))) {
		perror("dropping privileges");
		return 1;
	}
	t0 = now_ns();
	rc = write(fd, b, len);
	err = rc < 0 ? errno : 0;
	printf("rc=%zd errno=%d ns=%lld\n", rc, err, now_ns() - t0);
	if (rc < 0 && !drop && !hold) {
		char msg[600];
		ssize_t n = read(fd, msg, sizeof(msg) - 1);

		msg[n > 0 ? n : 0] = 0;
		printf("msg=%s", msg);
	}
	fflush(stdout);
	while (hold)
		pause();
	return 0;
}

/*
 * N page faults: N pages of a fresh private anonymous mapping, one byte written to each.
 * The same code runs for every N (N = 0 maps one page and touches none) so that a run's
 * other faults (exec, libc start, exit) are the same and the difference is N. Huge pages
 * are refused for the range: one fault would fill 512 pages.
 */
static int touch_pages(long n)
{
	long page = sysconf(_SC_PAGESIZE), i;
	size_t len = (size_t)(n > 0 ? n : 1) * page;
	volatile char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (madvise((void *)map, len, MADV_NOHUGEPAGE) && errno != EINVAL) {
		perror("madvise"); /* EINVAL: a kernel without transparent huge pages */
		return 1;
	}
	for (i = 0; i < n; i++)
		map[i * page] = 1;
	munmap((void *)map, len);
	return 0;
}

static long switches_so_far(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

/* N voluntary context switches (each sleep blocks); prints the task's own count. */
static int sleeps(long n)
{
	struct timespec ms = { 0, 1000000 };
	long before = switches_so_far(), after, i;

	for (i = 0; i < n; i++)
		nanosleep(&ms, NULL);
	after = switches_so_far();
	printf("switches=%ld\n", after - before);
	return 0;
}

/* ustack chain N: main -> ustack_chain -> a -> b -> c -> ustack_site -> syscall(getppid),
 * N times, for the user-stack test (tests/kernel/stacks.sh, built with -O0
 * -fno-omit-frame-pointer). libc's syscall() makes no frame (a leaf): a frame-pointer
 * walk misses its caller, ustack_site, and shows c next; that is what the test expects. */
__attribute__((noinline)) static void ustack_site(void) { syscall(SYS_getppid); }
__attribute__((noinline)) static void c(void) { ustack_site(); }
__attribute__((noinline)) static void b(void) { c(); }
__attribute__((noinline)) static void a(void) { b(); }
__attribute__((noinline)) static int ustack_chain(long n)
{
	long i;

	for (i = 0; i < n; i++)
		a();
	return 0;
}

int main(int argc, char **argv)
{
	long i, n;

	if (argc == 2 && !strcmp(argv[1], "now")) {
		printf("%lld\n", now_ns());
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return load(argv[2], 0, 1);
	if (argc == 3 && !strcmp(argv[1], "dropwrite"))
		return load(argv[2], 1, 0);
	if (argc == 3 && !strcmp(argv[1], "load"))
		return load(argv[2], 0, 0);
	if (argc >= 3 && !strcmp(argv[1], "loadmany")) {
		for (i = 2; i < argc; i++) {
			long len;
			char *b = slurp(argv[i], &len);
			int fd = open("/dev/ktap", O_RDWR);
			ssize_t rc;

			if (!b || fd < 0) {
				perror(b ? "/dev/ktap" : argv[i]);
				return 1;
			}
			rc = write(fd, b, len);
			printf("%s rc=%zd errno=%d\n", argv[i], rc, rc < 0 ? errno : 0);
			fflush(stdout);
			close(fd);
			free(b);
		}
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "chain"))
		return ustack_chain(atol(argv[2]));
	if (argc == 3 && !strcmp(argv[1], "stats"))
		return stats(atol(argv[2]));

	if (argc < 3) {
		fprintf(stderr, "usage: ktapwl getppid|getpid|lseek N [OFFSET]\n");
		return 2;
	}
	if (argc == 4 && !strcmp(argv[1], "after"))
		return after(argv[2], atol(argv[3]));
	n = atol(argv[2]);
	if (!strcmp(argv[1], "getppid")) {
		for (i = 0; i < n; i++)
			syscall(SYS_getppid); /* the raw call: libc may not cache it */
	} else if (!strcmp(argv[1], "getpid")) {
		long long t0 = now_ns();

		for (i = 0; i < n; i++)
			syscall(SYS_getpid);
		printf("%lld\n", now_ns() - t0);
	} else if (!strcmp(argv[1], "mix")) {
		struct timespec ms = { 0, 1000000 };

		for (i = 0; i < n; i++) {
			long long until;

			syscall(SYS_getppid);
			nanosleep(&ms, NULL);
			until = now_ns() + 1000000;
			while (now_ns() < until)
				;
		}
	} else if (!strcmp(argv[1], "openclose")) {
		for (i = 0; i < n; i++) {
			int f = openat(AT_FDCWD, "/dev/null", O_RDONLY);

			if (f < 0) {
				perror("openat");
				return 1;
			}
			close(f);
		}
	} else if (!strcmp(argv[1], "pages")) {
		return touch_pages(n);
	} else if (!strcmp(argv[1], "sleeps")) {
		return sleeps(n);
	} else if (!strcmp(argv[1], "opens")) {
		char path[] = "/tmp/ktapwl.XXXXXX", *map;
		long page = sysconf(_SC_PAGESIZE);
		int fd = mkstemp(path);

		if (fd < 0 || n < 1) {
			perror("mkstemp");
			return 1;
		}
		unlink(path);
		for (i = 0; i < n; i++)
			if (pwrite(fd, "/dev/null", 10, i * page) != 10) {
				perror("pwrite");
				return 1;
			}
		/* a fresh mapping: the page cache holds the text, no page table entry does */
		map = mmap(NULL, n * page, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (i = 0; i < n; i++) {
			int f = openat(AT_FDCWD, map + i * page, O_RDONLY);

			if (f < 0) {
				perror("openat");
				return 1;
			}
			close(f);
		}
		munmap(map, n * page);
		close(fd);
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
