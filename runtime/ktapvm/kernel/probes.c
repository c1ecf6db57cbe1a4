// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - arming a session's probes, all or nothing, through the providers
 * (provider.h, providers.c): it reads the bundle's probes, lets each kind's provider make
 * its kt_probes and per-kind state, compiles the filters, arms in bundle order, creates
 * the perf counters of all at once, and disarms and releases everything. It knows no
 * probe kind; the handlers' path is fire.c.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include "provider.h"

/*
 * A new kt_probe at the end of the session's array, with its provider's state (zeroed).
 * Only while preparing: the array may move, so nothing may point into it until every
 * probe is added (providers set their state's back pointer when arming). NULL: no memory.
 */
struct kt_probe *kt_probe_add(struct kt_session *s, u32 index, const struct ktap_probe *def,
			      const struct kt_provider *pv)
{
	struct kt_probe *p;
	void *state = NULL;

	if (pv->state_size) {
		state = kzalloc(pv->state_size, GFP_KERNEL);
		if (!state)
			return NULL;
	}
	if (s->probe_count == s->probe_cap) {
		u32 cap = s->probe_cap * 2 + 8;
		struct kt_probe *n = kvcalloc(cap, sizeof(*n), GFP_KERNEL);

		if (!n) {
			kfree(state);
			return NULL;
		}
		if (s->probes)
			memcpy(n, s->probes, s->probe_count * sizeof(*n));
		kvfree(s->probes);
		s->probes = n;
		s->probe_cap = cap;
	}
	p = &s->probes[s->probe_count++];
	p->sess = s;
	p->provider = pv;
	p->index = index;
	p->def = *def;
	p->state = state;
	return p;
}

static const char *kt_probe_label(const struct kt_probe *p)
{
	if (p->event_name)
		return p->event_name;
	return p->def.spec ? p->def.spec : "(unnamed probe)";
}

/* Read the bundle's probes, let each one's provider make its kt_probes (a tracepoint glob
 * gives several), compile the filters. */
static int kt_probes_prepare(struct kt_session *s)
{
	u32 i, n = ktap_session_probe_count(s->vm);
	const struct kt_provider *pv;
	struct ktap_probe def;
	struct kt_probe *p;
	int ret;

	ret = kt_sdt_check(s); /* the sdt-sem commands name sdt events of this bundle */
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = ktap_session_probe(s->vm, i, &def);
		if (ret)
			return ret;
		pv = kt_provider_for(def.kind);
		if (!pv) { /* the loader refuses unknown kinds: only a kind with no provider */
			kt_session_set_error(s, -EOPNOTSUPP, "cannot arm probe %s: error %d",
					     def.spec ? def.spec : "(unnamed probe)", -EOPNOTSUPP);
			return -EOPNOTSUPP;
		}
		if (pv->prepare)
			ret = pv->prepare(s, i, &def);
		else
			ret = kt_probe_add(s, i, &def, pv) ? 0 : -ENOMEM;
		if (ret)
			return ret;
	}
	for (i = 0; i < s->probe_count; i++) {
		char msg[160];

		p = &s->probes[i];
		/* a provider may apply it itself (ftrace's ip glob: ftrace.c) */
		if (!p->def.filter || p->provider->own_filter)
			continue;
		p->filter = kt_filter_compile(p->def.filter, msg, sizeof(msg));
		if (IS_ERR(p->filter)) {
			ret = PTR_ERR(p->filter);
			p->filter = NULL;
			/* the reason first: a hostile filter's text would crowd it out */
			kt_session_set_error(s, ret, "probe %s: bad filter: %s (filter \"%.40s%s\")",
					     kt_probe_label(p), msg, p->def.filter,
					     strlen(p->def.filter) > 40 ? "..." : "");
			return ret;
		}
	}
	return 0;
}

/*
 * Arm every probe, or none: on the first failure disarm those already armed and say
 * which probe failed and why. Called with the session lock held, process context.
 */
int kt_probes_arm(struct kt_session *s)
{
	u32 i;
	int ret;

	ret = kt_probes_prepare(s);
	if (ret) {
		kt_probes_disarm(s); /* nothing is armed yet: releases filters and events */
		return ret;
	}
	/* Arming a tracepoint may wait for a grace period (a 1->0->1 transition): see
	 * kt_probes_disarm. */
	kt_rcu_expedite();
	for (i = 0; i < s->probe_count; i++) {
		struct kt_probe *p = &s->probes[i];

		if (fatal_signal_pending(current)) {
			ret = -EINTR; /* thousands of probes: the writer may give up */
			kt_session_set_error(s, ret, "interrupted while arming probe %s",
					     kt_probe_label(p));
		} else {
			ret = p->provider->arm ? p->provider->arm(p) : 0;
		}
		if (ret) {
			if (!s->err_len)
				kt_session_set_error(s, ret, "cannot arm probe %s: error %d",
						     kt_probe_label(p), ret);
			kt_rcu_unexpedite();
			kt_probes_disarm(s);
			return ret;
		}
		p->armed = true;
		cond_resched();
	}
	ret = kt_perf_arm_all(s); /* the perf counters of every probe at once */
	kt_rcu_unexpedite();
	if (ret)
		kt_probes_disarm(s);
	return ret;
}

/*
 * Disarm everything (idempotent). When this returns no handler of s runs any more.
 * Releasing a perf tracepoint counter waits for the tracepoint's grace periods (SRCU and
 * RCU: tracepoint_synchronize_unregister) when it is the event's last perf user, under
 * the kernel's event_mutex, so one event at a time: 690 syscall events took 15-45 s.
 * While disarming, grace periods are expedited (rcu_expedite_gp(): the same guarantee,
 * reached by IPIs instead of waiting for every CPU to pass a quiescent state), which
 * brings 690 down to well under a second (docs/kernel-module.md).
 */
void kt_probes_disarm(struct kt_session *s)
{
	u32 i;

	WRITE_ONCE(s->running, false);
	kt_rcu_expedite();
	kt_perf_release_all(s);
	for (i = 0; i < s->probe_count; i++) {
		struct kt_probe *p = &s->probes[i];

		if (p->armed && p->provider->disarm)
			p->provider->disarm(p);
		p->armed = false;
		cond_resched();
	}
	/* Handlers that passed the running check before it was cleared are done after this. */
	synchronize_rcu();
	kt_rcu_unexpedite();
	for (i = 0; i < s->probe_count; i++) {
		struct kt_probe *p = &s->probes[i];

		kt_filter_free(p->filter);
		p->filter = NULL;
		if (p->state && p->provider->release) /* once: the state goes with it */
			p->provider->release(p);
		kfree(p->state);
		p->state = NULL;
	}
}
