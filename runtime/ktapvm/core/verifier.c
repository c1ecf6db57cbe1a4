/*
 * verifier.c - runs once on a loaded bundle, before anything executes. Every check has a
 * name; a rejection says "CHECK: function N 'name' instruction I (OP): detail".
 * Order: the function table (layout, main, handlers), then per function every
 * instruction's operands (the rules come from the format column of ktap_opcodes.def),
 * then its control flow (verifier_flow.c). docs/vm.md lists what each check proves for
 * the interpreter and what is left to run time.
 */
#include "verifier.h"

enum opfmt { F_A, F_AB, F_ABC, F_ABRC, F_ARBRC, F_FRKRK, F_ABxK, F_ABxG, F_ABxF, F_ABxS, F_ABxN,
	     F_AsBx, F_ABn, F_ABnCP, F_AnBnC, F_ABxC, F_ABU, F_INVALID };

static const u8 op_format[OP__COUNT] = {
#define KTAP_OP(name, num, fmt, meaning) [num] = F_##fmt,
#include "../ktap_opcodes.def"
#undef KTAP_OP
};

static int reg(struct vctx *v, const char *which, u32 r, u32 frame)
{
	if (r >= frame)
		REJ("register operand", "%s=%u outside the frame of %u registers", which, r, frame);
	return 0;
}

static int rk(struct vctx *v, const char *which, u32 x, u32 frame)
{
	if (RK_IS_K(x)) {
		if (x - 256 >= v->s->b.nconst)
			REJ("constant index", "%s=K(%u) out of range (%u constants)", which, x - 256,
			    v->s->b.nconst);
		return 0;
	}
	return reg(v, which, x, frame);
}

static int range(struct vctx *v, const char *which, u32 a, u32 count, u32 frame)
{
	if (count && (u64)a + count > frame)
		REJ("register operand", "%s=R(%u)..R(%u) outside the frame of %u registers", which, a,
		    a + count - 1, frame);
	return 0;
}

/* Count printf conversions; -1 if the format is malformed. */
static int count_conversions(const struct kstr *f, u32 *bad_at)
{
	u32 i = 0;
	int n = 0;
	while (i < f->len) {
		char ch;
		if (f->data[i++] != '%')
			continue;
		if (i < f->len && f->data[i] == '%') {
			i++;
			continue;
		}
		while (i < f->len && (f->data[i] == '-' || f->data[i] == '0' || f->data[i] == '+' ||
				      f->data[i] == ' ' || f->data[i] == '#'))
			i++;
		while (i < f->len && f->data[i] >= '0' && f->data[i] <= '9')
			i++;
		if (i < f->len && f->data[i] == '.') {
			i++;
			while (i < f->len && f->data[i] >= '0' && f->data[i] <= '9')
				i++;
		}
		while (i < f->len && (f->data[i] == 'l' || f->data[i] == 'h'))
			i++;
		if (i >= f->len) {
			*bad_at = i;
			return -1;
		}
		ch = f->data[i++];
		switch (ch) {
		case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': case 'c': case 's': case 'p':
			n++;
			break;
		default:
			*bad_at = i - 1;
			return -1;
		}
	}
	return n;
}

