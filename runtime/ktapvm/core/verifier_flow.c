/*
 * verifier_flow.c - the control-flow checks of one function. Runs after every instruction
 * of the function passed its operand checks, so every jump and skip lands inside it.
 *
 * The graph: an instruction's successors are its fallthrough (every opcode but JMP,
 * RETURN, TAILCALL, FORPREP and LOADBOOL C=1) and its branch: the target of JMP, FORPREP, FORLOOP
 * and TFORLOOP, the skip (pc + 2) of EQ, LT, LE, TEST, TESTSET and LOADBOOL C=1. A call
 * comes back to its fallthrough. The only entry is instruction 0.
 *
 * What the interpreter takes on trust and this file proves, for every path:
 *  - function end: no path runs off the end (the last instruction does not fall through;
 *    every branch is inside the function, which the operand checks proved);
 *  - open range: "top" (the end of a variable number of values) is read only by a
 *    consumer (CALL B=0, TAILCALL B=0, RETURN B=0, SETLIST B=0) whose ONE way in is the
 *    fallthrough of a producer (CALL C=0, VARARG B=0) that put its values at or above what
 *    the consumer takes: CALL, TAILCALL and SETLIST B=0 at A need the producer's A >= A+1 (top >= A+1: the
 *    value count cannot underflow), RETURN B=0 at A needs the producer's A >= A. A consumer that a jump or a
 *    skip also reaches could find top left over from anything, so it is refused. A
 *    producer need not be followed by a consumer (CALL C=0 may just keep all results in
 *    its registers, which later instructions read by fixed number): the top it leaves is
 *    dead, since the only readers of top are consumers and each one reads the top set by
 *    the instruction just before it;
 *  - loop pairing: a FORPREP jumps to a FORLOOP of the same A that loops back to the
 *    instruction after that FORPREP, and every FORLOOP is the one of such a FORPREP; a
 *    TFORCALL at A is followed by a TFORLOOP at A+2, which nothing else reaches.
 * What it does not prove (the interpreter checks at run time): the types of FORLOOP's
 * registers (the loop body may overwrite them) and how far top reaches (a callee or the
 * caller's arguments decide the number of values).
 *
 * Unreachable code is accepted (ktapc leaves some, e.g. its closing RETURN after a
 * return statement): it passed the same operand checks, and the checks here hold for
 * every instruction, reachable or not.
 *
 * One pass to mark which instructions a branch enters, one pass of checks in
 * instruction order; no recursion, work: one byte per instruction.
 */
#include "verifier.h"

#define W_BRANCHED 1 /* entered by a jump or a skip, not only by fallthrough */

static int falls_through(u32 i)
{
	switch (INSN_OP(i)) {
	case OP_JMP: case OP_RETURN: case OP_TAILCALL: case OP_FORPREP:
		return 0;
	case OP_LOADBOOL:
		return INSN_C(i) == 0;
	}
	return 1;
}

/* The branch successor of the instruction at pc, or -1 when it has none. */
static s64 branch_of(u32 pc, u32 i)
{
	switch (INSN_OP(i)) {
	case OP_JMP: case OP_FORPREP: case OP_FORLOOP: case OP_TFORLOOP:
		return (s64)pc + 1 + INSN_SBX(i);
	case OP_EQ: case OP_LT: case OP_LE: case OP_TEST: case OP_TESTSET:
		return (s64)pc + 2;
	case OP_LOADBOOL:
		return INSN_C(i) ? (s64)pc + 2 : -1;
	}
	return -1;
}

static int produces_top(u32 i)
{
	return (INSN_OP(i) == OP_CALL && INSN_C(i) == 0) ||
	       (INSN_OP(i) == OP_VARARG && INSN_B(i) == 0);
}

static int consumes_top(u32 i)
{
	return (INSN_OP(i) == OP_CALL || INSN_OP(i) == OP_TAILCALL || INSN_OP(i) == OP_RETURN ||
		INSN_OP(i) == OP_SETLIST) && INSN_B(i) == 0;
}

/* The first instruction whose branch enters pc (for the message; called once). */
static u32 branch_source(const u32 *code, u32 n, u32 pc)
{
	u32 j;
	for (j = 0; j < n; j++)
		if (branch_of(j, code[j]) == (s64)pc)
			return j;
	return 0;
}

