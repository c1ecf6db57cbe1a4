/*
 * verifier_reject.c - how a rejection reads, for both of the verifier's passes: "CHECK:
 * function N 'name' instruction I (OP): detail" (verifier.h). Apart from verifier.c so
 * that verifier_flow.c, which verifier.c runs, never calls back into it.
 */
#include "verifier.h"

static const char *const op_names[OP__COUNT] = {
#define KTAP_OP(name, num, fmt, meaning) [num] = #name,
#include "../ktap_opcodes.def"
#undef KTAP_OP
};

const char *kvm_op_name(u32 op)
{
	return op < OP__COUNT ? op_names[op] : "?";
}

int kvm_vreject(struct vctx *v, const char *check, const char *detail)
{
	const struct kvm_bundle *b = &v->s->b;
	const struct kvm_func *f = &b->funcs[v->fn];
	const char *name = f->name != KVM_NONE ? b->strs[f->name]->data
			   : (f->flags & 1) ? "main" : "anonymous";
	u32 op = INSN_OP(v->insn);
	kvm_snprintf(v->msg, KTAP_ERRMSG_MAX, "%s: function %u '%s' instruction %u (%s): %s",
		     check, v->fn, name, v->pc, op < OP__COUNT ? op_names[op] : "?", detail);
	return -KTAP_EINVAL;
}
