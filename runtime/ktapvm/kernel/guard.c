// SPDX-License-Identifier: GPL-2.0
/*
 * guard.c - a per-CPU, per-context recursion guard. A ktap handler that triggers another
 * probe (a kprobe on a function the VM calls, an interrupt arriving mid-handler on a
 * traced tracepoint...) must not re-enter the VM in the same context on the same CPU:
 * the inner event is skipped and counted. Each context level (task, softirq, hardirq,
 * NMI) owns a slot, so an interrupt may still run its own handler over a task's one.
 * Each slot also owns a few scratch buffers, used in turn, for strings read while the
 * handler runs (the core may hold several event strings until the handler returns).
 */
#include <linux/percpu.h>
#include <linux/preempt.h>
#include "kt.h"

#define KT_SCRATCH_BUFFERS 4  /* strings one handler run may hold at once */

struct kt_guard {
	int locks;                      /* VM locks this CPU holds (ktap_plat_lock) */
	int busy[KT_CONTEXTS];
	int next[KT_CONTEXTS];
	char scratch[KT_CONTEXTS][KT_SCRATCH_BUFFERS][KT_STRING_MAX];
};

static DEFINE_PER_CPU(struct kt_guard, kt_guards);

int kt_context_slot(void)
{
	if (in_nmi())
		return 3;
	if (hardirq_count())
		return 2;
	if (in_serving_softirq())
		return 1;
	return 0;
}

/* Preemption stays disabled from enter to exit: the slot belongs to this CPU. */
int kt_guard_enter(void)
{
	struct kt_guard *g;
	int slot;

	preempt_disable_notrace();
	slot = kt_context_slot();
	g = this_cpu_ptr(&kt_guards);
	if (g->busy[slot]) {
		preempt_enable_notrace();
		return -1;
	}
	g->busy[slot] = 1;
	barrier();
	return slot;
}

void kt_guard_exit(int slot)
{
	barrier();
	this_cpu_ptr(&kt_guards)->busy[slot] = 0;
	preempt_enable_notrace();
}

char *kt_guard_scratch(int slot)
{
	struct kt_guard *g = this_cpu_ptr(&kt_guards);
	int i = g->next[slot]++ % KT_SCRATCH_BUFFERS;

	return g->scratch[slot][i];
}

/*
 * The VM's locks are raw spinlocks taken with interrupts off, also by the main chunk and
 * trace_end in process context. A handler that fires on the same CPU while one is held
 * (a kprobe on a function the core calls under the lock, an NMI) would spin on it for
 * ever: fire.c (kt_fire) asks first and skips. With interrupts off the count cannot change
 * under the caller, nor the CPU.
 */
void kt_guard_lock_taken(void)
{
	this_cpu_inc(kt_guards.locks);
}

void kt_guard_lock_released(void)
{
	this_cpu_dec(kt_guards.locks);
}

bool kt_guard_lock_held(void)
{
	return this_cpu_read(kt_guards.locks) != 0;
}
