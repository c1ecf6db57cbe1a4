/*
 * closure.c - closures and their upvalue cells (docs/vm.md "Closures").
 *
 * A local that a nested function captures is boxed at its declaration into a cell (BOX);
 * the declaring function and every closure made over it share that one cell. Cells and
 * closures are allocated here and only here, from the session arena: they may outlive the
 * handler run that made them (a closure stored in a global and called on other CPUs), so
 * scratch memory cannot hold them. Both are counted objects (reclaim.c): listed at birth
 * (a cell never captured, a closure never stored go back to the arena after the run), a
 * closure counted by the places holding it, a cell by the closures made over it; a dead
 * closure lets go of its cells, a dead cell of its value, a bounded step at a time.
 *
 * A cell's value is read and written under the globals' lock, with the globals' rules: a
 * value stored is persistent first (kvm_kv_persist), a statistics value is copied out
 * under the lock and its old arena copy freed when overwritten. Several CPUs running one
 * closure therefore see whole values, never a torn tag and payload.
 */
#include "kvm.h"

/* init must already be persistent (the caller ran kvm_kv_persist on it). */
struct kupval *kvm_upval_new(struct ktap_session *s, const struct kv *init)
{
	struct kupval *u = kvm_arena_alloc(s, sizeof(*u));
	if (!u)
		return 0;
	u->v = *init;
	if (init->t == KT_TABLE || init->t == KT_PTABLE || init->t == KT_CLOSURE)
		s->rc.nested = 1; /* a cycle through the cell is possible */
	kvm_obj_born(s, &u->o, KOBJ_UPVAL);
	return u;
}

/* The cells come from registers of the running frame: this run keeps them alive until it
 * ends, so counting them here can only raise a count a listed cell may still take back. */
struct kclosure *kvm_closure_new(struct ktap_session *s, u32 fn, u32 n, const struct kv *cells)
{
	struct kclosure *cl = kvm_arena_alloc(s, sizeof(*cl) + sizeof(cl->up[0]) * (u64)n);
	u32 j;
	if (!cl)
		return 0;
	cl->fn = fn;
	cl->n = n;
	cl->id = __atomic_add_fetch(&s->next_id, 1, __ATOMIC_RELAXED);
	for (j = 0; j < n; j++) {
		cl->up[j] = cells[j].u.up;
		kvm_obj_ref(&cl->up[j]->o);
	}
	kvm_obj_born(s, &cl->o, KOBJ_CLOSURE);
	return cl;
}

/* Teardown (reclaim.c: unreachable, ours alone, no lock): a closure releases its cells a
 * unit each (a cell whose last count this was is only listed: a chain of closures through
 * cells is torn down a grace period per link, never recursively), then goes. */
int kvm_closure_reap(struct ktap_session *s, struct kclosure *cl, u64 *budget)
{
	for (; cl->reap < cl->n; cl->reap++) {
		if (!*budget)
			return 0;
		(*budget)--;
		kvm_obj_unref(s, &cl->up[cl->reap]->o);
	}
	kvm_arena_free(s, cl);
	if (*budget)
		(*budget)--;
	return 1;
}

/* A dead cell lets go of its value (a count, or its statistics copy) and goes. */
int kvm_upval_reap(struct ktap_session *s, struct kupval *u, u64 *budget)
{
	kvm_kv_release(s, &u->v);
	kvm_arena_free(s, u);
	if (*budget)
		(*budget)--;
	return 1;
}

int kvm_upval_get(struct ktap_session *s, struct kvm_cpu *c, struct kupval *u, struct kv *out)
{
	struct kstat cell;
	unsigned long fl = ktap_plat_lock(s->global_lock);
	*out = u->v;
	if (out->t == KT_STAT) { /* copied under the lock: a SETCELL on another CPU frees it */
		cell = *out->u.st;
		out->u.st = &cell;
	}
	ktap_plat_unlock(s->global_lock, fl);
	return kvm_kv_own(c, out);
}

int kvm_upval_set(struct ktap_session *s, struct kupval *u, const struct kv *v)
{
	struct kv p = *v, old;
	unsigned long fl;
	int err = kvm_kv_persist(s, &p);
	if (err)
		return err;
	if (p.t == KT_TABLE || p.t == KT_PTABLE || p.t == KT_CLOSURE)
		s->rc.nested = 1; /* a cycle through the cell is possible (sticky) */
	fl = ktap_plat_lock(s->global_lock);
	old = u->v;
	u->v = p;
	ktap_plat_unlock(s->global_lock, fl);
	/* the cell is a persistent place, as a global: it let go of the value it held (its
	 * count, or its statistics cell), after the lock as for globals (docs/vm.md) */
	kvm_kv_release(s, &old);
	return 0;
}
