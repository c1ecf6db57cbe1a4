/*
 * verifier.h - shared by the verifier's two passes: verifier.c (layout and every
 * instruction's operands) and verifier_flow.c (the control-flow graph of one function);
 * both reject through verifier_reject.c.
 * Not part of the core's interface: kvm.h declares kvm_verify.
 */
#ifndef KVM_VERIFIER_H
#define KVM_VERIFIER_H

#include "kvm.h"

/* Where the verifier is: a rejection names the function and the instruction. */
struct vctx {
	struct ktap_session *s;
	char *msg;
	u32 fn;
	u32 pc; /* relative to the function */
	u32 insn;
};

/* "CHECK: function N 'name' instruction I (OP): detail"; returns -KTAP_EINVAL. */
int kvm_vreject(struct vctx *v, const char *check, const char *detail);

#define REJ(check, ...) do { char _d[160]; kvm_snprintf(_d, sizeof(_d), __VA_ARGS__); \
	return kvm_vreject(v, check, _d); } while (0)

/* The flow checks of one function whose every instruction already passed its operand
 * checks (so every jump and skip lands inside the function). work: code_count bytes. */
int kvm_verify_flow(struct vctx *v, const struct kvm_func *f, u8 *work);

#endif
