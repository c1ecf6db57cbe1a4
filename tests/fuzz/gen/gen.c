/*
 * gen.c - see gen.h. The choices are bytes of the fuzz input, one (or two) per decision,
 * so libFuzzer's mutations change one decision at a time and the bundle stays well formed.
 *
 * Shapes follow what ktapc emits where the verifier has a rule about them (comparisons
 * and TEST followed by a JMP, B=0 consumers right after a producer of the same base,
 * generic-for as JMP / body / TFORCALL / TFORLOOP), so rejections stay rare; within those
 * shapes operands are random: wrong value types, extreme numbers, loops without their
 * FORPREP (the "raw" instructions), calls of every built-in with random arities.
 */
#include <stdio.h>
#include <string.h>
#include "gen.h"

enum ty { TY_ANY, TY_NIL, TY_BOOL, TY_NUM, TY_STR, TY_TAB, TY_PTAB, TY_FN, TY_BI, TY_STAT, TY_CELL, TY__N };

static const int8_t bi_min[KBI__COUNT] = {
#define KTAP_BUILTIN(id, ident, name, mn, mx, flags, meaning) [id] = mn,
#include "../../../runtime/ktapvm/ktap_builtins.def"
#undef KTAP_BUILTIN
};
static const int8_t bi_max[KBI__COUNT] = {
#define KTAP_BUILTIN(id, ident, name, mn, mx, flags, meaning) [id] = mx,
#include "../../../runtime/ktapvm/ktap_builtins.def"
#undef KTAP_BUILTIN
};

/* Argument kinds per built-in, one letter per argument position (the last letter repeats):
 * n number, s string, t table or ptable, f script function, S statistics cell, a anything. */
static const char *bi_args(int id)
{
	switch (id) {
	case KBI_PRINT: return "a";
	case KBI_PRINTF: return "sa";
	case KBI_PAIRS: return "t";
	case KBI_SORT_PAIRS: return "tf";
	case KBI_LEN: return "t";
	case KBI_DELETE: return "t";
	case KBI_CURR_TASK_INFO: return "nn";
	case KBI_USER_STRING: case KBI_KERNEL_STRING: return "n";
	case KBI_PRINT_BACKTRACE: case KBI_BACKTRACE: case KBI_PTABLE: return "n";
	case KBI_COUNT: case KBI_SUM: case KBI_AVG: case KBI_MIN: case KBI_MAX: return "S";
	case KBI_HISTOGRAM: case KBI_HIST: return "t";
	case KBI_LHIST: return "tnnn";
	case KBI_TIMER_TICK: case KBI_TIMER_PROFILE: return "fn";
	case KBI_NEXT: return "ta";
	case KBI_SORTED_NEXT: return "aa";
	}
	return "n"; /* ansi.* and the context built-ins (which take none) */
}

#define MAXK 96
#define MAXFN 12

struct fsig {
	uint32_t idx; /* kb function index */
	int params, vararg, frame, flags, cmp;
	int nup; /* upvalues: made only by CLOSURE over nup cells */
};

struct gen {
	const uint8_t *data;
	size_t size, pos;
	int eof;
	struct kb *b;
	/* constant pool by type */
	uint32_t knum[MAXK], kstr[MAXK], kmisc[8], kextreme[8];
	unsigned nknum, nkstr, nkmisc, nkextreme;
	uint8_t kty[KB_MAX];
	/* strings usable as event field names */
	uint32_t fieldname[6];
	/* printf formats: index per argument count (kind 1), or KB_NONE */
	uint32_t fmt_by_argc[8];
	unsigned nglobal;
	uint8_t gty[64];
	struct fsig fns[MAXFN];
	unsigned nfns;
	/* the function being generated */
	struct fsig *f;
	uint8_t ty[256];
	uint8_t noland[KB_MAX]; /* B=0 consumers and TFORLOOPs: only their predecessor may enter */
	struct { uint32_t at; uint32_t choice; } rj[KB_MAX];
	unsigned nrj;
	unsigned cap; /* instruction budget of this function */
};

/* ---- choices ---- */
static uint32_t pick(struct gen *g, uint32_t n)
{
	uint32_t v;
	if (n <= 1)
		return 0;
	if (g->pos >= g->size) {
		g->eof = 1;
		return 0;
	}
	v = g->data[g->pos++];
	if (n > 256 && g->pos < g->size)
		v = v << 8 | g->data[g->pos++];
	return v % n;
}
static int chance(struct gen *g, unsigned pct)
{
	return !g->eof && pick(g, 100) < pct;
}
static uint64_t pick64(struct gen *g)
{
	uint64_t v = 0;
	int i;
	for (i = 0; i < 8; i++)
		v = v << 8 | pick(g, 256);
	return v;
}

/* ---- emission ---- */
static uint32_t here(struct gen *g)
{
	return g->b->funcs[g->f->idx].n;
}
static int room(struct gen *g, unsigned n)
{
	/* keep space for the closing instructions (a B=0 return and the final RETURN) */
	return !g->eof && here(g) + n + 12 <= g->cap;
}
static void emit(struct gen *g, uint32_t insn)
{
	if (here(g) < KB_MAX)
		kb_op(g->b, g->f->idx, insn);
}
static void patch(struct gen *g, uint32_t at, uint32_t target)
{
	uint32_t *code = g->b->funcs[g->f->idx].code;
	int32_t sbx = (int32_t)target - (int32_t)(at + 1);
	code[at] = (code[at] & 0x3fffu) | ((uint32_t)(sbx + 131071) << 14);
}
/* a jump whose target is chosen among all of the function's instructions at the end */
static void emit_random_jump(struct gen *g, uint32_t op, uint32_t a)
{
	g->rj[g->nrj].at = here(g);
	g->rj[g->nrj].choice = pick(g, 65536);
	g->nrj++;
	emit(g, ASBX(op, a, 0));
}

/* ---- registers and constants by type ---- */
static uint32_t rnd_reg(struct gen *g)
{
	return pick(g, (uint32_t)g->f->frame);
}
static int find_reg(struct gen *g, int t, uint32_t *out)
{
	uint32_t start = pick(g, (uint32_t)g->f->frame), i;
	for (i = 0; i < (uint32_t)g->f->frame; i++) {
		uint32_t r = (start + i) % (uint32_t)g->f->frame;
		if (g->ty[r] == t) {
			*out = r;
			return 1;
		}
	}
	return 0;
}
static uint32_t const_of(struct gen *g, int t)
{
	if (t == TY_NUM) {
		if (g->nkextreme && chance(g, 10))
			return g->kextreme[pick(g, g->nkextreme)];
		return g->knum[pick(g, g->nknum)];
	}
	if (t == TY_STR)
		return g->kstr[pick(g, g->nkstr)];
	if (t == TY_ANY)
		return pick(g, g->b->nconst);
	return g->kmisc[pick(g, g->nkmisc)];
}
/* an RK operand holding (probably) a value of type t */
static uint32_t rk_of(struct gen *g, int t)
{
	uint32_t r;
	if (chance(g, 8))
		return chance(g, 50) ? rnd_reg(g) : (uint32_t)K(pick(g, g->b->nconst));
	if ((t == TY_NUM || t == TY_STR || t == TY_ANY) && chance(g, 45))
		return (uint32_t)K(const_of(g, t));
	if (find_reg(g, t, &r))
		return r;
	return t == TY_NUM || t == TY_STR ? (uint32_t)K(const_of(g, t)) : rnd_reg(g);
}
static uint32_t reg_of(struct gen *g, int t)
{
	uint32_t r;
	if (!chance(g, 10) && find_reg(g, t, &r))
		return r;
	return rnd_reg(g);
}

