// SPDX-License-Identifier: GPL-2.0
/*
 * regs_event.c - the event of a hit described by pt_regs and the probe's fetch-args, which
 * kprobes, kretprobes, uprobes, sdt markers, perf counters and watchpoints share: arg1 the
 * probe address (provider->address), arg2.. the fetch-args, args.NAME, argname
 * (provider->argname), argevent. kt_fire_regs builds it and hands it to kt_probe_hit.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/ptrace.h>
#include "provider.h"

struct kt_regs_event {
	struct kt_hit hit;              /* hit.slot: the scratch buffers' owner */
	struct kt_probe *p;
	struct pt_regs *regs;
	bool user;
};

/* The probed address: a kprobe's symbol (+offset) and a kretprobe's function (their
 * providers' address()), else the instruction pointer (a uprobe's user address). */
static unsigned long kt_probe_address(const struct kt_regs_event *re)
{
	if (re->p->provider->address)
		return re->p->provider->address(re->p);
	return re->regs ? instruction_pointer(re->regs) : 0;
}

/* The arg number of the first fetch-arg: 2 after the probe address, but 1 for a USDT
 * marker, whose fetch-args are the marker's own arguments (bpftrace's arg0..). */
static int kt_first_fetch_arg(const struct kt_probe *p)
{
	return p->provider->no_address_arg ? 1 : 2;
}

/* arg1 is the probe address, arg2.. the fetch-args in order; an sdt marker's arg1.. are its
 * arguments (docs/language.md). */
static void kt_regs_arg(const struct ktap_event *ev, int n, struct ktap_evval *out)
{
	const struct kt_regs_event *re = ev->data;
	const struct ktap_probe *d = &re->p->def;
	int first = kt_first_fetch_arg(re->p);

	out->kind = KTAP_EV_NIL;
	if (n == 1 && first == 2) { /* like the kprobe tracer's format: __probe_ip first */
		out->kind = KTAP_EV_NUMBER;
		out->number = kt_probe_address(re);
		return;
	}
	if (n < first || (u32)(n - first) >= d->fetcharg_count)
		return;
	kt_fetch(&d->fetchargs[n - first], re->regs, re->user, kt_guard_scratch(re->hit.slot),
		 out);
}

static void kt_regs_field(const struct ktap_event *ev, const char *name, u32 len,
			  struct ktap_evval *out)
{
	const struct kt_regs_event *re = ev->data;
	const struct ktap_probe *d = &re->p->def;
	u32 i;

	out->kind = KTAP_EV_NIL;
	for (i = 0; i < d->fetcharg_count; i++) {
		const char *fn = d->fetchargs[i].name;

		if (fn && strlen(fn) == len && !memcmp(fn, name, len)) {
			kt_regs_arg(ev, i + kt_first_fetch_arg(re->p), out);
			return;
		}
	}
	if (len == 2 && !memcmp(name, "ip", 2) && re->regs) {
		out->kind = KTAP_EV_NUMBER;
		out->number = instruction_pointer(re->regs);
	}
}

static void kt_probe_name(const struct ktap_event *ev, struct ktap_evval *out)
{
	const struct kt_regs_event *re = ev->data;
	const struct kt_probe *p = re->p;
	const char *name = p->def.target ? p->def.target : p->def.spec;

	out->kind = KTAP_EV_STRING;
	if (p->provider->argname) {
		out->str = p->provider->argname(p, &out->len);
		if (out->str)
			return;
	}
	out->str = name ? name : "";
	out->len = strlen(out->str);
}

/* Like a kprobe_events line: "name: (symbol+0x0/0x..) a=0x.. b=\"..\"". */
static int kt_regs_render(const struct ktap_event *ev, char *buf, int max)
{
	const struct kt_regs_event *re = ev->data;
	const struct ktap_probe *d = &re->p->def;
	struct ktap_evval v;
	int n;
	u32 i;

	if (max <= 0)
		return 0;
	kt_probe_name(ev, &v);
	/* A kprobe's regs point past the breakpoint: name the probed address itself. */
	n = scnprintf(buf, max, "%.*s: (%pS)", (int)v.len, v.str,
		      (void *)kt_probe_address(re));
	for (i = 0; i < d->fetcharg_count && n < max - 1; i++) {
		kt_regs_arg(ev, i + kt_first_fetch_arg(re->p), &v);
		if (v.kind == KTAP_EV_STRING)
			n += scnprintf(buf + n, max - n, " %s=\"%.*s\"", d->fetchargs[i].name,
				       (int)v.len, v.str);
		else if (v.kind == KTAP_EV_NUMBER)
			n += scnprintf(buf + n, max - n, " %s=0x%llx", d->fetchargs[i].name,
				       (unsigned long long)v.number);
		else
			n += scnprintf(buf + n, max - n, " %s=(fault)", d->fetchargs[i].name);
	}
	return n;
}

static const struct ktap_event_ops kt_regs_ops = {
	.arg = kt_regs_arg,
	.field = kt_regs_field,
	.name = kt_probe_name,
	.render = kt_regs_render,
};

/* [probe] A kprobe, kretprobe, uprobe, sdt marker, perf counter or watchpoint hit: user
 * says regs and fetch-args are user memory, ret that the probed function returned. */
void kt_fire_regs(struct kt_probe *p, struct pt_regs *regs, bool user, bool ret)
{
	struct kt_regs_event re = { .p = p, .regs = regs, .user = user };

	re.hit.ev.ops = &kt_regs_ops;
	re.hit.ev.data = &re;
	re.hit.regs = regs;
	/* a kprobe names its probed address (its regs point past the breakpoint) */
	re.hit.ip = user || ret ? 0 : kt_probe_address(&re);
	kt_probe_hit(p, &re.hit);
}
