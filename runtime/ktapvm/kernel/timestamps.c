// SPDX-License-Identifier: GPL-2.0
/*
 * timestamps.c - `ktap run -T`: each record of the session is preceded by a TIME record
 * (ktap_record_format.def) giving when it was written. The time is not the VM's to
 * give: the kernel ring buffer already stamps every entry (its reader, ring.c, merges the
 * CPUs by those stamps), so the reader frames each record it hands out with the stamp it
 * consumed, and the VM core and its records stay as they are. Asked for like the scope,
 * with a short text command before the first byte of the bundle:
 *     time        with an optional trailing newline; once per session
 * The time is in nanoseconds from the session's start (the ring was made when the whole
 * bundle had arrived, just before main ran and the probes were armed), on the ring's clock
 * (trace_clock_local: the scheduler clock, what ftrace's "local" clock shows).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/trace_clock.h>
#include <linux/uaccess.h>
#include "kt.h"

#define KT_TIME_WORD "time"

/* Whether a write before the bundle is the time command ("time" or "time\n", nothing else). */
bool kt_time_is_command(const char __user *buf, size_t count)
{
	char text[sizeof(KT_TIME_WORD)]; /* the word and a newline */
	size_t word = sizeof(KT_TIME_WORD) - 1;

	if (count < word || count > word + 1 || copy_from_user(text, buf, count))
		return false;
	return !memcmp(text, KT_TIME_WORD, word) && (count == word || text[word] == '\n');
}

/* [process] The time command: refused (the session fails, the reason to read back) when repeated. */
int kt_time_command(struct kt_session *s, const char __user *buf, size_t count)
{
	if (s->timestamps) {
		kt_session_set_error(s, -EBUSY, "time: the session already has timestamps");
		return -EBUSY;
	}
	s->timestamps = true;
	return count;
}

/* [process] The origin of the session's times: the ring's clock now (ring.c, at start). */
void kt_time_start(struct kt_session *s)
{
	s->time_origin = trace_clock_local();
}

/*
 * [reader] Writes the TIME record of a ring entry stamped ts into out (KT_REC_TIME_BYTES),
 * in the board's byte order like every record; returns its length. A stamp before the
 * origin (another CPU's scheduler clock a little behind) is 0: times never go negative.
 */
u32 kt_time_record(const struct kt_session *s, u64 ts, u8 *out)
{
	u32 len = KT_REC_TIME_BYTES, a = 0;
	u16 kind = KT_REC_TIME, zero = 0;
	u64 ns = ts > s->time_origin ? ts - s->time_origin : 0;

	memcpy(out + KTAP_REC_HDR_LENGTH, &len, sizeof(len));
	memcpy(out + KTAP_REC_HDR_KIND, &kind, sizeof(kind));
	memcpy(out + KTAP_REC_HDR_ZERO, &zero, sizeof(zero));
	memcpy(out + KTAP_REC_HDR_A, &a, sizeof(a));
	memcpy(out + KTAP_REC_HEADER_SIZE, &ns, sizeof(ns));
	return len;
}