static void gen_block(struct gen *g, int depth, unsigned len);

/* A cell into register r: BOX of what is there (often a fresh value), a cell register's
 * copy, or (in a function with upvalues) UPCELL; rarely a non-cell, for the run-time check */
static void load_cell(struct gen *g, uint32_t r)
{
	uint32_t s;
	uint32_t k = pick(g, 100);
	if (k < 30 && find_reg(g, TY_CELL, &s)) {
		if (s != r)
			emit(g, ABC(KOP_MOVE, r, s, 0));
	} else if (k < 55 && g->f->nup) {
		emit(g, ABC(KOP_UPCELL, r, pick(g, (uint32_t)g->f->nup), 0));
	} else if (k < 97) {
		emit(g, ABX(KOP_LOADK, r, const_of(g, chance(g, 50) ? TY_NUM : TY_STR)));
		emit(g, ABC(KOP_BOX, r, 0, 0));
	} else {
		return; /* whatever r holds: CLOSURE checks each cell's type */
	}
	g->ty[r] = TY_CELL;
}

/* A function value of fs into r: LOADFN, or CLOSURE over fresh cells in r+1..r+nup.
 * Returns 0, or -1 when the cells do not fit the frame (nothing emitted). */
static int emit_fn_value(struct gen *g, uint32_t r, const struct fsig *fs)
{
	uint32_t j;
	if (!fs->nup) {
		emit(g, ABX(KOP_LOADFN, r, fs->idx));
		g->ty[r] = TY_FN;
		return 0;
	}
	if (r + (uint32_t)fs->nup >= (uint32_t)g->f->frame)
		return -1;
	for (j = 1; j <= (uint32_t)fs->nup; j++)
		load_cell(g, r + j);
	emit(g, ABX(KOP_CLOSURE, r, fs->idx));
	g->ty[r] = TY_FN;
	return 0;
}

/* Put a value of kind k (a bi_args letter or a type) into register r. */
static void load_kind(struct gen *g, uint32_t r, char k)
{
	uint32_t s;
	int t = k == 'n' ? TY_NUM : k == 's' ? TY_STR : k == 't' ? (chance(g, 30) ? TY_PTAB : TY_TAB)
		: k == 'f' ? TY_FN : k == 'S' ? TY_STAT : TY_ANY;
	if (chance(g, 6))
		t = (int)pick(g, TY__N);
	if (t != TY_ANY && t != TY_STAT && chance(g, 55) && find_reg(g, t, &s)) {
		if (s != r)
			emit(g, ABC(KOP_MOVE, r, s, 0));
		g->ty[r] = (uint8_t)t;
		return;
	}
	switch (t) {
	case TY_NUM: case TY_STR:
		emit(g, ABX(KOP_LOADK, r, const_of(g, t)));
		break;
	case TY_TAB: case TY_PTAB: {
		unsigned gi, i;
		/* a global table from main, else a fresh one */
		for (i = 0, gi = pick(g, g->nglobal ? g->nglobal : 1); i < g->nglobal; i++)
			if (g->gty[(gi + i) % g->nglobal] == t)
				break;
		if (i < g->nglobal && chance(g, 70))
			emit(g, ABX(KOP_GETGLOBAL, r, (gi + i) % g->nglobal));
		else if (t == TY_TAB)
			emit(g, ABC(KOP_NEWTABLE, r, 0, 0));
		else
			emit(g, ABC(KOP_NEWPTABLE, r, 0, 0));
		break;
	}
	case TY_FN: {
		unsigned i, start = pick(g, g->nfns);
		struct fsig *fs = 0;
		for (i = 0; i < g->nfns; i++) {
			struct fsig *c = &g->fns[(start + i) % g->nfns];
			if (!(c->flags & 3) && (!fs || (c->cmp && chance(g, 70))))
				fs = c;
		}
		if (fs && emit_fn_value(g, r, fs))
			fs = 0;
		if (!fs)
			emit(g, ABX(KOP_LOADBUILTIN, r, pick(g, KBI__COUNT)));
		t = fs ? TY_FN : TY_BI;
		break;
	}
	case TY_CELL:
		load_cell(g, r);
		t = g->ty[r];
		break;
	case TY_STAT: {
		uint32_t p;
		if (find_reg(g, TY_PTAB, &p) && p != r) {
			emit(g, ABC(KOP_GETTABLE, r, p, rk_of(g, chance(g, 50) ? TY_NUM : TY_STR)));
		} else {
			emit(g, ABC(KOP_NEWPTABLE, r, 0, 0));
			emit(g, ABC(KOP_AGGREGATE, r, K(const_of(g, TY_NUM)), K(const_of(g, TY_NUM))));
			emit(g, ABC(KOP_GETTABLE, r, r, K(const_of(g, TY_NUM))));
		}
		break;
	}
	case TY_BOOL:
		emit(g, ABC(KOP_LOADBOOL, r, pick(g, 2), 0));
		break;
	case TY_BI:
		emit(g, ABX(KOP_LOADBUILTIN, r, pick(g, KBI__COUNT)));
		break;
	case TY_NIL:
		emit(g, ABC(KOP_LOADNIL, r, 1, 0));
		break;
	default:
		emit(g, ABX(KOP_LOADK, r, pick(g, g->b->nconst)));
		t = g->kty[g->b->funcs[g->f->idx].code[here(g) - 1] >> 14];
	}
	g->ty[r] = (uint8_t)t;
}

/* A callable in register a and its arguments in a+1..; returns the argument count, or -1
 * when it does not fit the frame. *nres: the most results it may produce. */
static int load_call(struct gen *g, uint32_t a, int *nres, int with_args)
{
	uint32_t room_args = (uint32_t)g->f->frame - a - 1;
	int id, nargs, i;
	const char *kinds;
	if (a >= (uint32_t)g->f->frame)
		return -1;
	if (g->nfns && chance(g, 30)) {
		/* a script function (plain functions only: the verifier refuses the others) */
		struct fsig *fs = &g->fns[pick(g, g->nfns)];
		if (fs->flags & 3)
			return -1;
		if (emit_fn_value(g, a, fs))
			return -1;
		nargs = chance(g, 80) ? fs->params : (int)pick(g, 5);
		if (nargs > (int)room_args)
			nargs = (int)room_args;
		if (!with_args)
			return 0;
		for (i = 0; i < nargs; i++)
			load_kind(g, a + 1 + (uint32_t)i, fs->cmp ? 'n' : 'a');
		*nres = 4;
		return nargs;
	}
	id = (int)pick(g, KBI__COUNT);
	emit(g, ABX(KOP_LOADBUILTIN, a, (uint32_t)id));
	g->ty[a] = TY_BI;
	if (chance(g, 85)) {
		int mx = bi_max[id] < 0 ? bi_min[id] + 3 : bi_max[id];
		nargs = bi_min[id] + (int)pick(g, (uint32_t)(mx - bi_min[id] + 1));
	} else {
		nargs = (int)pick(g, 6);
	}
	if (nargs > (int)room_args)
		nargs = (int)room_args;
	if (!with_args)
		return 0;
	kinds = bi_args(id);
	for (i = 0; i < nargs; i++) {
		size_t kl = strlen(kinds);
		load_kind(g, a + 1 + (uint32_t)i, kinds[(size_t)i < kl ? (size_t)i : kl - 1]);
	}
	*nres = 3;
	return nargs;
}

