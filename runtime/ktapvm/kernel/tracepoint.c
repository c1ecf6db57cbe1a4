// SPDX-License-Identifier: GPL-2.0
/*
 * tracepoint.c - trace events (`trace sched:sched_switch`, `syscalls:sys_enter_*`).
 * A glob is expanded by listing tracefs' events/<subsys>/<event> directories; each match
 * is opened with trace_get_event_file(), whose trace_event_call gives the perf id (a perf
 * tracepoint counter per CPU delivers the raw entry) and the fields' names, offsets and
 * sizes used for arg1..9, args.NAME, filters and argevent. Everything here but the handlers runs at load, in process context.
 */
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/glob.h>
#include <linux/string.h>
#include <linux/kernel.h>
#include <linux/version.h>
#include <linux/trace_events.h>
#include <linux/sched/signal.h>
#include "provider.h"

#define KT_TP_NAME_MAX 64
#define KT_TP_FIELD_NAME_MAX 40
#define KT_TP_MAX_FIELDS 48
#define KT_TP_MAX_MATCHES 2048

enum kt_field_kind { KT_F_INT, KT_F_CHARS, KT_F_DATA_LOC_STR, KT_F_OTHER };

struct kt_tp_field {
	char name[KT_TP_FIELD_NAME_MAX];
	u16 offset, size;
	u8 is_signed, kind, common;
};

struct kt_tp_format {
	char name[KT_TP_NAME_MAX]; /* "subsys:event" */
	int count;
	struct kt_tp_field f[KT_TP_MAX_FIELDS];
};

/* A probe's state: one matched event */
struct kt_tracepoint {
	struct kt_tp_format format;     /* the field layout */
	u64 value_id;                   /* its perf id */
	struct trace_event_file *tfile; /* referenced while the session lives */
};

extern const struct kt_provider kt_tracepoint_provider; /* defined at the end */

static const char *const kt_tracefs_roots[] = {
	"/sys/kernel/tracing/events", "/sys/kernel/debug/tracing/events",
};

/* ---- listing tracefs, reading the event's fields ------------------------------- */

struct kt_names {
	struct dir_context ctx;
	char (*names)[KT_TP_NAME_MAX];
	int count, cap;
	const char *glob;
};

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
#define KT_FILLDIR_RET bool
#define KT_FILLDIR_GO_ON true
#else
#define KT_FILLDIR_RET int
#define KT_FILLDIR_GO_ON 0
#endif

static KT_FILLDIR_RET kt_names_actor(struct dir_context *ctx, const char *name, int len,
				     loff_t off, u64 ino, unsigned int type)
{
	struct kt_names *n = container_of(ctx, struct kt_names, ctx);
	char tmp[KT_TP_NAME_MAX];

	if (type != DT_DIR || len >= KT_TP_NAME_MAX || name[0] == '.')
		return KT_FILLDIR_GO_ON;
	memcpy(tmp, name, len);
	tmp[len] = 0;
	if (!glob_match(n->glob, tmp) || n->count >= n->cap)
		return KT_FILLDIR_GO_ON;
	strscpy(n->names[n->count++], tmp, KT_TP_NAME_MAX);
	return KT_FILLDIR_GO_ON;
}

/* List the subdirectories of dir whose names match glob (at most cap). */
static int kt_list_dirs(const char *dir, const char *glob, char (*names)[KT_TP_NAME_MAX],
			int cap)
{
	struct kt_names n = { .ctx.actor = kt_names_actor, .names = names, .cap = cap,
			      .glob = glob };
	struct file *f = filp_open(dir, O_RDONLY | O_DIRECTORY, 0);
	int ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = iterate_dir(f, &n.ctx);
	filp_close(f, NULL);
	return ret < 0 ? ret : n.count;
}

/*
 * The kernel's private struct ftrace_event_field (kernel/trace/trace.h): its leading
 * members have kept this layout from 4.x to 6.12. Only these are read.
 */
struct kt_kernel_event_field {
	struct list_head link;
	const char *name;
	const char *type;
	int filter_type;
	int offset;
	int size;
	int is_signed; /* a 1-bit field in newer kernels: only bit 0 is read */
};

