/*
 * closure.c - closures and their upvalue cells (docs/vm.md "Closures").
 *
 * A local that a nested function captures is boxed at its declaration into a cell (BOX);
 * the declaring function and every closure made over it share that one cell. Cells and
 * closures are allocated here and only here, from the session arena: they may outlive the
 * handler run that made them (a closure stored in a global and called on other CPUs), so
 * scratch memory cannot hold them. Memory reclamation hooks in at these two allocations
 * and at the references listed in docs/vm.md.
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
	if (u) {
		u->v = *init;
		__atomic_add_fetch(&s->closure_objects, 1, __ATOMIC_RELAXED);
	}
	return u;
}

/* Cells are filled by the caller (CLOSURE copies them from registers it checked). */
struct kclosure *kvm_closure_new(struct ktap_session *s, u32 fn, u32 n)
{
	struct kclosure *cl = kvm_arena_alloc(s, sizeof(*cl) + sizeof(cl->up[0]) * (u64)n);
	if (!cl)
		return 0;
	__atomic_add_fetch(&s->closure_objects, 1, __ATOMIC_RELAXED);
	cl->fn = fn;
	cl->n = n;
	cl->id = __atomic_add_fetch(&s->next_id, 1, __ATOMIC_RELAXED);
	return cl;
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
	fl = ktap_plat_lock(s->global_lock);
	old = u->v;
	u->v = p;
	ktap_plat_unlock(s->global_lock, fl);
	/* the cell is a persistent place, as a global: it let go of the value it held (its
	 * count, or its statistics cell), after the lock as for globals (docs/vm.md) */
	kvm_kv_release(s, &old);
	return 0;
}