/* results of a call at a: C=0 keeps all; else c-1 of them, inside the frame */
static uint32_t result_c(struct gen *g, uint32_t a)
{
	uint32_t fit = (uint32_t)g->f->frame - a; /* a .. frame-1 */
	uint32_t c = pick(g, 5);
	if (c == 0)
		c = 1;
	if (c - 1 > fit)
		c = fit + 1;
	return c;
}

static void settle_results(struct gen *g, uint32_t a, uint32_t c)
{
	uint32_t i;
	for (i = 0; i + 1 < c && a + i < (uint32_t)g->f->frame; i++)
		g->ty[a + i] = TY_ANY;
}

/* ---- snippets ---- */

/* CALL A C=0 or VARARG B=0, right before its consumer. Producer registers start at p. */
static int emit_producer(struct gen *g, uint32_t p)
{
	int nres, nargs;
	if (g->f->vararg && chance(g, 35)) {
		emit(g, ABC(KOP_VARARG, p, 0, 0));
		return 0;
	}
	nargs = load_call(g, p, &nres, 1);
	if (nargs < 0)
		return -1;
	emit(g, ABC(KOP_CALL, p, (uint32_t)nargs + 1, 0));
	return 0;
}

/* f(x, g()) / return x, g() / f(...) / return ... / {x, g()} / {...}: the open-range pairs */
static void snip_open(struct gen *g)
{
	uint32_t a = rnd_reg(g), k = pick(g, 3), p, i;
	int is_return = chance(g, 35), nres;
	if (!room(g, 24))
		return;
	if (chance(g, 25)) { /* SETLIST B=0: the table (usually) in a, fixed fields, the open one */
		p = a + 1 + k;
		if (p + 1 > (uint32_t)g->f->frame)
			return;
		if (chance(g, 85)) {
			emit(g, ABC(KOP_NEWTABLE, a, 0, 0));
			g->ty[a] = TY_TAB;
		}
		for (i = 0; i < k; i++)
			load_kind(g, a + 1 + i, 'a');
		if (emit_producer(g, p))
			return;
		g->noland[here(g)] = 1;
		emit(g, ABC(KOP_SETLIST, a, 0, chance(g, 80) ? 0 : pick(g, 512)));
		return;
	}
	if (is_return) {
		p = a + k;
		if (p + 1 > (uint32_t)g->f->frame)
			return;
		for (i = 0; i < k; i++)
			load_kind(g, a + i, 'a');
		if (emit_producer(g, p))
			return;
		g->noland[here(g)] = 1;
		emit(g, ABC(KOP_RETURN, a, 0, 0));
		return;
	}
	p = a + 1 + k;
	if (p + 1 > (uint32_t)g->f->frame)
		return;
	/* the callee first, as ktapc does, then fixed arguments, then the open one */
	{
		int n = load_call(g, a, &nres, 0);
		if (n < 0)
			return;
	}
	for (i = 0; i < k; i++)
		load_kind(g, a + 1 + i, 'a');
	if (emit_producer(g, p))
		return;
	{
		uint32_t c = chance(g, 25) ? 0 : result_c(g, a);
		g->noland[here(g)] = 1;
		emit(g, ABC(KOP_CALL, a, 0, c));
		settle_results(g, a, c);
		if (c == 0 && chance(g, 50)) { /* itself a producer: return f(g()) */
			g->noland[here(g)] = 1;
			emit(g, ABC(KOP_RETURN, a, 0, 0));
		}
	}
}

static void snip_call(struct gen *g)
{
	uint32_t a = rnd_reg(g), c;
	int nres, nargs;
	if (!room(g, 16))
		return;
	nargs = load_call(g, a, &nres, 1);
	if (nargs < 0)
		return;
	c = result_c(g, a);
	emit(g, ABC(KOP_CALL, a, (uint32_t)nargs + 1, c));
	settle_results(g, a, c);
}

static void snip_numfor(struct gen *g, int depth)
{
	uint32_t a = rnd_reg(g), prep, body;
	if (a + 4 > (uint32_t)g->f->frame || !room(g, 20))
		return;
	emit(g, ABX(KOP_LOADK, a, const_of(g, TY_NUM)));
	emit(g, ABX(KOP_LOADK, a + 1, const_of(g, TY_NUM)));
	emit(g, ABX(KOP_LOADK, a + 2, const_of(g, TY_NUM)));
	if (chance(g, 10)) /* a non-number bound, for the run-time check */
		load_kind(g, a + pick(g, 3), 'a');
	g->ty[a] = g->ty[a + 1] = g->ty[a + 2] = TY_NUM;
	g->ty[a + 3] = TY_NUM;
	prep = here(g);
	emit(g, ASBX(KOP_FORPREP, a, 0));
	body = here(g);
	gen_block(g, depth + 1, 1 + pick(g, 8));
	if (chance(g, 12)) /* the body overwrites a loop register: FORLOOP's run-time type check */
		load_kind(g, a + pick(g, 3), "nstfSa"[pick(g, 6)]);
	patch(g, prep, here(g));
	emit(g, ASBX(KOP_FORLOOP, a, (int32_t)body - (int32_t)here(g) - 1));
}

