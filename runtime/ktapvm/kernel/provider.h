/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider.h - probe kinds as providers. Each EVENTS kind of the bundle
 * (enum ktap_probe_kind) is served by one struct kt_provider, defined in the kind's own
 * file and listed in providers.c's table; probes.c arms and disarms through it and knows
 * no kind. Every provider's event source ends in kt_probe_hit() (fire.c), the one path
 * that takes the recursion guard, applies the skips, scopes and filter and runs the
 * handler. Adding a kind: docs/kernel-module.md, "Adding a probe kind".
 */
#ifndef KT_PROVIDER_H
#define KT_PROVIDER_H

#include <linux/perf_event.h>
#include "kt.h"

struct kt_provider {
	const char *name;               /* for messages and the kind table test */
	const u8 *kinds;                /* the EVENTS kinds it serves, 0-terminated */
	size_t state_size;              /* bytes of p->state (zeroed), 0: none */

	/*
	 * Optional: add the session's kt_probes for bundle probe `index` (kt_probe_add);
	 * without it probes.c adds one. A tracepoint glob adds one per matched event.
	 * Process context, session lock held, nothing armed yet; a failure sets the message.
	 */
	int (*prepare)(struct kt_session *s, u32 index, const struct ktap_probe *def);
	/*
	 * Arm p, in bundle order; NULL: nothing to arm (trace_end). A perf-based kind only
	 * describes its counters here (kt_perf_open); kt_perf_arm_all creates every
	 * probe's at once afterwards. A failure sets the message (kt_session_set_error)
	 * and leaves nothing of p armed.
	 */
	int (*arm)(struct kt_probe *p);
	void (*disarm)(struct kt_probe *p);     /* only after arm succeeded */
	/* Optional: free what p->state points to, after every probe is disarmed and a
	 * grace period has passed (no handler runs); once for every probe with a state,
	 * armed or not, before probes.c frees the state itself. */
	void (*release)(struct kt_probe *p);
	/* Optional, perf-based kinds: the message when the kernel refused a counter
	 * (default: "cannot arm probe SPEC: event NAME (error N)"). */
	void (*perf_refused)(struct kt_probe *p, int err);

	/* For the regs event (regs_event.c: kprobes, uprobes, counters, watchpoints) */
	unsigned long (*address)(const struct kt_probe *p); /* arg1; NULL: the regs' ip */
	/* argname; NULL or a NULL result: the target, else the spec */
	const char *(*argname)(const struct kt_probe *p, u32 *len);
	bool no_address_arg;            /* arg1 is the first fetch-arg (sdt markers) */

	/* For the fire path (fire.c); each exception is explained where it is set */
	bool own_filter;                /* the provider applies the filter (ftrace) */
	bool nmi_synchronous;           /* in_nmi() hits are synchronous: run, not skip */
	bool unscoped;                  /* no task's or CPU's event: scope and -C ignored */
};

/* providers.c: the table. NULL for a kind no provider serves. */
const struct kt_provider *kt_provider_for(unsigned int kind);

/* probes.c: a new kt_probe of provider pv for bundle probe index (state allocated). */
struct kt_probe *kt_probe_add(struct kt_session *s, u32 index, const struct ktap_probe *def,
			      const struct kt_provider *pv);

/*
 * fire.c: one hit of an armed probe. The provider fills ev (ops NULL: the handler gets
 * no event, as a tick's) and where backtrace() starts, then calls kt_probe_hit, which
 * sets slot (the recursion guard's, for kt_guard_scratch while the handler runs) before
 * anything reads the event. Embed the hit in the event's own data to reach the slot.
 */
struct kt_hit {
	struct ktap_event ev;
	struct pt_regs *regs;           /* the traced context's registers, or NULL */
	unsigned long ip;               /* the traced address, or 0 */
	bool caller_regs;               /* regs are perf_fetch_caller_regs()'s (tracepoints) */
	int slot;
};
void kt_probe_hit(struct kt_probe *p, struct kt_hit *h);

/* regs_event.c: a hit whose event is built from pt_regs and the probe's fetch-args */
void kt_fire_regs(struct kt_probe *p, struct pt_regs *regs, bool user, bool ret);

/* perf.c: per-CPU perf counters, created and released for all probes at once */
int kt_perf_open(struct kt_probe *p, struct perf_event_attr *attr,
		 perf_overflow_handler_t handler);
void kt_perf_disarm(struct kt_probe *p);        /* the disarm of every perf-based kind */
int kt_perf_arm_all(struct kt_session *s);
void kt_perf_release_all(struct kt_session *s);

/* kprobe.c: shared with kretprobe.c */
int kt_kprobe_check(struct kt_probe *p);
int kt_kprobe_refused(struct kt_probe *p, int ret);

#endif /* KT_PROVIDER_H */
