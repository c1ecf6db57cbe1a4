// SPDX-License-Identifier: GPL-2.0
/*
 * probes.c - arming a session's probes (all or nothing) and running a handler when one
 * fires. Every event source ends in kt_fire(): it checks the session still runs, takes
 * the recursion guard, applies the filter, calls the VM, and hands exit() to a worker
 * (disarming sleeps, so it cannot happen in probe context).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/kallsyms.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/hardirq.h>
#include "kt.h"

/* ---- events built from pt_regs and fetch-args (kprobes, uprobes, ftrace) ---- */

struct kt_regs_event {
	struct kt_probe *p;
	struct pt_regs *regs;
	bool user;
	int slot;
};

/* The probed address: a kprobe's symbol (+offset), a kretprobe's function, a uprobe's
 * user instruction pointer. */
static unsigned long kt_probe_address(const struct kt_regs_event *re)
{
	if (re->p->def.kind == KTAP_PROBE_KPROBE)
		return (unsigned long)re->p->kp.addr;
	if (re->p->def.kind == KTAP_PROBE_KRETPROBE)
		return (unsigned long)re->p->krp.kp.addr;
	return re->regs ? instruction_pointer(re->regs) : 0;
}

/* The arg number of the first fetch-arg: 2 after the probe address, but 1 for a USDT
 * marker, whose fetch-args are the marker's own arguments (bpftrace's arg0..). */
static int kt_first_fetch_arg(const struct ktap_probe *d)
{
	return d->kind == KTAP_PROBE_SDT ? 1 : 2;
}

/* arg1 is the probe address, arg2.. the fetch-args in order; an sdt marker's arg1.. are its
 * arguments (docs/language.md). */
static void kt_regs_arg(const struct ktap_event *ev, int n, struct ktap_evval *out)
{
	const struct kt_regs_event *re = ev->data;
	const struct ktap_probe *d = &re->p->def;
	int first = kt_first_fetch_arg(d);

	out->kind = KTAP_EV_NIL;
	if (n == 1 && first == 2) { /* like the kprobe tracer's format: __probe_ip first */
		out->kind = KTAP_EV_NUMBER;
		out->number = kt_probe_address(re);
		return;
	}
	if (n < first || (u32)(n - first) >= d->fetcharg_count)
		return;
	kt_fetch(&d->fetchargs[n - first], re->regs, re->user, kt_guard_scratch(re->slot), out);
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
			kt_regs_arg(ev, i + kt_first_fetch_arg(d), out);
			return;
		}
	}
	if (len == 2 && !memcmp(name, "ip", 2) && re->regs) {
		out->kind = KTAP_EV_NUMBER;
		out->number = instruction_pointer(re->regs);
	}
}

/*
 * A uprobe's or sdt marker's name is what follows "PATH:" in its spec, up to a blank or
 * "%return": the symbol (or offset), or PROVIDER:MARKER. The host writes one event per
 * symbol a glob matched, each with its own spec, so a handler tells them apart by argname
 * as it does a tracepoint glob's events. NULL when the spec does not name the path.
 */