static void snip_genfor(struct gen *g, int depth)
{
	uint32_t a = rnd_reg(g), jmp, body, nv = 1 + pick(g, 2);
	if (a + 6 > (uint32_t)g->f->frame || !room(g, 24))
		return;
	if (chance(g, 80)) {
		/* pairs(t) / sort_pairs(t [, cmp]): three values into a, a+1, a+2 */
		int sorted = chance(g, 40), cmp = sorted && chance(g, 50);
		emit(g, ABX(KOP_LOADBUILTIN, a, sorted ? KBI_SORT_PAIRS : KBI_PAIRS));
		load_kind(g, a + 1, 't');
		if (cmp)
			load_kind(g, a + 2, 'f');
		emit(g, ABC(KOP_CALL, a, cmp ? 3 : 2, 4));
	} else {
		/* a script function or built-in as the iterator itself */
		load_kind(g, a, chance(g, 50) ? 'f' : 'a');
		load_kind(g, a + 1, 't');
		emit(g, ABC(KOP_LOADNIL, a + 2, 1, 0));
	}
	g->ty[a] = g->ty[a + 1] = g->ty[a + 2] = TY_ANY;
	jmp = here(g);
	emit(g, ASBX(KOP_JMP, 0, 0));
	body = here(g);
	g->ty[a + 3] = g->ty[a + 4] = TY_ANY;
	if (a + 8 <= (uint32_t)g->f->frame && chance(g, 50)) {
		/* the body reads and changes what it iterates: statistics of the value, the
		 * length (a ptable merge), <<< and deletes into the table under iteration */
		uint32_t b = a + 5, n = 1 + pick(g, 3);
		while (n--) {
			switch (pick(g, 5)) {
			case 0:
				emit(g, ABX(KOP_LOADBUILTIN, b, KBI_COUNT + pick(g, 5)));
				emit(g, ABC(KOP_MOVE, b + 1, a + 4, 0));
				emit(g, ABC(KOP_CALL, b, 2, 2));
				break;
			case 1:
				emit(g, ABC(KOP_LEN, b, a + 1, 0));
				break;
			case 2:
				emit(g, ABC(KOP_AGGREGATE, a + 1, chance(g, 50) ? a + 3 : K(const_of(g, TY_NUM)),
					    K(const_of(g, TY_NUM))));
				break;
			case 3:
				emit(g, ABX(KOP_LOADBUILTIN, b, KBI_DELETE));
				emit(g, ABC(KOP_MOVE, b + 1, a + 1, 0));
				emit(g, ABC(KOP_CALL, b, 2, 1));
				break;
			default:
				emit(g, ABC(KOP_SETTABLE, a + 1, a + 3, chance(g, 50) ? K(g->kmisc[0]) : K(const_of(g, TY_NUM))));
			}
		}
		g->ty[b] = g->ty[b + 1] = TY_ANY;
	}
	gen_block(g, depth + 1, 1 + pick(g, 8));
	patch(g, jmp, here(g));
	emit(g, ABC(KOP_TFORCALL, a, 0, nv));
	g->noland[here(g)] = 1;
	emit(g, ASBX(KOP_TFORLOOP, a + 2, (int32_t)body - (int32_t)here(g) - 1));
}

/* if-shaped: a test, its JMP over a block */
static void snip_if(struct gen *g, int depth)
{
	uint32_t jmp, op = pick(g, 5);
	if (!room(g, 12))
		return;
	switch (op) {
	case 0: case 1: case 2: {
		static const uint32_t ops[3] = { KOP_EQ, KOP_LT, KOP_LE };
		int t = chance(g, 60) ? TY_NUM : chance(g, 50) ? TY_STR : TY_ANY;
		emit(g, ABC(ops[op], pick(g, 2), rk_of(g, t), rk_of(g, t)));
		break;
	}
	case 3:
		emit(g, ABC(KOP_TEST, rnd_reg(g), 0, pick(g, 2)));
		break;
	default:
		/* C is a flag, but the verifier also checks it as a register (C < frame) */
		emit(g, ABC(KOP_TESTSET, rnd_reg(g), rnd_reg(g), g->f->frame > 1 ? pick(g, 2) : 0));
	}
	if (chance(g, 15)) { /* a JMP anywhere in the function */
		emit_random_jump(g, KOP_JMP, 0);
		return;
	}
	jmp = here(g);
	emit(g, ASBX(KOP_JMP, 0, 0));
	gen_block(g, depth + 1, 1 + pick(g, 6));
	patch(g, jmp, here(g));
}

static void snip_table(struct gen *g)
{
	uint32_t t, a;
	/* keys: numbers, strings, sometimes tables (identity keys: their order must not
	 * depend on where the table lives) */
	int kt = chance(g, 45) ? TY_NUM : chance(g, 60) ? TY_STR : chance(g, 50) ? TY_TAB : TY_ANY;
	if (!room(g, 8))
		return;
	switch (pick(g, 7)) {
	case 0:
		a = rnd_reg(g);
		emit(g, ABC(KOP_NEWTABLE, a, 0, 0));
		g->ty[a] = TY_TAB;
		break;
	case 1:
		a = rnd_reg(g);
		emit(g, ABC(KOP_NEWPTABLE, a, 0, 0));
		g->ty[a] = TY_PTAB;
		break;
	case 2:
		t = reg_of(g, TY_TAB);
		emit(g, ABC(KOP_SETTABLE, t, rk_of(g, kt), rk_of(g, chance(g, 70) ? TY_NUM : TY_ANY)));
		break;
	case 3:
		t = reg_of(g, chance(g, 70) ? TY_TAB : TY_PTAB);
		a = rnd_reg(g);
		emit(g, ABC(KOP_GETTABLE, a, t, rk_of(g, kt)));
		g->ty[a] = g->ty[t] == TY_PTAB ? TY_STAT : TY_ANY;
		break;
	case 4:
		t = reg_of(g, TY_TAB);
		emit(g, ABC(KOP_INCRTABLE, t, rk_of(g, kt), rk_of(g, TY_NUM)));
		break;
	case 5:
		t = reg_of(g, TY_PTAB);
		emit(g, ABC(KOP_AGGREGATE, t, rk_of(g, kt), rk_of(g, TY_NUM)));
		break;
	default:
		a = pick(g, (uint32_t)g->f->frame - 1 ? (uint32_t)g->f->frame - 1 : 1);
		if (a + 2 > (uint32_t)g->f->frame)
			return;
		t = reg_of(g, TY_TAB);
		emit(g, ABC(KOP_SELF, a, t, rk_of(g, kt)));
		g->ty[a + 1] = g->ty[t];
		g->ty[a] = TY_ANY;
	}
}

/* fill a table in a loop: for i = 1, n do t[i] = i (or s[i % m] <<< i) end */
static void snip_fill(struct gen *g)
{
	uint32_t a = rnd_reg(g), t, prep, body;
	int ptab = chance(g, 40);
	if (a + 4 > (uint32_t)g->f->frame || !room(g, 12))
		return;
	t = reg_of(g, ptab ? TY_PTAB : TY_TAB);
	if (t >= a && t < a + 4) { /* the loop registers would clobber it: a new table after them */
		t = a + 4;
		if (t >= (uint32_t)g->f->frame)
			return;
		emit(g, ABC(ptab ? KOP_NEWPTABLE : KOP_NEWTABLE, t, 0, 0));
		g->ty[t] = ptab ? TY_PTAB : TY_TAB;
	}
	emit(g, ABX(KOP_LOADK, a, g->knum[1]));       /* 1 */
	emit(g, ABX(KOP_LOADK, a + 1, const_of(g, TY_NUM)));
	emit(g, ABX(KOP_LOADK, a + 2, g->knum[1]));
	prep = here(g);
	emit(g, ASBX(KOP_FORPREP, a, 0));
	body = here(g);
	if (ptab)
		emit(g, ABC(KOP_AGGREGATE, t, chance(g, 50) ? a + 3 : K(const_of(g, TY_STR)), a + 3));
	else if (chance(g, 70))
		emit(g, ABC(KOP_SETTABLE, t, a + 3, chance(g, 60) ? a + 3 : K(const_of(g, TY_ANY))));
	else
		emit(g, ABC(KOP_INCRTABLE, t, K(const_of(g, chance(g, 50) ? TY_STR : TY_NUM)), a + 3));
	patch(g, prep, here(g));
	emit(g, ASBX(KOP_FORLOOP, a, (int32_t)body - (int32_t)here(g) - 1));
	g->ty[a] = g->ty[a + 1] = g->ty[a + 2] = g->ty[a + 3] = TY_NUM;
}

