/*
 * stats.c - the session's counters, summed over the slots (the public ktap_session_stats).
 * Its own file, below record.c and session.c: the SUMMARY record (record.c) reports these
 * sums, and the session (session.c) sends that record at the end.
 */
#include "kvm.h"

void ktap_session_stats(const struct ktap_session *s, struct ktap_stats *out)
{
	int i, k;
	kvm_memset(out, 0, sizeof(*out));
	/* every slot counts its own runs and errors: no lock a handler could wait on */
	for (i = 0; i <= s->ncpu; i++) {
		const struct kvm_cpu *c = &s->cpus[i];
		out->handler_runs += c->runs;
		out->runtime_errors += c->n_errors;
		out->lost_records += c->n_lost;
		out->skipped_reentry += c->n_skipped;
		for (k = 1; k < KTAP_LIMIT_COUNT; k++)
			out->budget_hits[k] += c->n_budget[k];
	}
	out->memory_used = s->arena.used;
	out->memory_peak = s->arena.peak;
	if (__atomic_load_n(&s->exit_state, __ATOMIC_ACQUIRE) == 2) {
		out->exit_called = 1;
		out->exit_code = s->exit_code;
	}
}
