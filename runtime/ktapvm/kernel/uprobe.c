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
#include "provider.h"

struct kt_uprobe {
	struct kt_probe *p;             /* set when armed: the probe array no longer moves */
	struct uprobe_consumer uc;
	struct inode *inode;            /* referenced while armed */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	struct uprobe *uprobe;
#endif
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
static int kt_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs, __u64 *data)
#else
static int kt_uprobe_fn(struct uprobe_consumer *uc, struct pt_regs *regs)
#endif
{
	kt_fire_regs(container_of(uc, struct kt_uprobe, uc)->p, regs, true, false);
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
	kt_fire_regs(container_of(uc, struct kt_uprobe, uc)->p, regs, true, true);
	return 0;
}

static int kt_uprobe_arm(struct kt_probe *p)
{
	struct kt_uprobe *u = p->state;
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
	u->inode = igrab(d_inode(path.dentry));
	path_put(&path);
	if (!u->inode || !S_ISREG(u->inode->i_mode)) {
		kt_session_set_error(p->sess, -EINVAL, "probe %s: %s is not a regular file",
				     p->def.spec, p->def.target);
		ret = -EINVAL;
		goto fail;
	}
	if (p->def.value >= i_size_read(u->inode)) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: offset 0x%llx is past the end of %s (%lld bytes): the file changed since the host read it?",
				     p->def.spec, (unsigned long long)p->def.value, p->def.target,
				     (long long)i_size_read(u->inode));
		ret = -EINVAL;
		goto fail;
	}
	/* A USDT semaphore (sdt.c): a u16 inside the file, raised while the uprobe is armed. */
	if (p->def.kind == KTAP_PROBE_SDT)
		ref_ctr = kt_sdt_semaphore(p->sess, p->index);
	if (ref_ctr && (ref_ctr >= i_size_read(u->inode) || ref_ctr % 2)) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: semaphore offset 0x%llx is %s",
				     p->def.spec, (unsigned long long)ref_ctr,
				     ref_ctr % 2 ? "odd (a semaphore is a 16-bit counter)"
						 : "past the end of the file");
		ret = -EINVAL;
		goto fail;
	}
	u->p = p;
	memset(&u->uc, 0, sizeof(u->uc));
	if (p->def.kind == KTAP_PROBE_URETPROBE)
		u->uc.ret_handler = kt_uretprobe_fn;
	else
		u->uc.handler = kt_uprobe_fn; /* uprobe, sdt marker */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	u->uprobe = uprobe_register(u->inode, p->def.value, ref_ctr, &u->uc);
	ret = IS_ERR(u->uprobe) ? PTR_ERR(u->uprobe) : 0;
	if (ret)
		u->uprobe = NULL;
#else
	/* uprobe_register_refctr with offset 0 is uprobe_register */
	ret = uprobe_register_refctr(u->inode, p->def.value, ref_ctr, &u->uc);
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
	iput(u->inode);
	u->inode = NULL;
	return ret;
}

static void kt_uprobe_disarm(struct kt_probe *p)
{
	struct kt_uprobe *u = p->state;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	uprobe_unregister_nosync(u->uprobe, &u->uc);
	uprobe_unregister_sync();
	u->uprobe = NULL;
#else
	uprobe_unregister(u->inode, p->def.value, &u->uc);
#endif
	iput(u->inode);
	u->inode = NULL;
}

/*
 * A uprobe's or sdt marker's name is what follows "PATH:" in its spec, up to a blank or
 * "%return": the symbol (or offset), or PROVIDER:MARKER. The host writes one event per
 * symbol a glob matched, each with its own spec, so a handler tells them apart by argname
 * as it does a tracepoint glob's events. NULL when the spec does not name the path.
 */
static const char *kt_user_probe_name(const struct kt_probe *p, u32 *len)
{
	const struct ktap_probe *d = &p->def;
	const char *at, *end;
	size_t n;

	if (!d->spec || !d->target)
		return NULL;
	n = strlen(d->target);
	for (at = strstr(d->spec, d->target); at; at = strstr(at + 1, d->target))
		if (at[n] == ':')
			break;
	if (!at)
		return NULL;
	at += n + 1;
	for (end = at; *end && *end != ' ' && *end != '\t' && *end != '%'; end++)
		;
	if (end == at)
		return NULL;
	*len = end - at;
	return at;
}

static const u8 kt_uprobe_kinds[] = { KTAP_PROBE_UPROBE, KTAP_PROBE_URETPROBE, 0 };

const struct kt_provider kt_uprobe_provider = {
	.name = "uprobe",
	.kinds = kt_uprobe_kinds,
	.state_size = sizeof(struct kt_uprobe),
	.arm = kt_uprobe_arm,
	.disarm = kt_uprobe_disarm,
	.argname = kt_user_probe_name,
};

static const u8 kt_sdt_kinds[] = { KTAP_PROBE_SDT, 0 };

/* A marker is a uprobe with an optional semaphore; its fetch-args are the marker's
 * arguments, arg1 on (bpftrace's arg0..), not after the probe address. */
const struct kt_provider kt_sdt_provider = {
	.name = "sdt",
	.kinds = kt_sdt_kinds,
	.state_size = sizeof(struct kt_uprobe),
	.arm = kt_uprobe_arm,
	.disarm = kt_uprobe_disarm,
	.argname = kt_user_probe_name,
	.no_address_arg = true,
};