static void snip_arith(struct gen *g)
{
	uint32_t a = rnd_reg(g), op = pick(g, 10);
	if (!room(g, 2))
		return;
	if (op < 6) {
		emit(g, ABC(KOP_ADD + op, a, rk_of(g, TY_NUM), rk_of(g, TY_NUM)));
		g->ty[a] = TY_NUM;
	} else if (op == 6) {
		emit(g, ABC(KOP_UNM, a, reg_of(g, TY_NUM), 0));
		g->ty[a] = TY_NUM;
	} else if (op == 7) {
		emit(g, ABC(KOP_NOT, a, rnd_reg(g), 0));
		g->ty[a] = TY_BOOL;
	} else if (op == 8) {
		emit(g, ABC(KOP_LEN, a, reg_of(g, chance(g, 50) ? TY_STR : chance(g, 50) ? TY_TAB : TY_PTAB), 0));
		g->ty[a] = TY_NUM;
	} else {
		uint32_t b = rnd_reg(g), n = 1 + pick(g, 4), i;
		if (b + n > (uint32_t)g->f->frame)
			n = (uint32_t)g->f->frame - b;
		for (i = 0; i < n && chance(g, 70); i++)
			load_kind(g, b + i, chance(g, 60) ? 's' : 'n');
		emit(g, ABC(KOP_CONCAT, a, b, b + n - 1));
		g->ty[a] = TY_STR;
	}
}

static void snip_misc(struct gen *g)
{
	uint32_t a = rnd_reg(g), n;
	if (!room(g, 8))
		return;
	switch (pick(g, 12)) {
	case 0:
		load_kind(g, a, "nstfSa"[pick(g, 6)]);
		break;
	case 1:
		n = 1 + pick(g, (uint32_t)g->f->frame - a);
		emit(g, ABC(KOP_LOADNIL, a, n, 0));
		while (n--)
			g->ty[a + n] = TY_NIL;
		break;
	case 2:
		if (chance(g, 50)) {
			emit(g, ABC(KOP_LOADBOOL, a, pick(g, 2), 1));
			emit(g, ABX(KOP_LOADK, rnd_reg(g), const_of(g, TY_ANY))); /* skipped */
		} else {
			emit(g, ABC(KOP_LOADBOOL, a, pick(g, 2), 0));
		}
		g->ty[a] = TY_BOOL;
		break;
	case 3: {
		uint32_t b = rnd_reg(g);
		emit(g, ABC(KOP_MOVE, a, b, 0));
		g->ty[a] = g->ty[b];
		break;
	}
	case 4: case 5: {
		uint32_t gi;
		if (!g->nglobal)
			break;
		gi = pick(g, g->nglobal);
		n = pick(g, 3);
		if (n == 0) {
			emit(g, ABX(KOP_GETGLOBAL, a, gi));
			g->ty[a] = g->gty[gi];
		} else if (n == 1) {
			emit(g, ABX(KOP_SETGLOBAL, chance(g, 80) && g->gty[gi] != TY_ANY &&
				    find_reg(g, g->gty[gi], &a) ? a : rnd_reg(g), gi));
		} else {
			emit(g, ABX(KOP_ADDGLOBAL, reg_of(g, TY_NUM), gi));
		}
		break;
	}
	case 6: case 7: { /* print / printf with a matching format */
		uint32_t argc = pick(g, 5), i;
		if (a + argc > (uint32_t)g->f->frame)
			break;
		for (i = 0; i < argc && chance(g, 60); i++)
			load_kind(g, a + i, "nsa"[pick(g, 3)]);
		if (chance(g, 50) || g->fmt_by_argc[argc] == KB_NONE)
			emit(g, ABC(KOP_PRINT, a, argc, 0));
		else
			emit(g, ABC(KOP_PRINTF, a, argc, g->fmt_by_argc[argc]));
		break;
	}
	case 8:
		emit(g, ABC(KOP_EVARG, a, 1 + pick(g, 9), 0));
		g->ty[a] = TY_ANY;
		break;
	case 9:
		emit(g, ABX(KOP_EVFIELD, a, chance(g, 80) ? g->fieldname[pick(g, 6)] : pick(g, g->b->nstr)));
		g->ty[a] = TY_ANY;
		break;
	case 10:
		emit(g, ABC(KOP_EVINFO, a, pick(g, 2), 0));
		g->ty[a] = TY_ANY;
		break;
	default:
		if (g->f->vararg) {
			n = 1 + pick(g, 4); /* B-1 values */
			if (a + n - 1 > (uint32_t)g->f->frame)
				break;
			emit(g, ABC(KOP_VARARG, a, n, 0));
		} else if (chance(g, 30)) { /* an early return of fixed values */
			n = pick(g, (uint32_t)g->f->frame - a + 1);
			emit(g, ABC(KOP_RETURN, a, n + 1, 0));
		}
	}
}

/* Any opcode with operands merely in range for its format: loops without their prep,
 * for-in steps on anything, calls of whatever the register holds. */
