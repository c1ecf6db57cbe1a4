/*
 * table.c - hash tables (open addressing, linear probing, tombstones) and per-CPU
 * aggregation tables. Each table has its own platform lock; a table operation takes it,
 * and may take the intern lock and the arena lock inside it (always in this order).
 * Callers make values persistent (kvm_kv_persist) before storing them: the table then owns
 * the counted reference, and gives it back (kvm_kv_release) when the entry goes.
 */
#include "kvm.h"

#define TOMB(n) ((n)->key.t == KT_FALSE && (n)->key.aux == 1)

/* a table without a count of its own (a ptable's slot table, or before kvm_obj_born) */
static struct ktab *tab_alloc(struct ktap_session *s)
{
	struct ktab *t = kvm_arena_alloc(s, sizeof(*t));
	if (!t)
		return 0;
	t->lock = kvm_lock_new(s, KTAP_LOCK_TABLE);
	if (!t->lock) {
		kvm_arena_free(s, t);
		return 0;
	}
	t->id = ++s->next_id;
	return t;
}

struct ktab *kvm_tab_new(struct ktap_session *s)
{
	struct ktab *t = tab_alloc(s);
	if (t)
		kvm_obj_born(s, &t->o, KOBJ_TAB);
	return t;
}

static struct knode *find(struct ktab *t, const struct kv *k)
{
	u32 j, n;
	if (!t->cap)
		return 0;
	for (j = kvm_kv_hash(k) & (t->cap - 1), n = 0; n < t->cap; j = (j + 1) & (t->cap - 1), n++) {
		struct knode *nd = &t->nodes[j];
		if (nd->key.t == KT_NIL)
			return 0;
		if (!TOMB(nd) && kvm_kv_equal(&nd->key, k))
			return nd;
	}
	return 0;
}

static int resize(struct ktap_session *s, struct ktab *t)
{
	u32 ncap = t->cap ? t->cap : 8, i;
	struct knode *nn;
	while ((t->count + 1) * 4 > ncap * 3)
		ncap *= 2;
	if (ncap < 8)
		ncap = 8;
	nn = kvm_arena_alloc(s, sizeof(*nn) * (u64)ncap);
	if (!nn)
		return RT_BUDGET_MEMORY;
	for (i = 0; i < t->cap; i++) {
		struct knode *o = &t->nodes[i];
		u32 j;
		if (o->key.t == KT_NIL || TOMB(o))
			continue;
		for (j = kvm_kv_hash(&o->key) & (ncap - 1); nn[j].key.t != KT_NIL; j = (j + 1) & (ncap - 1))
			;
		nn[j] = *o;
	}
	kvm_arena_free(s, t->nodes);
	t->nodes = nn;
	t->cap = ncap;
	t->used = t->count;
	return 0;
}

/* slot for a new key; the table has room (caller resized) */
static struct knode *insert_slot(struct ktab *t, const struct kv *k)
{
	u32 j;
	for (j = kvm_kv_hash(k) & (t->cap - 1);; j = (j + 1) & (t->cap - 1)) {
		struct knode *nd = &t->nodes[j];
		if (nd->key.t == KT_NIL) {
			t->used++;
			return nd;
		}
		if (TOMB(nd))
			return nd;
	}
}

/* Insert key k (made persistent here, so lookups of existing keys never intern). Called
 * with the table lock held: the intern and arena locks nest inside it. */
static int add_entry(struct ktap_session *s, struct ktab *t, const struct kv *key, struct knode **out)
{
	struct kv kk = *key, *k = &kk;
	int err;
	if (t->count >= s->lim[KTAP_LIMIT_TABLE_ENTRIES])
		return RT_BUDGET_TABLE;
	if ((err = kvm_kv_persist(s, &kk)))
		return err;
	if (kk.t == KT_TABLE || kk.t == KT_PTABLE)
		s->rc.nested = 1; /* sticky; every writer writes 1 */
	/* a tombstone is the one false key with aux 1 (TOMB): a false key keeps aux 0, so
	 * whatever aux the register held (NOT leaves it) cannot make a live key a tombstone */
	if (kk.t == KT_FALSE)
		kk.aux = 0;
	if ((t->used + 1) * 4 > t->cap * 3 && (err = resize(s, t))) {
		kvm_kv_release(s, &kk);
		return err;
	}
	*out = insert_slot(t, k);
	(*out)->key = *k;
	t->count++;
	return 0;
}

