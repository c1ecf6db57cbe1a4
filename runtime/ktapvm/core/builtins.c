/*
 * builtins.c - ktap's built-in functions, numbered by ktap_builtins.def. Each returns 0
 * with its results, a positive RT_ code (msg filled) for a runtime error, or a negative
 * error already reported by a nested script call.
 */
#include "kvm.h"

static const s8 bi_min[BI__COUNT] = {
#define KTAP_BUILTIN(id, ident, name, mn, mx, flags, meaning) [id] = mn,
#include "../ktap_builtins.def"
#undef KTAP_BUILTIN
};
static const s8 bi_max[BI__COUNT] = {
#define KTAP_BUILTIN(id, ident, name, mn, mx, flags, meaning) [id] = mx,
#include "../ktap_builtins.def"
#undef KTAP_BUILTIN
};
static const char *const bi_name[BI__COUNT] = {
#define KTAP_BUILTIN(id, ident, name, mn, mx, flags, meaning) [id] = name,
#include "../ktap_builtins.def"
#undef KTAP_BUILTIN
};

#define KT_SNAP 13 /* sort_pairs' snapshot: a scratch block of (key, value) pairs */
struct snap {
	u32 pos, n;
	struct kv pairs[]; /* 2n */
};

#define HIST_TOP KTAP_REC_HISTOGRAM_ROWS

static void *scratch_alloc(struct kvm_cpu *c, u64 n)
{
	void *p;
	n = (n + 7) & ~(u64)7;
	if (c->scratch_size - c->scratch_used < n)
		return 0;
	p = c->scratch + c->scratch_used;
	c->scratch_used += (u32)n;
	return p;
}

static void set_num(struct kv *v, s64 n)
{
	v->t = KT_NUMBER;
	v->u.n = n;
}

static int set_str(struct ktap_session *s, struct kvm_cpu *c, struct kv *v, const char *p, u32 n)
{
	struct kstr *k = kvm_str_scratch(s, c, p, n);
	if (!k)
		return n > s->lim[KTAP_LIMIT_STRING_LEN] ? RT_BUDGET_STRING : RT_BUDGET_MEMORY;
	v->t = KT_STRING;
	v->u.s = k;
	return 0;
}

/* Total order used for ties and plain sort_pairs: numbers, then strings, then the rest. */
static int kv_order(const struct kv *a, const struct kv *b)
{
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->t == KT_NUMBER)
		return a->u.n < b->u.n ? -1 : a->u.n > b->u.n;
	if (a->t == KT_TABLE) /* by session id, never by address */
		return a->u.tab->id < b->u.tab->id ? -1 : a->u.tab->id > b->u.tab->id;
	if (a->t == KT_PTABLE)
		return a->u.ptab->id < b->u.ptab->id ? -1 : a->u.ptab->id > b->u.ptab->id;
	if (a->t == KT_FUNCTION || a->t == KT_BUILTIN)
		return a->aux < b->aux ? -1 : a->aux > b->aux;
	if (a->t == KT_CLOSURE) /* by session id, never by address */
		return a->u.cl->id < b->u.cl->id ? -1 : a->u.cl->id > b->u.cl->id;
	if (a->t == KT_STAT) /* statistics cells sort by their count, as histogram shows them */
		return a->u.st->count < b->u.st->count ? -1 : a->u.st->count > b->u.st->count;
	if (a->t == KT_STRING || a->t == KT_STACK || a->t == KT_USTACK) {
		u32 n = a->u.s->len < b->u.s->len ? a->u.s->len : b->u.s->len;
		int d = kvm_memcmp(a->u.s->data, b->u.s->data, n);
		if (d)
			return d;
		return a->u.s->len < b->u.s->len ? -1 : a->u.s->len > b->u.s->len;
	}
	return 0;
}

/*
 * Reading a table or a ptable element by element, for the aggregation built-ins. A table
 * is read live, each value copied under its lock (a statistics value into it->cell); a
 * ptable through a snapshot of this run (snap_take), which nothing else can free. Every
 * element and every slot scanned is charged to the run.
 */
struct titer {
	struct ktab *t;
	struct psnap *ps;
	struct kv k; /* the table's last key */
	u32 pos;     /* the snapshot's next element */
	struct kstat cell;
};

