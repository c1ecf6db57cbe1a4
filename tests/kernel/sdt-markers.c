/*
 * sdt-markers.c - USDT markers for the sdt tests (tests/boards/ktap-e2e.sh on every board,
 * Ktap.Tests' SdtNotesTests on the host), built static by each cross compiler.
 *   sdt-markers N    hits ktap_test:tick N times with (-(i+1), 0x123456789abc + i): a
 *                    negative int and a 64-bit value; and, guarded by its semaphore,
 *                    ktap_test:hit with (i). Prints "enabled=K": how often the semaphore
 *                    was set, so a test sees it raised while traced and 0 otherwise.
 * Built with -O0: the 64-bit argument then stays in memory (an address relative to the
 * stack or frame register), which every 32-bit target can read; optimised into a register
 * pair, sdt.h would name only one of its halves (the link refuses that, see
 * docs/language.md). The int arguments are in registers or memory, by target. On arm it
 * is built -marm: arm uprobes cannot probe Thumb code (ktap refuses such markers).
 */
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#include <stdio.h>
#include <stdlib.h>

/* sys/sdt.h names the semaphore PROVIDER_MARKER_semaphore; it lives in .probes */
unsigned short ktap_test_hit_semaphore __attribute__((section(".probes")));

static inline void hit(int i)
{
	DTRACE_PROBE1(ktap_test, hit, i);
}

/* sys/sdt.h gives every marker after _SDT_HAS_SEMAPHORES a semaphore; tick has none: its
 * note's semaphore address is 0, as in a program built without semaphores. */
#undef _SDT_NOTE_SEMAPHORE_USE
#define _SDT_NOTE_SEMAPHORE_USE(provider, name)
#undef _SDT_SEMAPHORE
#define _SDT_SEMAPHORE(p, n) _SDT_ASM_1(_SDT_ASM_ADDR 0)

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 3, enabled = 0;

	for (int i = 0; i < n; i++) {
		long long big = 0x123456789abcLL + i;

		DTRACE_PROBE2(ktap_test, tick, -(i + 1), big);
		if (__builtin_expect(ktap_test_hit_semaphore, 0)) {
			enabled++;
			hit(i);
		}
	}
	printf("enabled=%d\n", enabled);
	return 0;
}
