// SPDX-License-Identifier: GPL-2.0
/*
 * providers.c - the table of probe providers: which one serves each EVENTS kind of the
 * bundle. The loader accepts only the kinds of enum ktap_probe_kind, and
 * tests/kernel/providers.sh fails when one of them has no provider here; a kind without
 * one would still be refused at arming (probes.c), as an unknown kind always was.
 */
#include "provider.h"

extern const struct kt_provider kt_tracepoint_provider;  /* tracepoint.c */
extern const struct kt_provider kt_kprobe_provider;      /* kprobe.c */
extern const struct kt_provider kt_kretprobe_provider;   /* kretprobe.c */
extern const struct kt_provider kt_uprobe_provider;      /* uprobe.c: uprobe, uretprobe */
extern const struct kt_provider kt_sdt_provider;         /* uprobe.c: USDT markers */
extern const struct kt_provider kt_ftrace_provider;      /* ftrace.c */
extern const struct kt_provider kt_tick_provider;        /* timer.c */
extern const struct kt_provider kt_profile_provider;     /* profile.c */
extern const struct kt_provider kt_counter_provider;     /* counter.c: software, hardware */
extern const struct kt_provider kt_watch_provider;       /* watch.c */
extern const struct kt_provider kt_trace_end_provider;   /* trace_end.c */

static const struct kt_provider *const kt_providers[] = {
	&kt_tracepoint_provider,
	&kt_kprobe_provider,
	&kt_kretprobe_provider,
	&kt_uprobe_provider,
	&kt_sdt_provider,
	&kt_ftrace_provider,
	&kt_tick_provider,
	&kt_profile_provider,
	&kt_counter_provider,
	&kt_watch_provider,
	&kt_trace_end_provider,
};

/* Process context, once per bundle probe: a scan of a dozen short lists. */
const struct kt_provider *kt_provider_for(unsigned int kind)
{
	size_t i;
	const u8 *k;

	for (i = 0; i < ARRAY_SIZE(kt_providers); i++)
		for (k = kt_providers[i]->kinds; *k; k++)
			if (*k == kind)
				return kt_providers[i];
	return NULL;
}