/* A statistics value is copied into *cell under the lock: once it is dropped, another CPU
 * may overwrite or delete the entry and free the table's cell. */
static void copy_val(struct kv *out, const struct kv *v, struct kstat *cell)
{
	*out = *v;
	if (v->t == KT_STAT) {
		*cell = *v->u.st;
		out->u.st = cell;
	}
}

int kvm_tab_get(struct ktab *t, const struct kv *k, struct kv *out, struct kstat *cell)
{
	unsigned long fl = ktap_plat_lock(t->lock);
	struct knode *nd = find(t, k);
	if (nd)
		copy_val(out, &nd->val, cell);
	else
		out->t = KT_NIL;
	ktap_plat_unlock(t->lock, fl);
	return 0;
}

/* Store v (made persistent by the caller, whose reference the table takes over; on an
 * error it is released here) at key k; nil deletes. The entry's old key and value are
 * released under the lock: a count reaching zero lists its object, which a register of
 * another run may still hold until that run ends (reclaim.c). */
int kvm_tab_set(struct ktap_session *s, struct ktab *t, const struct kv *k, const struct kv *v)
{
	unsigned long fl = ktap_plat_lock(t->lock);
	struct knode *nd = find(t, k);
	int err = 0;
	if (v->t == KT_NIL) {
		if (nd) {
			struct kv oldk = nd->key;
			kvm_kv_release(s, &nd->val);
			kvm_kv_release(s, &oldk);
			nd->key.t = KT_FALSE;
			nd->key.aux = 1;
			nd->val.t = KT_NIL;
			t->count--;
		}
	} else if (nd) {
		kvm_kv_release(s, &nd->val);
		nd->val = *v;
	} else if (!(err = add_entry(s, t, k, &nd))) {
		nd->val = *v;
	} else {
		kvm_kv_release(s, v);
	}
	if (!err && (v->t == KT_TABLE || v->t == KT_PTABLE))
		s->rc.nested = 1;
	ktap_plat_unlock(t->lock, fl);
	return err;
}

int kvm_tab_incr(struct ktap_session *s, struct ktab *t, const struct kv *k, s64 n, struct kv *old)
{
	unsigned long fl = ktap_plat_lock(t->lock);
	struct knode *nd = find(t, k);
	int err = 0;
	if (nd) {
		*old = nd->val;
		if (nd->val.t == KT_NUMBER)
			nd->val.u.n = (s64)((u64)nd->val.u.n + (u64)n);
		else if (nd->val.t != KT_NIL)
			err = RT_ARITH;
	} else {
		old->t = KT_NIL;
		if (!(err = add_entry(s, t, k, &nd))) {
			nd->val.t = KT_NUMBER;
			nd->val.u.n = n;
		}
	}
	ktap_plat_unlock(t->lock, fl);
	return err;
}

/* Next live entry after key k (nil: the first). Returns 1 with kout/vout (a statistics
 * value copied into *cell), 0 at the end, -1 when k is not in the table. *scanned gets the
 * number of slots looked at, for charging. */