static void kt_add_field(struct kt_tp_format *fmt, const char *name, const char *type,
			 int offset, int size, int is_signed)
{
	struct kt_tp_field *f;
	int i;

	if (fmt->count >= KT_TP_MAX_FIELDS)
		return;
	/* keep the fields in layout order (the kernel's list is newest first) */
	for (i = fmt->count; i > 0 && fmt->f[i - 1].offset > offset; i--)
		fmt->f[i] = fmt->f[i - 1];
	f = &fmt->f[i];
	memset(f, 0, sizeof(*f));
	strscpy(f->name, name, sizeof(f->name));
	f->offset = offset;
	f->size = size;
	f->is_signed = is_signed;
	f->common = !strncmp(name, "common_", 7);
	if (strstr(type, "__data_loc") && strstr(type, "char"))
		f->kind = KT_F_DATA_LOC_STR;
	else if (strchr(type, '[') && strstr(type, "char"))
		f->kind = KT_F_CHARS;
	else if (!strchr(type, '[') && (size == 1 || size == 2 || size == 4 || size == 8))
		f->kind = KT_F_INT;
	else
		f->kind = KT_F_OTHER;
	fmt->count++;
}

/* The event's perf id and fields, from its trace_event_call; keeps a reference. */
static int kt_read_event(struct kt_tracepoint *t, const char *sys, const char *event)
{
	struct kt_tp_format *fmt = &t->format;
	struct trace_event_call *call;
	struct kt_kernel_event_field *kf;
	struct list_head *head;

	t->tfile = trace_get_event_file(NULL, sys, event);
	if (IS_ERR(t->tfile)) {
		int ret = PTR_ERR(t->tfile);

		t->tfile = NULL;
		return ret;
	}
	call = t->tfile->event_call;
	t->value_id = call->event.type;
	snprintf(fmt->name, sizeof(fmt->name), "%s:%s", sys, event);
	kt_add_field(fmt, "common_type", "unsigned short",
		     offsetof(struct trace_entry, type), 2, 0);
	kt_add_field(fmt, "common_flags", "unsigned char",
		     offsetof(struct trace_entry, flags), 1, 0);
	kt_add_field(fmt, "common_preempt_count", "unsigned char",
		     offsetof(struct trace_entry, preempt_count), 1, 0);
	kt_add_field(fmt, "common_pid", "int", offsetof(struct trace_entry, pid), 4, 1);
	head = trace_get_fields(call);
	list_for_each_entry(kf, head, link)
		kt_add_field(fmt, kf->name, kf->type ? kf->type : "", kf->offset, kf->size,
			     kf->is_signed & 1);
	return 0;
}

/*
 * Whether perf refuses to sample the event whatever the caller: an event with a perf_perm
 * hook (TRACE_EVENT_PERF_PERM; x86's irq_vectors:irq_work_exit, whose samples would raise
 * irq_work and so fire it again). A glob leaves such events out instead of failing on them.
 */
static bool kt_event_unsampleable(const char *sys, const char *event)
{
	struct trace_event_file *f = trace_get_event_file(NULL, sys, event);
	bool refuses;

	if (IS_ERR(f))
		return false; /* kt_read_event reports it */
	refuses = f->event_call->perf_perm != NULL;
	trace_put_event_file(f);
	return refuses;
}

/* ---- the event a handler sees ------------------------------------------------------ */

struct kt_tp_event {
	struct kt_hit hit;
	const struct kt_tp_format *fmt;
	const u8 *raw;
	u32 size;
};

static void kt_tp_value(const struct kt_tp_event *te, const struct kt_tp_field *f,
			struct ktap_evval *out)
{
	const u8 *at = te->raw + f->offset;

	out->kind = KTAP_EV_NIL;
	if ((u32)f->offset + f->size > te->size)
		return;
	switch (f->kind) {
	case KT_F_INT: {
		s64 v = 0;

		switch (f->size) {
		case 1: v = f->is_signed ? *(s8 *)at : *(u8 *)at; break;
		case 2: v = f->is_signed ? *(s16 *)at : *(u16 *)at; break;
		case 4: v = f->is_signed ? *(s32 *)at : *(u32 *)at; break;
		default: v = *(s64 *)at; break;
		}
		out->kind = KTAP_EV_NUMBER;
		out->number = v;
		return;
	}
	case KT_F_CHARS:
		out->kind = KTAP_EV_STRING;
		out->str = (const char *)at;
		out->len = strnlen((const char *)at, f->size);
		return;
	case KT_F_DATA_LOC_STR: {
		u32 loc = *(u32 *)at;
		u32 off = loc & 0xffff, len = loc >> 16;

		if (off + len > te->size)
			return;
		out->kind = KTAP_EV_STRING;
		out->str = (const char *)te->raw + off;
		out->len = strnlen(out->str, len);
		return;
	}
	}
}

