// SPDX-License-Identifier: GPL-2.0
/*
 * watch.c - `trace watchpoint:SYMBOL|ADDR:LEN:ACCESS`: a hardware watchpoint on kernel
 * data, one perf breakpoint counter per online CPU (PERF_TYPE_BREAKPOINT, the attributes
 * hw_breakpoint_init() gives: pinned, every hit overflows). This is what
 * register_wide_hw_breakpoint() does (perf_event_create_kernel_counter on each CPU), done
 * instead through the session's counter batches (perf.c): created on each CPU by a work
 * item there, with the session's other counters, all or none, killable, and released with
 * them, so a watchpoint is armed and torn down like every other perf-based probe.
 *
 * The overflow handler runs where the CPU trapped, in the task that touched the data (a
 * debug exception, not an NMI: x86's #DB and arm64's watchpoint exception are handled
 * as synchronous exceptions: the provider is nmi_synchronous, see fire.c), so
 * kt_fire_regs gives the handler that task's pid, comm,
 * and a backtrace from the trapping registers; -p/-- CMD and -C apply as for any event.
 * arg1 and the filter field `ip` are the accessing instruction (x86 traps after it: the
 * next one), argname the watched symbol.
 */
#include <linux/perf_event.h>
#include "provider.h"

#ifdef CONFIG_HAVE_HW_BREAKPOINT
#include <linux/hw_breakpoint.h>

/*
 * arm steps over the access that hit a kernel watchpoint (disable, single-step, re-enable)
 * in a way a tracer cannot rely on, so the module refuses both (the host refuses them at
 * link time first: WatchpointLink):
 * - 32-bit arm (arch/arm/kernel/hw_breakpoint.c) steps only for perf's own overflow
 *   handler, which it refuses on kernel addresses (-EPERM); any other handler is expected
 *   to step itself, so a hit would trap again for ever;
 * - arm64 steps only for perf's own handler too (uses_default_overflow_handler). Keeping
 *   perf's handler in orig_overflow_handler, as BPF attachment does, makes it step, but the
 *   step runs with interrupts enabled: an interrupt taken before the stepped access lands
 *   the step in the interrupt handler, which re-enables the watchpoint, and the access
 *   traps again. Measured on the qemu-arm64 board (6.1, a loaded host): 27 hits for 25
 *   writes, then a write that trapped for ever (an RCU stall, the board lost).
 */
#if defined(CONFIG_ARM64)
#define KT_WATCH_NO_STEP "arm64 kernels step over a kernel watchpoint hit with interrupts enabled, so an interrupt makes the access trap again, for ever on a busy CPU"
#elif defined(CONFIG_ARM)
#define KT_WATCH_NO_STEP "32-bit arm kernels step over a watchpoint hit only for perf's own handler, which they refuse on kernel addresses"
#endif

#ifdef KT_WATCH_NO_STEP
static int kt_watch_arm(struct kt_probe *p)
{
	kt_session_set_error(p->sess, -EOPNOTSUPP, "cannot arm probe %s: %s", p->def.spec, KT_WATCH_NO_STEP);
	return -EOPNOTSUPP;
}
#else
/* [probe] a watched access: the trapping task's registers, no fetch-args. */
static void kt_watch_fn(struct perf_event *event, struct perf_sample_data *data,
			struct pt_regs *regs)
{
	kt_fire_regs(event->overflow_handler_context, regs, user_mode(regs), false);
}

static int kt_watch_arm(struct kt_probe *p)
{
	struct perf_event_attr attr;
	u32 len, access;

	/* the loader checked target and address (core/watchpoint.c); not relied on here */
	if (ktap_watch_decode(p->def.target, &len, &access) || !p->def.value ||
	    p->def.value != (unsigned long)p->def.value) {
		kt_session_set_error(p->sess, -EINVAL, "probe %s: bad watchpoint", p->def.spec);
		return -EINVAL;
	}
	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)p->def.value;
	attr.bp_len = len == 1 ? HW_BREAKPOINT_LEN_1 : len == 2 ? HW_BREAKPOINT_LEN_2 :
		      len == 4 ? HW_BREAKPOINT_LEN_4 : HW_BREAKPOINT_LEN_8;
	attr.bp_type = ((access & KTAP_WATCH_READ) ? HW_BREAKPOINT_R : 0) |
		       ((access & KTAP_WATCH_WRITE) ? HW_BREAKPOINT_W : 0);
	return kt_perf_open(p, &attr, kt_watch_fn);
}
#endif /* KT_WATCH_NO_STEP */

#else /* !CONFIG_HAVE_HW_BREAKPOINT */

static int kt_watch_arm(struct kt_probe *p)
{
	kt_session_set_error(p->sess, -EOPNOTSUPP,
			     "cannot arm probe %s: this kernel has no hardware breakpoints (CONFIG_HAVE_HW_BREAKPOINT)",
			     p->def.spec);
	return -EOPNOTSUPP;
}
#endif

/* Why the kernel would not create the breakpoint (hw_breakpoint.c and the arch's parser). */
static const char *kt_watch_reason(int err)
{
	switch (err) {
	case -ENOSPC:
		return "every debug register of a CPU is taken (by other watchpoints, a debugger or perf)";
	case -EINVAL:
		return "the CPU cannot watch this address, length or access (x86: no reads alone, no per-CPU or entry-area data)";
	case -EPERM:
	case -EACCES:
		return "not permitted";
	case -ENOENT:
	case -EOPNOTSUPP:
		return "this kernel has no hardware breakpoints";
	}
	return "perf_event_create_kernel_counter failed";
}

static void kt_watch_refused(struct kt_probe *p, int err)
{
	kt_session_set_error(p->sess, err, "cannot arm probe %s: the kernel refused a watchpoint on 0x%llx (error %d: %s)",
			     p->def.spec, (unsigned long long)p->def.value, err,
			     kt_watch_reason(err));
}

/* argname: what the spec "watchpoint:WHAT:LEN:ACCESS" watches (the loader kept only
 * LEN:ACCESS as the target); NULL without a spec: the target then */
static const char *kt_watch_argname(const struct kt_probe *p, u32 *len)
{
	const char *what, *name;

	if (!p->def.spec)
		return NULL;
	what = strchr(p->def.spec, ':');
	name = what ? what + 1 : p->def.spec;
	*len = strcspn(name, ": ");
	return name;
}

static const u8 kt_watch_kinds[] = { KTAP_PROBE_WATCHPOINT, 0 };

/* nmi_synchronous: a hit is a debug exception at the watched access (fire.c) */
const struct kt_provider kt_watch_provider = {
	.name = "watchpoint",
	.kinds = kt_watch_kinds,
	.arm = kt_watch_arm,
	.disarm = kt_perf_disarm,
	.perf_refused = kt_watch_refused,
	.argname = kt_watch_argname,
	.nmi_synchronous = true,
};
