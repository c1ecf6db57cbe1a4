/*
 * value.c - strings and value identity. Strings made while a handler runs live in the
 * CPU's scratch area and die when it returns; a value stored in a global or a table is
 * made persistent first (kvm_kv_persist): its string is interned in the arena, deduplicated
 * by content, and lives while a place holds it (reclaim.c): it leaves the intern set when
 * the reclaimer finds it dead, under the intern lock a lookup takes its count under.
 */
#include "kvm.h"

struct kstr *kvm_str_scratch(struct ktap_session *s, struct kvm_cpu *c, const char *p, u32 n)
{
	u32 need = (u32)((sizeof(struct kstr) + n + 1 + 7) & ~7u);
	struct kstr *k;
	if (n > s->lim[KTAP_LIMIT_STRING_LEN] || c->scratch_size - c->scratch_used < need)
		return 0;
	k = (struct kstr *)(c->scratch + c->scratch_used);
	c->scratch_used += need;
	k->len = n;
	k->home = KSTR_SCRATCH;
	if (p)
		kvm_memcpy(k->data, p, n);
	k->data[n] = 0;
	k->hash = p ? kvm_hash(k->data, n) : 0;
	return k;
}

/* A statistics cell read out of a table or global (already copied under its lock into a
 * local) is copied into the slot's scratch, as a scratch string is: a register never
 * points at a table's cell, which another CPU may free. Here, not in interp.c: closure.c
 * reads cells out of upvalues too. */
int kvm_kv_own(struct kvm_cpu *c, struct kv *v)
{
	if (v->t == KT_STAT) {
		struct kstat *st;
		if (c->scratch_size - c->scratch_used < sizeof(*st))
			return RT_BUDGET_MEMORY;
		st = (struct kstat *)(c->scratch + c->scratch_used);
		c->scratch_used += (u32)((sizeof(*st) + 7) & ~7u);
		*st = *v->u.st;
		v->u.st = st;
	}
	return 0;
}

static int intern_grow(struct ktap_session *s)
{
	u32 ncap = s->intern_cap ? s->intern_cap * 2 : 64, i;
	struct kstr **nt = kvm_arena_alloc(s, sizeof(*nt) * (u64)ncap);
	if (!nt)
		return -KTAP_ENOMEM;
	for (i = 0; i < s->intern_cap; i++) {
		struct kstr *k = s->intern[i];
		u32 j;
		if (!k)
			continue;
		for (j = k->hash & (ncap - 1); nt[j]; j = (j + 1) & (ncap - 1))
			;
		nt[j] = k;
	}
	kvm_arena_free(s, s->intern);
	s->intern = nt;
	s->intern_cap = ncap;
	return 0;
}

/* The interned copy of p with one count taken for the caller (a lookup is a way to reach
 * a string no place holds: its count is taken under the lock the reclaimer decides under). */
struct kstr *kvm_str_intern(struct ktap_session *s, const char *p, u32 n, int type)
{
	u32 h = kvm_hash(p, n), j;
	struct kstr *k = 0;
	struct kobj *o;
	unsigned long fl = ktap_plat_lock(s->intern_lock);
	(void)type;
	if ((s->intern_count + 1) * 2 > s->intern_cap && intern_grow(s))
		goto out;
	for (j = h & (s->intern_cap - 1); s->intern[j]; j = (j + 1) & (s->intern_cap - 1)) {
		struct kstr *e = s->intern[j];
		if (e->hash == h && e->len == n && kvm_memcmp(e->data, p, n) == 0) {
			k = e;
			kvm_obj_ref(kvm_str_obj(k));
			goto out;
		}
	}
	o = kvm_arena_alloc(s, sizeof(*o) + sizeof(*k) + n + 1);
	if (!o)
		goto out;
	o->refs = 1;
	o->kind = KOBJ_STR;
	o->where = KOBJ_NONE;
	k = kvm_obj_str(o);
	k->len = n;
	k->hash = h;
	k->home = KSTR_ARENA;
	kvm_memcpy(k->data, p, n);
	s->intern[j] = k;
	s->intern_count++;
	s->rc.live++;
out:
	ktap_plat_unlock(s->intern_lock, fl);
	return k;
}

