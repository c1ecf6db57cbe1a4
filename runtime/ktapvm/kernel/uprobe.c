// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe.c - uprobes and uretprobes at a file offset of an ELF file on the board. The
 * host resolves the symbol to the offset (the board has no symbol tables to spare); the
 * module only looks the path up. Handlers run in the traced task's context; ktap's
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
	memset(&p->uc, 0, sizeof(p->uc));
	if (p->def.kind == KTAP_PROBE_UPROBE)
		p->uc.handler = kt_uprobe_fn;
	else
		p->uc.ret_handler = kt_uretprobe_fn;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	p->uprobe = uprobe_register(p->inode, p->def.value, 0, &p->uc);
	ret = IS_ERR(p->uprobe) ? PTR_ERR(p->uprobe) : 0;
	if (ret)
		p->uprobe = NULL;
#else
	ret = uprobe_register(p->inode, p->def.value, &p->uc);
#endif
	if (!ret)
		return 0;
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
