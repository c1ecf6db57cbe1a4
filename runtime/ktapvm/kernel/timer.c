// SPDX-License-Identifier: GPL-2.0
/*
 * timer.c - tick-N: one hrtimer, pinned to the CPU that armed it; profile-N: a perf
 * cpu-clock event on every online CPU (perf.c does the per-CPU work).
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include "kt.h"

#define KT_MIN_INTERVAL_NS 100000ULL /* 100 us: below that a handler would own the CPU */

static enum hrtimer_restart kt_tick_fn(struct hrtimer *t)
{
	struct kt_probe *p = container_of(t, struct kt_probe, timer);
	int slot = kt_guard_enter();

	if (slot >= 0) {
		kt_stack_note(kt_stack_irq_regs(), 0); /* the interrupted context */
		kt_fire(p, NULL);
		kt_guard_exit(slot);
	} else {
		atomic64_inc(&p->sess->reentry_skips);
	}
	/* Always again, until kt_tick_disarm() cancels it. Not "stop when the session is not
	 * running": the timer starts while the other probes are still being armed, before
	 * the session runs, and a first expiry in that window stopped the tick for good (690
	 * syscall tracepoints beside a tick-1ms: the tick never ran). */
	hrtimer_forward_now(t, p->interval);
	return HRTIMER_RESTART;
}

int kt_tick_arm(struct kt_probe *p)
{
	if (p->def.value < KT_MIN_INTERVAL_NS) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: interval %llu ns is below the minimum %llu ns",
				     p->def.spec, (unsigned long long)p->def.value,
				     KT_MIN_INTERVAL_NS);
		return -EINVAL;
	}
	p->interval = ns_to_ktime(p->def.value);
	hrtimer_init(&p->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	p->timer.function = kt_tick_fn;
	hrtimer_start(&p->timer, p->interval, HRTIMER_MODE_REL_PINNED);
	return 0;
}

void kt_tick_disarm(struct kt_probe *p)
{
	hrtimer_cancel(&p->timer);
}
