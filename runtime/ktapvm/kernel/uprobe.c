// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe.c - uprobes, uretprobes and USDT markers (sdt.c) at a file offset of an ELF file
 * on the board. The host resolves the symbol or marker to the offset (the board has no
 * symbol tables to spare); the module only looks the path up. A marker's semaphore is
 * given to the kernel as ref_ctr_offset, which raises it while the uprobe is registered
 * and lowers it again at unregister. Handlers run in the traced task's context; ktap's
 * handler still runs with preemption disabled (the recursion guard) and never sleeps.
 */
#include <linux/namei.h>
#include <linux/fs.h>
#include <linux/uprobes.h>
#include <linux/version.h>
#include "kt.h"

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
static int kt_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs, __u64 *data)
#else
static int kt_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs)
#endif
{
	kt_fire_regs(container_of(uc, struct kt_probe, uc), regs, true, false);
	return 0;
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
static int kt_uretprobe_fn(struct uprobe_consumer *uc, unsigned long func,
			   struct pt_regs *regs, __u64 *data)
#else
static int kt_uretprobe_fn(struct uprobe_consumer *uc, unsigned long func,
			   struct pt_regs *regs)
#endif
{
	kt_fire_regs(container_of(uc, struct kt_probe, uc), regs, true, true);
	return 0;
}

int kt_uprobe_arm(struct kt_probe *p)
{
	struct path path;
	u64 ref_ctr = 0;
	int ret;

	if (!p->def.target || p->def.value == 0) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: the host did not resolve the file offset",
				     p->def.spec);
		return -EINVAL;
	}
	ret = kern_path(p->def.target, LOOKUP_FOLLOW, &path);
	if (ret) {
		kt_session_set_error(p->sess, ret, "probe %s: cannot open %s on the board (error %d)",
				     p->def.spec, p->def.target, ret);
		return ret;
	}
	p->inode = igrab(d_inode(path.dentry));
	path_put(&path);
	if (!p->inode || !S_ISREG(p->inode->i_mode)) {
		kt_session_set_error(p->sess, -EINVAL, "probe %s: %s is not a regular file",
				     p->def.spec, p->def.target);
		ret = -EINVAL;
		goto fail;
	}
	if (p->def.value >= i_size_read(p->inode)) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: offset 0x%llx is past the end of %s (%lld bytes): the file changed since the host read it?",
				     p->def.spec, (unsigned long long)p->def.value, p->def.target,
				     (long long)i_size_read(p->inode));
		ret = -EINVAL;
		goto fail;
	}
	/* A USDT semaphore (sdt.c): a u16 inside the file, raised while the uprobe is armed. */
	if (p->def.kind == KTAP_PROBE_SDT)
		ref_ctr = kt_sdt_semaphore(p->sess, p->index);
	if (ref_ctr && (ref_ctr >= i_size_read(p->inode) || ref_ctr % 2)) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: semaphore offset 0x%llx is %s",
				     p->def.spec, (unsigned long long)ref_ctr,
				     ref_ctr % 2 ? "odd (a semaphore is a 16-bit counter)"
						 : "past the end of the file");
		ret = -EINVAL;
		goto fail;
	}
	memset(&p->uc, 0, sizeof(p->uc));
	if (p->def.kind == KTAP_PROBE_URETPROBE)
		p->uc.ret_handler = kt_uretprobe_fn;
	else
		p->uc.handler = kt_uprobe_fn; /* uprobe, sdt marker */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	p->uprobe = uprobe_register(p->inode, p->def.value, ref_ctr, &p->uc);
	ret = IS_ERR(p->uprobe) ? PTR_ERR(p->uprobe) : 0;
	if (ret)
		p->uprobe = NULL;
#else
	/* uprobe_register_refctr with offset 0 is uprobe_register */
	ret = uprobe_register_refctr(p->inode, p->def.value, ref_ctr, &p->uc);
#endif
	if (!ret)
		return 0;
	if (ref_ctr)
		kt_session_set_error(p->sess, ret,
				     "cannot arm probe %s: %s offset 0x%llx, semaphore 0x%llx (error %d%s)",
				     p->def.spec, p->def.target, (unsigned long long)p->def.value,
				     (unsigned long long)ref_ctr, ret,
				     ret == -EINVAL ? ": another tracer has a uprobe there with another semaphore?" : "");
	else
		kt_session_set_error(p->sess, ret, "cannot arm probe %s: %s offset 0x%llx (error %d)",
				     p->def.spec, p->def.target, (unsigned long long)p->def.value, ret);
fail:
	iput(p->inode);
	p->inode = NULL;
	return ret;
}

void kt_uprobe_disarm(struct kt_probe *p)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	uprobe_unregister_nosync(p->uprobe, &p->uc);
	uprobe_unregister_sync();
	p->uprobe = NULL;
#else
	uprobe_unregister(p->inode, p->def.value, &p->uc);
#endif
	iput(p->inode);
	p->inode = NULL;
}