static int snap_take(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, struct psnap **out)
{
	int err = kvm_ptab_snapshot(s, c, p, out);
	if (!err) {
		(*out)->next = c->snaps; /* freed when the run ends */
		c->snaps = *out;
	}
	return err;
}

/* 0, -1 when v is not a table or ptable, or an RT_ code */
static int iter_start(struct ktap_session *s, struct kvm_cpu *c, const struct kv *v, struct titer *it)
{
	it->t = 0;
	it->ps = 0;
	it->k.t = KT_NIL;
	it->pos = 0;
	if (v->t == KT_TABLE) {
		it->t = v->u.tab;
		return 0;
	}
	if (v->t == KT_PTABLE)
		return snap_take(s, c, v->u.ptab, &it->ps);
	return -1;
}

/* 1 with the next key and value (a statistics value points at it->cell or into the
 * snapshot, valid until the next call), 0 at the end, or -RT_ code */
static int iter_next(struct ktap_session *s, struct kvm_cpu *c, struct titer *it, struct kv *key, struct kv *val)
{
	int r, err;
	u32 scanned = 0;
	if (it->ps) {
		if (it->pos >= it->ps->n)
			return 0;
		if ((err = kvm_charge(s, c, 1)))
			return -err;
		*key = it->ps->pairs[2 * it->pos];
		*val = it->ps->pairs[2 * it->pos + 1];
		it->pos++;
		return 1;
	}
	r = kvm_tab_next(it->t, &it->k, key, val, &it->cell, &scanned);
	if ((err = kvm_charge(s, c, 4 + scanned))) /* the lookup, the lock, the slots scanned */
		return -err;
	if (r == 1)
		it->k = *key;
	return r < 0 ? 0 : r; /* the last key was deleted meanwhile: the walk ends */
}

static int fail(char *msg, u32 id, const char *what)
{
	kvm_snprintf(msg, 256, "%s: %s", bi_name[id], what);
	return RT_ARGS;
}

/* ---- sort_pairs: heapsort (no recursion), comparator possibly a script function ---- */
struct sorter {
	struct ktap_session *s;
	struct kvm_cpu *c;
	struct kv cmp; /* by value: the arguments' registers are not ours to keep */
	int has_cmp;
	int err;
};

/* non-zero when pair a must come before pair b */
static int before(struct sorter *so, const struct kv *a, const struct kv *b)
{
	struct kv args[2], res;
	int e;
	if (so->err)
		return 0;
	if ((e = kvm_charge(so->s, so->c, 2))) { /* one comparison */
		so->err = e;
		return 0;
	}
	if (!so->has_cmp) {
		int d = kv_order(&a[1], &b[1]);
		return d ? d < 0 : kv_order(&a[0], &b[0]) < 0;
	}
	args[0] = a[1];
	args[1] = b[1];
	e = kvm_call_nested(so->s, so->c, &so->cmp, args, 2, &res);
	if (e) {
		so->err = e;
		return 0;
	}
	return res.t != KT_NIL && res.t != KT_FALSE;
}

static void swap_pair(struct kv *p, u32 i, u32 j)
{
	struct kv t0 = p[2 * i], t1 = p[2 * i + 1];
	p[2 * i] = p[2 * j];
	p[2 * i + 1] = p[2 * j + 1];
	p[2 * j] = t0;
	p[2 * j + 1] = t1;
}

static void sift(struct sorter *so, struct kv *p, u32 root, u32 n)
{
	for (;;) {
		u32 child = 2 * root + 1, big = root;
		if (child < n && before(so, &p[2 * big], &p[2 * child]))
			big = child;
		if (child + 1 < n && before(so, &p[2 * big], &p[2 * (child + 1)]))
			big = child + 1;
		if (big == root || so->err)
			return;
		swap_pair(p, root, big);
		root = big;
	}
}

