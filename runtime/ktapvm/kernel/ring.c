// SPDX-License-Identifier: GPL-2.0
/*
 * ring.c - a session's record transport: the kernel's ring_buffer (per-CPU pages,
 * lock-free writers usable from any context including NMI), in producer/consumer mode so
 * a full buffer refuses new records (counted as lost) instead of overwriting old ones.
 * The reader merges the CPUs' records in timestamp order and may take a record in several
 * reads; a record is never split between two sessions' readers since only one file reads.
 */
#include <linux/ring_buffer.h>
#include <linux/slab.h>
#include <linux/delay.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/cpumask.h>
#include <linux/version.h>
#include "kt.h"

struct kt_pending {
	u32 len, pos;
	u8 bytes[KT_REC_TIME_BYTES + KT_RECORD_MAX]; /* with -T: the TIME record, then the record */
};

int kt_ring_init(struct kt_session *s)
{
	s->pending = kzalloc(sizeof(*s->pending), GFP_KERNEL);
	if (!s->pending)
		return -ENOMEM;
	s->ring = ring_buffer_alloc(KT_RING_BYTES_PER_CPU, 0);
	if (!s->ring) {
		kfree(s->pending);
		s->pending = NULL;
		return -ENOMEM;
	}
	kt_time_start(s); /* the origin of -T's times: before main writes anything */
	return 0;
}

void kt_ring_free(struct kt_session *s)
{
	if (s->ring)
		ring_buffer_free(s->ring);
	s->ring = NULL;
	kfree(s->pending);
	s->pending = NULL;
}

/* [probe] any context, never sleeps: 0, -EMSGSIZE (never fits) or -ENOSPC (full now). */
static int kt_ring_put(struct kt_session *s, const void *bytes, u32 len)
{
	struct ring_buffer_event *ev;
	u32 *slot;

	if (len == 0 || len > KT_RECORD_MAX - sizeof(u32))
		return -EMSGSIZE;
	/* The ring pads events to 4 bytes: keep the record's exact length in front. */
	ev = ring_buffer_lock_reserve(s->ring, len + sizeof(u32));
	if (!ev)
		return -ENOSPC;
	slot = ring_buffer_event_data(ev);
	slot[0] = len;
	memcpy(slot + 1, bytes, len);
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	ring_buffer_unlock_commit(s->ring);
#else
	ring_buffer_unlock_commit(s->ring, ev);
#endif
	/* irq_work is NMI-safe; wake the reader once the interrupt context allows it. */
	if (wq_has_sleeper(&s->readers))
		irq_work_queue(&s->wake);
	return 0;
}

static int kt_ring_lost(struct kt_session *s)
{
	atomic64_inc(&s->lost);
	return -KTAP_ENOSPC;
}

/* [probe] A full ring refuses the record; it is counted as lost. */
int kt_ring_write(struct kt_session *s, const void *bytes, u32 len)
{
	return kt_ring_put(s, bytes, len) ? kt_ring_lost(s) : 0;
}

/*
 * [process] A record of trace_end or the summary, written while the session is running
 * (the session lock is held; the reader takes only read_lock, so it keeps draining). A
 * full ring is waited out while the reader makes progress: one second without a record
 * read means the reader is gone or stuck, and from then on this session does not wait
 * again. No wait once the file is being released or the task is being killed.
 */
int kt_ring_write_wait(struct kt_session *s, const void *bytes, u32 len)
{
	unsigned long deadline = jiffies + HZ;
	s64 seen = atomic64_read(&s->records_read);
	int ret;

	while ((ret = kt_ring_put(s, bytes, len)) == -ENOSPC) {
		if (READ_ONCE(s->state) != KT_RUNNING || READ_ONCE(s->closing) ||
		    s->reader_stalled || fatal_signal_pending(current))
			break;
		if (atomic64_read(&s->records_read) != seen) {
			seen = atomic64_read(&s->records_read);
			deadline = jiffies + HZ;
		} else if (time_after(jiffies, deadline)) {
			s->reader_stalled = true;
			break;
		}
		wake_up_interruptible(&s->readers);
		usleep_range(500, 1000);
	}
	return ret ? kt_ring_lost(s) : 0;
}

bool kt_ring_empty(struct kt_session *s)
{
	if (s->pending && s->pending->pos < s->pending->len)
		return false;
	return !s->ring || ring_buffer_empty(s->ring);
}

/* Move the oldest record of any CPU into the pending buffer; false when none. */
static bool kt_ring_take(struct kt_session *s)
{
	struct ring_buffer_event *ev;
	u64 ts, best_ts = U64_MAX;
	int cpu, best = -1;
	u32 len, off = 0;

	for_each_possible_cpu(cpu) {
		if (ring_buffer_empty_cpu(s->ring, cpu))
			continue;
		if (!ring_buffer_peek(s->ring, cpu, &ts, NULL))
			continue;
		if (ts < best_ts) {
			best_ts = ts;
			best = cpu;
		}
	}
	if (best < 0)
		return false;
	ev = ring_buffer_consume(s->ring, best, &ts, NULL);
	if (!ev)
		return false;
	len = *(u32 *)ring_buffer_event_data(ev);
	if (len > KT_RECORD_MAX - sizeof(u32))
		len = 0; /* cannot happen: kt_ring_write bounds it */
	if (s->timestamps) /* -T: the entry's stamp goes before it (timestamps.c) */
		off = kt_time_record(s, ts, s->pending->bytes);
	memcpy(s->pending->bytes + off, (u32 *)ring_buffer_event_data(ev) + 1, len);
	s->pending->len = off + len;
	s->pending->pos = 0;
	atomic64_inc(&s->records_read);
	return true;
}

/*
 * Copy whole records (and at most one partial one) to user space; called with read_lock
 * held (not the session lock: trace_end may be waiting for room), never blocks.
 * Returns bytes copied (0 when empty) or -EFAULT.
 */
ssize_t kt_ring_read(struct kt_session *s, char __user *buf, size_t count)
{
	struct kt_pending *p = s->pending;
	size_t done = 0;

	while (done < count) {
		size_t n;

		if (p->pos >= p->len && !kt_ring_take(s))
			break;
		n = min_t(size_t, count - done, p->len - p->pos);
		if (copy_to_user(buf + done, p->bytes + p->pos, n))
			return done ? done : -EFAULT;
		p->pos += n;
		done += n;
	}
	return done;
}
