// SPDX-License-Identifier: GPL-2.0
/*
 * ftrace.c - `ftrace:function /ip == GLOB/`: an ftrace_ops whose filter is the ip glob,
 * applied by ftrace itself so that untraced functions cost nothing. Tracing every
 * function of the kernel through the VM would stall a small board, so the ip filter is
 * required. The event has the fields ip and parent_ip; argname is the function's name.
 */
#include <linux/ftrace.h>
#include <linux/kallsyms.h>
#include <linux/string.h>
#include <linux/version.h>
#include "provider.h"

struct kt_ftrace {
	struct kt_probe *p;             /* set when armed: the probe array no longer moves */
	struct ftrace_ops fops;
};

struct kt_fn_event {
	struct kt_hit hit;              /* hit.slot: kt_fn_name's scratch buffer */
	unsigned long ip, parent_ip;
};

static void kt_fn_field(const struct ktap_event *ev, const char *name, u32 len,
			struct ktap_evval *out)
{
	const struct kt_fn_event *fe = ev->data;

	out->kind = KTAP_EV_NIL;
	if (len == 2 && !memcmp(name, "ip", 2)) {
		out->kind = KTAP_EV_NUMBER;
		out->number = fe->ip;
	} else if (len == 9 && !memcmp(name, "parent_ip", 9)) {
		out->kind = KTAP_EV_NUMBER;
		out->number = fe->parent_ip;
	}
}

static void kt_fn_arg(const struct ktap_event *ev, int n, struct ktap_evval *out)
{
	if (n == 1)
		kt_fn_field(ev, "ip", 2, out);
	else if (n == 2)
		kt_fn_field(ev, "parent_ip", 9, out);
	else
		out->kind = KTAP_EV_NIL;
}

static void kt_fn_name(const struct ktap_event *ev, struct ktap_evval *out)
{
	const struct kt_fn_event *fe = ev->data;
	char *buf = kt_guard_scratch(fe->hit.slot);

	out->kind = KTAP_EV_STRING;
	out->str = buf;
	out->len = scnprintf(buf, KT_STRING_MAX, "%ps", (void *)fe->ip);
}

/* Like function tracer lines: "vfs_read <-ksys_read". */
static int kt_fn_render(const struct ktap_event *ev, char *buf, int max)
{
	const struct kt_fn_event *fe = ev->data;

	return scnprintf(buf, max, "%ps <-%ps", (void *)fe->ip, (void *)fe->parent_ip);
}

static const struct ktap_event_ops kt_fn_ops = {
	.arg = kt_fn_arg, .field = kt_fn_field, .name = kt_fn_name, .render = kt_fn_render,
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 11, 0)
static void notrace kt_fn_callback(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op, struct ftrace_regs *fregs)
#else
static void notrace kt_fn_callback(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op, struct pt_regs *regs)
#endif
{
	struct kt_fn_event fe = { .ip = ip, .parent_ip = parent_ip };

	fe.hit.ev.ops = &kt_fn_ops;
	fe.hit.ev.data = &fe;
	fe.hit.ip = ip; /* backtrace() starts at the traced function */
	kt_probe_hit(container_of(op, struct kt_ftrace, fops)->p, &fe.hit);
}

/* Accepts `ip == GLOB`, `ip == "GLOB"`; the glob goes to ftrace's filter. */
static int kt_ip_glob(const char *filter, char *out, int max)
{
	const char *p = filter;
	int n;

	while (*p == ' ')
		p++;
	if (strncmp(p, "ip", 2))
		return -EINVAL;
	p += 2;
	while (*p == ' ')
		p++;
	if (strncmp(p, "==", 2))
		return -EINVAL;
	p += 2;
	while (*p == ' ' || *p == '"')
		p++;
	for (n = 0; *p && *p != '"' && *p != ' ' && n < max - 1; n++)
		out[n] = *p++;
	out[n] = 0;
	while (*p == ' ' || *p == '"')
		p++;
	return (n == 0 || *p) ? -EINVAL : 0;
}

/* ftrace_free_filter is exported from 5.19 on; before, resetting empties the filter. */
static void kt_ftrace_free_filter(struct ftrace_ops *ops)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 19, 0)
	ftrace_free_filter(ops);
#else
	ftrace_set_filter(ops, NULL, 0, 1);
#endif
}

static int kt_ftrace_arm(struct kt_probe *p)
{
	struct kt_ftrace *f = p->state;
	char glob[KT_STRING_MAX];
	int ret;

	if (!p->def.filter || kt_ip_glob(p->def.filter, glob, sizeof(glob))) {
		kt_session_set_error(p->sess, -EINVAL,
				     "probe %s: needs a filter of the form /ip == FUNCTION_GLOB/",
				     p->def.spec);
		return -EINVAL;
	}
	f->p = p;
	memset(&f->fops, 0, sizeof(f->fops));
	f->fops.func = kt_fn_callback;
#if LINUX_VERSION_CODE < KERNEL_VERSION(5, 11, 0)
	f->fops.flags = 0; /* before 5.11: ftrace adds its recursion guard unless told safe */
#else
	f->fops.flags = FTRACE_OPS_FL_RECURSION;
#endif
	ret = ftrace_set_filter(&f->fops, glob, strlen(glob), 1);
	if (ret) {
		kt_session_set_error(p->sess, ret, "probe %s: no traceable function matches %s",
				     p->def.spec, glob);
		return ret;
	}
	ret = register_ftrace_function(&f->fops);
	if (ret) {
		kt_ftrace_free_filter(&f->fops);
		kt_session_set_error(p->sess, ret, "cannot arm probe %s: ftrace (error %d)",
				     p->def.spec, ret);
	}
	return ret;
}

static void kt_ftrace_disarm(struct kt_probe *p)
{
	struct kt_ftrace *f = p->state;

	unregister_ftrace_function(&f->fops);
	kt_ftrace_free_filter(&f->fops);
}

static const u8 kt_ftrace_kinds[] = { KTAP_PROBE_FTRACE, 0 };

/* own_filter: the filter is the ip glob given to ftrace, not compiled by probes.c */
const struct kt_provider kt_ftrace_provider = {
	.name = "ftrace",
	.kinds = kt_ftrace_kinds,
	.state_size = sizeof(struct kt_ftrace),
	.arm = kt_ftrace_arm,
	.disarm = kt_ftrace_disarm,
	.own_filter = true,
};