/* Remove k from the intern set (linear probing: later members of its cluster that hash
 * at or before the hole move back into it, so no lookup stops early). Intern lock held. */
void kvm_str_unintern_locked(struct ktap_session *s, struct kstr *k)
{
	u32 mask = s->intern_cap - 1, j, i, n;
	if (!s->intern_cap)
		return;
	for (j = k->hash & mask, n = 0; s->intern[j] != k; j = (j + 1) & mask)
		if (!s->intern[j] || ++n > mask)
			return; /* not there: nothing to remove */
	s->intern[j] = 0;
	s->intern_count--;
	for (i = (j + 1) & mask; s->intern[i]; i = (i + 1) & mask) {
		u32 home = s->intern[i]->hash & mask;
		/* the entry at i may fill the hole at j unless its home lies in (j, i] */
		if (((i - home) & mask) >= ((i - j) & mask)) {
			s->intern[j] = s->intern[i];
			s->intern[i] = 0;
			j = i;
		}
	}
}

int kvm_kv_persist(struct ktap_session *s, struct kv *v)
{
	struct kobj *o;
	if ((v->t == KT_STRING || v->t == KT_STACK || v->t == KT_USTACK) && v->u.s->home == KSTR_SCRATCH) {
		struct kstr *k = kvm_str_intern(s, v->u.s->data, v->u.s->len, v->t);
		if (!k)
			return RT_BUDGET_MEMORY;
		v->u.s = k;
	} else if (v->t == KT_STAT) {
		struct kstat *st = kvm_arena_alloc(s, sizeof(*st));
		if (!st)
			return RT_BUDGET_MEMORY;
		*st = *v->u.st;
		v->u.st = st;
	} else if (v->t == KT_EVENT || (v->t > KT_USTACK && v->t != KT_CLOSURE)) {
		return RT_STORE; /* events, iteration snapshots, cells; a closure is counted below */
	} else if ((o = kvm_kv_obj(v))) {
		kvm_obj_ref(o);
	}
	return 0;
}

int kvm_kv_equal(const struct kv *a, const struct kv *b)
{
	if (a->t != b->t)
		return 0;
	switch (a->t) {
	case KT_NIL: case KT_FALSE: case KT_TRUE:
		return 1;
	case KT_NUMBER:
		return a->u.n == b->u.n;
	case KT_STRING: case KT_STACK: case KT_USTACK:
		return a->u.s == b->u.s ||
		       (a->u.s->hash == b->u.s->hash && a->u.s->len == b->u.s->len &&
			kvm_memcmp(a->u.s->data, b->u.s->data, a->u.s->len) == 0);
	case KT_FUNCTION: case KT_BUILTIN:
		return a->aux == b->aux;
	case KT_STAT:
		return a->u.st == b->u.st;
	case KT_EVENT:
		return 1;
	default:
		return a->u.tab == b->u.tab;
	}
}

u32 kvm_kv_hash(const struct kv *v)
{
	u64 x;
	switch (v->t) {
	case KT_STRING: case KT_STACK: case KT_USTACK:
		return v->u.s->hash;
	case KT_NUMBER:
		x = (u64)v->u.n;
		break;
	case KT_FUNCTION: case KT_BUILTIN:
		x = v->aux;
		break;
	/* never an address: iteration order would reveal its bits (a pointer turned into a
	 * number by a side door). Tables by their session-unique id, cells by content. */
	case KT_TABLE:
		x = v->u.tab->id;
		break;
	case KT_PTABLE:
		x = (u64)v->u.ptab->id << 32;
		break;
	case KT_CLOSURE:
		x = ((u64)v->u.cl->id << 32) | 1;
		break;
	case KT_STAT:
		x = (u64)v->u.st->count ^ ((u64)v->u.st->sum << 1) ^ (u64)v->u.st->min ^ ((u64)v->u.st->max << 2);
		break;
	default:
		x = v->t;
	}
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return (u32)x;
}
