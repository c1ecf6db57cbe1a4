// SPDX-License-Identifier: GPL-2.0
/*
 * perf.c - per-CPU perf kernel counters: tracepoint events (by the id tracefs gives them,
 * see tracepoint.c) and profile-N (cpu-clock sampling). One counter per online CPU;
 * overflow handlers run in NMI, hardirq or tracepoint context and never sleep.
 */
#include <linux/perf_event.h>
#include <linux/slab.h>
#include <linux/cpumask.h>
#include "kt.h"

static void kt_perf_profile_fn(struct perf_event *event, struct perf_sample_data *data,
			       struct pt_regs *regs)
{
	struct kt_probe *p = event->overflow_handler_context;
	int slot = kt_guard_enter();

	if (slot < 0) {
		atomic64_inc(&p->sess->reentry_skips);
		return;
	}
	kt_fire(p, NULL);
	kt_guard_exit(slot);
}

/* Open attr on every online CPU with handler; on failure close those opened. */
int kt_perf_open(struct kt_probe *p, struct perf_event_attr *attr,
		 perf_overflow_handler_t handler)
{
	int cpu;

	p->perf = kcalloc(nr_cpu_ids, sizeof(*p->perf), GFP_KERNEL);
	if (!p->perf)
		return -ENOMEM;
	cpus_read_lock();
	for_each_online_cpu(cpu) {
		struct perf_event *e;

		e = perf_event_create_kernel_counter(attr, cpu, NULL, handler, p);
		if (IS_ERR(e)) {
			cpus_read_unlock();
			kt_perf_disarm(p);
			return PTR_ERR(e);
		}
		p->perf[cpu] = e;
	}
	cpus_read_unlock();
	return 0;
}

void kt_perf_disarm(struct kt_probe *p)
{
	int cpu;

	if (!p->perf)
		return;
	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (p->perf[cpu])
			perf_event_release_kernel(p->perf[cpu]);
	kfree(p->perf);
	p->perf = NULL;
}

int kt_perf_arm_profile(struct kt_probe *p)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_CPU_CLOCK,
		.size = sizeof(attr),
		.sample_period = p->def.value,
		.pinned = 1,
	};
	int ret;

	if (p->def.value < 100000) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: interval %llu ns is below the minimum 100000 ns",
				     p->def.spec, (unsigned long long)p->def.value);
		return -EINVAL;
	}
	ret = kt_perf_open(p, &attr, kt_perf_profile_fn);
	if (ret)
		kt_session_set_error(p->sess, ret, "cannot arm probe %s: perf cpu-clock (error %d)",
				     p->def.spec, ret);
	return ret;
}
