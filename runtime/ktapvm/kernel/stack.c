// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - backtrace() of the traced code, not of ktap. A handler runs several frames
 * deep inside the VM (kvm_builtin, run, kvm_execute, kt_fire...) under the probe
 * machinery (int3/kprobe, perf, hrtimer, irq entry): a plain stack_trace_save() from the
 * built-in starts there. So each event source notes, before kt_fire(), the registers of
 * the code it interrupted (kprobe/uprobe/perf/irq regs) and/or the traced address (an
 * ftrace call site), per CPU and context level; the capture starts from them:
 *
 * - x86 (i386 and x86_64): the kernel's unwinder API (unwind_start/unwind_next_frame,
 *   exported GPL; stack_trace_save_regs is not exported), the way perf walks a
 *   callchain: from real exception registers (EFLAGS bit 1 set) starting at them, from
 *   caller registers (perf_fetch_caller_regs, flags 0) skipping to their stack pointer.
 * - arm (unwind tables): walk_stackframe() from the registers, as arm's perf does.
 * - elsewhere (arm64, powerpc, arm with frame pointers: no exported walker taking
 *   registers), and for perf's caller registers off x86: the current stack, cut at the
 *   traced address when the unwinder reports it, else after the last frame of this
 *   module with the traced address put first.
 *
 * Registers of user mode (a uprobe, a profile sample of user code) have no kernel frames
 * of the traced code: the kernel stack is empty then.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/hardirq.h>
#include <linux/ptrace.h>
#include <linux/stacktrace.h>
#include <asm/irq_regs.h>
#ifdef CONFIG_X86
#include <asm/unwind.h>
#endif
#if defined(CONFIG_ARM) && !defined(CONFIG_UNWINDER_FRAME_POINTER)
#include <asm/stacktrace.h>
/* arm exports walk_stackframe(); with the frame-pointer unwinder, starting from registers
 * needs in_entry_text(), whose section bounds are not exported: the cut is used there. */
#define KT_ARM_WALK 1
#endif
#include "kt.h"

#define KT_RAW_DEPTH 64 /* the fallback's capture: VM and probe frames come first */

struct kt_stack_ctx {
	struct pt_regs *regs;  /* the interrupted/traced context's registers, or NULL */
	unsigned long ip;      /* the traced address, or 0 */
};

struct kt_stack_cpu {
	struct kt_stack_ctx level[KT_CONTEXTS];
};

static DEFINE_PER_CPU(struct kt_stack_cpu, kt_stack_ctxs);

void kt_stack_note(struct pt_regs *regs, unsigned long ip)
{
	struct kt_stack_ctx *x = &this_cpu_ptr(&kt_stack_ctxs)->level[kt_context_slot()];

	x->regs = regs;
	x->ip = ip;
}

/* perf's caller registers (perf_fetch_caller_regs: a tracepoint): x86's walk knows them
 * (flags 0); elsewhere they are no exception frame to unwind from, only their ip (the
 * tracepoint's caller) is used, to cut the current stack at. User-mode registers (a
 * syscall tracepoint) are kept: they mean no kernel frames. */
void kt_stack_note_caller(struct pt_regs *regs)
{
#ifndef CONFIG_X86
	if (regs && !user_mode(regs)) {
		kt_stack_note(NULL, instruction_pointer(regs));
		return;
	}
#endif
	kt_stack_note(regs, 0);
}

void kt_stack_forget(void)
{
	kt_stack_note(NULL, 0);
}

/* [probe] The interrupted context of a timer callback: only while in hard interrupt
 * context (under PREEMPT_RT an hrtimer may run in a softirq thread, where irq_regs is
 * some earlier interrupt's, long gone). */
struct pt_regs *kt_stack_irq_regs(void)
{
	return hardirq_count() ? get_irq_regs() : NULL;
}