static int check_consumer(struct vctx *v, const u32 *code, u32 n, const u8 *work)
{
	u32 i = v->insn, a = INSN_A(i), need = INSN_OP(i) == OP_RETURN ? a : a + 1, p;
	if (v->pc == 0 || !produces_top(code[v->pc - 1]))
		REJ("open range", "B=0 needs a preceding multi-result CALL or VARARG");
	p = code[v->pc - 1];
	if (INSN_A(p) < need)
		REJ("open range", "B=0 takes values up to top from R(%u), but the %s before it puts them from R(%u)",
		    need, kvm_op_name(INSN_OP(p)), INSN_A(p));
	if (work[v->pc] & W_BRANCHED)
		REJ("open range", "B=0 is also reached from instruction %u, a jump or skip that does not set top",
		    branch_source(code, n, v->pc));
	return 0;
}

static int check_forprep(struct vctx *v, const u32 *code)
{
	u32 t = (u32)branch_of(v->pc, v->insn), l = code[t];
	if (INSN_OP(l) != OP_FORLOOP)
		REJ("loop pairing", "FORPREP jumps to instruction %u (%s), not to a FORLOOP", t,
		    kvm_op_name(INSN_OP(l)));
	if (INSN_A(l) != INSN_A(v->insn))
		REJ("loop pairing", "FORPREP A=%u jumps to the FORLOOP at instruction %u with A=%u",
		    INSN_A(v->insn), t, INSN_A(l));
	if (branch_of(t, l) != (s64)v->pc + 1)
		REJ("loop pairing", "the FORLOOP at instruction %u loops back to %lld, not to %u after this FORPREP",
		    t, (long long)branch_of(t, l), v->pc + 1);
	return 0;
}

static int check_forloop(struct vctx *v, const u32 *code)
{
	u32 t = (u32)branch_of(v->pc, v->insn), p;
	if (t == 0 || INSN_OP(code[t - 1]) != OP_FORPREP)
		REJ("loop pairing", "FORLOOP loops back to instruction %u, which does not follow a FORPREP", t);
	p = code[t - 1];
	if (INSN_A(p) != INSN_A(v->insn))
		REJ("loop pairing", "FORLOOP A=%u, its FORPREP at instruction %u has A=%u", INSN_A(v->insn),
		    t - 1, INSN_A(p));
	if (branch_of(t - 1, p) != (s64)v->pc)
		REJ("loop pairing", "the FORPREP at instruction %u jumps to %lld, not to this FORLOOP", t - 1,
		    (long long)branch_of(t - 1, p));
	return 0;
}

static int check_tforcall(struct vctx *v, const u32 *code)
{
	u32 next = code[v->pc + 1]; /* not last: it falls through */
	if (INSN_OP(next) != OP_TFORLOOP)
		REJ("loop pairing", "TFORCALL must be followed by its TFORLOOP, not by %s",
		    kvm_op_name(INSN_OP(next)));
	if (INSN_A(next) != INSN_A(v->insn) + 2)
		REJ("loop pairing", "TFORCALL A=%u is followed by TFORLOOP A=%u, must be A+2=%u",
		    INSN_A(v->insn), INSN_A(next), INSN_A(v->insn) + 2);
	return 0;
}

static int check_tforloop(struct vctx *v, const u32 *code, u32 n, const u8 *work)
{
	/* a TFORLOOP after a TFORCALL was checked there (instruction order) */
	if (v->pc == 0 || INSN_OP(code[v->pc - 1]) != OP_TFORCALL)
		REJ("loop pairing", "TFORLOOP must follow its TFORCALL");
	if (work[v->pc] & W_BRANCHED)
		REJ("loop pairing", "TFORLOOP is also reached from instruction %u; only its TFORCALL may precede it",
		    branch_source(code, n, v->pc));
	return 0;
}

int kvm_verify_flow(struct vctx *v, const struct kvm_func *f, u8 *work)
{
	const u32 *code = v->s->b.code + f->code_start;
	u32 n = f->code_count, pc;
	int err;

	kvm_memset(work, 0, n);
	for (pc = 0; pc < n; pc++) {
		s64 t = branch_of(pc, code[pc]);
		if (t >= 0) /* in range: proved by the operand checks */
			work[t] |= W_BRANCHED;
	}
	if (falls_through(code[n - 1])) {
		v->pc = n - 1;
		v->insn = code[n - 1];
		REJ("function end", "last instruction is not RETURN, TAILCALL or JMP");
	}
	for (pc = 0; pc < n; pc++) {
		u32 i = code[pc];
		v->pc = pc;
		v->insn = i;
		err = 0;
		if (consumes_top(i))
			err = check_consumer(v, code, n, work);
		if (!err) {
			switch (INSN_OP(i)) {
			case OP_FORPREP: err = check_forprep(v, code); break;
			case OP_FORLOOP: err = check_forloop(v, code); break;
			case OP_TFORCALL: err = check_tforcall(v, code); break;
			case OP_TFORLOOP: err = check_tforloop(v, code, n, work); break;
			}
		}
		if (err)
			return err;
	}
	return 0;
}