static int check_insn(struct vctx *v, const struct kvm_func *f, u32 i)
{
	struct kvm_bundle *b = &v->s->b;
	u32 op = INSN_OP(i), a = INSN_A(i), bb = INSN_B(i), c = INSN_C(i), bx = INSN_BX(i);
	u32 fr = f->frame, end = f->code_count;
	int err = 0;

	if (op >= OP__COUNT)
		REJ("known opcode", "opcode %u is not defined", op);
	switch (op_format[op]) {
	case F_A:
		return reg(v, "A", a, fr);
	case F_AB:
		return reg(v, "A", a, fr) ?: reg(v, "B", bb, fr);
	case F_ABC:
		/* TESTSET's C is a 0/1 flag, not a register: a one-register frame may use C=1 */
		err = reg(v, "A", a, fr) ?: reg(v, "B", bb, fr) ?:
		      (op == OP_TESTSET ? 0 : reg(v, "C", c, fr));
		if (!err && op == OP_CONCAT && bb > c)
			REJ("register operand", "CONCAT range B=%u > C=%u", bb, c);
		if (!err && op == OP_TESTSET && c > 1)
			REJ("flag operand", "C=%u must be 0 or 1", c);
		if (!err && op == OP_TESTSET && v->pc + 2 >= end)
			REJ("jump target", "skip past the end of the function");
		return err;
	case F_ABRC:
		err = reg(v, "A", a, fr) ?: reg(v, "B", bb, fr) ?: rk(v, "C", c, fr);
		if (!err && op == OP_SELF)
			err = reg(v, "A+1", a + 1, fr);
		return err;
	case F_ARBRC:
		return reg(v, "A", a, fr) ?: rk(v, "B", bb, fr) ?: rk(v, "C", c, fr);
	case F_FRKRK:
		if (a > 1)
			REJ("flag operand", "A=%u must be 0 or 1", a);
		if (v->pc + 2 >= end)
			REJ("jump target", "skip past the end of the function");
		return rk(v, "B", bb, fr) ?: rk(v, "C", c, fr);
	case F_ABxK:
		if (bx >= b->nconst)
			REJ("constant index", "K(%u) out of range (%u constants)", bx, b->nconst);
		return reg(v, "A", a, fr);
	case F_ABxG:
		if (bx >= b->nglobal)
			REJ("global index", "G(%u) out of range (%u globals)", bx, b->nglobal);
		return reg(v, "A", a, fr);
	case F_ABxF:
		if (bx >= b->nfunc)
			REJ("function index", "F(%u) out of range (%u functions)", bx, b->nfunc);
		if (b->funcs[bx].flags & 3)
			REJ("function index", "F(%u) is the main chunk or a handler", bx);
		/* a function with upvalues is made only by CLOSURE, which hands it its cells */
		if (b->funcs[bx].nup)
			REJ("function index", "F(%u) has %u upvalues: it needs CLOSURE", bx, b->funcs[bx].nup);
		return reg(v, "A", a, fr);
	case F_ABxC:
		if (bx >= b->nfunc)
			REJ("function index", "F(%u) out of range (%u functions)", bx, b->nfunc);
		if (b->funcs[bx].flags & 3)
			REJ("function index", "F(%u) is the main chunk or a handler", bx);
		if (!b->funcs[bx].nup)
			REJ("function index", "F(%u) has no upvalues: it is loaded with LOADFN", bx);
		/* the cells R(A+1)..R(A+n): the count is the callee's, so one closure always
		 * holds exactly the cells its code indexes */
		return reg(v, "A", a, fr) ?: range(v, "upvalue cells", a + 1, b->funcs[bx].nup, fr);
	case F_ABU:
		if (bb >= f->nup)
			REJ("upvalue index", "B=%u but the function has %u upvalues", bb, f->nup);
		if (c)
			REJ("upvalue index", "C=%u must be 0", c);
		return reg(v, "A", a, fr);
	case F_ABxS:
		if (bx >= b->nstr)
			REJ("string index", "S(%u) out of range (%u strings)", bx, b->nstr);
		return reg(v, "A", a, fr);
	case F_ABxN:
		if (bx >= BI__COUNT)
			REJ("built-in index", "built-in %u is not defined (%u built-ins)", bx, BI__COUNT);
		return reg(v, "A", a, fr);
	case F_AsBx: {
		s64 target = (s64)v->pc + 1 + INSN_SBX(i);
		if (target < 0 || target >= end)
			REJ("jump target", "target %lld outside the function's %u instructions",
			    (long long)target, end);
		if (op == OP_FORPREP || op == OP_FORLOOP)
			return reg(v, "A+3", a + 3, fr);
		if (op == OP_TFORLOOP)
			return reg(v, "A+1", a + 1, fr);
		return 0;
	}
	case F_ABn:
		if (op == OP_LOADNIL && bb == 0)
			REJ("register operand", "LOADNIL of 0 registers");
		return reg(v, "A", a, fr) ?: range(v, "B", a, bb, fr);
	case F_ABnCP: {
		const struct kvm_format *pf;
		u32 bad = 0;
		int n;
		if (c >= b->nfmt)
			REJ("format index", "P(%u) out of range (%u formats)", c, b->nfmt);
		pf = &b->formats[c];
		if (pf->kind != 1)
			REJ("printf format", "P(%u) is not a printf format", c);
		if (pf->argc != bb)
			REJ("printf format", "call passes %u values, format P(%u) expects %u", bb, c, pf->argc);
		n = count_conversions(b->strs[pf->fmt], &bad);
		if (n < 0)
			REJ("printf format", "format P(%u) has a bad conversion at byte %u", c, bad);
		if ((u32)n != bb)
			REJ("printf format", "format P(%u) has %d conversions for %u values", c, n, bb);
		return reg(v, "A", a, fr) ?: range(v, "B", a, bb, fr);
	}
	case F_AnBnC:
		if ((err = reg(v, "A", a, fr)))
			return err;
		switch (op) {
		case OP_LOADBOOL:
			if (bb > 1 || c > 1)
				REJ("flag operand", "B=%u C=%u must be 0 or 1", bb, c);
			if (c && v->pc + 2 >= end)
				REJ("jump target", "skip past the end of the function");
			return 0;
		case OP_TEST:
			if (c > 1 || bb)
				REJ("flag operand", "C=%u must be 0 or 1, B=%u must be 0", c, bb);
			if (v->pc + 2 >= end)
				REJ("jump target", "skip past the end of the function");
			return 0;
		case OP_CALL: /* B=0, C=0: the open range is verifier_flow.c's */
			return range(v, "B", a, bb, fr) ?: (c >= 2 ? range(v, "C", a, c - 1, fr) : 0);
		case OP_RETURN:
			return bb >= 2 ? range(v, "B", a, bb - 1, fr) : 0;
		case OP_TAILCALL: /* CALL's operands; all results go to the caller, so C is 0 */
			if (c)
				REJ("flag operand", "TAILCALL C=%u must be 0 (the caller takes all results)", c);
			return range(v, "B", a, bb, fr);
		case OP_SETLIST: /* B=0: the open range is verifier_flow.c's */
			return bb ? range(v, "B", a, bb + 1, fr) : 0;
		case OP_TFORCALL:
			if (c < 1)
				REJ("register operand", "TFORCALL wants at least 1 result");
			return range(v, "C", a, c + 3, fr);
		case OP_VARARG:
			if (!f->vararg)
				REJ("vararg", "VARARG in a function that is not vararg");
			return bb >= 2 ? range(v, "B", a, bb - 1, fr) : 0;
		case OP_EVARG:
			if (bb < 1 || bb > 9 || c)
				REJ("event field", "field B=%u must be 1..9 (C=%u must be 0)", bb, c);
			return 0;
		case OP_EVINFO:
			if (bb > 1 || c)
				REJ("event field", "B=%u must be 0 or 1 (C=%u must be 0)", bb, c);
			return 0;
		}
		return 0;
	}
	REJ("known opcode", "opcode %u has no operand format", op);
}

