// SPDX-License-Identifier: GPL-2.0
/*
 * kretprobe.c - kretprobes: the handler runs when the kernel function returns ($retval).
 * The handlers run with preemption disabled, possibly with interrupts off; they never
 * sleep.
 */
#include <linux/kprobes.h>
#include <linux/version.h>
#include "provider.h"

struct kt_kretprobe {
	struct kt_probe *p;             /* set when armed: the probe array no longer moves */
	struct kretprobe krp;
};

static int kt_kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	struct kretprobe *rp = get_kretprobe(ri);
#else
	struct kretprobe *rp = ri->rp;
#endif
	if (rp)
		kt_fire_regs(container_of(rp, struct kt_kretprobe, krp)->p, regs, false, true);
	return 0;
}

static int kt_kretprobe_arm(struct kt_probe *p)
{
	struct kt_kretprobe *k = p->state;
	int ret = kt_kprobe_check(p);

	if (ret)
		return ret;
	k->p = p;
	memset(&k->krp, 0, sizeof(k->krp));
	k->krp.kp.symbol_name = p->def.target;
	k->krp.handler = kt_kretprobe_ret;
	k->krp.maxactive = 0; /* the kernel's default: enough for this many CPUs */
	return kt_kprobe_refused(p, register_kretprobe(&k->krp));
}

static void kt_kretprobe_disarm(struct kt_probe *p)
{
	struct kt_kretprobe *k = p->state;

	unregister_kretprobe(&k->krp);
}

/* arg1: the function's address (the regs are at its return) */
static unsigned long kt_kretprobe_address(const struct kt_probe *p)
{
	const struct kt_kretprobe *k = p->state;

	return (unsigned long)k->krp.kp.addr;
}

static const u8 kt_kretprobe_kinds[] = { KTAP_PROBE_KRETPROBE, 0 };

const struct kt_provider kt_kretprobe_provider = {
	.name = "kretprobe",
	.kinds = kt_kretprobe_kinds,
	.state_size = sizeof(struct kt_kretprobe),
	.arm = kt_kretprobe_arm,
	.disarm = kt_kretprobe_disarm,
	.address = kt_kretprobe_address,
};
