/*
 * test_perf_events.c - the loader's table for software:/hardware: probes (EVENTS kinds 11
 * and 12, ktap_perf_events.def): a crafted bundle may name any string and any PERIOD; each
 * row is loaded on x86_64 and refused with its exact message, or accepted.
 */
#include <stdlib.h>
#include <stdint.h>
#include "ktest.h"

struct perf_case {
	int kind;
	const char *target; /* NULL: no name */
	uint64_t value;
	const char *expect; /* NULL: loads */
};

static const struct perf_case perf_cases[] = {
	{ 11, "page-faults", 1, NULL },
	{ 11, "context-switches", 1, NULL },
	{ 11, "cpu-clock", 100000, NULL },
	{ 11, "cpu-clock", 99999, "event 0: software:cpu-clock period 99999 outside 100000..1000000000000" },
	{ 11, "task-clock", 1, "event 0: software:task-clock period 1 outside 100000..1000000000000" },
	{ 11, "page-faults", 0, "event 0: software:page-faults period 0 outside 1..1000000000000" },
	{ 11, "page-faults", 1000000000000ULL, NULL },
	{ 11, "page-faults", 1000000000001ULL, "event 0: software:page-faults period 1000000000001 outside 1..1000000000000" },
	{ 11, "page-faults", UINT64_MAX, "event 0: software:page-faults period 18446744073709551615 outside 1..1000000000000" },
	{ 11, "page-fault", 1, "event 0: unknown software event 'page-fault'" },
	{ 11, "cycles", 10000, "event 0: unknown software event 'cycles'" },   /* a hardware name */
	{ 12, "page-faults", 1, "event 0: unknown hardware event 'page-faults'" }, /* and back */
	{ 12, "cycles", 10000, NULL },
	{ 12, "cycles", 9999, "event 0: hardware:cycles period 9999 outside 10000..1000000000000" },
	{ 12, "branch-misses", 100, NULL },
	{ 11, "", 1, "event 0: unknown software event ''" },
	{ 11, "page-faults-and-a-name-longer-than-thirty-two-bytes", 1,
	  "event 0: unknown software event 'page-faults-and-a-name-longer-th'" },
	{ 11, NULL, 1, "event 0: software event without a name" },
	{ 14, "page-faults", 1, "event 0: unknown kind 14" },
};

void test_perf_events(void)
{
	unsigned i;

	for (i = 0; i < sizeof(perf_cases) / sizeof(perf_cases[0]); i++) {
		const struct perf_case *c = &perf_cases[i];
		char msg[KTAP_ERRMSG_MAX] = "";
		struct kb b;
		struct ktap_session *s;
		uint32_t m, h;
		size_t len;
		uint8_t *p;
		int err;

		kb_init(&b, 2);
		m = kb_func(&b, "main", 0, 0, 1, 1);
		kb_op(&b, m, ABC(OPC(RETURN), 0, 1, 0));
		h = kb_func(&b, NULL, 0, 0, 1, 2);
		kb_op(&b, h, ABC(OPC(RETURN), 0, 1, 0));
		kb_event(&b, c->kind, h, "perf", c->target, c->value);
		p = kb_finish(&b, &len);
		s = kt_load(p, len, 2, NULL, &err, msg);
		if (!c->expect)
			KT_CHECK(s != NULL, "perf case %u (%s %llu): refused: %s", i, c->target,
				 (unsigned long long)c->value, msg);
		else
			KT_CHECK(!s && !strcmp(msg, c->expect), "perf case %u: got '%s' want '%s'", i,
				 s ? "(loaded)" : msg, c->expect);
		if (s && c->kind == 11) { /* the loaded probe reads back as written */
			struct ktap_probe pr;

			KT_CHECK(ktap_session_probe(s, 0, &pr) == 0 && pr.kind == 11 && pr.value == c->value &&
				 !strcmp(pr.target, c->target), "perf case %u: probe reads back", i);
		}
		ktap_session_free(s);
		free(p);
		kb_free(&b);
	}
}
