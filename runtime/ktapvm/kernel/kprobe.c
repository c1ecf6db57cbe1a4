// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe.c - kprobes on a kernel symbol (+ offset); kretprobes are kretprobe.c. The
 * handlers run with preemption disabled, possibly with interrupts off; they never sleep.
 */
#include <linux/kprobes.h>
#include "provider.h"

struct kt_kprobe {
	struct kt_probe *p;             /* set when armed: the probe array no longer moves */
	struct kprobe kp;
};

static int kt_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	kt_fire_regs(container_of(kp, struct kt_kprobe, kp)->p, regs, false, false);
	return 0;
}

/* Shared with kretprobe.c: the bundle names a symbol. */
int kt_kprobe_check(struct kt_probe *p)
{
	if (!p->def.target || !*p->def.target) {
		kt_session_set_error(p->sess, -EINVAL, "probe %s: no kernel symbol", p->def.spec);
		return -EINVAL;
	}
	return 0;
}

/* Shared with kretprobe.c: why register_k(ret)probe refused, in words. */
int kt_kprobe_refused(struct kt_probe *p, int ret)
{
	if (ret)
		kt_session_set_error(p->sess, ret, "cannot arm probe %s: %s %s (error %d)",
				     p->def.spec,
				     ret == -ENOENT ? "no kernel symbol" :
				     ret == -EINVAL ? "cannot probe" : "failed on",
				     p->def.target, ret);
	return ret;
}

static int kt_kprobe_arm(struct kt_probe *p)
{
	struct kt_kprobe *k = p->state;
	int ret = kt_kprobe_check(p);

	if (ret)
		return ret;
	k->p = p;
	memset(&k->kp, 0, sizeof(k->kp));
	k->kp.symbol_name = p->def.target;
	k->kp.offset = (unsigned int)p->def.value;
	k->kp.pre_handler = kt_kprobe_pre;
	return kt_kprobe_refused(p, register_kprobe(&k->kp));
}

static void kt_kprobe_disarm(struct kt_probe *p)
{
	struct kt_kprobe *k = p->state;

	unregister_kprobe(&k->kp);
}

/* arg1: the probed address (symbol + offset), where the regs point past the breakpoint */
static unsigned long kt_kprobe_address(const struct kt_probe *p)
{
	const struct kt_kprobe *k = p->state;

	return (unsigned long)k->kp.addr;
}

static const u8 kt_kprobe_kinds[] = { KTAP_PROBE_KPROBE, 0 };

const struct kt_provider kt_kprobe_provider = {
	.name = "kprobe",
	.kinds = kt_kprobe_kinds,
	.state_size = sizeof(struct kt_kprobe),
	.arm = kt_kprobe_arm,
	.disarm = kt_kprobe_disarm,
	.address = kt_kprobe_address,
};