static int sort_pairs(struct ktap_session *s, struct kvm_cpu *c, struct kv *args, u32 nargs,
		      struct kv *res, char *msg)
{
	struct snap *sn;
	struct kstat *cells;
	struct kv key, val;
	struct sorter so;
	struct titer it;
	u32 n = 0, cap, i;
	int r;
	so.s = s;
	so.c = c;
	so.has_cmp = 0;
	so.err = 0;
	if (nargs > 1 && args[1].t != KT_NIL) {
		if (args[1].t != KT_FUNCTION && args[1].t != KT_CLOSURE)
			return fail(msg, BI_SORT_PAIRS, "comparator is not a script function");
		so.cmp = args[1];
		so.has_cmp = 1;
	}
	r = iter_start(s, c, &args[0], &it);
	if (r < 0)
		return fail(msg, BI_SORT_PAIRS, "argument is not a table");
	if (r)
		return r;
	/* the size is read once: the copy stops there even if the table grows meanwhile */
	cap = it.ps ? it.ps->n : it.t->count;
	sn = scratch_alloc(c, sizeof(*sn) + (2 * sizeof(struct kv) + sizeof(struct kstat)) * (u64)cap);
	if (!sn)
		return RT_BUDGET_MEMORY;
	cells = (struct kstat *)(sn->pairs + 2 * (u64)cap);
	while (n < cap && (r = iter_next(s, c, &it, &key, &val)) == 1) {
		sn->pairs[2 * n] = key;
		if (val.t == KT_STAT) { /* the snapshot owns its cells */
			cells[n] = *val.u.st;
			val.u.st = &cells[n];
		}
		sn->pairs[2 * n + 1] = val;
		n++;
	}
	if (r < 0)
		return -r;
	if (!so.has_cmp)
		for (i = 0; i < n; i++)
			if (sn->pairs[2 * i + 1].t != KT_NUMBER && sn->pairs[2 * i + 1].t != KT_STRING &&
			    sn->pairs[2 * i + 1].t != KT_STAT)
				return fail(msg, BI_SORT_PAIRS, "values must be numbers, strings or statistics without a comparator");
	/* heapsort for "before" order: build a heap with the last element on top */
	for (i = n / 2; i-- > 0 && !so.err;)
		sift(&so, sn->pairs, i, n);
	for (i = n; i-- > 1 && !so.err;) {
		swap_pair(sn->pairs, 0, i);
		sift(&so, sn->pairs, 0, i);
	}
	if (so.err)
		return so.err;
	sn->pos = 0;
	sn->n = n;
	res[0].t = KT_BUILTIN;
	res[0].aux = BI_SORTED_NEXT;
	res[1].t = KT_SNAP;
	res[1].u.s = (struct kstr *)sn;
	res[2].t = KT_NIL;
	return 0;
}

/* ---- histograms ---- */
static int hist_value(const struct kv *v, s64 *out)
{
	if (v->t == KT_NUMBER)
		*out = v->u.n;
	else if (v->t == KT_STAT)
		*out = v->u.st->count;
	else
		return -1;
	return 0;
}

static int histogram(struct ktap_session *s, struct kvm_cpu *c, struct kv *args, char *msg)
{
	struct titer it;
	struct kv key, val;
	struct kv *top_k;
	s64 *top_v, sum = 0;
	u32 rows = 0, total = 0, i;
	struct recw w;
	int r = iter_start(s, c, &args[0], &it);
	if (r < 0)
		return fail(msg, BI_HISTOGRAM, "argument is not a table");
	if (r)
		return r;
	top_k = scratch_alloc(c, sizeof(struct kv) * HIST_TOP);
	top_v = scratch_alloc(c, sizeof(s64) * HIST_TOP);
	if (!top_k || !top_v)
		return RT_BUDGET_MEMORY;
	while ((r = iter_next(s, c, &it, &key, &val)) == 1) {
		s64 n;
		u32 j;
		if (hist_value(&val, &n))
			return fail(msg, BI_HISTOGRAM, "values must be numbers or statistics");
		sum = (s64)((u64)sum + (u64)n);
		total++;
		/* keep the HIST_TOP largest, ordered: larger value first, then key order */
		for (j = rows; j > 0; j--) {
			int after = top_v[j - 1] > n || (top_v[j - 1] == n && kv_order(&top_k[j - 1], &key) < 0);
			if (after)
				break;
		}
		if (j >= HIST_TOP)
			continue;
		if (rows < HIST_TOP)
			rows++;
		for (i = rows - 1; i > j; i--) {
			top_k[i] = top_k[i - 1];
			top_v[i] = top_v[i - 1];
		}
		top_k[j] = key;
		top_v[j] = n;
	}
	if (r < 0)
		return -r;
	kvm_rec_begin(&w, s, c, REC_HISTOGRAM, 0);
	kvm_rec_u64(&w, (u64)sum);
	kvm_rec_u32(&w, total);
	kvm_rec_u32(&w, rows);
	for (i = 0; i < rows; i++) {
		kvm_rec_value(&w, &top_k[i]);
		kvm_rec_u64(&w, (u64)top_v[i]);
	}
	return kvm_rec_finish(&w);
}