int kvm_tab_next(struct ktab *t, const struct kv *k, struct kv *kout, struct kv *vout, struct kstat *cell,
	     u32 *scanned)
{
	unsigned long fl = ktap_plat_lock(t->lock);
	u32 j = 0, j0;
	int ret = 0;
	if (k->t != KT_NIL) {
		struct knode *nd = find(t, k);
		if (!nd) {
			ret = -1;
			goto out;
		}
		j = (u32)(nd - t->nodes) + 1;
	}
	for (j0 = j; j < t->cap; j++) {
		struct knode *nd = &t->nodes[j];
		if (nd->key.t != KT_NIL && !TOMB(nd)) {
			*kout = nd->key;
			copy_val(vout, &nd->val, cell);
			ret = 1;
			break;
		}
	}
	*scanned = j - j0 + 1;
out:
	ktap_plat_unlock(t->lock, fl);
	return ret;
}

void kvm_tab_clear_s(struct ktap_session *s, struct ktab *t)
{
	unsigned long fl = ktap_plat_lock(t->lock);
	u32 j;
	for (j = 0; j < t->cap; j++) {
		struct knode *nd = &t->nodes[j];
		if (nd->key.t != KT_NIL && !TOMB(nd)) {
			kvm_kv_release(s, &nd->val);
			kvm_kv_release(s, &nd->key);
		}
	}
	kvm_memset(t->nodes, 0, sizeof(*t->nodes) * (u64)t->cap);
	t->count = 0;
	t->used = 0;
	ktap_plat_unlock(t->lock, fl);
}

/* lin: the linear layout its cells keep (ptable(min, max, step)), or NULL */
struct kptab *kvm_ptab_new(struct ktap_session *s, const struct klin *lin)
{
	struct kptab *p = kvm_arena_alloc(s, sizeof(*p));
	u64 budget = ~(u64)0;
	int i;
	if (!p)
		return 0;
	if (lin)
		p->lin = *lin;
	/* one table per slot: every probe slot and the process slot */
	p->percpu = kvm_arena_alloc(s, sizeof(*p->percpu) * ((u64)s->ncpu + 1));
	for (i = 0; p->percpu && i <= s->ncpu; i++)
		if (!(p->percpu[i] = tab_alloc(s)))
			break;
	if (!p->percpu || i <= s->ncpu) { /* give back what was made: empty tables */
		kvm_ptab_reap(s, p, &budget);
		return 0;
	}
	p->id = ++s->next_id;
	kvm_obj_born(s, &p->o, KOBJ_PTAB);
	return p;
}

/*
 * Teardown of a dead table (no place and no register holds it: reclaim.c), a bounded step
 * at a time: release up to *budget entries (their keys and values lose a count; what they
 * were the last holder of is listed, never torn down from here: no recursion), then free
 * the nodes, the lock and the table. No lock: nothing else can reach it.
 */
int kvm_tab_reap(struct ktap_session *s, struct ktab *t, u64 *budget)
{
	for (; t->reap < t->cap; t->reap++) {
		struct knode *nd = &t->nodes[t->reap];
		if (!*budget)
			return 0;
		(*budget)--;
		if (nd->key.t == KT_NIL || TOMB(nd))
			continue;
		kvm_kv_release(s, &nd->val);
		kvm_kv_release(s, &nd->key);
	}
	kvm_arena_free(s, t->nodes);
	kvm_arena_free(s, t->lock);
	kvm_arena_free(s, t);
	if (*budget)
		(*budget)--;
	return 1;
}

/* A dead ptable: every slot table, then the slot array and the ptable (also used to undo a
 * ptable made in part: its missing slot tables end the walk). */
int kvm_ptab_reap(struct ktap_session *s, struct kptab *p, u64 *budget)
{
	if (p->percpu) {
		for (; p->reap <= (u32)s->ncpu && p->percpu[p->reap]; p->reap++)
			if (!kvm_tab_reap(s, p->percpu[p->reap], budget))
				return 0;
		kvm_arena_free(s, p->percpu);
	}
	kvm_arena_free(s, p);
	return 1;
}

static void stat_merge(struct kstat *into, const struct kstat *from)
{
	if (!from->count)
		return;
	if (into->count == 0 || from->min < into->min)
		into->min = from->min;
	if (into->count == 0 || from->max > into->max)
		into->max = from->max;
	into->count += from->count;
	into->sum = (s64)((u64)into->sum + (u64)from->sum);
}

