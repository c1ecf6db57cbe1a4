// SPDX-License-Identifier: GPL-2.0
/*
 * platform.c - ktap_platform.h for the kernel. Everything marked [probe] in that header
 * may run in any context: no sleeping, no allocation (the core allocates from its
 * preallocated arena), raw spinlocks with interrupts saved, fault-safe memory reads.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/cred.h>
#include <linux/uaccess.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/stacktrace.h>
#include <linux/kallsyms.h>
#include <linux/hardirq.h>
#include "kt.h"
#include "ktap_arch.h"

struct ktap_target kt_native_target = {
	.arch = KTAP_ARCH_NUMBER,
	.byte_order = KTAP_ARCH_BYTE_ORDER,
	.word_size = KTAP_ARCH_WORD_SIZE,
};

/* [load] Big arenas come from vmalloc; kvzalloc picks. */
void *ktap_plat_alloc(size_t size)
{
	return kvzalloc(size, GFP_KERNEL);
}

void ktap_plat_free(void *p)
{
	kvfree(p);
}

size_t ktap_plat_lock_size(void)
{
	return sizeof(raw_spinlock_t);
}

/* One lockdep class per lock class of the core (ktap_platform.h gives their order). */
static struct lock_class_key kt_lock_keys[KTAP_LOCK_CLASSES];
static const char *const kt_lock_names[KTAP_LOCK_CLASSES] = {
	[KTAP_LOCK_GLOBALS] = "ktapvm_globals",
	[KTAP_LOCK_TABLE] = "ktapvm_table",
	[KTAP_LOCK_INTERN] = "ktapvm_intern",
	[KTAP_LOCK_ARENA] = "ktapvm_arena",
};

void ktap_plat_lock_init(struct ktap_lock *l, enum ktap_lock_class c)
{
	raw_spin_lock_init((raw_spinlock_t *)l);
	if ((unsigned)c < KTAP_LOCK_CLASSES)
		lockdep_set_class_and_name((raw_spinlock_t *)l, &kt_lock_keys[c], kt_lock_names[c]);
}

unsigned long ktap_plat_lock(struct ktap_lock *l)
{
	unsigned long flags;

	/* Counted before it is taken and until it is released, so that no instant
	 * exists at which this CPU holds the lock uncounted (kt_guard_lock_held). */
	local_irq_save(flags);
	kt_guard_lock_taken();
	raw_spin_lock((raw_spinlock_t *)l);
	return flags;
}

void ktap_plat_unlock(struct ktap_lock *l, unsigned long flags)
{
	raw_spin_unlock((raw_spinlock_t *)l);
	kt_guard_lock_released();
	local_irq_restore(flags);
}

int ktap_plat_cpu(void)
{
	return raw_smp_processor_id();
}

int ktap_plat_num_possible_cpus(void)
{
	return nr_cpu_ids;
}

int ktap_plat_num_online_cpus(void)
{
	return num_online_cpus();
}

int ktap_plat_yield(void)
{
	cond_resched();
	return fatal_signal_pending(current);
}

u64 ktap_plat_time_ns(void)
{
	return ktime_get_mono_fast_ns(); /* NMI-safe */
}

u64 ktap_plat_clock_ns(void)
{
	return ktime_get_mono_fast_ns(); /* NMI-safe; the core's wall-clock bound per run */
}

s64 ktap_plat_wall_us(void)
{
	return div_s64(ktime_get_real_fast_ns(), NSEC_PER_USEC);
}

void ktap_plat_current_task(struct ktap_task_info *out)
{
	struct task_struct *t = current;

	out->pid = task_tgid_nr(t);
	out->tid = task_pid_nr(t);
	out->uid = from_kuid_munged(&init_user_ns, task_uid(t));
	memcpy(out->comm, t->comm, sizeof(out->comm));
	out->comm[sizeof(out->comm) - 1] = 0;
}

int ktap_plat_in_interrupt(void)
{
	return in_interrupt() ? 1 : 0;
}

int ktap_plat_in_iowait(void)
{
	return current->in_iowait ? 1 : 0;
}

int ktap_plat_curr_task_info(s64 offset, int size, s64 *out)
{
	u64 v = 0;
	u32 v32 = 0;

	if (offset < 0 || offset > (s64)sizeof(struct task_struct) - size ||
	    (size != 4 && size != 8))
		return -KTAP_EFAULT;
	if (size == 8) {
		if (copy_from_kernel_nofault(&v, (u8 *)current + offset, 8))
			return -KTAP_EFAULT;
		*out = (s64)v;
	} else {
		if (copy_from_kernel_nofault(&v32, (u8 *)current + offset, 4))
			return -KTAP_EFAULT;
		*out = (s32)v32;
	}
	return 0;
}

int ktap_plat_read_user_string(u64 addr, char *buf, int max)
{
	long n = kt_strncpy_nofault(buf, (unsigned long)addr, max, true);

	if (n < 0) {
		if (max > 0)
			buf[0] = 0;
		return -KTAP_EFAULT;
	}
	return n;
}

int ktap_plat_read_kernel_string(u64 addr, char *buf, int max)
{
	long n = kt_strncpy_nofault(buf, (unsigned long)addr, max, false);

	if (n < 0) {
		if (max > 0)
			buf[0] = 0;
		return -KTAP_EFAULT;
	}
	return n;
}

/* ktap_plat_stack: stack.c */

/* Stack frames travel as addresses only: the host names them from the board's
 * /proc/kallsyms (docs/kernel-module.md). A lookup here would run in probe context for
 * every frame and put up to 128 bytes per frame into a ring record of at most 3968. */
int ktap_plat_symbolize(u64 addr, char *buf, int max)
{
	(void)addr;
	if (max > 0)
		buf[0] = 0;
	return 0;
}

const char *ktap_plat_arch_name(void)
{
	return utsname()->machine;
}

const char *ktap_plat_kernel_release(void)
{
	return utsname()->release;
}

int ktap_plat_emit(struct ktap_session *vm, const void *bytes, u32 len)
{
	struct kt_session *s = ktap_session_host(vm);

	return kt_ring_write(s, bytes, len);
}

int ktap_plat_emit_process(struct ktap_session *vm, const void *bytes, u32 len)
{
	return kt_ring_write_wait(ktap_session_host(vm), bytes, len);
}
