/*
 * tamper.c - changes to a session AFTER the verifier accepted it, for the hostile rows
 * whose run-time check the verifier makes unreachable (defence in depth: each such check
 * still gets a bundle that hits it). Only the tests reach into the core's types.
 */
#include "ktest.h"
#include "../../../runtime/ktapvm/core/kvm.h"

void (*kt_after_load)(struct ktap_session *s);
void (*kt_after_main)(struct ktap_session *s);

/* function 1's first instruction becomes GETUPVAL B=5: past its closure's one cell */
void tamper_upval_index(struct ktap_session *s)
{
	u32 *code = &s->b.code[s->b.funcs[1].code_start];
	*code = (*code & ~(0x1ffu << 23)) | (5u << 23);
}

/* function 1 claims 2 upvalues after its closure was made with 1 (after main): the call
 * refuses it */
void tamper_upval_count(struct ktap_session *s)
{
	s->b.funcs[1].nup = 2;
}

/* function 1 (loaded with LOADFN, no closure) claims an upvalue and its first
 * instruction becomes GETUPVAL 0 0: a frame without a closure. The call itself is refused
 * first (a function with upvalues needs its closure); tamper_upval_no_closure_nocount
 * leaves the count at 0 so that GETUPVAL's own check is what stops it. */
void tamper_upval_no_closure(struct ktap_session *s)
{
	s->b.funcs[1].nup = 1;
	s->b.code[s->b.funcs[1].code_start] = 50u /* GETUPVAL */;
}
void tamper_upval_no_closure_nocount(struct ktap_session *s)
{
	s->b.code[s->b.funcs[1].code_start] = 50u /* GETUPVAL 0 0 */;
}