/* Only the slot's own runs write its table; the lock orders them against readers merging.
 * The cell keeps the sample's buckets too (dist.c); a cell that had to widen its
 * power-of-two range is charged for the copy once the lock is dropped. */
int kvm_ptab_add(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, const struct kv *k, s64 n)
{
	struct ktab *t = p->percpu[c - s->cpus];
	unsigned long fl = ktap_plat_lock(t->lock);
	struct knode *nd = find(t, k);
	u64 copied = 0;
	int err = 0;
	if (!nd) {
		struct kcell *cl = kvm_cell_new(s, &p->lin, n);
		if (!cl)
			err = RT_BUDGET_MEMORY;
		else if ((err = add_entry(s, t, k, &nd)))
			kvm_arena_free(s, cl);
		else {
			nd->val.t = KT_STAT;
			nd->val.u.st = &cl->st;
		}
	}
	if (!err)
		err = kvm_cell_add(s, &nd->val, &p->lin, n, &copied);
	ktap_plat_unlock(t->lock, fl);
	if (!err && copied)
		err = kvm_charge(s, c, copied / 64);
	return err;
}

/*
 * Key k's buckets merged over every slot into counts (zeroed by the caller): the
 * power-of-two ones (nb = DIST_POW2) or (lin) the ptable's linear ones (nb = its n).
 * Each slot is charged before its lock is taken (a refill may yield): the lookup and
 * one unit per 8 buckets added. A sample added meanwhile may or may not be counted.
 */
int kvm_ptab_dist(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, const struct kv *k, int lin,
	      u64 *counts, u32 nb)
{
	int i, err;
	for (i = 0; i <= s->ncpu; i++) {
		struct ktab *t = p->percpu[i];
		unsigned long fl;
		struct knode *nd;
		if ((err = kvm_charge(s, c, 4 + nb / 8)))
			return err;
		fl = ktap_plat_lock(t->lock);
		nd = find(t, k);
		if (nd && nd->val.t == KT_STAT)
			kvm_cell_buckets((const struct kcell *)nd->val.u.st, lin, counts, nb);
		ktap_plat_unlock(t->lock, fl);
	}
	return 0;
}

/* s[k]: the cell merged over all CPUs, in scratch; nil when no CPU has k */
int kvm_ptab_get(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, const struct kv *k,
	     struct kv *out)
{
	struct kstat m = { 0, 0, 0, 0 };
	int i;
	for (i = 0; i <= s->ncpu; i++) {
		struct ktab *t = p->percpu[i];
		unsigned long fl = ktap_plat_lock(t->lock);
		struct knode *nd = find(t, k);
		if (nd)
			stat_merge(&m, nd->val.u.st);
		ktap_plat_unlock(t->lock, fl);
	}
	if (!m.count) {
		out->t = KT_NIL;
		return 0;
	}
	if (c->scratch_size - c->scratch_used < sizeof(m))
		return RT_BUDGET_MEMORY;
	out->t = KT_STAT;
	out->u.st = (struct kstat *)(c->scratch + c->scratch_used);
	c->scratch_used += (u32)((sizeof(m) + 7) & ~7u);
	*out->u.st = m;
	return 0;
}

/*
 * A private merged copy of a ptable for one run (pairs, len, sort_pairs, histograms): the
 * keys of every slot's table with their cells merged, in one arena block no other run can
 * see or free. Iteration hands out pointers into it; it is freed when the run ends
 * (kvm_execute), so a later merge can never free a cell a register still points to.
 * Each slot's table is read in batches under its lock (a handler on that CPU never waits
 * long); a key met twice in one table (it was resized between batches) is merged once.
 */
#define SNAP_BATCH 256u
/* units charged per element merged: about 55 ns each (x86_64), some 16 instructions */
#define SNAP_COST 16u

