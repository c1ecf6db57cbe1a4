/*
 * test_watchpoint.c - the loader's table for watchpoint: probes (EVENTS kind 13): a
 * crafted bundle may put any text in target (LEN:ACCESS) and any address in value; each
 * row is loaded on x86_64 and refused with its exact message, or accepted and read back
 * through ktap_watch_decode as the module reads it. A kernel address is a word: the rows'
 * addresses are kernel-like for the VM's own word size (KADDR), and the messages print the
 * address the row used (%llx in the expected text).
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include "ktest.h"

struct watch_case {
	const char *target; /* NULL: none */
	uint64_t value;
	const char *expect; /* NULL: loads */
	unsigned len, access; /* what a loaded probe decodes to */
};

/* 0xffffffff82a3b4c0 on a 64-bit VM, 0xc2a3b4c0 on a 32-bit one */
#define KADDR(low) (sizeof(void *) == 8 ? 0xffffffff82a3b4c0ULL + (low) : 0xc2a3b4c0ULL + (low))
#define R KTAP_WATCH_READ
#define W KTAP_WATCH_WRITE
static const struct watch_case watch_cases[] = {
	/* a 32-bit VM refuses an address past its word (64-bit: the same row loads) */
	{ "4:w", 0x100000000ULL, sizeof(void *) == 8 ? NULL : "event 0: watchpoint address 0x%llx wider than this VM's word", 4, KTAP_WATCH_WRITE },
	{ "4:w", KADDR(0xc0 - 0xc0), NULL, 4, W },
	{ "1:r", KADDR(0xc1 - 0xc0), NULL, 1, R },   /* a byte: any address */
	{ "2:rw", KADDR(0xc2 - 0xc0), NULL, 2, R | W },
	{ "8:rw", KADDR(0xc8 - 0xc0), NULL, 8, R | W },
	{ "8:w", 0x1000, NULL, 8, W },                   /* the kernel decides what it can watch */
	{ "4:w", KADDR(0xc2 - 0xc0),
	  "event 0: watchpoint address 0x%llx not a multiple of its length 4", 0, 0 },
	{ "8:r", KADDR(0xc4 - 0xc0),
	  "event 0: watchpoint address 0x%llx not a multiple of its length 8", 0, 0 },
	{ "2:w", KADDR(0xc1 - 0xc0),
	  "event 0: watchpoint address 0x%llx not a multiple of its length 2", 0, 0 },
	{ "4:w", 0, "event 0: watchpoint address is 0 (unresolved symbol)", 0, 0 },
	{ "1:rw", 0, "event 0: watchpoint address is 0 (unresolved symbol)", 0, 0 },
	{ NULL, 0x1000, "event 0: watchpoint without LEN:ACCESS", 0, 0 },
	{ "3:w", 0x1000, "event 0: bad watchpoint LEN:ACCESS '3:w' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "16:w", 0x1000, "event 0: bad watchpoint LEN:ACCESS '16:w' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "4:x", 0x1000, "event 0: bad watchpoint LEN:ACCESS '4:x' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "4:wr", 0x1000, "event 0: bad watchpoint LEN:ACCESS '4:wr' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "4:W", 0x1000, "event 0: bad watchpoint LEN:ACCESS '4:W' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "4:w ", 0x1000, "event 0: bad watchpoint LEN:ACCESS '4:w ' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "4", 0x1000, "event 0: bad watchpoint LEN:ACCESS '4' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "", 0x1000, "event 0: bad watchpoint LEN:ACCESS '' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
	{ "vm_swappiness:4:w", 0x1000, /* the symbol belongs in spec, not target; cut at 16 bytes */
	  "event 0: bad watchpoint LEN:ACCESS 'vm_swappiness:4:' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)", 0, 0 },
};
#undef R
#undef W

void test_watchpoint(void)
{
	unsigned i;
	u32 len, access;

	for (i = 0; i < sizeof(watch_cases) / sizeof(watch_cases[0]); i++) {
		const struct watch_case *c = &watch_cases[i];
		char msg[KTAP_ERRMSG_MAX] = "";
		struct kb b;
		struct ktap_session *s;
		uint32_t m, h;
		size_t n;
		uint8_t *p;
		int err;

		kb_init(&b, 2);
		m = kb_func(&b, "main", 0, 0, 1, 1);
		kb_op(&b, m, ABC(OPC(RETURN), 0, 1, 0));
		h = kb_func(&b, NULL, 0, 0, 1, 2);
		kb_op(&b, h, ABC(OPC(RETURN), 0, 1, 0));
		kb_event(&b, KTAP_PROBE_WATCHPOINT, h, "watchpoint:x", c->target, c->value);
		p = kb_finish(&b, &n);
		s = kt_load(p, n, 2, NULL, &err, msg);
		if (!c->expect) {
			struct ktap_probe pr;

			KT_CHECK(s != NULL, "watch case %u (%s 0x%llx): refused: %s", i, c->target,
				 (unsigned long long)c->value, msg);
			KT_CHECK(s && ktap_session_probe(s, 0, &pr) == 0 && pr.kind == KTAP_PROBE_WATCHPOINT &&
				 pr.value == c->value && ktap_watch_decode(pr.target, &len, &access) == 0 &&
				 len == c->len && access == c->access, "watch case %u: probe reads back", i);
		} else {
			char want[KTAP_ERRMSG_MAX];

			snprintf(want, sizeof(want), c->expect, (unsigned long long)c->value);
			KT_CHECK(!s && err == -KTAP_EINVAL && !strcmp(msg, want),
				 "watch case %u: got '%s' want '%s'", i, s ? "(loaded)" : msg, want);
		}
		ktap_session_free(s);
		free(p);
		kb_free(&b);
	}
	/* the decoder alone: what the module would get from anything but a loaded bundle */
	KT_CHECK(ktap_watch_decode(NULL, &len, &access) == -KTAP_EINVAL, "decode NULL");
	KT_CHECK(ktap_watch_decode("4:", &len, &access) == -KTAP_EINVAL, "decode '4:'");
}
