// SPDX-License-Identifier: GPL-2.0
/*
 * session.c - /dev/ktap: one open file is one session (docs/kernel-module.md).
 *   write   the bundle, in one write or several; when header's total_size bytes have
 *           arrived it is loaded and verified, main runs and every probe is armed. A
 *           refusal fails that write with an errno, and reading returns its message.
 *           After the bundle, writing "stop" (or ioctl KTAP_IOC_STOP) ends the session
 *           in order: disarm, trace_end, summary record; the reader then reads EOF.
 *           Before the bundle, "scope PID [children]" limits the session to a process
 *           (scope.c), and "cpu N" to one CPU (cpu_scope.c); "time" asks for a
 *           timestamp before each record (timestamps.c).
 *   read    the binary record stream; blocks (poll works) until records or EOF.
 *   close   without "stop" it is a dropped connection: disarm, free, no trace_end.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/uaccess.h>
#include <linux/capability.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/version.h>
#include "kt.h"
#include "ktap_ioctl.h"

#define KT_BUNDLE_MAX KTAP_MAX_TOTAL_SIZE
#define KT_HEADER_PREFIX (KTAP_HDR_TOTAL_SIZE + KTAP_HDR_TOTAL_SIZE_LEN) /* through total_size */
/* The core's per-CPU slots (core/kvm.h KVM_MAX_CPUS): with more possible CPUs it would
 * share one slot between CPUs, so such a kernel is refused. */
#define KT_MAX_CPUS 256

void kt_session_set_error(struct kt_session *s, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->err_len)
		return; /* the first error is the one that explains */
	va_start(ap, fmt);
	n = vscnprintf(s->err, sizeof(s->err) - 1, fmt, ap);
	va_end(ap);
	s->err[n++] = '\n';
	s->err_len = n;
	s->err_pos = 0;
	s->err_code = code;
}

static void kt_wake_fn(struct irq_work *w)
{
	struct kt_session *s = container_of(w, struct kt_session, wake);

	wake_up_interruptible(&s->readers);
}

/* Ordered end: disarm, trace_end, summary. Session lock held. */
static void kt_session_stop(struct kt_session *s)
{
	if (s->state != KT_RUNNING)
		return;
	kt_probes_disarm(s);
	ktap_session_run_trace_end(s->vm);
	ktap_session_finish(s->vm);
	smp_store_release(&s->state, KT_STOPPED); /* after the summary: EOF follows it */
	wake_up_interruptible(&s->readers);
}

/* exit() in a handler, any context but NMI: queue the stop for a kworker. */
static void kt_exit_irq(struct irq_work *w)
{
	struct kt_session *s = container_of(w, struct kt_session, exit_irq);

	schedule_work(&s->exit_work);
}

static void kt_exit_work(struct work_struct *w)
{
	struct kt_session *s = container_of(w, struct kt_session, exit_work);

	mutex_lock(&s->lock);
	kt_session_stop(s);
	mutex_unlock(&s->lock);
}

static void kt_session_fail(struct kt_session *s, int code)
{
	if (!s->err_len)
		kt_session_set_error(s, code, "session failed (error %d)", code);
	smp_store_release(&s->state, KT_FAILED); /* after the message */
	wake_up_interruptible(&s->readers);
}

/*
 * Lockdown (security/lockdown): ktap reads kernel memory and plants kprobes, which the
 * kernel's own tracers refuse when locked down for confidentiality; so does this module,
 * before anything is loaded. (An "integrity" lockdown allows kprobe events, and ktap.)
 */
static int kt_locked_down(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 13, 0)
	const enum lockdown_reason read_reason = LOCKDOWN_BPF_READ_KERNEL;
#else
	const enum lockdown_reason read_reason = LOCKDOWN_BPF_READ;
#endif
	int ret = security_locked_down(LOCKDOWN_KPROBES);

	if (!ret)
		ret = security_locked_down(read_reason);
	if (!ret)
		ret = security_locked_down(LOCKDOWN_PERF);
	return ret;
}