static int snap_find(const struct psnap *ps, const struct kv *k, u32 *slot)
{
	u32 j = kvm_kv_hash(k) & ps->mask;
	for (;; j = (j + 1) & ps->mask) {
		u32 x = ps->index[j];
		if (!x) {
			*slot = j;
			return -1;
		}
		if (kvm_kv_equal(&ps->pairs[2 * (x - 1)], k))
			return (int)(x - 1);
	}
}

int kvm_ptab_snapshot(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, struct psnap **out)
{
	u64 total = 0, size;
	u32 cap, isz = 4, i;
	struct psnap *ps;
	int err;
	for (i = 0; i <= (u32)s->ncpu; i++)
		total += p->percpu[i]->count; /* a size hint: entries added later may be missed */
	if ((err = kvm_charge(s, c, SNAP_COST * (total + (u64)s->ncpu + 1))))
		return err;
	if (total > s->lim[KTAP_LIMIT_TABLE_ENTRIES] * ((u64)s->ncpu + 1) || total >= (1u << 30))
		return RT_BUDGET_TABLE;
	cap = total ? (u32)total : 1;
	while (isz < 2 * cap)
		isz *= 2;
	size = sizeof(*ps) + (u64)cap * (2 * sizeof(struct kv) + sizeof(struct kstat) + 4) + (u64)isz * 4;
	ps = kvm_arena_alloc(s, size);
	if (!ps)
		return RT_BUDGET_MEMORY;
	ps->p = p;
	ps->cap = cap;
	ps->mask = isz - 1;
	ps->pairs = (struct kv *)(ps + 1);
	ps->cells = (struct kstat *)(ps->pairs + 2 * (u64)cap);
	ps->seen = (u32 *)(ps->cells + cap);
	ps->index = ps->seen + cap;
	for (i = 0; i <= (u32)s->ncpu; i++) {
		struct ktab *t = p->percpu[i];
		u32 j = 0, more = 1;
		while (more) {
			unsigned long fl = ktap_plat_lock(t->lock);
			u32 end = t->cap - j < SNAP_BATCH ? t->cap : j + SNAP_BATCH;
			for (; j < end; j++) {
				struct knode *nd = &t->nodes[j];
				u32 slot;
				int at;
				if (nd->key.t == KT_NIL || TOMB(nd) || nd->val.t != KT_STAT)
					continue;
				at = snap_find(ps, &nd->key, &slot);
				if (at < 0) {
					if (ps->n >= cap)
						continue; /* added since the count was read */
					at = (int)ps->n++;
					ps->index[slot] = (u32)at + 1;
					ps->pairs[2 * at] = nd->key;
					ps->pairs[2 * at + 1].t = KT_STAT;
					ps->pairs[2 * at + 1].u.st = &ps->cells[at];
				} else if (ps->seen[at] == i + 1) {
					continue;
				}
				ps->seen[at] = i + 1;
				stat_merge(&ps->cells[at], nd->val.u.st);
			}
			more = j < t->cap;
			ktap_plat_unlock(t->lock, fl);
		}
	}
	*out = ps;
	return 0;
}

/* The pair after key k in the snapshot (nil: the first): 1 and its index, 0 at the end,
 * -1 when k is not in it. */
int kvm_psnap_next(const struct psnap *ps, const struct kv *k, u32 *at)
{
	u32 slot;
	int i = -1;
	if (k->t != KT_NIL && (i = snap_find(ps, k, &slot)) < 0)
		return -1;
	if ((u32)(i + 1) >= ps->n)
		return 0;
	*at = (u32)(i + 1);
	return 1;
}

/* len(p): the number of distinct keys over all slots (a snapshot, freed at once) */
int kvm_ptab_len(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, u32 *out)
{
	struct psnap *ps;
	int err = kvm_ptab_snapshot(s, c, p, &ps);
	if (err)
		return err;
	*out = ps->n;
	kvm_arena_free(s, ps);
	return 0;
}
