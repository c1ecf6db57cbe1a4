/*
 * budget.c - a run's instruction budget, handed out a chunk at a time (kvm_charge in
 * kvm.h is the hot path, this the slow one). Its own file, below the interpreter: tables
 * and records charge their work to the run too, and would otherwise call up into interp.c.
 */
#include "kvm.h"

/* A chunk of the run's budget is used up: take the next one. The process slot yields
 * here (it may sleep) and stops when a fatal signal is pending; a probe slot checks its
 * wall-clock bound, starting the clock at its first refill so that short handlers never
 * read it. */
KVM_COLD int kvm_refill(struct ktap_session *s, struct kvm_cpu *c)
{
	u64 take;
	if (!c->insns_rest)
		return RT_BUDGET_INSNS;
	if (c->process) {
		if (ktap_plat_yield())
			return RT_STOPPED;
	} else {
		u64 now = ktap_plat_clock_ns();
		if (!c->start_ns)
			c->start_ns = now ? now : 1;
		else if (now - c->start_ns > s->bounds.run_ns)
			return RT_BUDGET_TIME;
	}
	take = c->insns_rest < KVM_CHUNK ? c->insns_rest : KVM_CHUNK;
	c->insns_rest -= take;
	c->insns_left += take;
	return 0;
}
