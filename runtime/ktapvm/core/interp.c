/*
 * interp.c - the bytecode interpreter. Script calls never recurse in C: frames live in
 * the CPU's frame array and registers in its register stack. The only C re-entry is a
 * built-in calling a script function (sort_pairs' comparator), limited to one level.
 */
#include "kvm.h"

const char *kvm_type_name(u32 t);

const char *kvm_type_name(u32 t)
{
	static const char *const names[] = { "nil", "boolean", "boolean", "number", "string",
		"table", "ptable", "statistics", "function", "function", "event", "stack", "?", "?",
		"function", "upvalue cell" };
	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

static const char *const budget_names[KTAP_LIMIT_COUNT] = { "", "instructions per handler run",
	"call depth", "string length", "table entries", "session memory" };

/* Report a runtime error at the current instruction of the top frame: count it (in the
 * slot: no lock), emit an ERROR record the first time this site fails. Returns the
 * negative error. */
static KVM_COLD int rt_error(struct ktap_session *s, struct kvm_cpu *c, u32 nframes,
							 int code, const char *msg)
{
	u32 pc = nframes ? c->frames[nframes - 1].pc : 0, fn = nframes ? c->frames[nframes - 1].fn : 0;
	u32 key = code > RT_BUDGET_BASE ? (u32)(code - RT_BUDGET_BASE) : 0;
	char buf[112];
	if (code == RT_STOPPED) {
		msg = "stopped: a fatal signal is pending for the process running the script";
		key = KTAP_LIMIT_INSNS;
	} else if (code == RT_BUDGET_TIME) {
		kvm_snprintf(buf, sizeof(buf), "budget exceeded: handler run time (limit %llu ns)",
			     (unsigned long long)s->bounds.run_ns);
		msg = buf;
		key = KTAP_LIMIT_INSNS;
	} else if (code == RT_BUDGET_INSNS) {
		kvm_snprintf(buf, sizeof(buf), "budget exceeded: %s (limit %llu)",
			     c->process ? "instructions of the main chunk or trace_end" : budget_names[key],
			     (unsigned long long)(c->process ? s->bounds.process_insns : s->lim[key]));
		msg = buf;
	} else if (key) {
		kvm_snprintf(buf, sizeof(buf), "budget exceeded: %s (limit %llu)", budget_names[key],
			     (unsigned long long)s->lim[key]);
		msg = buf;
	}
	c->n_errors++;
	if (key)
		c->n_budget[key]++;
	/* the record carries the public code (the time bound and a signal count as the
	 * instruction budget, 101, with their own message). The first failure of a site
	 * reports it; two CPUs failing at once both see 0 at
	 * most once each, so a site reports at most once per CPU */
	if (pc < s->b.ncode && __atomic_exchange_n(&s->site_errors[pc], 1, __ATOMIC_RELAXED) == 0)
		kvm_rec_error(s, c, fn, pc, key ? RT_BUDGET_BASE + (int)key : code, msg);
	return key ? -KTAP_ERANGE : -KTAP_EINVAL;
}

static int truth(const struct kv *v)
{
	return v->t != KT_NIL && v->t != KT_FALSE;
}

static int arith(u32 op, const struct kv *b, const struct kv *c, struct kv *out)
{
	s64 x, y, r;
	if (b->t == KT_NIL || c->t == KT_NIL) {
		out->t = KT_NIL;
		return 0;
	}
	if (b->t != KT_NUMBER || c->t != KT_NUMBER)
		return RT_ARITH;
	x = b->u.n;
	y = c->u.n;
	switch (op) {
	case OP_ADD: r = (s64)((u64)x + (u64)y); break;
	case OP_SUB: r = (s64)((u64)x - (u64)y); break;
	case OP_MUL: r = (s64)((u64)x * (u64)y); break;
	case OP_DIV:
	case OP_MOD:
		if (y == 0)
			return RT_DIVZERO;
		if (y == -1) /* avoid the INT64_MIN / -1 trap */
			r = op == OP_DIV ? (s64)(0 - (u64)x) : 0;
		else
			r = op == OP_DIV ? x / y : x % y;
		break;
	default: { /* POW, by squaring with wrap-around */
		u64 base = (u64)x, acc = 1;
		if (y < 0)
			return RT_NEGPOW;
		while (y) {
			if (y & 1)
				acc *= base;
			base *= base;
			y >>= 1;
		}
		r = (s64)acc;
	}
	}
	out->t = KT_NUMBER;
	out->u.n = r;
	return 0;
}

static int compare(u32 op, const struct kv *b, const struct kv *c, int *res)
{
	if (b->t == KT_NUMBER && c->t == KT_NUMBER) {
		*res = op == OP_LT ? b->u.n < c->u.n : b->u.n <= c->u.n;
		return 0;
	}
	if (b->t == KT_STRING && c->t == KT_STRING) {
		u32 n = b->u.s->len < c->u.s->len ? b->u.s->len : c->u.s->len;
		int d = kvm_memcmp(b->u.s->data, c->u.s->data, n);
		if (d == 0)
			d = b->u.s->len < c->u.s->len ? -1 : b->u.s->len > c->u.s->len;
		*res = op == OP_LT ? d < 0 : d <= 0;
		return 0;
	}
	return RT_COMPARE;
}

int kvm_num_to_str(s64 n, char *buf) /* buf >= 21 bytes; returns the length */
{
	char tmp[21];
	u64 u = n < 0 ? 0 - (u64)n : (u64)n;
	int len = 0, i = 0;
	do {
		tmp[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		buf[i++] = '-';
	while (len)
		buf[i++] = tmp[--len];
	return i;
}

static int concat(struct ktap_session *s, struct kvm_cpu *c, struct kv *r, u32 from, u32 to,
		  struct kv *out)
{
	u64 total = 0;
	u32 i;
	int err;
	struct kstr *k;
	char num[24];
	for (i = from; i <= to; i++) {
		if (r[i].t == KT_STRING)
			total += r[i].u.s->len;
		else if (r[i].t == KT_NUMBER)
			total += (u32)kvm_num_to_str(r[i].u.n, num);
		else
			return RT_CONCAT;
	}
	if (total > s->lim[KTAP_LIMIT_STRING_LEN])
		return RT_BUDGET_STRING;
	if ((err = kvm_charge(s, c, total / 64))) /* the bytes copied */
		return err;
	k = kvm_str_scratch(s, c, 0, (u32)total);
	if (!k)
		return RT_BUDGET_MEMORY;
	total = 0;
	for (i = from; i <= to; i++) {
		if (r[i].t == KT_STRING) {
			kvm_memcpy(k->data + total, r[i].u.s->data, r[i].u.s->len);
			total += r[i].u.s->len;
		} else {
			int n = kvm_num_to_str(r[i].u.n, num);
			kvm_memcpy(k->data + total, num, (u64)n);
			total += (u32)n;
		}
	}
	k->hash = kvm_hash(k->data, k->len);
	out->t = KT_STRING;
	out->u.s = k;
	return 0;
}

int kvm_index(struct ktap_session *s, struct kvm_cpu *c, const struct kv *t, const struct kv *k,
	      struct kv *out)
{
	if (t->t == KT_TABLE) {
		struct kstat cell;
		kvm_tab_get(t->u.tab, k, out, &cell);
		return kvm_kv_own(c, out);
	}
	if (t->t == KT_PTABLE) {
		int err = kvm_charge(s, c, (u64)s->ncpu + 1); /* one lookup per slot */
		return err ? err : kvm_ptab_get(s, c, t->u.ptab, k, out);
	}
	return RT_INDEX;
}

static int settable(struct ktap_session *s, const struct kv *t, struct kv k, struct kv v)
{
	int err;
	if (t->t == KT_PTABLE)
		return RT_PTABLE_WRITE;
	if (t->t != KT_TABLE)
		return RT_INDEX;
	if (k.t == KT_NIL)
		return RT_NILKEY;
	/* the key is made persistent only if it is new; the table takes v's reference */
	if ((err = kvm_kv_persist(s, &v)))
		return err;
	return kvm_tab_set(s, t->u.tab, &k, &v);
}

static void ev_value(struct ktap_session *s, struct kvm_cpu *c, const struct ktap_evval *e, struct kv *out)
{
	out->t = KT_NIL;
	if (e->kind == KTAP_EV_NUMBER) {
		out->t = KT_NUMBER;
		out->u.n = e->number;
	} else if (e->kind == KTAP_EV_STRING) {
		struct kstr *k = kvm_str_scratch(s, c, e->str, e->len);
		if (k) {
			out->t = KT_STRING;
			out->u.s = k;
		}
	}
}

static void msg_for(char *buf, int err, const char *what);

/* Set up a call of the script function fv whose value sits at absolute register fa, with
 * nargs arguments after it. Returns 0 with the new frame pushed, or an RT_ code. */
static int push_frame(struct ktap_session *s, struct kvm_cpu *c, u32 *nframes, u32 fa, u32 nargs,
		      s32 want)
{
	const struct kvm_func *f;
	struct kvm_frame *fr;
	struct kclosure *cl = c->regs[fa].t == KT_CLOSURE ? c->regs[fa].u.cl : 0;
	u32 base = fa + 1, i;
	/* function values come only from LOADFN/CLOSURE (verified) or copies of them; checked
	 * anyway, with the frame flags: main and handlers are never called */
	if (c->regs[fa].aux >= s->b.nfunc || (s->b.funcs[c->regs[fa].aux].flags & 3))
		return RT_CALL;
	f = &s->b.funcs[c->regs[fa].aux];
	/* a function with upvalues runs only as a closure made for it, with its count of
	 * cells: the upvalue instructions (verified against nup) then always find them */
	if (f->nup && (!cl || cl->fn != c->regs[fa].aux || cl->n != f->nup))
		return RT_CALL;
	if (*nframes >= s->lim[KTAP_LIMIT_CALL_DEPTH])
		return RT_BUDGET_DEPTH;
	if (f->vararg)
		base = fa + 1 + nargs;
	if ((u64)base + f->frame + nargs > KVM_REGSTACK)
		return RT_BUDGET_DEPTH;
	fr = &c->frames[*nframes];
	fr->fn = c->regs[fa].aux;
	fr->cl = cl;
	fr->func_slot = fa;
	fr->want = want;
	fr->varg_base = fa + 1 + f->params;
	fr->varg_count = nargs > f->params ? nargs - f->params : 0;
	if (f->vararg) {
		for (i = 0; i < f->params; i++)
			c->regs[base + i] = i < nargs ? c->regs[fa + 1 + i] : (struct kv){ 0, 0, { 0 } };
		for (i = f->params; i < f->frame; i++)
			c->regs[base + i].t = KT_NIL;
	} else {
		for (i = nargs; i < f->frame; i++)
			c->regs[base + i].t = KT_NIL;
	}
	fr->base = base;
	fr->pc = f->code_start;
	fr->serial = ++c->serial;
	(*nframes)++;
	return 0;
}

/* A built-in's results into R(dst)...: want >= 0 lies in the frame (verified); all of
 * them (want < 0) may reach past it, so the end of the register stack is checked. */
static int fill_results(struct kvm_cpu *c, u32 dst, const struct kv *src, u32 n, s32 want, u64 serial)
{
	u32 i, lim = want < 0 ? n : (u32)want;
	if (want < 0 && (u64)dst + n > KVM_REGSTACK)
		return RT_BUDGET_DEPTH;
	for (i = 0; i < lim; i++) {
		if (i < n)
			c->regs[dst + i] = src[i];
		else
			c->regs[dst + i].t = KT_NIL;
	}
	if (want < 0) {
		c->top = dst + n;
		c->top_serial = serial;
	}
	return 0;
}

static int call_builtin(struct ktap_session *s, struct kvm_cpu *c, u32 nframes, u32 id, u32 args,
			u32 nargs, u32 dst, s32 want)
{
	struct kv res[3];
	u32 nres = 0;
	int err;
	c->tmp[0] = 0;
	c->nframes = nframes;
	c->args_end = args + nargs; /* a nested call's frame goes above the arguments */
	err = kvm_builtin(s, c, id, &c->regs[args], nargs, res, &nres, c->tmp);
	if (err < 0)
		return err; /* a nested script call failed and was reported */
	if (!err)
		err = fill_results(c, dst, res, nres, want, c->frames[nframes - 1].serial);
	if (err) {
		if (!c->tmp[0])
			msg_for(c->tmp, err, 0);
		c->frames[nframes - 1].pc--; /* report the CALL itself; the handler stops here */
		return rt_error(s, c, nframes, err, c->tmp);
	}
	return 0;
}

#define RA (&r[base + INSN_A(i)])
#define RB (&r[base + INSN_B(i)])
#define RKB (RK_IS_K(INSN_B(i)) ? &k[INSN_B(i) - 256] : &r[base + INSN_B(i)])
#define RKC (RK_IS_K(INSN_C(i)) ? &k[INSN_C(i) - 256] : &r[base + INSN_C(i)])
#define FAIL(code, ...) do { kvm_snprintf(c->tmp, 256, __VA_ARGS__); \
	err = (code); goto error; } while (0)
#define CHECK(expr) do { err = (expr); if (err) { msg_for(c->tmp, err, 0); goto error; } } while (0)
/* an operation that charges work to the budget: the local count is written back first */
#define CHARGED(expr) do { SAVE(); err = (expr); LOAD(); if (err) { msg_for(c->tmp, err, 0); goto error; } } while (0)

static void msg_for(char *buf, int err, const char *what)
{
	static const char *const m[RT_ERROR_END] = {
#define KTAP_RUNTIME_ERROR(code, name, message) [code] = message,
#include "../ktap_runtime_errors.def"
#undef KTAP_RUNTIME_ERROR
	};
	if (err > 0 && err < RT_ERROR_END && m[err])
		kvm_snprintf(buf, 256, "%s%s", m[err], what ? what : "");
	else
		buf[0] = 0;
}

/* Run frames until their count drops back to floor. */
static int run(struct ktap_session *s, struct kvm_cpu *c, u32 nframes, u32 floor)
{
	struct kv *r = c->regs;
	const struct kv *k = s->b.consts;
	const u32 *code = s->b.code;
	struct kvm_frame *fr = &c->frames[nframes - 1];
	u32 base = fr->base;
	const u32 *pc = code + fr->pc; /* kept in a register; fr->pc is written back (SAVE) */
	u64 left = c->insns_left;
	u32 ret_from, ret_n; /* the values RETURN (or a TAILCALL of a built-in) hands back */
	int err = 0;

#define SAVE() (fr->pc = (u32)(pc - code), c->insns_left = left)
#define LOAD() (pc = code + fr->pc, left = c->insns_left)
#define NUM3(v) ((((v)[0].t ^ KT_NUMBER) | ((v)[1].t ^ KT_NUMBER) | ((v)[2].t ^ KT_NUMBER)) == 0)
	for (;;) {
		u32 i = *pc++;
		if (!left) { /* chunk used up: the slow path refills, yields or stops */
			c->insns_left = 0;
			if ((err = kvm_refill(s, c)))
				goto error;
			left = c->insns_left;
		}
		left--;
		switch (INSN_OP(i)) {
		case OP_MOVE:
			*RA = *RB;
			break;
		case OP_LOADK:
			*RA = k[INSN_BX(i)];
			break;
		case OP_LOADNIL: {
			u32 j;
			for (j = 0; j < INSN_B(i); j++)
				RA[j].t = KT_NIL;
			break;
		}
		case OP_LOADBOOL:
			RA->t = INSN_B(i) ? KT_TRUE : KT_FALSE;
			if (INSN_C(i))
				pc++;
			break;
		case OP_LOADFN:
			RA->t = KT_FUNCTION;
			RA->aux = INSN_BX(i);
			break;
		case OP_LOADBUILTIN:
			RA->t = KT_BUILTIN;
			RA->aux = INSN_BX(i);
			break;
		case OP_GETGLOBAL: {
			struct kstat cell;
			unsigned long fl = ktap_plat_lock(s->global_lock);
			*RA = s->globals[INSN_BX(i)];
			if (RA->t == KT_STAT) { /* copied under the lock: SETGLOBAL frees it */
				cell = *RA->u.st;
				RA->u.st = &cell;
			}
			ktap_plat_unlock(s->global_lock, fl);
			CHECK(kvm_kv_own(c, RA));
			break;
		}
		case OP_SETGLOBAL: {
			struct kv v = *RA, old;
			unsigned long fl;
			CHECK(kvm_kv_persist(s, &v)); /* the global takes v's reference */
			fl = ktap_plat_lock(s->global_lock);
			old = s->globals[INSN_BX(i)];
			s->globals[INSN_BX(i)] = v;
			ktap_plat_unlock(s->global_lock, fl);
			kvm_kv_release(s, &old); /* a register may still hold it: reclaim.c */
			break;
		}
		case OP_ADDGLOBAL: {
			struct kv *g = &s->globals[INSN_BX(i)];
			unsigned long fl;
			if (RA->t == KT_NIL)
				break;
			if (RA->t != KT_NUMBER)
				CHECK(RT_ARITH);
			fl = ktap_plat_lock(s->global_lock);
			if (g->t == KT_NIL) {
				g->t = KT_NUMBER;
				g->u.n = RA->u.n;
			} else if (g->t == KT_NUMBER) {
				g->u.n = (s64)((u64)g->u.n + (u64)RA->u.n);
			} else {
				err = RT_ARITH;
			}
			ktap_plat_unlock(s->global_lock, fl);
			CHECK(err);
			break;
		}
		case OP_NEWTABLE: {
			struct ktab *t = kvm_tab_new(s);
			if (!t)
				CHECK(RT_BUDGET_MEMORY);
			RA->t = KT_TABLE;
			RA->u.tab = t;
			break;
		}
		case OP_NEWPTABLE: {
			struct kptab *p = kvm_ptab_new(s, 0);
			if (!p)
				CHECK(RT_BUDGET_MEMORY);
			RA->t = KT_PTABLE;
			RA->u.ptab = p;
			break;
		}
		case OP_GETTABLE: {
			struct kv out;
			if (RB->t == KT_TABLE) { /* the common case charges nothing extra */
				struct kstat cell;
				kvm_tab_get(RB->u.tab, RKC, &out, &cell);
				CHECK(kvm_kv_own(c, &out));
			} else {
				CHARGED(kvm_index(s, c, RB, RKC, &out));
			}
			*RA = out;
			break;
		}
		case OP_SETTABLE:
			CHECK(settable(s, RA, *RKB, *RKC));
			break;
		case OP_INCRTABLE: {
			struct kv key = *RKB, old;
			const struct kv *n = RKC;
			if (RA->t == KT_PTABLE)
				CHECK(RT_PTABLE_WRITE);
			if (RA->t != KT_TABLE)
				CHECK(RT_INDEX);
			if (key.t == KT_NIL)
				CHECK(RT_NILKEY);
			if (n->t == KT_NIL)
				break;
			if (n->t != KT_NUMBER)
				CHECK(RT_ARITH);
			CHECK(kvm_tab_incr(s, RA->u.tab, &key, n->u.n, &old));
			break;
		}
		case OP_AGGREGATE: {
			struct kv key = *RKB;
			const struct kv *n = RKC;
			if (RA->t != KT_PTABLE)
				CHECK(RT_AGGREGATE);
			if (key.t == KT_NIL)
				CHECK(RT_NILKEY);
			if (n->t != KT_NUMBER)
				CHECK(RT_ARITH);
			CHECK(kvm_ptab_add(s, c, RA->u.ptab, &key, n->u.n));
			break;
		}
		case OP_SELF: {
			struct kv t = *RB, out;
			CHARGED(kvm_index(s, c, &t, RKC, &out));
			RA[1] = t;
			*RA = out;
			break;
		}
		case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD: case OP_POW: {
			struct kv out;
			CHECK(arith(INSN_OP(i), RKB, RKC, &out));
			*RA = out;
			break;
		}
		case OP_UNM:
			if (RB->t == KT_NIL) {
				RA->t = KT_NIL;
			} else {
				if (RB->t != KT_NUMBER)
					CHECK(RT_ARITH);
				RA->u.n = (s64)(0 - (u64)RB->u.n);
				RA->t = KT_NUMBER;
			}
			break;
		case OP_NOT:
			RA->t = truth(RB) ? KT_FALSE : KT_TRUE;
			break;
		case OP_LEN: {
			s64 n;
			if (RB->t == KT_STRING)
				n = RB->u.s->len;
			else if (RB->t == KT_TABLE)
				n = RB->u.tab->count;
			else if (RB->t == KT_PTABLE) {
				u32 cnt = 0;
				CHARGED(kvm_ptab_len(s, c, RB->u.ptab, &cnt));
				n = cnt;
			} else
				FAIL(RT_ARGS, "attempt to get the length of a %s value", kvm_type_name(RB->t));
			RA->t = KT_NUMBER;
			RA->u.n = n;
			break;
		}
		case OP_CONCAT: {
			struct kv out;
			CHARGED(concat(s, c, r, base + INSN_B(i), base + INSN_C(i), &out));
			*RA = out;
			break;
		}
		case OP_JMP:
			pc += INSN_SBX(i);
			break;
		case OP_EQ:
			if (kvm_kv_equal(RKB, RKC) != (int)INSN_A(i))
				pc++;
			break;
		case OP_LT: case OP_LE: {
			int res = 0;
			CHECK(compare(INSN_OP(i), RKB, RKC, &res));
			if (res != (int)INSN_A(i))
				pc++;
			break;
		}
		case OP_TEST:
			if (truth(RA) != (int)INSN_C(i))
				pc++;
			break;
		case OP_TESTSET:
			if (truth(RB) == (int)INSN_C(i))
				*RA = *RB;
			else
				pc++;
			break;
		case OP_CALL: {
			u32 fa = base + INSN_A(i);
			u32 nargs = INSN_B(i) - 1;
			s32 want = (s32)INSN_C(i) - 1;
			if (!INSN_B(i)) { /* up to top: set by a producer of this very frame, above A */
				if (c->top_serial != fr->serial || c->top < fa + 1 || c->top > KVM_REGSTACK)
					FAIL(RT_CALL, "open argument list without a value count from this frame");
				nargs = c->top - fa - 1;
			}
			if (r[fa].t == KT_BUILTIN) {
				SAVE();
				err = call_builtin(s, c, nframes, r[fa].aux, fa + 1, nargs, fa, want);
				if (err)
					return err;
				LOAD();
				if (s->stopped && !s->trace_end_done && floor == 0)
					return 0; /* exit(): end this handler now */
			} else if (r[fa].t == KT_FUNCTION || r[fa].t == KT_CLOSURE) {
				SAVE();
				CHECK(push_frame(s, c, &nframes, fa, nargs, want));
				fr = &c->frames[nframes - 1];
				base = fr->base;
				pc = code + fr->pc;
			} else {
				FAIL(RT_CALL, "attempt to call a %s value", kvm_type_name(r[fa].t));
			}
			break;
		}
		case OP_TAILCALL: {
			/* return f(...): the callee takes the place of this frame, so a tail
			 * recursion of any length runs in one frame (the instruction budget
			 * still counts every step) */
			u32 fa = base + INSN_A(i), dst = fr->func_slot, j;
			u32 nargs = INSN_B(i) - 1, nf = nframes - 1;
			if (!INSN_B(i)) { /* up to top: set by a producer of this very frame, above A */
				if (c->top_serial != fr->serial || c->top < fa + 1 || c->top > KVM_REGSTACK)
					FAIL(RT_CALL, "open argument list without a value count from this frame");
				nargs = c->top - fa - 1;
			}
			if (r[fa].t == KT_BUILTIN) { /* CALL C=0 then RETURN B=0 of its results */
				SAVE();
				err = call_builtin(s, c, nframes, r[fa].aux, fa + 1, nargs, fa, -1);
				if (err)
					return err;
				LOAD();
				if (s->stopped && !s->trace_end_done && floor == 0)
					return 0; /* exit(): end this handler now */
				ret_from = fa;
				ret_n = c->top - fa;
				goto do_return;
			}
			if (r[fa].t != KT_FUNCTION && r[fa].t != KT_CLOSURE)
				FAIL(RT_CALL, "attempt to call a %s value", kvm_type_name(r[fa].t));
			/* the same checks as CALL's, before anything of this frame is overwritten:
			 * a failure reports this instruction in this frame */
			if (r[fa].aux >= s->b.nfunc || (s->b.funcs[r[fa].aux].flags & 3))
				CHECK(RT_CALL);
			if (s->b.funcs[r[fa].aux].nup &&
			    (r[fa].t != KT_CLOSURE || r[fa].u.cl->fn != r[fa].aux ||
			     r[fa].u.cl->n != s->b.funcs[r[fa].aux].nup))
				CHECK(RT_CALL);
			/* the callee and its arguments move down to this frame's function slot
			 * (dst < fa: a forward copy never reads a slot it wrote) */
			for (j = 0; j <= nargs; j++)
				r[dst + j] = r[fa + j];
			SAVE();
			CHECK(push_frame(s, c, &nf, dst, nargs, fr->want));
			nframes = nf;
			fr = &c->frames[nframes - 1];
			base = fr->base;
			pc = code + fr->pc;
			break;
		}
		case OP_RETURN:
			ret_from = base + INSN_A(i);
			ret_n = INSN_B(i) - 1;
			if (!INSN_B(i)) {
				if (c->top_serial != fr->serial || c->top < ret_from || c->top > KVM_REGSTACK)
					FAIL(RT_CALL, "open result list without a value count from this frame");
				ret_n = c->top - ret_from;
			}
		do_return: {
			u32 from = ret_from, n = ret_n;
			u32 dst = fr->func_slot, j;
			s32 want = fr->want;
			nframes--;
			if (nframes == floor) {
				for (j = 0; j < n && j < 1; j++)
					r[dst + j] = r[from + j];
				if (n == 0)
					r[dst].t = KT_NIL;
				c->insns_left = left;
				return 0;
			}
			if (want >= 0 && (u32)want < n)
				n = (u32)want; /* never past the caller's result slots */
			for (j = 0; j < n; j++)
				r[dst + j] = r[from + j];
			for (; want >= 0 && j < (u32)want; j++)
				r[dst + j].t = KT_NIL;
			fr = &c->frames[nframes - 1];
			if (want < 0) {
				c->top = dst + n;
				c->top_serial = fr->serial;
			}
			base = fr->base;
			pc = code + fr->pc;
			break;
		}
		case OP_FORPREP:
			if (!NUM3(RA) || RA[2].u.n == 0)
				CHECK(RT_FOR);
			RA[0].u.n = (s64)((u64)RA[0].u.n - (u64)RA[2].u.n);
			pc += INSN_SBX(i);
			break;
		case OP_FORLOOP: {
			s64 step, limit, prev, v;
			int go;
			/* no FORPREP need precede it: the registers are checked here too (a
			 * string or table there would leak its address or forge a pointer) */
			if (!NUM3(RA))
				CHECK(RT_FOR);
			step = RA[2].u.n;
			limit = RA[1].u.n;
			prev = RA[0].u.n;
			v = (s64)((u64)prev + (u64)step);
			/* stop on wrap-around too: the loop must not run past the limit */
			go = step > 0 ? (v <= limit && v > prev) : (v >= limit && v < prev);
			RA[0].u.n = v;
			if (go) {
				pc += INSN_SBX(i);
				RA[3].t = KT_NUMBER;
				RA[3].u.n = v;
			}
			break;
		}
		case OP_TFORCALL: {
			u32 a = base + INSN_A(i);
			s32 want = (s32)INSN_C(i);
			if (r[a].t == KT_BUILTIN) {
				SAVE();
				err = call_builtin(s, c, nframes, r[a].aux, a + 1, 2, a + 3, want);
				if (err)
					return err;
				LOAD();
			} else if (r[a].t == KT_FUNCTION || r[a].t == KT_CLOSURE) {
				if (INSN_A(i) + 5 >= s->b.funcs[fr->fn].frame)
					FAIL(RT_CALL, "iterator function needs 3 free registers");
				r[a + 3] = r[a];
				r[a + 4] = r[a + 1];
				r[a + 5] = r[a + 2];
				SAVE();
				CHECK(push_frame(s, c, &nframes, a + 3, 2, want));
				fr = &c->frames[nframes - 1];
				base = fr->base;
				pc = code + fr->pc;
			} else {
				FAIL(RT_CALL, "attempt to call a %s value", kvm_type_name(r[a].t));
			}
			break;
		}
		case OP_TFORLOOP:
			if (RA[1].t != KT_NIL) {
				RA[0] = RA[1];
				pc += INSN_SBX(i);
			}
			break;
		case OP_VARARG: {
			u32 n = INSN_B(i) ? INSN_B(i) - 1 : fr->varg_count, j;
			u32 a = base + INSN_A(i);
			if (!INSN_B(i) && a + n > KVM_REGSTACK)
				CHECK(RT_BUDGET_DEPTH);
			for (j = 0; j < n; j++) {
				if (j < fr->varg_count)
					r[a + j] = r[fr->varg_base + j];
				else
					r[a + j].t = KT_NIL;
			}
			if (!INSN_B(i)) {
				c->top = a + n;
				c->top_serial = fr->serial;
			}
			break;
		}
		case OP_SETLIST: {
			/* a constructor's open last field: {f()} and {...} keep all values */
			u32 fa = base + INSN_A(i), n = INSN_B(i), j;
			if (!n) { /* up to top: set by a producer of this very frame, above A */
				if (c->top_serial != fr->serial || c->top < fa + 1 || c->top > KVM_REGSTACK)
					FAIL(RT_CALL, "open value list without a value count from this frame");
				n = c->top - fa - 1;
			}
			for (j = 1; j <= n; j++) {
				struct kv key;
				key.t = KT_NUMBER;
				key.u.n = (s64)INSN_C(i) + j;
				CHECK(settable(s, RA, key, r[fa + j]));
			}
			break;
		}
		case OP_PRINT:
			CHARGED(kvm_rec_values(s, c, REC_PRINT, INSN_B(i), RA, INSN_B(i)));
			break;
		case OP_PRINTF:
			CHARGED(kvm_rec_values(s, c, REC_PRINTF, INSN_C(i), RA, INSN_B(i)));
			break;
		case OP_EVARG: {
			struct ktap_evval e = { KTAP_EV_NIL, 0, 0, 0 };
			if (c->ev)
				c->ev->ops->arg(c->ev, (int)INSN_B(i), &e);
			ev_value(s, c, &e, RA);
			break;
		}
		case OP_EVFIELD: {
			struct ktap_evval e = { KTAP_EV_NIL, 0, 0, 0 };
			const struct kstr *name = s->b.strs[INSN_BX(i)];
			if (c->ev)
				c->ev->ops->field(c->ev, name->data, name->len, &e);
			ev_value(s, c, &e, RA);
			break;
		}
		case OP_EVINFO: {
			struct ktap_evval e = { KTAP_EV_NIL, 0, 0, 0 };
			if (!c->ev) {
				RA->t = KT_NIL;
			} else if (INSN_B(i) == 0) {
				RA->t = KT_EVENT;
			} else {
				c->ev->ops->name(c->ev, &e);
				ev_value(s, c, &e, RA);
			}
			break;
		}
		/* closures (closure.c; docs/vm.md "Closures"): every cell operand is checked to
		 * be a cell, every upvalue index against the running closure */
		case OP_BOX: {
			struct kv v = *RA;
			struct kupval *u;
			CHECK(kvm_kv_persist(s, &v)); /* the cell may outlive this run */
			u = kvm_upval_new(s, &v);
			if (!u) {
				kvm_kv_release(s, &v); /* the count persist gave the cell that was not made */
				CHECK(RT_BUDGET_MEMORY);
			}
			RA->t = KT_UPVAL;
			RA->u.up = u;
			break;
		}
		case OP_GETCELL: {
			struct kv out;
			if (RB->t != KT_UPVAL)
				FAIL(RT_UPVAL, "GETCELL of a %s value, not an upvalue cell", kvm_type_name(RB->t));
			CHECK(kvm_upval_get(s, c, RB->u.up, &out));
			*RA = out;
			break;
		}
		case OP_SETCELL:
			if (RA->t != KT_UPVAL)
				FAIL(RT_UPVAL, "SETCELL of a %s value, not an upvalue cell", kvm_type_name(RA->t));
			CHECK(kvm_upval_set(s, RA->u.up, RB));
			break;
		case OP_CLOSURE: {
			u32 n = s->b.funcs[INSN_BX(i)].nup, j; /* verified: >= 1, R(A+n) in the frame */
			struct kclosure *cl;
			for (j = 1; j <= n; j++)
				if (RA[j].t != KT_UPVAL)
					FAIL(RT_UPVAL, "CLOSURE upvalue %u is a %s value, not an upvalue cell", j - 1,
					     kvm_type_name(RA[j].t));
			cl = kvm_closure_new(s, INSN_BX(i), n, RA + 1);
			if (!cl)
				CHECK(RT_BUDGET_MEMORY);
			RA->t = KT_CLOSURE;
			RA->aux = INSN_BX(i);
			RA->u.cl = cl;
			break;
		}
		case OP_GETUPVAL: case OP_SETUPVAL: case OP_UPCELL: {
			struct kupval *u;
			struct kv out;
			/* verified: B < this function's nup, and push_frame runs such a function only
			 * with its closure; checked anyway, it is one compare */
			if (!fr->cl || INSN_B(i) >= fr->cl->n)
				FAIL(RT_UPVAL, "upvalue %u of a frame with %u upvalues", INSN_B(i), fr->cl ? fr->cl->n : 0);
			u = fr->cl->up[INSN_B(i)];
			if (INSN_OP(i) == OP_SETUPVAL) {
				CHECK(kvm_upval_set(s, u, RA));
			} else if (INSN_OP(i) == OP_UPCELL) {
				RA->t = KT_UPVAL;
				RA->u.up = u;
			} else {
				CHECK(kvm_upval_get(s, c, u, &out));
				*RA = out;
			}
			break;
		}
		default:
			FAIL(RT_ARGS, "unknown opcode %u", INSN_OP(i)); /* the verifier prevents this */
		}
	}
error:
	SAVE();
	fr->pc--; /* the failing instruction */
	if (!c->tmp[0])
		msg_for(c->tmp, err, 0);
	return rt_error(s, c, nframes, err, c->tmp);
}

/* Call a script function value from a built-in (sort_pairs' comparator). */
int kvm_call_nested(struct ktap_session *s, struct kvm_cpu *c, const struct kv *fn, const struct kv *args,
		    u32 nargs, struct kv *result)
{
	u32 nframes = c->nframes, fa, j;
	int err;
	if (c->running > 1 || nframes == 0) { /* a comparator's own comparator: C stays bounded */
		kvm_snprintf(c->tmp, 256, "sort_pairs: a comparator cannot sort with a comparator");
		return RT_CALL;
	}
	{
		const struct kvm_frame *top = &c->frames[nframes - 1];
		fa = top->base + s->b.funcs[top->fn].frame;
		if (fa < c->args_end) /* arguments up to top may reach past the frame */
			fa = c->args_end;
	}
	if ((u64)fa + 1 + nargs >= KVM_REGSTACK)
		return RT_BUDGET_DEPTH;
	c->regs[fa] = *fn;
	for (j = 0; j < nargs; j++)
		c->regs[fa + 1 + j] = args[j];
	err = push_frame(s, c, &nframes, fa, nargs, 1);
	if (err)
		return err;
	c->running++;
	err = run(s, c, nframes, nframes - 1);
	c->running--;
	c->nframes = nframes - 1;
	*result = c->regs[fa];
	return err;
}

/* Run fn in slot c: a probe slot (probe context, the instruction budget of a handler run
 * and the wall-clock bound) or the process slot (main and trace_end: the host's process
 * budget, yielding every chunk). */
int kvm_execute(struct ktap_session *s, struct kvm_cpu *c, u32 fn, const struct ktap_event *ev)
{
	const struct kvm_func *f = &s->b.funcs[fn];
	u32 j, nframes = 1;
	u64 budget;
	int err;

	if (c->running) {
		c->n_skipped++; /* only this CPU writes its slot's counters */
		return 0;
	}
	c->running = 1;
	kvm_reclaim_enter(c);
	c->ev = ev;
	c->scratch_used = 0;
	budget = c->process ? s->bounds.process_insns : s->lim[KTAP_LIMIT_INSNS];
	c->insns_left = budget < KVM_CHUNK ? budget : KVM_CHUNK;
	c->insns_rest = budget - c->insns_left;
	c->start_ns = 0;
	/* no B=0 consumer may use a top from an earlier run: every frame of this run gets a
	 * new serial (u64, never reused), so an old top_serial matches none of them */
	for (j = 0; j <= f->frame; j++)
		c->regs[j].t = KT_NIL;
	c->regs[0].t = KT_FUNCTION;
	c->regs[0].aux = fn;
	c->frames[0].fn = fn;
	c->frames[0].pc = f->code_start;
	c->frames[0].base = 1;
	c->frames[0].func_slot = 0;
	c->frames[0].want = 0;
	c->frames[0].varg_base = 1;
	c->frames[0].varg_count = 0;
	c->frames[0].serial = ++c->serial;
	c->frames[0].cl = 0; /* main, handlers: never closures (verified: no upvalues) */
	err = run(s, c, nframes, 0);
	while (c->snaps) { /* the run's ptable snapshots: nothing can point at them now */
		struct psnap *n = c->snaps->next;
		kvm_arena_free(s, c->snaps);
		c->snaps = n;
	}
	c->ev = 0;
	kvm_reclaim_leave(c); /* nothing of this run is used past here */
	c->running = 0;
	c->runs++; /* summed by ktap_session_stats: no shared counter on the hot path */
	kvm_reclaim_step(s, c);
	return err;
}
