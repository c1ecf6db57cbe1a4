/*
 * sdt_demo.c - a small program with USDT markers, for samples/userspace/sdt_markers.kp.
 * Build it static for the board (the markers come from <sys/sdt.h>, systemtap-sdt-dev):
 *   gcc -static -O2 sdt_demo.c -o sdt_demo           (arm: add -marm; see docs/language.md)
 *   sdt_demo N    serves N requests of (i % 4 + 1) * 1024 bytes: marker demo:request with
 *                 (id, bytes) for each, and demo:debug with (id) only while a tracer
 *                 has raised its semaphore (the check costs one load when nobody traces).
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <stdio.h>
#include <stdlib.h>

/* With semaphores on, <sys/sdt.h> gives every marker one: PROVIDER_NAME_semaphore. */
unsigned short demo_request_semaphore __attribute__((section(".probes")));
unsigned short demo_debug_semaphore __attribute__((section(".probes")));

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10;
	volatile long total = 0;

	for (int id = 1; id <= n; id++) {
		long bytes = (id % 4 + 1) * 1024L;

		DTRACE_PROBE2(demo, request, id, bytes);
		if (demo_debug_semaphore)
			DTRACE_PROBE1(demo, debug, id);
		total += bytes;
	}
	printf("%d requests, %ld bytes\n", n, (long)total);
	return 0;
}
