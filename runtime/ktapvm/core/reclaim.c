/*
 * reclaim.c - returning memory to the arena while a session runs (docs/vm.md,
 * "Reclamation"). Reference counts are held only by persistent places (table keys and
 * values, globals, upvalue cells' values, a closure's cells); registers, scratch and a
 * run's snapshots hold none. So an object whose count reaches zero may still sit in a
 * register of a run on another CPU: it is put on the waiting list and freed only after a
 * grace period, when every slot that was running when the list was closed has ended that
 * run (a quiescent-state scheme over the VM's own slots, like RCU's, without its kernel
 * API: the same code runs in the user-space runner).
 *
 * Why this is safe: a register can only get an object from a persistent place (which
 * holds a count; a closure is the place of its cells), from the intern set (a lookup takes
 * its count under the intern lock, the lock the reclaimer decides under), or from its own
 * run's snapshots of such places. Once the last count is gone and the object is listed, a
 * run that starts later cannot reach it; a run that started earlier keeps its slot's seq
 * odd and unchanged, which holds the grace period open until it ends.
 *
 * The counts, and listing an object, are refs.c's; this file moves the lists on and tears
 * the dead down (through table.c and value.c, which count in refs.c).
 *
 * Locks: the lists live under the intern lock (one lock class fewer for the kernel glue).
 * A count reaching zero takes it inside a table lock or none; the reclaimer never holds it
 * while tearing an object down, and tears down without recursion: a dead table's entries
 * (a dead closure's cells, a dead cell's value) are released a bounded number at a time,
 * and whatever they were the last holder of goes on the waiting list like any other object.
 */
#include "reclaim_list.h"

/* a drain at the end of a run: this much, plus a share of what was listed since the last */
#define DRAIN_STEP 256u
#define DRAIN_PER_LISTED 4u
#define DRAIN_MAX 65536u
#define PROCESS_STEPS 64u
#define LOCK_BATCH 256u

int kvm_reclaim_setup(struct ktap_session *s)
{
	list_init(&s->rc.waiting);
	list_init(&s->rc.grace);
	s->rc.snap = ktap_plat_alloc(sizeof(u32) * ((size_t)s->ncpu + 1));
	return s->rc.snap ? 0 : -KTAP_ENOMEM;
}

void kvm_reclaim_step_slow(struct ktap_session *s, struct kvm_cpu *c)
{
	u32 listed, i;
	listed = __atomic_load_n(&s->rc.listed, __ATOMIC_RELAXED);
	if (!c->process) {
		/* each run pays for about what it listed, so garbage cannot outrun the
		 * reclaimer; the step stays bounded (a lock is held a bounded time in it) */
		kvm_reclaim_drain(s, DRAIN_STEP + (listed > DRAIN_MAX / DRAIN_PER_LISTED ? DRAIN_MAX :
						     (u64)listed * DRAIN_PER_LISTED));
		return;
	}
	/* the end of main or trace_end (process context): everything it can, in bounded
	 * steps with a chance to reschedule between them; a grace period still open because
	 * a handler runs elsewhere is left to the next drains */
	for (i = 0; i < PROCESS_STEPS && kvm_reclaim_drain(s, DRAIN_MAX); i++)
		ktap_plat_yield();
}

/* Every slot that was running when the grace list was closed has moved on (ended that
 * run; it may be in another one, which started after the closing). */
static int slots_moved_on(struct ktap_session *s)
{
	int i;
	for (i = 0; i <= s->ncpu; i++) {
		u32 then = s->rc.snap[i];
		if ((then & 1) && __atomic_load_n(&s->cpus[i].seq, __ATOMIC_ACQUIRE) == then)
			return 0;
	}
	return 1;
}

/* With the intern lock held: the waiting list becomes the grace list; the slots' seqs are
 * read after a full fence (see kvm_reclaim_enter). */
static void close_waiting_locked(struct ktap_session *s)
{
	struct kvm_reclaim *r = &s->rc;
	int i;
	/* a splice: constant time under the lock, however long the list */
	r->grace.next = r->waiting.next;
	r->grace.prev = r->waiting.prev;
	r->grace.next->prev = &r->grace;
	r->grace.prev->next = &r->grace;
	list_init(&r->waiting);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i <= s->ncpu; i++)
		r->snap[i] = __atomic_load_n(&s->cpus[i].seq, __ATOMIC_RELAXED);
	r->grace_ready = 0;
}

/* One teardown step of a dead object; 1 when it is freed. */
static int reap(struct ktap_session *s, struct kobj *o, u64 *budget)
{
	switch (o->kind) {
	case KOBJ_TAB:
		return kvm_tab_reap(s, (struct ktab *)o, budget);
	case KOBJ_PTAB:
		return kvm_ptab_reap(s, (struct kptab *)o, budget);
	case KOBJ_CLOSURE:
		return kvm_closure_reap(s, (struct kclosure *)o, budget);
	case KOBJ_UPVAL:
		return kvm_upval_reap(s, (struct kupval *)o, budget);
	default: /* a string: its intern entry went when it was found dead */
		kvm_arena_free(s, o);
		if (*budget)
			(*budget)--;
		return 1;
	}
}

int kvm_reclaim_drain(struct ktap_session *s, u64 budget)
{
	struct kvm_reclaim *r = &s->rc;
	unsigned long fl = ktap_plat_lock(s->intern_lock);
	u32 held = 0;
	int more;
	r->listed = 0;
	if (!list_empty(&r->grace) && !r->grace_ready)
		r->grace_ready = slots_moved_on(s);
	/* the grace list's objects are unreachable unless a count came back: those leave it.
	 * The lock is let go every LOCK_BATCH objects: interrupts stay off a bounded time */
	while (r->grace_ready && !list_empty(&r->grace) && budget) {
		struct kobj *o = r->grace.next;
		if (!(++held % LOCK_BATCH)) {
			ktap_plat_unlock(s->intern_lock, fl);
			fl = ktap_plat_lock(s->intern_lock);
			continue; /* another drain may have taken the list meanwhile: look again */
		}
		list_del(o);
		budget--;
		if (__atomic_load_n(&o->refs, __ATOMIC_ACQUIRE)) {
			o->where = KOBJ_NONE;
			r->pending--;
			continue;
		}
		if (o->kind == KOBJ_STR) /* no lookup may find it again */
			kvm_str_unintern_locked(s, kvm_obj_str(o));
		o->where = KOBJ_DYING;
		o->next = r->dying;
		r->dying = o;
	}
	if (list_empty(&r->grace) && !list_empty(&r->waiting))
		close_waiting_locked(s);
	/* tear down outside the lock, one object at a time: a dead object is ours alone */
	while (budget && r->dying) {
		struct kobj *o = r->dying;
		r->dying = o->next;
		ktap_plat_unlock(s->intern_lock, fl);
		if (reap(s, o, &budget)) {
			fl = ktap_plat_lock(s->intern_lock);
			r->pending--;
			r->live--;
			r->freed++;
		} else {
			fl = ktap_plat_lock(s->intern_lock);
			o->next = r->dying;
			r->dying = o;
		}
	}
	more = r->pending != 0;
	ktap_plat_unlock(s->intern_lock, fl);
	return more;
}

void kvm_reclaim_all(struct ktap_session *s)
{
	/* with every slot idle each pass frees the grace list and closes the waiting one:
	 * what a freed table held is listed and freed in a later pass (one pass per level of
	 * nesting), so this ends; the cap only guards against a bug looping forever */
	u32 passes = 0;
	while (kvm_reclaim_drain(s, ~(u64)0) && ++passes < (1u << 24))
		;
}