static int fn_reject(char *msg, u32 fn, const char *detail)
{
	kvm_snprintf(msg, KTAP_ERRMSG_MAX, "function layout: function %u: %s", fn, detail);
	return -KTAP_EINVAL;
}

/*
 * One function's entry in FUNCTIONS. Its instructions are marked in `owned` (a bit per
 * instruction of CODE); finding one already marked means it overlaps an earlier function.
 * Marking stops there, so all functions together cost at most ncode + nfunc steps (the
 * pairwise comparison this replaces was quadratic: 65536 functions, 2^31 steps).
 */
static int layout_one(struct ktap_session *s, char *msg, u32 fn, u8 *owned)
{
	const struct kvm_bundle *b = &s->b;
	const struct kvm_func *f = &b->funcs[fn];
	u32 x, j;
	char d[128];
	if (f->code_count < 1)
		return fn_reject(msg, fn, "no instructions");
	if (f->code_start >= b->ncode || b->ncode - f->code_start < f->code_count) {
		kvm_snprintf(d, sizeof(d), "code %u..+%u outside CODE (%u instructions)",
			     f->code_start, f->code_count, b->ncode);
		return fn_reject(msg, fn, d);
	}
	if (f->frame < 1 || f->frame > 250 || f->frame < f->params) {
		kvm_snprintf(d, sizeof(d), "frame size %u must be 1..250 and >= %u parameters",
			     f->frame, f->params);
		return fn_reject(msg, fn, d);
	}
	if (f->vararg > 1 || (f->flags & ~3u)) {
		kvm_snprintf(d, sizeof(d), "bad is_vararg %u or flags 0x%x", f->vararg, f->flags);
		return fn_reject(msg, fn, d);
	}
	/* main and handlers are started by the VM, never through a closure: no upvalues */
	if (f->nup && (f->flags & 3)) {
		kvm_snprintf(d, sizeof(d), "the main chunk or a handler has %u upvalues", f->nup);
		return fn_reject(msg, fn, d);
	}
	for (x = f->code_start; x < f->code_start + f->code_count; x++) {
		if (!(owned[x >> 3] & (1u << (x & 7)))) {
			owned[x >> 3] |= (u8)(1u << (x & 7));
			continue;
		}
		/* name the lowest-numbered function it overlaps: one scan, then stop */
		for (j = 0; j < fn; j++) {
			const struct kvm_func *g = &b->funcs[j];
			if (f->code_start < g->code_start + g->code_count &&
			    g->code_start < f->code_start + f->code_count)
				break;
		}
		kvm_snprintf(d, sizeof(d), "code overlaps function %u", j);
		return fn_reject(msg, fn, d);
	}
	return 0;
}