/* The whole bundle is here: load, verify, run main, arm. Session lock held. */
static int kt_session_start(struct kt_session *s)
{
	struct ktap_bounds bounds;
	char *msg;
	int err = 0, ret;

	ret = kt_locked_down();
	if (ret) {
		kt_session_set_error(s, ret, "the kernel is locked down: ktap's kprobes, perf "
				     "events and kernel reads are refused (man kernel_lockdown.7)");
		goto fail;
	}
	if (nr_cpu_ids > KT_MAX_CPUS) {
		ret = -EOPNOTSUPP;
		kt_session_set_error(s, ret, "this kernel has %u possible CPUs; the VM supports %d",
				     nr_cpu_ids, KT_MAX_CPUS);
		goto fail;
	}
	ret = kt_ring_init(s);
	if (ret) {
		kt_session_set_error(s, ret, "out of memory for the ring buffer");
		goto fail;
	}
	msg = kzalloc(KTAP_ERRMSG_MAX, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto fail;
	}
	kt_bounds(&bounds); /* the module parameters: a bundle's LIMITS only lower them */
	s->vm = ktap_session_load(s->bundle, s->bundle_len, &kt_native_target, NULL, &bounds, s,
				  &err, msg);
	if (!s->vm) {
		kt_session_set_error(s, err ? err : -EINVAL, "%s", msg);
		kfree(msg);
		ret = err ? err : -EINVAL;
		goto fail;
	}
	kfree(msg);
	kvfree(s->bundle);
	s->bundle = NULL;
	ktap_session_set_workload(s->vm, s->scope_nr); /* cpid(), in main too; 0: none */
	ret = ktap_session_run_main(s->vm);
	if (ret) {
		kt_session_set_error(s, ret, "the main chunk failed: %s (error %d; its ERROR "
				     "record says where)",
				     fatal_signal_pending(current) ? "killed" :
				     ret == -ERANGE ? "budget exceeded" : "runtime error", ret);
		goto fail;
	}
	ret = kt_probes_arm(s);
	if (ret)
		goto fail;
	smp_store_release(&s->state, KT_RUNNING); /* after the ring was made */
	WRITE_ONCE(s->running, true);
	if (ktap_session_stopped(s->vm)) /* exit() in main */
		kt_session_stop(s);
	return 0;
fail:
	kt_session_fail(s, ret);
	return ret;
}

/* total_size, in the byte order the header declares (the loader checks the rest). */
static u32 kt_header_total(const u8 *h)
{
	const u8 *t = h + KTAP_HDR_TOTAL_SIZE;

	if (h[KTAP_HDR_BYTE_ORDER] == KTAP_BIG_ENDIAN)
		return (u32)t[0] << 24 | (u32)t[1] << 16 | (u32)t[2] << 8 | t[3];
	return (u32)t[3] << 24 | (u32)t[2] << 16 | (u32)t[1] << 8 | t[0];
}

static bool kt_header_magic(const u8 *h)
{
	static const u8 magic[] = KTAP_BYTES_OF(MAGIC);

	return !memcmp(h, magic, sizeof(magic));
}

/* Accept bundle bytes; returns how many were taken (the rest may be a command). */
static ssize_t kt_collect(struct kt_session *s, const char __user *buf, size_t count)
{
	size_t taken = 0;
	int ret;

	/* The header prefix first; once total_size is known (and sane), exactly that. */
	if (!s->bundle) {
		s->bundle = kvmalloc(KT_HEADER_PREFIX, GFP_KERNEL);
		if (!s->bundle)
			return -ENOMEM;
	}
	/* First up to total_size, then (knowing it) up to the end of the bundle. */
	while (taken < count) {
		u32 goal = s->bundle_total ? s->bundle_total : KT_HEADER_PREFIX;
		size_t want = min_t(size_t, goal - s->bundle_len, count - taken);

		if (copy_from_user(s->bundle + s->bundle_len, buf + taken, want))
			return -EFAULT;
		s->bundle_len += want;
		taken += want;
		if (!s->bundle_total && s->bundle_len == KT_HEADER_PREFIX) {
			u32 total = kt_header_total(s->bundle);

			/* A header the loader will refuse: let it say why, now. */
			if (!kt_header_magic(s->bundle) || total < KTAP_HEADER_SIZE ||
			    total > KT_BUNDLE_MAX) {
				total = s->bundle_len;
			} else {
				u8 *whole = kvmalloc(total, GFP_KERNEL);

				if (!whole)
					return -ENOMEM;
				memcpy(whole, s->bundle, s->bundle_len);
				kvfree(s->bundle);
				s->bundle = whole;
			}
			s->bundle_total = total;
		}
		if (s->bundle_total && s->bundle_len == s->bundle_total) {
			ret = kt_session_start(s);
			if (ret)
				return ret;
			break;
		}
	}
	return taken;
}

