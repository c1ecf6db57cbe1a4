// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - backtrace() of the traced code, not of ktap. A handler runs several frames
 * deep inside the VM (kvm_builtin, run, kvm_execute, kt_fire...) under the probe
 * machinery (int3/kprobe, perf, hrtimer, irq entry): a plain stack_trace_save() from the
 * built-in starts there. So each event source notes (kt_probe_hit, fire.c) the registers of
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
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <linux/compat.h>
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

/*
 * ustack(): the user stack of the current task, its pc first, then a frame-pointer walk
 * of its user memory, the way perf's user callchains walk it. Registers: the traced
 * context's when it is user mode (a uprobe, a profile sample of user code), else the
 * task's saved user registers (task_pt_regs: a syscall, an interrupt of its kernel code).
 * Nothing for kernel threads (no mm) and nothing in NMI. User memory is read only with
 * copy_from_user_nofault (page faults disabled: a page not present ends the walk). The
 * walk stops at the depth, at a read that fails, at a return address of 0, and at a
 * frame pointer that does not increase or is misaligned, so a corrupt or hostile chain
 * ends in at most KTAP_STACK_DEPTH reads.
 *
 * Frame layouts (the frame pointer fp; W the word size of the task):
 *   x86 (i386, x86_64, 32-bit tasks on x86_64): [fp] previous fp, [fp+W] return address
 *   arm64 (x29): [fp] previous fp, [fp+8] lr (32-bit tasks: the pc only)
 *   arm (gcc's frames, as perf's arm walk reads them): [fp-4] previous fp, [fp] lr
 *   powerpc (r1 back chain): [sp] previous sp, saved LR at [previous sp + 2W]
 *     (ppc64; ppc32 at [previous sp + 4]); 32-bit tasks on ppc64: the pc only
 * Code built without frame pointers gives wrong frames after the first; a leaf function
 * that makes no frame (a libc syscall stub) hides its caller, as in perf.
 */
static bool kt_uread(unsigned long addr, int size, unsigned long *out)
{
	u32 v32;
	u64 v64;

	if (size == 4) {
		if (copy_from_user_nofault(&v32, (const void __user *)addr, 4))
			return false;
		*out = v32;
	} else {
		if (copy_from_user_nofault(&v64, (const void __user *)addr, 8))
			return false;
		*out = (unsigned long)v64;
	}
	return true;
}

static struct pt_regs *kt_ustack_regs(void)
{
	struct pt_regs *regs = this_cpu_ptr(&kt_stack_ctxs)->level[kt_context_slot()].regs;

	if (regs && user_mode(regs))
		return regs;
	if (!current->mm || (current->flags & PF_KTHREAD))
		return NULL;
	regs = task_pt_regs(current);
	return regs && user_mode(regs) ? regs : NULL;
}

int ktap_plat_ustack(u64 *addrs, int max)
{
	struct pt_regs *regs;
	unsigned long fp, next, ret;
	int n = 0, w = sizeof(unsigned long);

	if (max > KTAP_STACK_DEPTH)
		max = KTAP_STACK_DEPTH;
	if (max <= 0 || in_nmi())
		return 0;
	regs = kt_ustack_regs();
	if (!regs)
		return 0;
	addrs[n++] = instruction_pointer(regs);
#if defined(CONFIG_X86)
#ifdef CONFIG_X86_64
	if (!user_64bit_mode(regs))
		w = 4;
#endif
	fp = regs->bp;
#elif defined(CONFIG_ARM64)
	if (is_compat_task())
		return n;
	fp = regs->regs[29];
#elif defined(CONFIG_ARM)
	fp = regs->ARM_fp;
#elif defined(CONFIG_PPC)
#ifdef CONFIG_PPC64
	if (is_32bit_task())
		return n;
#endif
	fp = regs->gpr[1];
#else
	return n;
#endif
	if (w == 4)
		fp &= 0xffffffffUL;
	while (n < max) {
		if (!fp || (fp & (w - 1)))
			break;
#if defined(CONFIG_ARM)
		if (fp < 4 || !kt_uread(fp - 4, w, &next) || !kt_uread(fp, w, &ret))
			break;
#elif defined(CONFIG_PPC)
		if (!kt_uread(fp, w, &next) || next <= fp || (next & (w - 1)) ||
		    !kt_uread(next + (w == 8 ? 16 : 4), w, &ret))
			break;
#else
		if (!kt_uread(fp, w, &next) || !kt_uread(fp + w, w, &ret))
			break;
#endif
		if (!ret)
			break;
		addrs[n++] = ret;
		if (next <= fp)
			break; /* the chain must climb the stack: no loop, no walk downwards */
		fp = next;
	}
	return n;
}