static void snip_raw(struct gen *g)
{
	uint32_t op = pick(g, KOP_TAILCALL + 1), fr = (uint32_t)g->f->frame;
	uint32_t a = rnd_reg(g), b = rnd_reg(g), c = rnd_reg(g);
	if (!room(g, 4))
		return;
	switch (op) {
	case KOP_LOADK: emit(g, ABX(op, a, pick(g, g->b->nconst))); break;
	case KOP_LOADNIL: emit(g, ABC(op, a, 1 + pick(g, fr - a), 0)); break;
	case KOP_LOADFN: case KOP_LOADBUILTIN: case KOP_NEWTABLE: case KOP_NEWPTABLE: case KOP_GETGLOBAL:
	case KOP_SETGLOBAL: case KOP_ADDGLOBAL: case KOP_PRINT: case KOP_PRINTF: case KOP_EVARG:
	case KOP_EVFIELD: case KOP_EVINFO: case KOP_VARARG: case KOP_RETURN: case KOP_LOADBOOL:
	case KOP_EQ: case KOP_LT: case KOP_LE: case KOP_TEST: case KOP_TESTSET:
		snip_misc(g);
		break;
	case KOP_CONCAT: emit(g, ABC(op, a, b < c ? b : c, b < c ? c : b)); break;
	case KOP_JMP: emit_random_jump(g, op, 0); break;
	case KOP_FORPREP: case KOP_FORLOOP: /* the verifier pairs them: a loop on whatever a..a+2 hold */
		if (a + 4 <= fr && room(g, 8)) {
			uint32_t prep = here(g), body;
			emit(g, ASBX(KOP_FORPREP, a, 0));
			body = here(g);
			if (chance(g, 50))
				snip_arith(g);
			patch(g, prep, here(g));
			emit(g, ASBX(KOP_FORLOOP, a, (int32_t)body - (int32_t)here(g) - 1));
		}
		break;
	case KOP_TFORCALL: case KOP_TFORLOOP: { /* the pair, calling whatever R(a) holds, looping anywhere */
		uint32_t n = 1 + pick(g, 3);
		if (a + n + 3 <= fr) {
			emit(g, ABC(KOP_TFORCALL, a, 0, n));
			g->noland[here(g)] = 1;
			emit_random_jump(g, KOP_TFORLOOP, a + 2);
		}
		break;
	}
	case KOP_CALL: {
		uint32_t nb = 1 + pick(g, fr - a), nc = pick(g, 4);
		if (nc >= 2 && a + nc - 1 > fr)
			nc = 1;
		if (nc == 0)
			nc = 1; /* C=0 would make the next instruction a possible consumer: fine, but keep raw simple */
		emit(g, ABC(op, a, nb, nc));
		break;
	}
	case KOP_TAILCALL: /* fixed count, C=0: whatever R(a) holds replaces this frame (the code
			    * after it is reached only by jumps, as after RETURN) */
		emit(g, ABC(op, a, 1 + pick(g, fr - a), 0));
		break;
	case KOP_SETLIST: /* fixed count: R(a+1..a+B) inside the frame, into whatever R(a) holds */
		if (a + 1 < fr)
			emit(g, ABC(op, a, 1 + pick(g, fr - a - 1), pick(g, 512)));
		break;
	case KOP_SELF:
		if (a + 2 <= fr)
			emit(g, ABC(op, a, b, chance(g, 50) ? c : K(pick(g, g->b->nconst))));
		break;
	case KOP_GETTABLE:
		emit(g, ABC(op, a, b, chance(g, 50) ? c : K(pick(g, g->b->nconst))));
		break;
	case KOP_SETTABLE: case KOP_INCRTABLE: case KOP_AGGREGATE: case KOP_ADD: case KOP_SUB:
	case KOP_MUL: case KOP_DIV: case KOP_MOD: case KOP_POW:
		emit(g, ABC(op, a, chance(g, 50) ? b : K(pick(g, g->b->nconst)),
			    chance(g, 50) ? c : K(pick(g, g->b->nconst))));
		break;
	default: /* MOVE UNM NOT LEN */
		emit(g, ABC(op, a, b, 0));
	}
	if (a < fr)
		g->ty[a] = TY_ANY;
}

/* upvalues and cells: GETUPVAL/SETUPVAL/UPCELL within the function's count, BOX of any
 * register (a cell BOXed again is a run-time error), GETCELL/SETCELL on (mostly) cells, and
 * closures stored into globals and tables (as values and keys), where other handlers' calls
 * find them, into one of their own cells (`local function f`: a cycle), or made and
 * dropped: the reclaimer must take back whatever no place holds (check_reclaimed) */
static void snip_closure(struct gen *g)
{
	uint32_t a = rnd_reg(g), c;
	if (!room(g, 12))
		return;
	switch (pick(g, 8)) {
	case 0:
		if (g->f->nup) {
			emit(g, ABC(KOP_GETUPVAL, a, pick(g, (uint32_t)g->f->nup), 0));
			g->ty[a] = TY_ANY;
			return;
		}
		/* fall through */
	case 1:
		if (g->f->nup) {
			emit(g, ABC(KOP_SETUPVAL, reg_of(g, chance(g, 50) ? TY_NUM : TY_ANY), pick(g, (uint32_t)g->f->nup), 0));
			return;
		}
		/* fall through */
	case 2:
		emit(g, ABC(KOP_BOX, a, 0, 0));
		g->ty[a] = TY_CELL;
		return;
	case 3:
		c = reg_of(g, TY_CELL);
		emit(g, ABC(KOP_GETCELL, a, c, 0));
		g->ty[a] = TY_ANY;
		return;
	case 4:
		emit(g, ABC(KOP_SETCELL, reg_of(g, TY_CELL), rnd_reg(g), 0));
		return;
	case 5:
		if (g->f->nup) {
			emit(g, ABC(KOP_UPCELL, a, pick(g, (uint32_t)g->f->nup), 0));
			g->ty[a] = TY_CELL;
			return;
		}
		/* fall through */
	default: { /* a closure into a global or a table */
		unsigned i, start = pick(g, g->nfns);
		for (i = 0; i < g->nfns; i++) {
			struct fsig *fs = &g->fns[(start + i) % g->nfns];
			if (fs->nup && !(fs->flags & 3)) {
				uint32_t k = pick(g, 100), t;
				if (emit_fn_value(g, a, fs))
					return;
				if (k < 35 && g->nglobal) {
					emit(g, ABX(KOP_SETGLOBAL, a, pick(g, g->nglobal)));
				} else if (k < 60) {
					t = reg_of(g, TY_TAB);
					if (chance(g, 25))
						emit(g, ABC(KOP_SETTABLE, t, a, K(const_of(g, TY_NUM))));
					else
						emit(g, ABC(KOP_SETTABLE, t, K(const_of(g, TY_NUM)), a));
				} else if (k < 75) { /* the cells were loaded into a+1..a+nup */
					emit(g, ABC(KOP_SETCELL, a + 1 + pick(g, (uint32_t)fs->nup), a, 0));
				} /* else made and dropped: only the register holds it */
				return;
			}
		}
	}
	}
}

static void gen_block(struct gen *g, int depth, unsigned len)
{
	unsigned i;
	for (i = 0; i < len && room(g, 4); i++) {
		uint32_t k = pick(g, 100);
		if (k < 14)
			snip_arith(g);
		else if (k < 30)
			snip_table(g);
		else if (k < 48)
			snip_misc(g);
		else if (k < 60)
			snip_call(g);
		else if (k < 67)
			snip_open(g);
		else if (k < 72 && depth < 3)
			snip_numfor(g, depth);
		else if (k < 79 && depth < 3)
			snip_genfor(g, depth);
		else if (k < 87 && depth < 3)
			snip_if(g, depth);
		else if (k < 91)
			snip_fill(g);
		else if (k < 95)
			snip_closure(g);
		else
			snip_raw(g);
	}
}

/* ---- functions ---- */
static void begin_fn(struct gen *g, struct fsig *fs)
{
	int i;
	g->f = fs;
	g->nrj = 0;
	memset(g->noland, 0, sizeof(g->noland));
	for (i = 0; i < 256; i++)
		g->ty[i] = i < fs->params ? TY_ANY : TY_NIL;
	/* nested snippets may pass the cap by < 100 instructions: 400 keeps clear of KB_MAX */
	g->cap = 24 + pick(g, 180);
	if (chance(g, 5))
		g->cap = 400;
}

