// SPDX-License-Identifier: GPL-2.0
/*
 * fire.c - the one path from a probe hit to its handler, for every provider: the
 * recursion guard, the backtrace context, the skips (NMI, a VM lock held here), the
 * scopes (-C, -p), the filter, the handler, exit(). What is counted where:
 * reentry_skips (the guard was taken), nmi_skips, lock_skips; an event of another CPU or
 * task, or one the filter rejects, is not the session's and is counted nowhere.
 */
#include <linux/hardirq.h>
#include <linux/irq_work.h>
#include "provider.h"

/*
 * [probe] Run probe p's handler for ev (NULL: no event), in this order:
 * - the session stopped: nothing (handlers that passed this before it was cleared are
 *   waited for by kt_probes_disarm's synchronize_rcu);
 * - NMI context: an NMI may arrive while this CPU holds one of the VM's locks (raw
 *   spinlocks, taken with interrupts off by handlers and by main/trace_end), and a handler
 *   there would spin on it for ever, so it is skipped and counted (nmi_skips). Not for a
 *   provider whose in_nmi() hits are synchronous (nmi_synchronous: a watchpoint's debug
 *   exception, which x86 and arm64 enter as NMI-like, happens at the watched access
 *   itself, never at an arbitrary point of a VM lock's critical section; an access
 *   inside one, the VM touching watched data under its lock, is caught by the next check);
 * - this CPU holds a VM lock (a kprobe on a function the core calls under it): skipped,
 *   counted (lock_skips);
 * - another CPU's (cpu_scope.c) or another task's event (scope.c): not ours, not counted.
 *   Not for an unscoped provider (a tick is no task's or CPU's event and runs whatever
 *   the scope);
 * - the filter, when the probe has one and the hit an event (a tick's or profile
 *   sample's has none: a filter on one is compiled but never applied);
 * - the handler. exit() is handed on through irq_work, which is safe in any context; its
 *   callback queues the work item (schedule_work() takes the workqueue's pool lock, which
 *   the probed code may hold: a handler on workqueue:workqueue_queue_work).
 */
static void kt_fire(struct kt_probe *p, const struct ktap_event *ev)
{
	struct kt_session *s = p->sess;

	if (!READ_ONCE(s->running))
		return;
	if (unlikely(in_nmi()) && !p->provider->nmi_synchronous) {
		atomic64_inc(&s->nmi_skips);
		return;
	}
	if (unlikely(kt_guard_lock_held())) {
		atomic64_inc(&s->lock_skips);
		return;
	}
	if (!p->provider->unscoped && (!kt_cpu_allows(s) || !kt_scope_allows(s)))
		return;
	if (p->filter && ev && !kt_filter_match(p->filter, ev))
		return;
	ktap_session_fire(s->vm, p->index, ev);
	if (unlikely(ktap_session_stopped(s->vm)) && READ_ONCE(s->running))
		irq_work_queue(&s->exit_irq);
}

/*
 * [probe] The guard first: a hit inside a handler already running in this context on this
 * CPU is skipped and counted (reentry_skips), before anything else is looked at, whether
 * the session runs or not. Inside the guard the traced context is noted for backtrace()
 * and forgotten when the handler returns, whatever happened, so no later handler at this
 * level sees it.
 */
void kt_probe_hit(struct kt_probe *p, struct kt_hit *h)
{
	h->slot = kt_guard_enter();
	if (h->slot < 0) {
		atomic64_inc(&p->sess->reentry_skips);
		return;
	}
	if (h->caller_regs)
		kt_stack_note_caller(h->regs);
	else
		kt_stack_note(h->regs, h->ip);
	kt_fire(p, h->ev.ops ? &h->ev : NULL);
	kt_stack_forget();
	kt_guard_exit(h->slot);
}