static bool kt_is_stop(const char *cmd, size_t n)
{
	size_t len = strlen(KT_STOP_COMMAND);

	while (n && (cmd[n - 1] == '\n' || cmd[n - 1] == ' '))
		n--;
	return n == len && !memcmp(cmd, KT_STOP_COMMAND, len);
}

static ssize_t kt_write(struct file *file, const char __user *buf, size_t count,
			loff_t *ppos)
{
	struct kt_session *s = file->private_data;
	char cmd[16];
	ssize_t ret;

	if (mutex_lock_killable(&s->lock))
		return -EINTR;
	switch (s->state) {
	case KT_COLLECTING:
		/*
		 * Loading needs CAP_SYS_ADMIN in the writer too, not only in the opener: an
		 * fd handed to (or kept across a privilege drop by) an unprivileged process
		 * must not load bundles.
		 */
		if (!capable(CAP_SYS_ADMIN)) {
			ret = -EPERM;
			break;
		}
		/* "scope PID [children]" (scope.c) comes before the bundle's first byte */
		if (!s->bundle_len && kt_scope_is_command(buf, count))
			ret = kt_scope_command(s, buf, count);
		else if (!s->bundle_len && kt_cpu_is_command(buf, count))
			ret = kt_cpu_command(s, buf, count); /* "cpu N" (cpu_scope.c) */
		else if (!s->bundle_len && kt_time_is_command(buf, count))
			ret = kt_time_command(s, buf, count); /* "time" (timestamps.c) */
		else if (!s->bundle_len && kt_sdt_is_command(buf, count))
			ret = kt_sdt_command(s, buf, count); /* "sdt-sem EVENT OFFSET" (sdt.c) */
		else
			ret = kt_collect(s, buf, count);
		if (ret < 0 && s->state != KT_FAILED)
			kt_session_fail(s, ret);
		break;
	case KT_RUNNING:
	case KT_STOPPED:
		ret = -EINVAL;
		if (count >= sizeof(cmd))
			break;
		if (copy_from_user(cmd, buf, count)) {
			ret = -EFAULT;
			break;
		}
		if (!kt_is_stop(cmd, count))
			break;
		kt_session_stop(s);
		ret = count;
		break;
	default:
		ret = s->err_code ? s->err_code : -EINVAL;
		break;
	}
	mutex_unlock(&s->lock);
	return ret;
}

static bool kt_readable(struct kt_session *s)
{
	enum kt_state st = READ_ONCE(s->state);

	return st == KT_FAILED || st == KT_STOPPED ||
	       (st == KT_RUNNING && !kt_ring_empty(s));
}

static ssize_t kt_read(struct file *file, char __user *buf, size_t count, loff_t *ppos)
{
	struct kt_session *s = file->private_data;
	ssize_t ret;

	for (;;) {
		enum kt_state st;

		/* Not the session lock: trace_end may hold it while it waits for room. */
		if (mutex_lock_interruptible(&s->read_lock))
			return -ERESTARTSYS;
		st = smp_load_acquire(&s->state);
		if (st == KT_FAILED) {
			size_t n = min_t(size_t, count, s->err_len - s->err_pos);

			ret = copy_to_user(buf, s->err + s->err_pos, n) ? -EFAULT : n;
			if (ret > 0)
				s->err_pos += n;
			mutex_unlock(&s->read_lock);
			return ret;
		}
		if (st == KT_RUNNING || st == KT_STOPPED) {
			/* state before ring: a summary written before STOPPED is read first */
			ret = kt_ring_read(s, buf, count);
			if (ret != 0 || st == KT_STOPPED) {
				mutex_unlock(&s->read_lock);
				return ret; /* 0 when stopped and drained: EOF */
			}
		}
		mutex_unlock(&s->read_lock);
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		/* The timeout covers a wakeup lost between the check and the sleep. */
		ret = wait_event_interruptible_timeout(s->readers, kt_readable(s), HZ / 4);
		if (ret < 0)
			return ret;
	}
}

