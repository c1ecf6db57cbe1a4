// SPDX-License-Identifier: GPL-2.0
/*
 * timer.c - tick-N: one hrtimer, pinned to the CPU that armed it, running the handler
 * every N ns (profile-N, a sampling counter on every CPU, is profile.c). The handler gets
 * no event; its backtrace() starts at the interrupted context.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include "provider.h"

#define KT_MIN_INTERVAL_NS 100000ULL /* 100 us: below that a handler would own the CPU */

struct kt_tick {
	struct kt_probe *p;             /* set when armed: the probe array no longer moves */
	struct hrtimer timer;
	ktime_t interval;
};

static enum hrtimer_restart kt_tick_fn(struct hrtimer *t)
{
	struct kt_tick *tick = container_of(t, struct kt_tick, timer);
	/* the interrupted context; read before the guard, which changes nothing it reads */
	struct kt_hit hit = { .regs = kt_stack_irq_regs() };

	kt_probe_hit(tick->p, &hit);
	/* Always again, until kt_tick_disarm() cancels it. Not "stop when the session is not
	 * running": the timer starts while the other probes are still being armed, before
	 * the session runs, and a first expiry in that window stopped the tick for good (690
	 * syscall tracepoints beside a tick-1ms: the tick never ran). */
	hrtimer_forward_now(t, tick->interval);
	return HRTIMER_RESTART;
}

static int kt_tick_arm(struct kt_probe *p)
{
	struct kt_tick *tick = p->state;

	if (p->def.value < KT_MIN_INTERVAL_NS) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: interval %llu ns is below the minimum %llu ns",
				     p->def.spec, (unsigned long long)p->def.value,
				     KT_MIN_INTERVAL_NS);
		return -EINVAL;
	}
	tick->p = p;
	tick->interval = ns_to_ktime(p->def.value);
	hrtimer_init(&tick->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED);
	tick->timer.function = kt_tick_fn;
	hrtimer_start(&tick->timer, tick->interval, HRTIMER_MODE_REL_PINNED);
	return 0;
}

static void kt_tick_disarm(struct kt_probe *p)
{
	struct kt_tick *tick = p->state;

	hrtimer_cancel(&tick->timer);
}

static const u8 kt_tick_kinds[] = { KTAP_PROBE_TICK, 0 };

/* unscoped: a tick is no task's or CPU's event; it runs whatever the scope (fire.c) */
const struct kt_provider kt_tick_provider = {
	.name = "tick",
	.kinds = kt_tick_kinds,
	.state_size = sizeof(struct kt_tick),
	.arm = kt_tick_arm,
	.disarm = kt_tick_disarm,
	.unscoped = true,
};