static void kt_tp_arg(const struct ktap_event *ev, int n, struct ktap_evval *out)
{
	const struct kt_tp_event *te = ev->data;
	const struct kt_tp_format *fmt = te->fmt;
	int i;

	out->kind = KTAP_EV_NIL;
	for (i = 0; i < fmt->count; i++) {
		if (fmt->f[i].common)
			continue;
		if (--n == 0) {
			kt_tp_value(te, &fmt->f[i], out);
			return;
		}
	}
}

static void kt_tp_field(const struct ktap_event *ev, const char *name, u32 len,
			struct ktap_evval *out)
{
	const struct kt_tp_event *te = ev->data;
	const struct kt_tp_format *fmt = te->fmt;
	int i;

	out->kind = KTAP_EV_NIL;
	for (i = 0; i < fmt->count; i++) {
		if (strlen(fmt->f[i].name) == len && !memcmp(fmt->f[i].name, name, len)) {
			kt_tp_value(te, &fmt->f[i], out);
			return;
		}
	}
}

static void kt_tp_name(const struct ktap_event *ev, struct ktap_evval *out)
{
	const struct kt_tp_event *te = ev->data;
	const char *colon = strchr(te->fmt->name, ':');

	out->kind = KTAP_EV_STRING;
	out->str = colon ? colon + 1 : te->fmt->name;
	out->len = strlen(out->str);
}

/* "sched_switch: prev_comm=bash prev_pid=12 ..." (the fields, not the print fmt). */
static int kt_tp_render(const struct ktap_event *ev, char *buf, int max)
{
	const struct kt_tp_event *te = ev->data;
	const struct kt_tp_format *fmt = te->fmt;
	struct ktap_evval v;
	int i, n;

	if (max <= 0)
		return 0;
	kt_tp_name(ev, &v);
	n = scnprintf(buf, max, "%.*s:", (int)v.len, v.str);
	for (i = 0; i < fmt->count && n < max - 1; i++) {
		if (fmt->f[i].common)
			continue;
		kt_tp_value(te, &fmt->f[i], &v);
		if (v.kind == KTAP_EV_NUMBER)
			n += scnprintf(buf + n, max - n, " %s=%lld", fmt->f[i].name,
				       (long long)v.number);
		else if (v.kind == KTAP_EV_STRING)
			n += scnprintf(buf + n, max - n, " %s=%.*s", fmt->f[i].name,
				       (int)v.len, v.str);
	}
	return n;
}

static const struct ktap_event_ops kt_tp_ops = {
	.arg = kt_tp_arg,
	.field = kt_tp_field,
	.name = kt_tp_name,
	.render = kt_tp_render,
};

static void kt_tp_overflow(struct perf_event *event, struct perf_sample_data *data,
			   struct pt_regs *regs)
{
	struct kt_probe *p = event->overflow_handler_context;
	const struct kt_tracepoint *t = p->state;
	struct kt_tp_event te = { .fmt = &t->format };

	/* No raw entry: no event, and no hit either (not even a reentry_skips count): it
	 * was so before the common fire path, and nothing but a tracepoint has to check. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
	if (!(data->sample_flags & PERF_SAMPLE_RAW))
		return;
#endif
	if (!data->raw)
		return;
	te.raw = data->raw->frag.data;
	te.size = data->raw->frag.size;
	te.hit.ev.ops = &kt_tp_ops;
	te.hit.ev.data = &te;
	te.hit.regs = regs; /* backtrace() starts at the tracepoint's caller */
	te.hit.caller_regs = true;
	kt_probe_hit(p, &te.hit);
}

/* ---- expansion and arming ------------------------------------------------------------ */

struct kt_expand {
	char sys[KT_TP_MAX_MATCHES / 8][KT_TP_NAME_MAX];
	char ev[KT_TP_MAX_MATCHES][KT_TP_NAME_MAX];
};

