// SPDX-License-Identifier: GPL-2.0
/*
 * counter.c - `trace software:NAME:PERIOD` and `trace hardware:NAME:PERIOD`: one perf
 * counter per online CPU (system-wide) counting the event of ktap_perf_events.def,
 * whose overflow every PERIOD occurrences runs the handler through the common fire path
 * with the interrupted (or, for events the kernel counts in place, the caller's)
 * registers. The counters are created with the session's others (perf.c).
 *
 * Context: software events overflow where the kernel counts them (the page-fault path,
 * the scheduler with its run-queue lock held, an hrtimer for the clocks), all of which
 * kt_probe_hit handles like a tracepoint's. A hardware counter on a PMU with an NMI (x86)
 * overflows in NMI context, where fire.c skips the handler and counts it (nmi_skips);
 * arm's PMU raises a normal interrupt, so there the handler runs.
 */
#include <linux/perf_event.h>
#include "provider.h"

struct kt_counter_def {
	int kind;
	const char *name;
	u64 config;
};

#define SOFTWARE KTAP_PROBE_SOFTWARE
#define HARDWARE KTAP_PROBE_HARDWARE
static const struct kt_counter_def kt_counters[] = {
#define KTAP_PERF_EVENT(kind, name, config, min, meaning) { kind, name, config },
#include "../ktap_perf_events.def"
#undef KTAP_PERF_EVENT
};
#undef SOFTWARE
#undef HARDWARE

/* [probe] overflow: the sampled context's registers, no fetch-args (the loader refused
 * them), so the event is the regs one (arg1 and `ip` are the interrupted address). */
static void kt_counter_fn(struct perf_event *event, struct perf_sample_data *data,
			  struct pt_regs *regs)
{
	kt_fire_regs(event->overflow_handler_context, regs, true, false);
}

/* The loader checked name and PERIOD (core/perf_events.c); the lookup cannot fail for a
 * loaded bundle, but the module does not rely on that. */
static int kt_counter_arm(struct kt_probe *p)
{
	struct perf_event_attr attr = {
		.size = sizeof(attr),
		.sample_period = p->def.value,
		.pinned = 1,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kt_counters); i++) {
		if (kt_counters[i].kind != p->def.kind || !p->def.target ||
		    strcmp(kt_counters[i].name, p->def.target))
			continue;
		attr.type = p->def.kind == KTAP_PROBE_HARDWARE ? PERF_TYPE_HARDWARE : PERF_TYPE_SOFTWARE;
		attr.config = kt_counters[i].config;
		return kt_perf_open(p, &attr, kt_counter_fn);
	}
	kt_session_set_error(p->sess, -EINVAL, "probe %s: unknown perf event", p->def.spec);
	return -EINVAL;
}

/* Why the kernel would not create the counter, in words (perf_event_create_kernel_counter). */
static const char *kt_counter_reason(int err)
{
	switch (err) {
	case -ENOENT:
		/* no CPU PMU at all (qemu's x86 under TCG), or one without this event (qemu's
		 * emulated arm PMU has no instructions-retired without -icount) */
		return "no PMU of this kernel counts it: the board has no CPU PMU, or its PMU lacks this event";
	case -EOPNOTSUPP:
		return "the PMU cannot sample it (no overflow interrupt)";
	case -EBUSY:
		return "the PMU's counters are all in use";
	case -EACCES:
	case -EPERM:
		return "not permitted";
	case -EINVAL:
		return "the PMU refused its attributes";
	}
	return "perf_event_create_kernel_counter failed";
}

static void kt_counter_refused(struct kt_probe *p, int err)
{
	kt_session_set_error(p->sess, err, "cannot arm probe %s: the kernel refused perf %s event %s (error %d: %s)",
			     p->def.spec,
			     p->def.kind == KTAP_PROBE_HARDWARE ? "hardware" : "software",
			     p->def.target, err, kt_counter_reason(err));
}

static const u8 kt_counter_kinds[] = { KTAP_PROBE_SOFTWARE, KTAP_PROBE_HARDWARE, 0 };

const struct kt_provider kt_counter_provider = {
	.name = "counter",
	.kinds = kt_counter_kinds,
	.arm = kt_counter_arm,
	.disarm = kt_perf_disarm,
	.perf_refused = kt_counter_refused,
};