/* a statistics cell's mean, safe for any count */
static s64 stat_avg(const struct kstat *st)
{
	if (st->count == 0 || (st->count == -1 && st->sum == (s64)((u64)1 << 63)))
		return 0;
	return st->sum / st->count;
}

/* ---- hist / lhist ----
 * Over a table: one distribution of its values (a number is one sample). Over a ptable:
 * one distribution per key, keys in kv_order, each key's buckets as its cells recorded
 * every sample (dist.c), one record per key. */

/* heapsort of a snapshot's key indexes in kv_order, 2 units per comparison */
static int key_before(struct ktap_session *s, struct kvm_cpu *c, const struct psnap *ps, u32 a, u32 b, int *err)
{
	if (*err || (*err = kvm_charge(s, c, 2)))
		return 0;
	return kv_order(&ps->pairs[2 * a], &ps->pairs[2 * b]) < 0;
}

static void key_sift(struct ktap_session *s, struct kvm_cpu *c, const struct psnap *ps, u32 *idx, u32 root,
		     u32 n, int *err)
{
	for (;;) {
		u32 child = 2 * root + 1, big = root, t;
		if (child < n && key_before(s, c, ps, idx[big], idx[child], err))
			big = child;
		if (child + 1 < n && key_before(s, c, ps, idx[big], idx[child + 1], err))
			big = child + 1;
		if (big == root || *err)
			return;
		t = idx[root];
		idx[root] = idx[big];
		idx[big] = t;
		root = big;
	}
}

static int sort_keys(struct ktap_session *s, struct kvm_cpu *c, const struct psnap *ps, u32 *idx)
{
	u32 n = ps->n, i, t;
	int err = 0;
	for (i = 0; i < n; i++)
		idx[i] = i;
	for (i = n / 2; i-- > 0 && !err;)
		key_sift(s, c, ps, idx, i, n, &err);
	for (i = n; i-- > 1 && !err;) {
		t = idx[0];
		idx[0] = idx[i];
		idx[i] = t;
		key_sift(s, c, ps, idx, 0, i, &err);
	}
	return err;
}

/* one HIST/LHIST record: a = 1 with the key first (a ptable's key), a = 0 without */
static int bucket_record(struct ktap_session *s, struct kvm_cpu *c, u32 id, const struct kv *key,
			 const struct klin *l, const u64 *counts, u32 nb)
{
	struct recw w;
	u32 i;
	kvm_rec_begin(&w, s, c, id == BI_HIST ? REC_HIST : REC_LHIST, key ? 1 : 0);
	if (key)
		kvm_rec_value(&w, key);
	kvm_rec_u64(&w, id == BI_HIST ? 0 : (u64)l->lo); /* HIST: three zeros (record-format.md) */
	kvm_rec_u64(&w, id == BI_HIST ? 0 : (u64)l->hi);
	kvm_rec_u64(&w, id == BI_HIST ? 0 : (u64)l->step);
	kvm_rec_u32(&w, nb);
	for (i = 0; i < nb; i++)
		kvm_rec_u64(&w, counts[i]);
	return kvm_rec_finish(&w);
}

static int hist_ptable(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, u32 id)
{
	u32 nb = id == BI_HIST ? DIST_POW2 : p->lin.n, i, j;
	struct psnap *ps;
	u64 *counts;
	u32 *idx;
	int err = snap_take(s, c, p, &ps);
	if (err)
		return err;
	idx = scratch_alloc(c, 4 * (u64)ps->n);
	counts = scratch_alloc(c, 8 * (u64)nb);
	if (!idx || !counts)
		return RT_BUDGET_MEMORY;
	if ((err = sort_keys(s, c, ps, idx)))
		return err;
	for (i = 0; i < ps->n; i++) {
		const struct kv *key = &ps->pairs[2 * idx[i]];
		u64 total = 0;
		kvm_memset(counts, 0, 8 * (u64)nb);
		if ((err = kvm_ptab_dist(s, c, p, key, id == BI_LHIST, counts, nb)))
			return err;
		for (j = 0; j < nb; j++)
			total |= counts[j];
		if (!total) /* deleted since the snapshot */
			continue;
		if ((err = bucket_record(s, c, id, key, &p->lin, counts, nb)))
			return err;
	}
	return 0;
}

