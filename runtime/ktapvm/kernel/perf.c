// SPDX-License-Identifier: GPL-2.0
/*
 * perf.c - per-CPU perf kernel counters, the service of the perf-based providers:
 * tracepoint events (by the id tracefs gives them, see tracepoint.c), profile-N
 * (cpu-clock sampling, profile.c), software:/hardware: counters (counter.c) and
 * watchpoints (watch.c). One counter per online CPU; overflow handlers run in hardirq or
 * tracepoint context and never sleep (NMI: see fire.c).
 *
 * Counters are created and released in batches, one work item per online CPU that
 * handles that CPU's counters of every probe of the session. Installing a counter in, or
 * removing it from, a CPU's context is a function call on that CPU: from a work item
 * running there it is a plain call, from anywhere else an IPI and a wait, once per
 * counter. With `syscalls:*` (690 events, 1,380 counters on 2 CPUs) those IPIs were half
 * of the arming and teardown time on the emulated board (docs/kernel-module.md).
 */
#include <linux/perf_event.h>
#include <linux/slab.h>
#include <linux/cpumask.h>
#include <linux/workqueue.h>
#include <linux/sched/signal.h>
#include "provider.h"

/* A probe's counters: what to create, and what was created on each possible CPU. */
struct kt_perf {
	struct perf_event_attr attr;
	perf_overflow_handler_t handler;        /* its context: the kt_probe */
	struct perf_event *events[];            /* nr_cpu_ids */
};

/* Prepare p's counters (created by kt_perf_arm_all, with the session's other probes). */
int kt_perf_open(struct kt_probe *p, struct perf_event_attr *attr,
		 perf_overflow_handler_t handler)
{
	p->perf = kzalloc(struct_size(p->perf, events, nr_cpu_ids), GFP_KERNEL);
	if (!p->perf)
		return -ENOMEM;
	p->perf->attr = *attr;
	p->perf->handler = handler;
	return 0;
}

struct kt_perf_batch {
	struct work_struct work;
	struct kt_session *s;
	struct task_struct *writer;     /* creating: stop when it gets a fatal signal */
	int cpu;
	bool release;
	int err;
	u32 failed;                     /* the probe whose counter could not be created */
};

/* This CPU's counters of every probe: create them in order, or release them all. */
static void kt_perf_batch_fn(struct work_struct *w)
{
	struct kt_perf_batch *b = container_of(w, struct kt_perf_batch, work);
	struct kt_session *s = b->s;
	u32 i;

	for (i = 0; i < s->probe_count; i++) {
		struct kt_probe *p = &s->probes[i];
		struct perf_event *e;

		if (!p->perf)
			continue;
		if (b->release) {
			if (p->perf->events[b->cpu])
				perf_event_release_kernel(p->perf->events[b->cpu]);
			p->perf->events[b->cpu] = NULL;
		} else {
			if (fatal_signal_pending(b->writer)) {
				b->err = -EINTR;
				b->failed = i;
				return;
			}
			e = perf_event_create_kernel_counter(&p->perf->attr, b->cpu, NULL,
							     p->perf->handler, p);
			if (IS_ERR(e)) {
				b->err = PTR_ERR(e);
				b->failed = i;
				return;
			}
			p->perf->events[b->cpu] = e;
		}
		cond_resched();
	}
}

/*
 * Run the batch on every online CPU at once and wait. Returns the first CPU's error
 * (its batch in *failed), 0 when all succeeded. Without memory for the batches, releasing
 * falls back to this CPU alone (it must not fail); creating fails.
 */
static int kt_perf_batches(struct kt_session *s, bool release, u32 *failed)
{
	struct kt_perf_batch *b = kcalloc(nr_cpu_ids, sizeof(*b), GFP_KERNEL);
	int cpu, err = 0;

	if (!b) {
		if (!release)
			return -ENOMEM;
		for (cpu = 0; cpu < nr_cpu_ids; cpu++) {
			struct kt_perf_batch one = { .s = s, .cpu = cpu, .release = true };

			kt_perf_batch_fn(&one.work);
		}
		return 0;
	}
	for_each_online_cpu(cpu) {
		b[cpu].s = s;
		b[cpu].cpu = cpu;
		b[cpu].release = release;
		b[cpu].writer = current; /* waits in flush_work below: alive throughout */
		INIT_WORK(&b[cpu].work, kt_perf_batch_fn);
		queue_work_on(cpu, system_highpri_wq, &b[cpu].work);
	}
	for_each_online_cpu(cpu)
		flush_work(&b[cpu].work);
	if (release) /* counters of CPUs that went offline since (no hotplug support) */
		for_each_possible_cpu(cpu)
			if (!b[cpu].s) {
				struct kt_perf_batch one = { .s = s, .cpu = cpu, .release = true };

				kt_perf_batch_fn(&one.work);
			}
	for_each_online_cpu(cpu)
		if (b[cpu].err && !err) {
			err = b[cpu].err;
			*failed = b[cpu].failed;
		}
	kfree(b);
	return err;
}

/* Create the counters of every prepared probe; on failure none stays and the message
 * names the probe. Process context, session lock held. */
int kt_perf_arm_all(struct kt_session *s)
{
	u32 failed = 0;
	int ret = kt_perf_batches(s, false, &failed);
	struct kt_probe *p;

	if (!ret)
		return 0;
	kt_perf_release_all(s);
	if (failed < s->probe_count) {
		p = &s->probes[failed];
		if (p->provider->perf_refused)
			p->provider->perf_refused(p, ret);
		else
			kt_session_set_error(s, ret, "cannot arm probe %s: event %s (error %d)",
					     p->def.spec, p->event_name ? p->event_name : "?", ret);
	}
	return ret;
}

/* Release every counter of the session: when this returns none of them fires. */
void kt_perf_release_all(struct kt_session *s)
{
	u32 unused;

	kt_perf_batches(s, true, &unused);
}

/* Release what is left of p's counters (normally nothing: kt_perf_release_all ran). */
void kt_perf_disarm(struct kt_probe *p)
{
	int cpu;

	if (!p->perf)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (p->perf->events[cpu])
			perf_event_release_kernel(p->perf->events[cpu]);
	kfree(p->perf);
	p->perf = NULL;
}