#ifdef CONFIG_X86
static int kt_stack_regs_walk(struct pt_regs *regs, unsigned long first, u64 *addrs, int max)
{
	struct unwind_state state;
	unsigned long addr;
	int n = 0;

	if (regs->flags & X86_EFLAGS_FIXED) {
		/* Real saved registers: the traced instruction, then its callers. */
		addrs[n++] = first ? first : regs->ip;
		unwind_start(&state, current, regs, NULL);
	} else {
		/* perf_fetch_caller_regs(): ip is the caller's return address, sp this
		 * frame; walk the current stack and skip the frames below it. */
		unwind_start(&state, current, NULL, (unsigned long *)regs->sp);
	}
	for (; n < max && !unwind_done(&state); unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		addrs[n++] = addr;
	}
	return n;
}
#endif

#ifdef KT_ARM_WALK
struct kt_arm_walk {
	u64 *addrs;
	int n, max;
};

static int kt_arm_frame(struct stackframe *frame, void *data)
{
	struct kt_arm_walk *w = data;

	if (!frame->pc)
		return 1; /* an optimized kprobe's registers unwind to 0 past the probed function */
	w->addrs[w->n++] = frame->pc;
	return w->n >= w->max;
}

/* From real exception registers (a kprobe's trap, an interrupt), as arm's perf does. */
static int kt_stack_regs_walk(struct pt_regs *regs, unsigned long first, u64 *addrs, int max)
{
	struct stackframe frame;
	struct kt_arm_walk w = { .addrs = addrs, .n = 0, .max = max };

	arm_get_current_stackframe(regs, &frame);
	walk_stackframe(&frame, kt_arm_frame, &w);
	if (w.n == 1 && max > 1) {
		/* A kprobe on a function's first instruction: the unwind tables describe the
		 * frame after the prologue, which has not run, and 6.1's unwinder stops there.
		 * The caller is in lr and the stack is still the caller's: walk from there. */
		arm_get_current_stackframe(regs, &frame);
		frame.pc = regs->ARM_lr;
		w.addrs = addrs + 1;
		w.max = max - 1;
		w.n = 0;
		walk_stackframe(&frame, kt_arm_frame, &w);
		w.n += 1;
	}
	if (first && w.n > 0)
		addrs[0] = first;
	return w.n;
}
#endif

/* Frames from the traced address on, or after ktap's own frames (see the top). */
static int kt_stack_cut(unsigned long anchor, u64 *addrs, int max)
{
	unsigned long raw[KT_RAW_DEPTH];
	unsigned int n = stack_trace_save(raw, KT_RAW_DEPTH, 0), i, from = 0;
	int out = 0;
	bool found = false;

	if (anchor) {
		/* an exception frame reports the address itself; an ftrace call site the
		 * return address just after the call (at most an instruction or two on) */
		for (i = 0; i < n && !found; i++)
			if (raw[i] >= anchor && raw[i] - anchor <= 16) {
				from = i;
				found = true;
			}
	}
	if (!found) {
		for (i = 0; i < n; i++)
			if (within_module(raw[i], THIS_MODULE))
				from = i + 1;
		if (anchor && out < max)
			addrs[out++] = anchor;
	}
	for (i = from; i < n && out < max; i++)
		addrs[out++] = raw[i];
	if (found && out > 0)
		addrs[0] = anchor; /* the traced address itself, as for a kprobe (not fentry's return) */
	return out;
}

int ktap_plat_stack(u64 *addrs, int max)
{
	struct kt_stack_ctx x = this_cpu_ptr(&kt_stack_ctxs)->level[kt_context_slot()];
	unsigned long anchor = x.ip;

	if (max > KTAP_STACK_DEPTH)
		max = KTAP_STACK_DEPTH;
	if (max <= 0)
		return 0;
	if (x.regs && user_mode(x.regs))
		return 0; /* the traced code is user code: no kernel frames of it */
#if defined(CONFIG_X86) || defined(KT_ARM_WALK)
	if (x.regs)
		return kt_stack_regs_walk(x.regs, anchor, addrs, max);
#endif
	if (!anchor && x.regs)
		anchor = instruction_pointer(x.regs);
	return kt_stack_cut(anchor, addrs, max);
}