static int hist(struct ktap_session *s, struct kvm_cpu *c, struct kv *args, u32 nargs, u32 id, char *msg)
{
	struct titer it;
	struct kv key, val;
	struct klin l = { 0, 0, 0, DIST_POW2 };
	u64 *counts;
	int r;
	if (id == BI_LHIST && nargs == 1) {
		if (args[0].t != KT_PTABLE || !args[0].u.ptab->lin.n)
			return fail(msg, id, "lhist(p) needs a ptable declared ptable(min, max, step); else lhist(t, min, max, step)");
		return hist_ptable(s, c, args[0].u.ptab, id);
	}
	if (id == BI_LHIST) {
		if (nargs != 4 || args[1].t != KT_NUMBER || args[2].t != KT_NUMBER || args[3].t != KT_NUMBER)
			return fail(msg, id, "min, max and step must be numbers");
		if (kvm_dist_layout(args[1].u.n, args[2].u.n, args[3].u.n, &l))
			return fail(msg, id, "needs min < max, step > 0 and at most 1000 buckets");
	}
	if (args[0].t == KT_PTABLE) {
		const struct klin *pl = &args[0].u.ptab->lin;
		if (id == BI_LHIST && (!pl->n || pl->lo != l.lo || pl->hi != l.hi || pl->step != l.step)) {
			if (!pl->n)
				return fail(msg, id, "a ptable keeps linear buckets only when declared ptable(min, max, step)");
			kvm_snprintf(msg, 256, "lhist: the ptable was declared ptable(%lld, %lld, %lld): its buckets are those",
				     (long long)pl->lo, (long long)pl->hi, (long long)pl->step);
			return RT_ARGS;
		}
		return hist_ptable(s, c, args[0].u.ptab, id);
	}
	r = iter_start(s, c, &args[0], &it);
	if (r < 0)
		return fail(msg, id, "argument is not a table");
	if (r)
		return r;
	counts = scratch_alloc(c, 8 * (u64)l.n);
	if (!counts)
		return RT_BUDGET_MEMORY;
	kvm_memset(counts, 0, 8 * (u64)l.n);
	while ((r = iter_next(s, c, &it, &key, &val)) == 1) {
		u32 b;
		if (val.t == KT_STAT)
			return fail(msg, id, "a statistics value outside its ptable has no buckets: call it on the ptable");
		if (val.t != KT_NUMBER)
			return fail(msg, id, "values must be numbers");
		b = id == BI_HIST ? kvm_dist_pow2(val.u.n) : kvm_dist_lin(&l, val.u.n);
		if (b < l.n) /* always true; kept so no arithmetic slip can write past counts */
			counts[b]++;
	}
	if (r < 0)
		return -r;
	return bucket_record(s, c, id, 0, &l, counts, l.n);
}

static int stat_field(u32 id, const struct kv *v, struct kv *res, char *msg)
{
	const struct kstat *st;
	if (v->t == KT_NIL) {
		res->t = KT_NIL;
		return 0;
	}
	if (v->t != KT_STAT)
		return fail(msg, id, "argument is not a statistics cell (a ptable slot)");
	st = v->u.st;
	switch (id) {
	case BI_COUNT: set_num(res, st->count); break;
	case BI_SUM: set_num(res, st->sum); break;
	case BI_AVG: set_num(res, stat_avg(st)); break;
	case BI_MIN: set_num(res, st->min); break;
	default: set_num(res, st->max); break;
	}
	return 0;
}

static int script_args(struct ktap_session *s, struct kv *res)
{
	struct ktab *t = kvm_tab_new(s);
	u32 i;
	if (!t)
		return RT_BUDGET_MEMORY;
	for (i = 0; i < s->b.nargs; i++) {
		const struct kstr *a = s->b.strs[s->b.args[i]];
		struct kv key, val;
		u32 j = (a->len && a->data[0] == '-') ? 1 : 0;
		u64 n = 0;
		int numeric = a->len > j && a->len - j <= 18;
		for (; numeric && j < a->len; j++) {
			if (a->data[j] < '0' || a->data[j] > '9')
				numeric = 0;
			else
				n = n * 10 + (u64)(a->data[j] - '0');
		}
		set_num(&key, i);
		if (numeric) {
			set_num(&val, a->data[0] == '-' ? -(s64)n : (s64)n);
		} else {
			val.t = KT_STRING;
			val.u.s = (struct kstr *)a;
		}
		if (kvm_tab_set(s, t, &key, &val))
			return RT_BUDGET_TABLE;
	}
	res->t = KT_TABLE;
	res->u.tab = t;
	return 0;
}