static __poll_t kt_poll(struct file *file, poll_table *wait)
{
	struct kt_session *s = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &s->readers, wait);
	if (kt_readable(s))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(s->state) == KT_COLLECTING || READ_ONCE(s->state) == KT_RUNNING)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static long kt_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct kt_session *s = file->private_data;
	struct ktap_ioc_stats st = { 0 };
	struct ktap_stats vs;
	long ret = 0;

	if (mutex_lock_interruptible(&s->lock))
		return -ERESTARTSYS;
	switch (cmd) {
	case KTAP_IOC_STOP:
		if (s->state == KT_RUNNING)
			kt_session_stop(s);
		else if (s->state != KT_STOPPED)
			ret = -EINVAL;
		break;
	case KTAP_IOC_STATS:
		st.state = s->state;
		st.lost_records = atomic64_read(&s->lost);
		st.reentry_skips = atomic64_read(&s->reentry_skips);
		st.nmi_skips = atomic64_read(&s->nmi_skips);
		st.lock_skips = atomic64_read(&s->lock_skips);
		st.probes = s->probe_count;
		if (s->vm) {
			ktap_session_stats(s->vm, &vs);
			st.handler_runs = vs.handler_runs;
			st.runtime_errors = vs.runtime_errors;
			st.memory_used = vs.memory_used;
		}
		if (copy_to_user((void __user *)arg, &st, sizeof(st)))
			ret = -EFAULT;
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&s->lock);
	return ret;
}

static int kt_open(struct inode *inode, struct file *file)
{
	struct kt_session *s;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	mutex_init(&s->lock);
	mutex_init(&s->read_lock);
	atomic64_set(&s->records_read, 0);
	init_waitqueue_head(&s->readers);
	init_irq_work(&s->wake, kt_wake_fn);
	init_irq_work(&s->exit_irq, kt_exit_irq);
	INIT_WORK(&s->exit_work, kt_exit_work);
	atomic64_set(&s->lost, 0);
	atomic64_set(&s->reentry_skips, 0);
	atomic64_set(&s->nmi_skips, 0);
	atomic64_set(&s->lock_skips, 0);
	s->state = KT_COLLECTING;
	file->private_data = s;
	return stream_open(inode, file); /* no seeking, no file position */
}

/* Dropped or finished: nothing stays armed, nothing stays allocated. */
static int kt_release(struct inode *inode, struct file *file)
{
	struct kt_session *s = file->private_data;

	WRITE_ONCE(s->closing, true); /* an exit() stop in a kworker stops waiting for room */
	mutex_lock(&s->lock);
	if (s->state == KT_RUNNING)
		kt_probes_disarm(s);
	s->state = KT_STOPPED;
	mutex_unlock(&s->lock);
	/* Disarmed: no handler queues these any more. The irq_work before the work item
	 * it may queue. */
	irq_work_sync(&s->exit_irq);
	cancel_work_sync(&s->exit_work);
	irq_work_sync(&s->wake);
	if (s->vm)
		ktap_session_free(s->vm);
	kt_ring_free(s);
	kt_scope_release(s);
	kt_sdt_release(s);
	kvfree(s->probes);
	kvfree(s->bundle);
	kfree(s);
	return 0;
}

static const struct file_operations kt_fops = {
	.owner = THIS_MODULE,
	.open = kt_open,
	.release = kt_release,
	.read = kt_read,
	.write = kt_write,
	.poll = kt_poll,
	.unlocked_ioctl = kt_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

struct miscdevice kt_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "ktap",
	.fops = &kt_fops,
	.mode = 0600,
};
