// SPDX-License-Identifier: GPL-2.0
/*
 * profile.c - profile-N: a perf cpu-clock counter per online CPU sampling every N ns,
 * created with the session's other counters (perf.c). The handler gets no event; its
 * backtrace() starts at the sampled (interrupted) context.
 */
#include <linux/perf_event.h>
#include "provider.h"

#define KT_PROFILE_MIN_NS 100000ULL /* 100 us: below that a handler would own the CPU */

/* [probe] an overflow: hardirq context (perf's hrtimer), or NMI where fire.c skips it */
static void kt_profile_fn(struct perf_event *event, struct perf_sample_data *data,
			  struct pt_regs *regs)
{
	struct kt_hit hit = { .regs = regs };

	kt_probe_hit(event->overflow_handler_context, &hit);
}

static int kt_profile_arm(struct kt_probe *p)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
		.sample_period = p->def.value,
		.pinned = 1,
	};

	if (p->def.value < KT_PROFILE_MIN_NS) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: interval %llu ns is below the minimum %llu ns",
				     p->def.spec, (unsigned long long)p->def.value,
				     KT_PROFILE_MIN_NS);
		return -EINVAL;
	}
	return kt_perf_open(p, &attr, kt_profile_fn);
}

static void kt_profile_refused(struct kt_probe *p, int err)
{
	kt_session_set_error(p->sess, err, "cannot arm probe %s: perf cpu-clock (error %d)",
			     p->def.spec, err);
}

static const u8 kt_profile_kinds[] = { KTAP_PROBE_PROFILE, 0 };

const struct kt_provider kt_profile_provider = {
	.name = "profile",
	.kinds = kt_profile_kinds,
	.arm = kt_profile_arm,
	.disarm = kt_perf_disarm,
	.perf_refused = kt_profile_refused,
};