int kvm_builtin(struct ktap_session *s, struct kvm_cpu *c, u32 id, struct kv *args, u32 nargs,
		struct kv *res, u32 *nres, char *msg)
{
	struct ktap_task_info task;
	*nres = 1;
	res[0].t = KT_NIL;
	if (id >= BI__COUNT)
		return RT_CALL;
	if ((s32)nargs < bi_min[id] || (bi_max[id] >= 0 && (s32)nargs > bi_max[id])) {
		kvm_snprintf(msg, 256, "%s: takes %d..%d arguments, got %u", bi_name[id], bi_min[id],
			     bi_max[id], nargs);
		return RT_ARGS;
	}
	switch (id) {
	case BI_PRINT:
		*nres = 0;
		return kvm_rec_values(s, c, REC_PRINT, nargs, args, nargs);
	case BI_PRINTF:
		*nres = 0;
		if (args[0].t != KT_STRING)
			return fail(msg, id, "format is not a string");
		return kvm_rec_values(s, c, REC_PRINTF_DYN, nargs, args, nargs);
	case BI_PAIRS: /* (next, t, nil): next takes a ptable's snapshot when it starts */
		if (args[0].t != KT_TABLE && args[0].t != KT_PTABLE)
			return fail(msg, id, "argument is not a table");
		res[0].t = KT_BUILTIN;
		res[0].aux = BI_NEXT;
		res[1] = args[0];
		res[2].t = KT_NIL;
		*nres = 3;
		return 0;
	case BI_SORT_PAIRS:
		*nres = 3;
		return sort_pairs(s, c, args, nargs, res, msg);
	case BI_LEN:
		if (args[0].t == KT_STRING) {
			set_num(res, args[0].u.s->len);
		} else if (args[0].t == KT_TABLE) {
			set_num(res, args[0].u.tab->count);
		} else if (args[0].t == KT_PTABLE) {
			u32 n = 0;
			int err = kvm_ptab_len(s, c, args[0].u.ptab, &n);
			if (err)
				return err;
			set_num(res, n);
		} else {
			return fail(msg, id, "argument is not a string or table");
		}
		return 0;
	case BI_DELETE:
		*nres = 0;
		if (args[0].t == KT_TABLE) {
			kvm_tab_clear_s(s, args[0].u.tab);
		} else if (args[0].t == KT_PTABLE) {
			int i, err;
			for (i = 0; i <= s->ncpu; i++) {
				if ((err = kvm_charge(s, c, 1 + args[0].u.ptab->percpu[i]->cap / 16)))
					return err;
				kvm_tab_clear_s(s, args[0].u.ptab->percpu[i]);
			}
		} else {
			return fail(msg, id, "argument is not a table");
		}
		return 0;
	case BI_PID: case BI_TID: case BI_UID: case BI_EXECNAME:
		ktap_plat_current_task(&task);
		task.comm[sizeof(task.comm) - 1] = 0;
		if (id == BI_EXECNAME)
			return set_str(s, c, res, task.comm, kvm_strlen(task.comm));
		set_num(res, id == BI_PID ? task.pid : id == BI_TID ? task.tid : task.uid);
		return 0;
	case BI_CPU: set_num(res, ktap_plat_cpu()); return 0;
	case BI_CPID: set_num(res, s->workload_pid); return 0;
	case BI_NUM_CPUS: set_num(res, ktap_plat_num_online_cpus()); return 0;
	case BI_ARCH: case BI_KERNEL_V: {
		const char *str = id == BI_ARCH ? ktap_plat_arch_name() : ktap_plat_kernel_release();
		return set_str(s, c, res, str, kvm_strlen(str));
	}
	case BI_IN_INTERRUPT: set_num(res, ktap_plat_in_interrupt()); return 0;
	case BI_IN_IOWAIT: set_num(res, ktap_plat_in_iowait()); return 0;
	case BI_GETTIMEOFDAY_US: set_num(res, ktap_plat_wall_us()); return 0;
	case BI_CURR_TASK_INFO: {
		s64 v = 0;
		s64 size = nargs > 1 && args[1].t == KT_NUMBER ? args[1].u.n : 8;
		if (args[0].t != KT_NUMBER || (size != 4 && size != 8))
			return fail(msg, id, "needs a number offset and a size of 4 or 8");
		if (ktap_plat_curr_task_info(args[0].u.n, (int)size, &v) == 0)
			set_num(res, v);
		return 0;
	}
	case BI_USER_STRING: case BI_KERNEL_STRING: {
		int n;
		if (args[0].t != KT_NUMBER)
			return fail(msg, id, "address is not a number");
		n = id == BI_USER_STRING ? ktap_plat_read_user_string((u64)args[0].u.n, c->text, 257)
				: ktap_plat_read_kernel_string((u64)args[0].u.n, c->text, 257);
		if (n < 0)
			return 0; /* bad address: nil */
		return set_str(s, c, res, c->text, (u32)n);
	}
	case BI_PRINT_BACKTRACE: case BI_BACKTRACE: {
		u64 addrs[KTAP_STACK_DEPTH];
		int n = ktap_plat_stack(addrs, KTAP_STACK_DEPTH), i;
		struct kstr *k;
		if (n < 0)
			n = 0;
		/* ktap 0.4's optional depth; its skip argument has no meaning here (frames
		 * of the VM itself are never captured) and is accepted for compatibility */
		if (nargs >= 1 && args[0].t == KT_NUMBER && args[0].u.n >= 0 && args[0].u.n < n)
			n = (int)args[0].u.n;
		k = kvm_str_scratch(s, c, (const char *)addrs, 8 * (u32)n);
		if (!k)
			return RT_BUDGET_MEMORY;
		res[0].t = KT_STACK;
		res[0].u.s = k;
		if (id == BI_PRINT_BACKTRACE) {
			struct recw w;
			*nres = 0;
			kvm_rec_begin(&w, s, c, REC_BACKTRACE, 0);
			kvm_rec_value(&w, &res[0]);
			return kvm_rec_finish(&w);
		}
		(void)i;
		return 0;
	}
	case BI_PRINT_USTACK: case BI_USTACK: {
		/* the user stack: bare addresses (the board has no user symbols), a value of
		 * its own type so a user and a kernel stack never compare equal */
		u64 addrs[KTAP_STACK_DEPTH];
		int n = ktap_plat_ustack(addrs, KTAP_STACK_DEPTH);
		struct kstr *k;
		if (n < 0)
			n = 0;
		if (n > KTAP_STACK_DEPTH)
			n = KTAP_STACK_DEPTH;
		if (nargs >= 1 && args[0].t == KT_NUMBER && args[0].u.n >= 0 && args[0].u.n < n)
			n = (int)args[0].u.n;
		k = kvm_str_scratch(s, c, (const char *)addrs, 8 * (u32)n);
		if (!k)
			return RT_BUDGET_MEMORY;
		res[0].t = KT_USTACK;
		res[0].u.s = k;
		if (id == BI_PRINT_USTACK) {
			struct recw w;
			*nres = 0;
			kvm_rec_begin(&w, s, c, REC_BACKTRACE, 0);
			kvm_rec_value(&w, &res[0]);
			return kvm_rec_finish(&w);
		}
		return 0;
	}
	case BI_PTABLE: {
		struct klin l;
		struct kptab *p;
		if (nargs == 3) { /* ptable(min, max, step): its cells keep these linear buckets too */
			if (args[0].t != KT_NUMBER || args[1].t != KT_NUMBER || args[2].t != KT_NUMBER)
				return fail(msg, id, "min, max and step must be numbers");
			if (kvm_dist_layout(args[0].u.n, args[1].u.n, args[2].u.n, &l))
				return fail(msg, id, "needs min < max, step > 0 and at most 1000 buckets");
		}
		p = kvm_ptab_new(s, nargs == 3 ? &l : 0);
		if (!p)
			return RT_BUDGET_MEMORY;
		res->t = KT_PTABLE;
		res->u.ptab = p;
		return 0;
	}
	case BI_COUNT: case BI_SUM: case BI_AVG: case BI_MIN: case BI_MAX:
		return stat_field(id, &args[0], res, msg);
	case BI_HISTOGRAM:
		*nres = 0;
		return histogram(s, c, args, msg);
	case BI_HIST: case BI_LHIST:
		*nres = 0;
		return hist(s, c, args, nargs, id, msg);
	case BI_EXIT:
		*nres = 0;
		if (nargs >= 1 && args[0].t != KT_NIL) {
			if (args[0].t != KT_NUMBER)
				return fail(msg, id, "the exit code must be a number");
			/* the first exit with a code wins, whichever CPU: claim, write, publish */
			if (__atomic_load_n(&s->exit_state, __ATOMIC_RELAXED) == 0) {
				int expect = 0;
				if (__atomic_compare_exchange_n(&s->exit_state, &expect, 1, 0, __ATOMIC_ACQ_REL,
								__ATOMIC_RELAXED)) {
					s->exit_code = args[0].u.n;
					__atomic_store_n(&s->exit_state, 2, __ATOMIC_RELEASE);
				}
			}
		}
		s->stopped = 1;
		return 0;
	case BI_TIMER_TICK: case BI_TIMER_PROFILE:
		return fail(msg, id, "timers are declared with tick-N / profile-N, not created at run time");
	case BI_ANSI_CLEAR_SCREEN: case BI_ANSI_SET_COLOR: case BI_ANSI_RESET_COLOR: case BI_ANSI_NEW_LINE:
	case BI_ANSI_SET_COLOR2: case BI_ANSI_SET_COLOR3: {
		u32 i, code;
		for (i = 0; i < nargs; i++)
			if (args[i].t != KT_NUMBER)
				return fail(msg, id, "arguments must be numbers");
		*nres = 0;
		/* set_color2/3 are ktap 0.4's spellings of set_color; set_color3 leaves out attribute 0 */
		if (id == BI_ANSI_SET_COLOR2 || id == BI_ANSI_SET_COLOR3) {
			code = BI_ANSI_SET_COLOR - BI_ANSI_CLEAR_SCREEN + 1;
			if (id == BI_ANSI_SET_COLOR3 && args[2].u.n == 0)
				nargs = 2;
		} else {
			code = id - BI_ANSI_CLEAR_SCREEN + 1;
		}
		return kvm_rec_values(s, c, REC_ANSI, code, args, nargs);
	}
	case BI_NEXT: {
		int r;
		if (args[0].t == KT_PTABLE) {
			/* a ptable walks a snapshot of this run: taken when the walk starts (nil
			 * key), found again by its key on the next steps */
			struct psnap *ps = 0;
			u32 at = 0;
			if (args[1].t == KT_NIL) {
				int err = snap_take(s, c, args[0].u.ptab, &ps);
				if (err)
					return err;
				r = kvm_psnap_next(ps, &args[1], &at);
			} else {
				u32 looked = 0;
				int err;
				for (ps = c->snaps, r = -1; ps; ps = ps->next, looked++)
					if (ps->p == args[0].u.ptab && (r = kvm_psnap_next(ps, &args[1], &at)) >= 0)
						break;
				if ((err = kvm_charge(s, c, looked)))
					return err;
			}
			if (r < 0)
				return fail(msg, id, "key not in the table (changed during the loop?)");
			if (r) {
				res[0] = ps->pairs[2 * at];
				res[1] = ps->pairs[2 * at + 1];
			}
		} else if (args[0].t == KT_TABLE) {
			struct kstat cell;
			u32 scanned = 0;
			int err;
			r = kvm_tab_next(args[0].u.tab, &args[1], &res[0], &res[1], &cell, &scanned);
			if ((err = kvm_charge(s, c, 4 + scanned)))
				return err;
			if (r < 0)
				return fail(msg, id, "key not in the table (changed during the loop?)");
			if (r && (err = kvm_kv_own(c, &res[1])))
				return err;
		} else {
			return fail(msg, id, "argument is not a table");
		}
		*nres = r ? 2 : 1;
		if (!r)
			res[0].t = KT_NIL;
		return 0;
	}
	case BI_SORTED_NEXT: {
		struct snap *sn;
		if (args[0].t != KT_SNAP)
			return fail(msg, id, "argument is not a sort_pairs snapshot");
		sn = (struct snap *)args[0].u.s;
		if (sn->pos >= sn->n) {
			res[0].t = KT_NIL;
			return 0;
		}
		res[0] = sn->pairs[2 * sn->pos];
		res[1] = sn->pairs[2 * sn->pos + 1];
		sn->pos++;
		*nres = 2;
		return 0;
	}
	case BI_SCRIPT_ARGS:
		return script_args(s, res);
	}
	return RT_CALL;
}
