// SPDX-License-Identifier: GPL-2.0
/*
 * cpu_scope.c - `ktap run -C CPU` (ktap 0.4's -C): a session that sees the events of one
 * CPU only. Like the task scope (scope.c) it reaches the module as a short text command
 * written to /dev/ktap before the first byte of the bundle, so a busybox shell can give it:
 *     cpu N        N: a possible CPU, 0 to nr_cpu_ids - 1, decimal digits
 * with an optional trailing newline. The check runs in fire.c (kt_fire), before the task scope,
 * the filter and the handler, for every kind but tick (a tick's one timer runs where it
 * was armed; it is no CPU's event). Events of other CPUs are not the session's: they are
 * counted nowhere.
 */
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "kt.h"

#define KT_CPU_WORD "cpu "
#define KT_CPU_CMD_MAX 16 /* "cpu 4095\n" is 9 bytes */

bool kt_cpu_is_command(const char __user *buf, size_t count)
{
	char head[sizeof(KT_CPU_WORD) - 1];

	if (count < sizeof(head) || copy_from_user(head, buf, sizeof(head)))
		return false;
	return !memcmp(head, KT_CPU_WORD, sizeof(head)); /* a bundle starts with the format's magic, an escape byte */
}

/*
 * [process] The cpu command: refused (the session failed, with the reason to read back)
 * when malformed, repeated or naming no possible CPU. Session lock held, no bundle byte
 * arrived yet.
 */
int kt_cpu_command(struct kt_session *s, const char __user *buf, size_t count)
{
	char text[KT_CPU_CMD_MAX + 1];
	size_t i, n, word = sizeof(KT_CPU_WORD) - 1;
	u32 v = 0;

	if (s->cpu_scoped) {
		kt_session_set_error(s, -EBUSY, "cpu: the session already has a CPU");
		return -EBUSY;
	}
	if (count > KT_CPU_CMD_MAX) {
		kt_session_set_error(s, -EINVAL, "cpu: command longer than %d bytes", KT_CPU_CMD_MAX);
		return -EINVAL;
	}
	if (copy_from_user(text, buf, count))
		return -EFAULT;
	n = count;
	if (n > word && text[n - 1] == '\n')
		n--;
	/* 1 to 4 digits, no leading zero but "0" itself: nr_cpu_ids is at most 256 here */
	if (n <= word || n - word > 4 || (text[word] == '0' && n - word > 1))
		goto bad;
	for (i = word; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			goto bad;
		v = v * 10 + (text[i] - '0');
	}
	if (v >= nr_cpu_ids || !cpu_possible(v)) {
		kt_session_set_error(s, -EINVAL, "cpu: no CPU %u on this board (CPUs 0 to %u)",
				     v, nr_cpu_ids - 1);
		return -EINVAL;
	}
	s->cpu = v;
	s->cpu_scoped = true;
	return count;
bad:
	/* the text is not echoed: it is the writer's, and may hold anything */
	kt_session_set_error(s, -EINVAL, "cpu: expected \"cpu N\" (N: 0 to %u, decimal digits)",
			     nr_cpu_ids - 1);
	return -EINVAL;
}

/* [probe] Whether this CPU's events are the session's (always, without a cpu command). */
bool kt_cpu_allows(const struct kt_session *s)
{
	return !s->cpu_scoped || raw_smp_processor_id() == s->cpu;
}