static void end_fn(struct gen *g)
{
	struct kb_func *f = &g->b->funcs[g->f->idx];
	unsigned j;
	/* sometimes end with an open return (return g()), else a plain one */
	if (!g->eof && here(g) + 40 < KB_MAX && chance(g, 15)) {
		uint32_t a = rnd_reg(g);
		if (emit_producer(g, a) == 0) {
			g->noland[here(g)] = 1;
			emit(g, ABC(KOP_RETURN, a, 0, 0));
		}
	}
	if (here(g) >= KB_MAX)
		f->n = KB_MAX - 1; /* never happens with the caps above; keep the last slot */
	emit(g, ABC(KOP_RETURN, 0, 1, 0));
	/* random jump targets: anywhere, but never onto a B=0 consumer (only its producer
	 * may reach it) */
	for (j = 0; j < g->nrj; j++) {
		uint32_t t = (uint32_t)(((uint64_t)g->rj[j].choice * f->n) >> 16);
		while (t > 0 && g->noland[t])
			t--;
		patch(g, g->rj[j].at, t);
	}
}

static void gen_comparator(struct gen *g)
{
	/* cmp(x, y): return x < y */
	emit(g, ABC(KOP_LOADBOOL, 2, 1, 0));
	emit(g, ABC(KOP_LT, 1, 0, 1));
	emit(g, ASBX(KOP_JMP, 0, 1));
	emit(g, ABC(KOP_LOADBOOL, 2, 0, 0));
	emit(g, ABC(KOP_RETURN, 2, 2, 0));
}

static void gen_main_prologue(struct gen *g)
{
	unsigned i;
	/* globals: tables, ptables, numbers, strings, some pre-filled */
	for (i = 0; i < g->nglobal && room(g, 16); i++) {
		uint32_t r = pick(g, (uint32_t)g->f->frame);
		int t = (int)pick(g, 5);
		static const char kinds[5] = { 't', 't', 'n', 's', 'a' };
		uint8_t tt;
		if (t == 0 && r + 3 < (uint32_t)g->f->frame && chance(g, 40)) {
			/* ptable(min, max, step): its cells keep linear buckets too (lhist per key);
			 * the numbers may make no valid layout, which is a runtime error */
			static const int64_t lay[][3] = { { 0, 100, 10 }, { -1000, 1000, 7 }, { 0, 1, 1 },
				{ INT64_MIN, INT64_MAX, 1LL << 55 }, { -1000, INT64_MAX - 1, 1LL << 54 } };
			const int64_t *l = lay[pick(g, 5)];
			int j;
			emit(g, ABX(KOP_LOADBUILTIN, r, KBI_PTABLE));
			for (j = 1; j <= 3; j++) {
				uint32_t kk = chance(g, 85) ? kb_knum(g->b, l[j - 1]) : const_of(g, TY_NUM);
				g->kty[kk] = TY_NUM;
				emit(g, ABX(KOP_LOADK, r + (uint32_t)j, kk));
			}
			emit(g, ABC(KOP_CALL, r, 4, 2));
			g->ty[r + 1] = g->ty[r + 2] = g->ty[r + 3] = TY_NUM;
			tt = TY_PTAB;
		} else if (t == 0) {
			emit(g, ABC(KOP_NEWPTABLE, r, 0, 0));
			tt = TY_PTAB;
		} else if (t == 1) {
			emit(g, ABC(KOP_NEWTABLE, r, 0, 0));
			tt = TY_TAB;
		} else {
			load_kind(g, r, kinds[t]);
			tt = g->ty[r];
		}
		g->ty[r] = tt;
		if (tt == TY_TAB || tt == TY_PTAB) {
			unsigned j, n = pick(g, 5);
			for (j = 0; j < n; j++)
				emit(g, ABC(tt == TY_TAB ? KOP_SETTABLE : KOP_AGGREGATE, r,
					    K(const_of(g, chance(g, 50) ? TY_NUM : TY_STR)), K(const_of(g, TY_NUM))));
		}
		emit(g, ABX(KOP_SETGLOBAL, r, i));
		g->gty[i] = tt == TY_FN || tt == TY_STAT ? TY_ANY : tt;
	}
}

static uint32_t add_str_const(struct gen *g, const char *s)
{
	uint32_t k = kb_kstr(g->b, s);
	g->kty[k] = TY_STR;
	g->kstr[g->nkstr++] = k;
	return k;
}
static uint32_t add_num_const(struct gen *g, int64_t v)
{
	uint32_t k = kb_knum(g->b, v);
	g->kty[k] = TY_NUM;
	g->knum[g->nknum++] = k;
	return k;
}

/* printf formats whose conversions number argc, as the verifier counts them */
static void make_format(struct gen *g, unsigned argc, char *buf, size_t cap)
{
	static const char conv[] = "diuxXocsp";
	static const char *flags[] = { "", "-", "0", "+", " ", "#", "-08", "5", ".3", "-10.2", "08" };
	size_t n = 0;
	unsigned i;
	if (chance(g, 30))
		n += (size_t)snprintf(buf + n, cap - n, "%%%% ");
	for (i = 0; i < argc && n + 16 < cap; i++) {
		const char *fl = chance(g, 50) ? "" : flags[pick(g, sizeof(flags) / sizeof(flags[0]))];
		const char *len = chance(g, 85) ? "" : chance(g, 50) ? "l" : "ll";
		n += (size_t)snprintf(buf + n, cap - n, "%s%%%s%s%c", i ? " " : "", fl, len, conv[pick(g, 9)]);
	}
	snprintf(buf + n, cap - n, "%s", chance(g, 50) ? "\n" : "");
}