/* FUNCTIONS as a whole: a tiling of CODE, one main chunk, handlers where EVENTS say. */
static int check_layout(struct ktap_session *s, char *msg, u32 *longest)
{
	struct kvm_bundle *b = &s->b;
	u64 covered = 0;
	u32 fn, e, mains = 0;
	int err = 0;
	u8 *owned = ktap_plat_alloc(b->ncode / 8 + 1);

	if (!owned) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "verifier: out of memory");
		return -KTAP_ENOMEM;
	}
	*longest = 0;
	for (fn = 0; fn < b->nfunc && !err; fn++) {
		err = layout_one(s, msg, fn, owned);
		covered += b->funcs[fn].code_count;
		if (b->funcs[fn].code_count > *longest)
			*longest = b->funcs[fn].code_count;
		if (b->funcs[fn].flags & 1)
			mains++;
	}
	ktap_plat_free(owned);
	if (err)
		return err;
	if (covered != b->ncode) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX,
			     "function layout: functions cover %llu of %u instructions",
			     (unsigned long long)covered, b->ncode);
		return -KTAP_EINVAL;
	}
	if (!(b->funcs[b->main_fn].flags & 1) || mains != 1 || b->funcs[b->main_fn].params) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX,
			     "function layout: main function %u must be the one function flagged main, without parameters",
			     b->main_fn);
		return -KTAP_EINVAL;
	}
	for (e = 0; e < b->nevent; e++) {
		const struct kvm_func *h = &b->funcs[b->probes[e].handler];
		if (!(h->flags & 2) || h->params) {
			kvm_snprintf(msg, KTAP_ERRMSG_MAX,
				     "event handler: event %u '%s': function %u is not a handler without parameters",
				     e, b->probes[e].spec, b->probes[e].handler);
			return -KTAP_EINVAL;
		}
	}
	return 0;
}

/*
 * The layout first (cheap, and it sizes the work array), then each function: every
 * instruction's operands, then its control flow (verifier_flow.c). Linear in the size of
 * the bundle; memory: one byte per instruction of the longest function, freed here.
 */
#ifdef KTAP_TESTING
int kvm_testing_skip_flow;
#endif

int kvm_verify(struct ktap_session *s, char *msg)
{
	struct kvm_bundle *b = &s->b;
	struct vctx v;
	u32 fn, j, longest;
	u8 *work;
	int err = check_layout(s, msg, &longest);

	if (err)
		return err;
	work = ktap_plat_alloc(longest);
	if (!work) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "verifier: out of memory");
		return -KTAP_ENOMEM;
	}
	v.s = s;
	v.msg = msg;
	for (fn = 0; fn < b->nfunc && !err; fn++) {
		const struct kvm_func *f = &b->funcs[fn];
		v.fn = fn;
		for (j = 0; j < f->code_count && !err; j++) {
			v.pc = j;
			v.insn = b->code[f->code_start + j];
			err = check_insn(&v, f, v.insn);
		}
		if (!err && !KVM_TESTING_SKIP_FLOW)
			err = kvm_verify_flow(&v, f, work);
	}
	ktap_plat_free(work);
	return err;
}
