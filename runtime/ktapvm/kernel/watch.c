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
 * as synchronous exceptions), so kt_fire_regs gives the handler that task's pid, comm,
 * and a backtrace from the trapping registers; -p/-- CMD and -C apply as for any event.
 * arg1 and the filter field `ip` are the accessing instruction (x86 traps after it: the
 * next one), argname the watched symbol.
 */
#include <linux/perf_event.h>
#include <linux/version.h>
#include "kt.h"

#ifdef CONFIG_HAVE_HW_BREAKPOINT
#include <linux/hw_breakpoint.h>

/*
 * arm64 steps over the access that hit a watchpoint (disable, single-step, re-enable) only
 * when the event uses perf's own overflow handler (uses_default_overflow_handler():
 * overflow_handler or orig_overflow_handler is perf_event_output_forward); with any other
 * handler the kernel expects the handler's owner (ptrace) to step, and a kernel access
 * would trap again for ever. BPF handlers are installed the same way as here: perf's own
 * handler kept in orig_overflow_handler, the new one in overflow_handler. Kernels from 6.10
 * dropped orig_overflow_handler; there arm64 watchpoints are refused (KT_WATCH_NO_STEP).
 */
#if defined(CONFIG_ARM64)
#if defined(CONFIG_BPF_SYSCALL) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
#define KT_WATCH_ARM64_STEP 1
#else
#define KT_WATCH_NO_STEP "this arm64 kernel steps over a watchpoint hit only for perf's own handler"
#endif
#elif defined(CONFIG_ARM)
/* arch/arm/kernel/hw_breakpoint.c: perf's own handler is refused on kernel addresses
 * (-EPERM) and any other is left to step itself: a hit would trap again for ever. The host
 * refuses this board before sending anything (WatchpointLink); this is the module's guard. */
#define KT_WATCH_NO_STEP "32-bit arm kernels step over a watchpoint hit only for perf's own handler, which they refuse on kernel addresses"
#endif

/* [probe] a watched access: the trapping task's registers, no fetch-args. */
static void kt_watch_fn(struct perf_event *event, struct perf_sample_data *data,
			struct pt_regs *regs)
{
	kt_fire_regs(event->overflow_handler_context, regs, user_mode(regs), false);
}

int kt_watch_arm(struct kt_probe *p)
{
	struct perf_event_attr attr;
	u32 len, access;

#ifdef KT_WATCH_NO_STEP
	kt_session_set_error(p->sess, -EOPNOTSUPP, "cannot arm probe %s: %s", p->def.spec, KT_WATCH_NO_STEP);
	return -EOPNOTSUPP;
#endif
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
#ifdef KT_WATCH_ARM64_STEP
	/* created with perf's own handler, swapped in kt_watch_created() */
	return kt_perf_open(p, &attr, NULL);
#else
	return kt_perf_open(p, &attr, kt_watch_fn);
#endif
}

/* [process] called by perf.c for each CPU's new counter, before the session runs. A hit
 * before the swap runs perf's handler, which writes nothing (the counter has no ring
 * buffer): the session does not run handlers yet anyway. */
void kt_watch_created(struct kt_probe *p, struct perf_event *e)
{
#ifdef KT_WATCH_ARM64_STEP
	perf_overflow_handler_t perf_own = READ_ONCE(e->overflow_handler);

	e->overflow_handler_context = p;
	WRITE_ONCE(e->orig_overflow_handler, perf_own);
	smp_wmb(); /* the context and perf's handler before ours can be called */
	WRITE_ONCE(e->overflow_handler, kt_watch_fn);
#endif
}

#else /* !CONFIG_HAVE_HW_BREAKPOINT */

int kt_watch_arm(struct kt_probe *p)
{
	kt_session_set_error(p->sess, -EOPNOTSUPP,
			     "cannot arm probe %s: this kernel has no hardware breakpoints (CONFIG_HAVE_HW_BREAKPOINT)",
			     p->def.spec);
	return -EOPNOTSUPP;
}

void kt_watch_created(struct kt_probe *p, struct perf_event *e)
{
}
#endif

/* Why the kernel would not create the breakpoint (hw_breakpoint.c and the arch's parser). */
const char *kt_watch_reason(int err)
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