/* prepare: one kt_probe per event the glob matches, its fields read now (process context) */
static int kt_tracepoint_prepare(struct kt_session *s, u32 index, const struct ktap_probe *def)
{
	char sysglob[KT_TP_NAME_MAX], *evglob;
	bool globbed;
	const char *root = NULL;
	struct kt_expand *x;
	int i, j, nsys, nev, matched = 0, ret = 0;

	if (!def->target || !strchr(def->target, ':') ||
	    strlen(def->target) >= sizeof(sysglob)) {
		kt_session_set_error(s, -EINVAL, "probe %s: expected subsystem:event",
				     def->spec);
		return -EINVAL;
	}
	globbed = strpbrk(def->target, "*?[") != NULL;
	strscpy(sysglob, def->target, sizeof(sysglob));
	evglob = strchr(sysglob, ':');
	*evglob++ = 0;
	x = vzalloc(sizeof(*x));
	if (!x)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(kt_tracefs_roots) && !root; i++) {
		nsys = kt_list_dirs(kt_tracefs_roots[i], sysglob, x->sys, ARRAY_SIZE(x->sys));
		if (nsys >= 0)
			root = kt_tracefs_roots[i];
	}
	if (!root) {
		kt_session_set_error(s, -ENOENT,
				     "probe %s: tracefs is not mounted (/sys/kernel/tracing)",
				     def->spec);
		ret = -ENOENT;
		goto out;
	}
	for (i = 0; i < nsys && !ret; i++) {
		char dir[160];

		/* tracefs's "ftrace" system holds the function tracer's own record formats
		 * (function, print, kernel_stack...), not tracepoints: perf cannot open them
		 * (tracefs's events/enable skips them too). A glob matches them only when it
		 * names the system; ftrace:function is its own probe kind (ftrace.c). */
		if (!strcmp(x->sys[i], "ftrace") && strcmp(sysglob, "ftrace"))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", root, x->sys[i]);
		nev = kt_list_dirs(dir, evglob, x->ev, ARRAY_SIZE(x->ev));
		for (j = 0; j < nev && !ret; j++) {
			struct kt_probe *p;
			struct kt_tracepoint *t;

			if (fatal_signal_pending(current)) { /* the writer gave up */
				kt_session_set_error(s, -EINTR, "probe %s: interrupted", def->spec);
				ret = -EINTR;
				break;
			}

			if (globbed && kt_event_unsampleable(x->sys[i], x->ev[j]))
				continue;
			if (matched >= KT_TP_MAX_MATCHES) {
				kt_session_set_error(s, -E2BIG, "probe %s: more than %d events match",
						     def->spec, KT_TP_MAX_MATCHES);
				ret = -E2BIG;
				break;
			}
			p = kt_probe_add(s, index, def, &kt_tracepoint_provider);
			if (!p) {
				ret = -ENOMEM;
				break;
			}
			t = p->state;
			ret = kt_read_event(t, x->sys[i], x->ev[j]);
			if (ret) {
				kt_session_set_error(s, ret, "probe %s: cannot open event %s:%s (error %d)",
						     def->spec, x->sys[i], x->ev[j], ret);
				break;
			}
			p->event_name = t->format.name;
			matched++;
		}
	}
	if (!ret && !matched) {
		kt_session_set_error(s, -ENOENT, "probe %s: no trace event matches %s",
				     def->spec, def->target);
		ret = -ENOENT;
	}
out:
	vfree(x);
	return ret;
}

/*
 * One event, one handler run. Some tracepoints give perf a weight, not 1
 * (__perf_count(runtime) in sched_stat_runtime, the delay in sched_stat_wait/sleep/...):
 * a counter with period 1 then overflows once per unit of weight, hundreds of handler
 * runs for one event. With PERF_SAMPLE_PERIOD requested and a fixed period,
 * perf_swevent_event() takes the weight as the sample's period and overflows exactly
 * once (kernel/events/core.c, since 2.6.36).
 */
static int kt_tracepoint_arm(struct kt_probe *p)
{
	const struct kt_tracepoint *t = p->state;
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT,
		.size = sizeof(attr),
		.config = t->value_id,
		.sample_period = 1,
		.freq = 0,
		.sample_type = PERF_SAMPLE_RAW | PERF_SAMPLE_PERIOD,
	};
	return kt_perf_open(p, &attr, kt_tp_overflow); /* created by kt_perf_arm_all */
}

static void kt_tracepoint_release(struct kt_probe *p)
{
	struct kt_tracepoint *t = p->state;

	if (t->tfile)
		trace_put_event_file(t->tfile);
	t->tfile = NULL;
	p->event_name = NULL; /* it pointed into the state, which probes.c frees next */
}

static const u8 kt_tracepoint_kinds[] = { KTAP_PROBE_TRACEPOINT, 0 };

const struct kt_provider kt_tracepoint_provider = {
	.name = "tracepoint",
	.kinds = kt_tracepoint_kinds,
	.state_size = sizeof(struct kt_tracepoint),
	.prepare = kt_tracepoint_prepare,
	.arm = kt_tracepoint_arm,
	.disarm = kt_perf_disarm,
	.release = kt_tracepoint_release,
};
