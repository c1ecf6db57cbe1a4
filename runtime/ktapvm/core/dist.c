/*
 * dist.c - distributions per sample: the bucket counts a ptable cell keeps next to its
 * statistics (docs/language.md, "Distributions"). Every `s[k] <<< v` adds v to one
 * power-of-two bucket and, when the ptable was declared ptable(min, max, step), to one
 * linear bucket; hist()/lhist() merge a key's buckets over the slots (table.c) and print
 * them exactly. All bucket indexes are computed in u64 and checked against the cell's
 * own bucket count before any write.
 */
#include "kvm.h"

/* initial and minimal span of a cell's power-of-two range: one 128-byte arena block */
#define POW2_SPAN 8u

int kvm_dist_layout(s64 lo, s64 hi, s64 step, struct klin *out)
{
	u64 range, inner;
	if (step <= 0 || hi <= lo)
		return -1;
	/* in u64: hi - lo of any two s64 with lo < hi fits, without overflow */
	range = (u64)hi - (u64)lo;
	inner = range / (u64)step + (range % (u64)step != 0);
	if (inner > DIST_LIN_MAX)
		return -1;
	out->lo = lo;
	out->hi = hi;
	out->step = step;
	out->n = (u32)inner + 2; /* below lo, the inner buckets, at or above hi */
	return 0;
}

u32 kvm_dist_pow2(s64 v)
{
	u32 b = 2;
	u64 u;
	if (v < 0)
		return 0;
	if (v == 0)
		return 1;
	for (u = (u64)v; u > 1; u >>= 1)
		b++;
	return b; /* INT64_MAX: 64 (bucket 65 is never used: no s64 reaches 2^63) */
}

u32 kvm_dist_lin(const struct klin *l, s64 v)
{
	if (v < l->lo)
		return 0;
	if (v >= l->hi)
		return l->n - 1;
	return 1 + (u32)(((u64)v - (u64)l->lo) / (u64)l->step); /* < 1 + inner = n - 1 */
}

static u64 cell_bytes(u32 nlin, u32 p2n)
{
	return sizeof(struct kcell) + 8 * ((u64)nlin + p2n);
}

/* A new cell with room for value v's power-of-two bucket; NULL when the arena is full. */
struct kcell *kvm_cell_new(struct ktap_session *s, const struct klin *lin, s64 v)
{
	u32 b = kvm_dist_pow2(v), lo = b >= POW2_SPAN / 2 ? b - POW2_SPAN / 2 : 0;
	struct kcell *cl;
	if (lo + POW2_SPAN > DIST_POW2)
		lo = DIST_POW2 - POW2_SPAN;
	cl = kvm_arena_alloc(s, cell_bytes(lin->n, POW2_SPAN));
	if (!cl)
		return 0;
	cl->nlin = lin->n;
	cl->p2lo = lo;
	cl->p2n = POW2_SPAN;
	return cl;
}

/* A copy of cell cl whose power-of-two range takes bucket b: the union of both, widened
 * to twice the old span (values drift: one copy per doubling, at most four). */
static struct kcell *cell_grow(struct ktap_session *s, const struct kcell *cl, u32 b)
{
	u32 lo = cl->p2lo < b ? cl->p2lo : b, hi = cl->p2lo + cl->p2n > b + 1 ? cl->p2lo + cl->p2n : b + 1;
	u32 want = 2 * cl->p2n < DIST_POW2 ? 2 * cl->p2n : DIST_POW2, i;
	struct kcell *ncl;
	while (hi - lo < want && hi < DIST_POW2)
		hi++;
	while (hi - lo < want && lo > 0)
		lo--;
	ncl = kvm_arena_alloc(s, cell_bytes(cl->nlin, hi - lo));
	if (!ncl)
		return 0;
	ncl->st = cl->st;
	ncl->nlin = cl->nlin;
	ncl->p2lo = lo;
	ncl->p2n = hi - lo;
	kvm_memcpy(ncl->b, cl->b, 8 * (u64)cl->nlin);
	for (i = 0; i < cl->p2n; i++)
		ncl->b[cl->nlin + (cl->p2lo - lo) + i] = cl->b[cl->nlin + i];
	return ncl;
}

static void stat_add(struct kstat *st, s64 n)
{
	if (st->count == 0 || n < st->min)
		st->min = n;
	if (st->count == 0 || n > st->max)
		st->max = n;
	st->count++;
	st->sum = (s64)((u64)st->sum + (u64)n);
}

/*
 * Add sample v to the cell *val points to (a ptable slot's KT_STAT value), under its
 * table's lock. A cell whose power-of-two range does not hold v's bucket is replaced by a
 * wider copy (*val updated, the old block freed); *copied gets the bytes copied, for the
 * caller to charge once the lock is dropped.
 */
int kvm_cell_add(struct ktap_session *s, struct kv *val, const struct klin *lin, s64 v, u64 *copied)
{
	struct kcell *cl = (struct kcell *)val->u.st;
	u32 b = kvm_dist_pow2(v);
	*copied = 0;
	if (b < cl->p2lo || b - cl->p2lo >= cl->p2n) {
		struct kcell *ncl = cell_grow(s, cl, b);
		if (!ncl)
			return RT_BUDGET_MEMORY;
		*copied = cell_bytes(cl->nlin, cl->p2n);
		kvm_arena_free(s, cl);
		cl = ncl;
		val->u.st = &cl->st;
	}
	stat_add(&cl->st, v);
	cl->b[cl->nlin + (b - cl->p2lo)]++;
	if (cl->nlin) {
		u32 lb = lin->n == cl->nlin ? kvm_dist_lin(lin, v) : 0; /* always equal: one layout per ptable */
		if (lb < cl->nlin)
			cl->b[lb]++;
	}
	return 0;
}

/* Add cell cl's buckets into counts: the DIST_POW2 power-of-two buckets, or (lin) its
 * nb linear ones. */
void kvm_cell_buckets(const struct kcell *cl, int lin, u64 *counts, u32 nb)
{
	u32 i;
	if (lin) {
		for (i = 0; i < cl->nlin && i < nb; i++)
			counts[i] += cl->b[i];
		return;
	}
	for (i = 0; i < cl->p2n && cl->p2lo + i < nb; i++)
		counts[cl->p2lo + i] += cl->b[cl->nlin + i];
}