static const char *kt_user_probe_name(const struct ktap_probe *d, u32 *len)
{
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

static void kt_probe_name(const struct ktap_event *ev, struct ktap_evval *out)
{
	const struct kt_regs_event *re = ev->data;
	const struct ktap_probe *d = &re->p->def;
	const char *name = d->target ? d->target : d->spec;

	out->kind = KTAP_EV_STRING;
	if (d->kind == KTAP_PROBE_UPROBE || d->kind == KTAP_PROBE_URETPROBE || d->kind == KTAP_PROBE_SDT) {
		out->str = kt_user_probe_name(d, &out->len);
		if (out->str)
			return;
	}
	out->str = name ? name : "";
	out->len = strlen(out->str);
	/* a watchpoint's target is its LEN:ACCESS: name what it watches, from the spec
	 * "watchpoint:WHAT:LEN:ACCESS" (the loader took only such a target, not the spec) */
	if (re->p->def.kind == KTAP_PROBE_WATCHPOINT && re->p->def.spec) {
		const char *what = strchr(re->p->def.spec, ':');

		out->str = what ? what + 1 : re->p->def.spec;
		out->len = strcspn(out->str, ": ");
	}
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
		kt_regs_arg(ev, i + kt_first_fetch_arg(d), &v);
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

/*
 * [probe] Run probe p's handler for ev, unless a handler already runs in this context.
 * Never in NMI context: an NMI may arrive while this CPU holds one of the VM's locks
 * (raw spinlocks, taken with interrupts off by handlers and by main/trace_end), and a
 * handler there would spin on it for ever; it is skipped and counted instead
 * (KTAP_IOC_STATS nmi_skips). For the same reason a handler on a CPU that holds a VM lock
 * (a kprobe on a function the core calls under it) is skipped (lock_skips).
 * exit() is handed on through irq_work, which is safe in any context; its callback
 * queues the work item (schedule_work() takes the workqueue's pool lock, which the
 * probed code may hold: a handler on workqueue:workqueue_queue_work).
 */
static void kt_fire_checked(struct kt_probe *p, const struct ktap_event *ev)
{
	struct kt_session *s = p->sess;

	if (!READ_ONCE(s->running))
		return;
	/* A watchpoint hit is a debug exception, which x86 and arm64 enter as NMI-like
	 * (in_nmi()), but it is synchronous: it happens at the watched access itself, never
	 * at an arbitrary point of a VM lock's critical section; an access inside one (the
	 * VM touching watched data under its lock) is caught by the lock check below. */
	if (unlikely(in_nmi()) && p->def.kind != KTAP_PROBE_WATCHPOINT) {
		atomic64_inc(&s->nmi_skips);
		return;
	}
	if (unlikely(kt_guard_lock_held())) {
		atomic64_inc(&s->lock_skips);
		return;
	}
	/* another CPU's (cpu_scope.c) or another task's event (scope.c): not ours, so not
	 * counted anywhere. A tick is no task's or CPU's event and runs whatever the scope. */
	if (p->def.kind != KTAP_PROBE_TICK && (!kt_cpu_allows(s) || !kt_scope_allows(s)))
		return;
	if (p->filter && ev && !kt_filter_match(p->filter, ev))
		return;
	ktap_session_fire(s->vm, p->index, ev);
	if (unlikely(ktap_session_stopped(s->vm)) && READ_ONCE(s->running))
		irq_work_queue(&s->exit_irq);
}

/* The traced context noted for backtrace() (kt_stack_note) lives only while the handler
 * runs: forgotten here whatever happened, so no later handler at this level sees it. */
void kt_fire(struct kt_probe *p, const struct ktap_event *ev)
{
	kt_fire_checked(p, ev);
	kt_stack_forget();
}

/* [probe] kprobe/kretprobe/uprobe/ftrace entry: builds the event around regs. */
void kt_fire_regs(struct kt_probe *p, struct pt_regs *regs, bool user, bool ret)
{
	struct kt_regs_event re = { .p = p, .regs = regs, .user = user };
	struct ktap_event ev = { .ops = &kt_regs_ops, .data = &re };
	int slot = kt_guard_enter();

	(void)ret;
	if (slot < 0) {
		atomic64_inc(&p->sess->reentry_skips);
		return;
	}
	re.slot = slot;
	/* a kprobe names its probed address (its regs point past the breakpoint) */
	kt_stack_note(regs, user || ret ? 0 : kt_probe_address(&re));
	kt_fire(p, &ev);
	kt_guard_exit(slot);
}

/* ---- arming -------------------------------------------------------------------- */

static int kt_arm_one(struct kt_probe *p)
{
	switch (p->def.kind) {
	case KTAP_PROBE_KPROBE:
	case KTAP_PROBE_KRETPROBE:
		return kt_kprobe_arm(p);
	case KTAP_PROBE_UPROBE:
	case KTAP_PROBE_URETPROBE:
	case KTAP_PROBE_SDT:
		return kt_uprobe_arm(p);
	case KTAP_PROBE_TICK:
		return kt_tick_arm(p);
	case KTAP_PROBE_PROFILE:
		return kt_perf_arm_profile(p);
	case KTAP_PROBE_SOFTWARE:
	case KTAP_PROBE_HARDWARE:
		return kt_counter_arm(p);
	case KTAP_PROBE_WATCHPOINT:
		return kt_watch_arm(p);
	case KTAP_PROBE_FTRACE:
		return kt_ftrace_arm(p);
	case KTAP_PROBE_TRACEPOINT:
		return kt_tracepoint_arm(p);
	case KTAP_PROBE_TRACE_END:
		return 0; /* run by the session at close */
	}
	return -EOPNOTSUPP;
}

static void kt_disarm_one(struct kt_probe *p)
{
	if (!p->armed)
		return;
	switch (p->def.kind) {
	case KTAP_PROBE_KPROBE:
	case KTAP_PROBE_KRETPROBE:
		kt_kprobe_disarm(p);
		break;
	case KTAP_PROBE_UPROBE:
	case KTAP_PROBE_URETPROBE:
	case KTAP_PROBE_SDT:
		kt_uprobe_disarm(p);
		break;
	case KTAP_PROBE_TICK:
		kt_tick_disarm(p);
		break;
	case KTAP_PROBE_PROFILE:
	case KTAP_PROBE_SOFTWARE:
	case KTAP_PROBE_HARDWARE:
	case KTAP_PROBE_WATCHPOINT:
	case KTAP_PROBE_TRACEPOINT:
		kt_perf_disarm(p);
		break;
	case KTAP_PROBE_FTRACE:
		kt_ftrace_disarm(p);
		break;
	}
	p->armed = false;
}

static const char *kt_probe_label(const struct kt_probe *p)
{
	if (p->event_name)
		return p->event_name;
	return p->def.spec ? p->def.spec : "(unnamed probe)";
}

/* Read the bundle's probes, expand tracepoint globs, compile filters. */
static int kt_probes_prepare(struct kt_session *s)
{
	u32 i, n = ktap_session_probe_count(s->vm);
	struct ktap_probe def;
	struct kt_probe *p;
	int ret;

	ret = kt_sdt_check(s); /* the sdt-sem commands name sdt events of this bundle */
	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		ret = ktap_session_probe(s->vm, i, &def);
		if (ret)
			return ret;
		if (def.kind == KTAP_PROBE_TRACEPOINT) {
			ret = kt_tracepoint_expand(s, i, &def);
			if (ret)
				return ret;
			continue;
		}
		p = kt_probe_add(s);
		if (!p)
			return -ENOMEM;
		p->sess = s;
		p->index = i;
		p->def = def;
	}
	for (i = 0; i < s->probe_count; i++) {
		char msg[160];

		p = &s->probes[i];
		/* ftrace's ip filter is applied by ftrace itself (ftrace.c). */
		if (!p->def.filter || p->def.kind == KTAP_PROBE_FTRACE)
			continue;
		p->filter = kt_filter_compile(p->def.filter, msg, sizeof(msg));
		if (IS_ERR(p->filter)) {
			ret = PTR_ERR(p->filter);
			p->filter = NULL;
			/* the reason first: a hostile filter's text would crowd it out */
			kt_session_set_error(s, ret, "probe %s: bad filter: %s (filter \"%.40s%s\")",
					     kt_probe_label(p), msg, p->def.filter,
					     strlen(p->def.filter) > 40 ? "..." : "");
			return ret;
		}
	}
	return 0;
}

/*
 * Arm every probe, or none: on the first failure disarm those already armed and say
 * which probe failed and why. Called with the session lock held, process context.
 */
int kt_probes_arm(struct kt_session *s)
{
	u32 i;
	int ret;

	ret = kt_probes_prepare(s);
	if (ret) {
		kt_probes_disarm(s); /* nothing is armed yet: releases filters and events */
		return ret;
	}
	/* Arming a tracepoint may wait for a grace period (a 1->0->1 transition): see
	 * kt_probes_disarm. */
	kt_rcu_expedite();
	for (i = 0; i < s->probe_count; i++) {
		struct kt_probe *p = &s->probes[i];

		if (fatal_signal_pending(current)) {
			ret = -EINTR; /* thousands of probes: the writer may give up */
			kt_session_set_error(s, ret, "interrupted while arming probe %s",
					     kt_probe_label(p));
		} else {
			ret = kt_arm_one(p);
		}
		if (ret) {
			if (!s->err_len)
				kt_session_set_error(s, ret, "cannot arm probe %s: error %d",
						     kt_probe_label(p), ret);
			kt_rcu_unexpedite();
			kt_probes_disarm(s);
			return ret;
		}
		p->armed = true;
		cond_resched();
	}
	ret = kt_perf_arm_all(s); /* the perf counters of every probe at once */
	kt_rcu_unexpedite();
	if (ret)
		kt_probes_disarm(s);
	return ret;
}

/*
 * Disarm everything (idempotent). When this returns no handler of s runs any more.
 * Releasing a perf tracepoint counter waits for the tracepoint's grace periods (SRCU and
 * RCU: tracepoint_synchronize_unregister) when it is the event's last perf user, under
 * the kernel's event_mutex, so one event at a time: 690 syscall events took 15-45 s.
 * While disarming, grace periods are expedited (rcu_expedite_gp(): the same guarantee,
 * reached by IPIs instead of waiting for every CPU to pass a quiescent state), which
 * brings 690 down to well under a second (docs/kernel-module.md).
 */
void kt_probes_disarm(struct kt_session *s)
{
	u32 i;

	WRITE_ONCE(s->running, false);
	kt_rcu_expedite();
	kt_perf_release_all(s);
	for (i = 0; i < s->probe_count; i++) {
		kt_disarm_one(&s->probes[i]);
		cond_resched();
	}
	/* Handlers that passed the running check before it was cleared are done after this. */
	synchronize_rcu();
	kt_rcu_unexpedite();
	for (i = 0; i < s->probe_count; i++) {
		kt_filter_free(s->probes[i].filter);
		s->probes[i].filter = NULL;
		kt_tracepoint_free(&s->probes[i]);
	}
}
