// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe.c - kprobes and kretprobes on a kernel symbol (+ offset). The handlers run with
 * preemption disabled, possibly with interrupts off; they never sleep.
 */
#include <linux/kprobes.h>
#include <linux/version.h>
#include "kt.h"

static int kt_kprobe_pre(struct kprobe *kp, struct pt_regs *regs)
{
	kt_fire_regs(container_of(kp, struct kt_probe, kp), regs, false, false);
	return 0;
}

static int kt_kretprobe_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
	struct kretprobe *rp = get_kretprobe(ri);
#else
	struct kretprobe *rp = ri->rp;
#endif
	if (rp)
		kt_fire_regs(container_of(rp, struct kt_probe, krp), regs, false, true);
	return 0;
}

int kt_kprobe_arm(struct kt_probe *p)
{
	int ret;

	if (!p->def.target || !*p->def.target) {
		kt_session_set_error(p->sess, -EINVAL, "probe %s: no kernel symbol", p->def.spec);
		return -EINVAL;
	}
	if (p->def.kind == KTAP_PROBE_KPROBE) {
		memset(&p->kp, 0, sizeof(p->kp));
		p->kp.symbol_name = p->def.target;
		p->kp.offset = (unsigned int)p->def.value;
		p->kp.pre_handler = kt_kprobe_pre;
		ret = register_kprobe(&p->kp);
	} else {
		memset(&p->krp, 0, sizeof(p->krp));
		p->krp.kp.symbol_name = p->def.target;
		p->krp.handler = kt_kretprobe_ret;
		p->krp.maxactive = 0; /* the kernel's default: enough for this many CPUs */
		ret = register_kretprobe(&p->krp);
	}
	if (ret)
		kt_session_set_error(p->sess, ret, "cannot arm probe %s: %s %s (error %d)",
				     p->def.spec,
				     ret == -ENOENT ? "no kernel symbol" :
				     ret == -EINVAL ? "cannot probe" : "failed on",
				     p->def.target, ret);
	return ret;
}

void kt_kprobe_disarm(struct kt_probe *p)
{
	if (p->def.kind == KTAP_PROBE_KPROBE)
		unregister_kprobe(&p->kp);
	else
		unregister_kretprobe(&p->krp);
}
