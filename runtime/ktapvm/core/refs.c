/*
 * refs.c - the counts persistent places hold on heap objects (the scheme: reclaim.c and
 * docs/vm.md, "Reclamation"). A new object, and one whose last count goes, is listed for
 * the reclaimer. Apart from reclaim.c: strings (value.c), tables (table.c), closures and
 * cells (closure.c) count here, and reclaim.c tears them down through those files.
 */
#include "reclaim_list.h"

/* With the intern lock held: (re)start o's wait. A later listing moves it to the back of
 * the waiting list, so its grace period counts from the last time its count reached zero. */
static void defer_locked(struct ktap_session *s, struct kobj *o)
{
	if (o->where == KOBJ_LISTED) /* on either list: unlinking needs no head */
		list_del(o);
	else
		s->rc.pending++;
	list_add(&s->rc.waiting, o);
	o->where = KOBJ_LISTED;
	s->rc.listed++;
}

void kvm_obj_born(struct ktap_session *s, struct kobj *o, u32 kind)
{
	unsigned long fl;
	o->refs = 0;
	o->kind = (u8)kind;
	o->where = KOBJ_NONE;
	fl = ktap_plat_lock(s->intern_lock);
	s->rc.live++;
	defer_locked(s, o);
	ktap_plat_unlock(s->intern_lock, fl);
}

void kvm_obj_ref(struct kobj *o)
{
	/* the caller holds o in a register (its run keeps o's grace period open) or in a
	 * place: o cannot be freed under it, and a count of zero may rise again */
	__atomic_fetch_add(&o->refs, 1, __ATOMIC_RELAXED);
}

void kvm_obj_unref(struct ktap_session *s, struct kobj *o)
{
	u32 r = __atomic_load_n(&o->refs, __ATOMIC_RELAXED);
	unsigned long fl;
	/* above one: no lock. The last count is dropped under the lock, so the reclaimer
	 * never sees a zero count whose listing is still on its way */
	while (r > 1)
		if (__atomic_compare_exchange_n(&o->refs, &r, r - 1, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
	fl = ktap_plat_lock(s->intern_lock);
	r = __atomic_load_n(&o->refs, __ATOMIC_RELAXED);
	if (r == 0)
		s->rc.anomalies++; /* never wrap a count around: keep the object instead */
	else if (__atomic_sub_fetch(&o->refs, 1, __ATOMIC_RELEASE) == 0)
		defer_locked(s, o);
	ktap_plat_unlock(s->intern_lock, fl);
}

struct kobj *kvm_kv_obj(const struct kv *v)
{
	switch (v->t) {
	case KT_STRING: case KT_STACK: case KT_USTACK:
		return v->u.s->home == KSTR_ARENA ? kvm_str_obj(v->u.s) : 0;
	case KT_TABLE:
		return &v->u.tab->o;
	case KT_PTABLE:
		return &v->u.ptab->o;
	case KT_CLOSURE:
		return &v->u.cl->o;
	case KT_UPVAL: /* never in a place (kvm_kv_persist refuses it); a closure counts it */
		return &v->u.up->o;
	default:
		return 0;
	}
}

void kvm_kv_release(struct ktap_session *s, const struct kv *v)
{
	struct kobj *o;
	if (v->t == KT_STAT)
		kvm_arena_free(s, v->u.st);
	else if ((o = kvm_kv_obj(v)))
		kvm_obj_unref(s, o);
}