void gen_bundle(const uint8_t *data, size_t size, struct kb *b, struct gen_budget *bud)
{
	static struct gen gs;
	struct gen *g = &gs;
	unsigned i, nh, np, nextra, mainpos;
	static const int64_t nums[] = { 0, 1, -1, 2, 3, 7, 10, 16, 100, 255, 256, 1000, -1000, 65536, 1LL << 32 };
	static const int64_t extremes[] = { INT64_MIN, INT64_MAX, INT64_MIN + 1, INT64_MAX - 1, 1LL << 55,
					    -(1LL << 55), 1LL << 62, 4096 };
	static const char *strs[] = { "", "a", "key", "prev_comm", "%d", "%s=%d\n", "hello world", "%p %x %o" };
	char fmt[128];

	memset(g, 0, sizeof(*g));
	g->data = data;
	g->size = size;
	g->b = b;
	kb_init(b, 2);

	/* budgets: small, so one execution stays fast (every run of a handler may use them
	 * all); the large ones rarely, since each session allocates its arena afresh */
	bud->insns = chance(g, 90) ? 100 + pick(g, 2900) : 10000;
	bud->depth = 2 + pick(g, 31);
	bud->string_len = 16u << pick(g, 9);          /* 16 .. 4096 */
	bud->table_entries = 8 + pick(g, 993);
	bud->memory = (64u << 10) << (chance(g, 85) ? pick(g, 2) : pick(g, 5)); /* 64 KiB .. 1 MiB */
	if (chance(g, 10)) { /* a LIMITS section the caller's limits override or not */
		b->limits[b->nlimit].key = 1 + pick(g, 5);
		b->limits[b->nlimit].v = pick64(g) >> pick(g, 64);
		b->nlimit++;
	}

	/* constants: the fixed ones first (knum[1] is 1), then extra random ones */
	for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		add_num_const(g, nums[i]);
	for (i = 0; i < sizeof(extremes) / sizeof(extremes[0]); i++) {
		uint32_t k = kb_knum(b, extremes[i]);
		g->kty[k] = TY_NUM;
		g->kextreme[g->nkextreme++] = k;
	}
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
		add_str_const(g, strs[i]);
	{
		char longs[201];
		memset(longs, 'x', 200);
		longs[200] = 0;
		add_str_const(g, longs);
	}
	g->kmisc[g->nkmisc] = kb_knil(b); g->kty[g->kmisc[g->nkmisc++]] = TY_NIL;
	g->kmisc[g->nkmisc] = kb_kbool(b, 1); g->kty[g->kmisc[g->nkmisc++]] = TY_BOOL;
	g->kmisc[g->nkmisc] = kb_kbool(b, 0); g->kty[g->kmisc[g->nkmisc++]] = TY_BOOL;
	nextra = pick(g, 12);
	for (i = 0; i < nextra; i++) {
		if (chance(g, 60)) {
			/* Negated as unsigned: the value may be INT64_MIN, whose signed negation
			 * overflows (the generator, not the VM, was the first finding of a long run). */
			uint64_t v = pick64(g) >> pick(g, 64);
			add_num_const(g, (int64_t)(chance(g, 30) ? 0 - v : v));
		} else {
			char s[24];
			unsigned j, n = pick(g, 12);
			for (j = 0; j < n; j++)
				s[j] = (char)(32 + pick(g, 95));
			s[n] = 0;
			add_str_const(g, s);
		}
	}
	g->fieldname[0] = kb_str(b, "prev_comm");
	g->fieldname[1] = kb_str(b, "prev_pid");
	g->fieldname[2] = kb_str(b, "next_comm");
	g->fieldname[3] = kb_str(b, "nope");
	g->fieldname[4] = kb_str(b, "");
	g->fieldname[5] = kb_str(b, "key");

	/* formats: one printf format per argument count 0..4, and a print format */
	for (i = 0; i < 8; i++)
		g->fmt_by_argc[i] = KB_NONE;
	for (i = 0; i < 5; i++) {
		make_format(g, i, fmt, sizeof(fmt));
		g->fmt_by_argc[i] = kb_format(b, 1, (int)i, fmt);
	}
	kb_format(b, 2, 1, 0);

	g->nglobal = 1 + pick(g, 8);
	for (i = 0; i < g->nglobal; i++) {
		char name[8];
		snprintf(name, sizeof(name), "g%u", i);
		kb_global(b, name);
	}

	/* functions: main, handlers (flags 2, no parameters), plain ones */
	nh = 1 + pick(g, 3);
	np = pick(g, 5);
	mainpos = pick(g, nh + np + 1);
	for (i = 0; i < 1 + nh + np; i++) {
		struct fsig *fs = &g->fns[g->nfns++];
		/* roles in table order: handlers take the first nh slots that are not main */
		unsigned nonmain = i - (i > mainpos);
		unsigned role = i == mainpos ? 0 : nonmain < nh ? 1 : 2;
		fs->flags = role == 0 ? 1 : role == 1 ? 2 : 0;
		fs->params = role == 2 ? (int)pick(g, 4) : 0;
		fs->vararg = role == 2 && chance(g, 30);
		fs->cmp = role == 2 && fs->params == 2 && !fs->vararg && chance(g, 60);
		fs->frame = 4 + (int)pick(g, 28);
		if (chance(g, 5))
			fs->frame = 1 + (int)pick(g, 4);
		if (chance(g, 4))
			fs->frame = 250;
		if (fs->frame < fs->params)
			fs->frame = fs->params;
		if (fs->cmp && fs->frame < 3)
			fs->frame = 3;
		fs->nup = role == 2 && !fs->cmp && chance(g, 40) ? 1 + (int)pick(g, 3) : 0;
		fs->idx = kb_func(b, role == 0 ? 0 : role == 1 ? "handler" : "fn", fs->params, fs->vararg,
				  fs->frame, fs->flags);
		if (fs->nup)
			kb_func_upvalues(b, fs->idx, (uint32_t)fs->nup);
	}
	/* events: each handler gets one or two; tick and trace_end run without an event */
	for (i = 0; i < g->nfns; i++) {
		unsigned j, ne;
		if (g->fns[i].flags != 2)
			continue;
		ne = 1 + pick(g, 2);
		for (j = 0; j < ne; j++) {
			switch (pick(g, 6)) {
			case 0: kb_event(b, 8, g->fns[i].idx, "tick-1ms", 0, 1000000); break;
			case 5: { /* watchpoint: every LEN:ACCESS the loader takes, an address aligned
				   * for all of them and within a 32-bit word (ktapvm.h) */
				static const char *const attrs[] = { "1:r", "1:w", "1:rw", "2:r", "2:w", "2:rw",
								     "4:r", "4:w", "4:rw", "8:r", "8:w", "8:rw" };
				kb_event(b, 13, g->fns[i].idx, "watchpoint:vm_swappiness:4:w",
					 attrs[pick(g, 12)], 0xc1000000u + 8u * pick(g, 256));
				break;
			}
			case 1: kb_event(b, 10, g->fns[i].idx, "trace_end", 0, 0); break;
			case 2: kb_event(b, 9, g->fns[i].idx, "profile-1ms", 0, 1000000); break;
			case 3: kb_event(b, 2, g->fns[i].idx, "kprobe:do_sys_open", "do_sys_open", 0); break;
			default: kb_event(b, 1, g->fns[i].idx, "sched:sched_switch", "sched:sched_switch", 0);
			}
		}
	}
	/* bodies: main first (it sets the globals' types), then the rest */
	for (i = 0; i < g->nfns; i++)
		if (g->fns[i].flags == 1) {
			begin_fn(g, &g->fns[i]);
			gen_main_prologue(g);
			gen_block(g, 0, 64);
			end_fn(g);
		}
	for (i = 0; i < g->nfns; i++) {
		if (g->fns[i].flags == 1)
			continue;
		begin_fn(g, &g->fns[i]);
		if (g->fns[i].cmp) {
			gen_comparator(g);
		} else {
			/* plain functions often start by calling themselves: recursion to the depth
			 * budget, or to the end of the register stack with big frames */
			if (!(g->fns[i].flags & 3) && chance(g, 25)) {
				uint32_t r = pick(g, (uint32_t)g->fns[i].frame), n = 0;
				if (g->fns[i].nup) /* a closure calls itself through the cell holding it */
					emit(g, ABC(KOP_GETUPVAL, r, 0, 0));
				else
					emit(g, ABX(KOP_LOADFN, r, g->fns[i].idx));
				while (r + 1 + n < (uint32_t)g->fns[i].frame && (int)n < g->fns[i].params)
					load_kind(g, r + 1 + n++, 'a');
				emit(g, ABC(KOP_CALL, r, n + 1, chance(g, 30) ? 0 : 1));
			}
			gen_block(g, 0, 64);
		}
		end_fn(g);
	}
}
