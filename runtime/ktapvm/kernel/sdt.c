// SPDX-License-Identifier: GPL-2.0
/*
 * sdt.c - USDT markers (kind 6, `trace sdt:/path:MARKER`). A marker is a uprobe at the
 * file offset the host resolved from the file's .note.stapsdt (the bundle's EVENTS value,
 * armed by uprobe.c); its arguments are fetch-args the host wrote from the note's specs
 * (regs_event.c gives them as arg1..N). A marker guarded by a semaphore (FOO_ENABLED() in
 * the program) only runs while the semaphore is non-zero: the kernel raises it in every process
 * that maps the file while the uprobe is registered with the semaphore's file offset
 * (ref_ctr_offset) and lowers it at unregister.
 *
 * The bundle carries no semaphore (its format is the certified core's: docs/bundle-format.md),
 * so the host gives each one as a command written to /dev/ktap before the bundle, like
 * "scope" (scope.c) and "cpu" (cpu_scope.c):
 *     sdt-sem EVENT OFFSET     EVENT: the bundle's event index; OFFSET: the semaphore's
 *                              file offset; both decimal, one command per write
 * The syntax is checked here; that EVENT is an sdt event of the bundle when the probes are
 * prepared (kt_sdt_check), and OFFSET against the file when it is armed (uprobe.c).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "kt.h"

#define KT_SDT_WORD "sdt-sem "
#define KT_SDT_CMD_MAX 40 /* "sdt-sem 65535 18446744073709551615\n" is 35 bytes */
#define KT_SDT_MAX 256    /* semaphores per session: the host's glob cap per definition */

struct kt_sdt_sem {
	u32 event;
	u64 offset;
};

bool kt_sdt_is_command(const char __user *buf, size_t count)
{
	char head[sizeof(KT_SDT_WORD) - 1];

	if (count < sizeof(head) || copy_from_user(head, buf, sizeof(head)))
		return false;
	return !memcmp(head, KT_SDT_WORD, sizeof(head)); /* a bundle starts with the format's magic, an escape byte */
}

/* Decimal digits from *pos up to a space or the end; no sign, no leading zero but "0". */
static bool kt_sdt_number(const char *text, size_t n, size_t *pos, u64 max, u64 *out)
{
	size_t i = *pos;
	u64 v = 0;

	if (i >= n || text[i] < '0' || text[i] > '9')
		return false;
	if (text[i] == '0' && i + 1 < n && text[i + 1] != ' ')
		return false;
	for (; i < n && text[i] != ' '; i++) {
		if (text[i] < '0' || text[i] > '9' || v > (max - (text[i] - '0')) / 10)
			return false;
		v = v * 10 + (text[i] - '0');
	}
	*pos = i;
	*out = v;
	return true;
}

/*
 * [process] The sdt-sem command: refused (the session failed, with the reason to read
 * back) when malformed, naming an event twice, or past KT_SDT_MAX. Session lock held, no
 * bundle byte arrived yet.
 */
int kt_sdt_command(struct kt_session *s, const char __user *buf, size_t count)
{
	char text[KT_SDT_CMD_MAX + 1];
	size_t n = count, pos = sizeof(KT_SDT_WORD) - 1;
	u64 event, offset;
	u32 i;

	if (count > KT_SDT_CMD_MAX) {
		kt_session_set_error(s, -EINVAL, "sdt-sem: command longer than %d bytes", KT_SDT_CMD_MAX);
		return -EINVAL;
	}
	if (copy_from_user(text, buf, count))
		return -EFAULT;
	if (n > pos && text[n - 1] == '\n')
		n--;
	if (!kt_sdt_number(text, n, &pos, 65535, &event) || pos >= n || text[pos++] != ' ' ||
	    !kt_sdt_number(text, n, &pos, U64_MAX, &offset) || pos != n) {
		/* the text is not echoed: it is the writer's, and may hold anything */
		kt_session_set_error(s, -EINVAL,
				     "sdt-sem: expected \"sdt-sem EVENT OFFSET\" (decimal digits)");
		return -EINVAL;
	}
	if (offset == 0) {
		kt_session_set_error(s, -EINVAL, "sdt-sem: event %llu: semaphore offset 0",
				     (unsigned long long)event);
		return -EINVAL;
	}
	for (i = 0; i < s->sdt_sem_count; i++)
		if (s->sdt_sems[i].event == event) {
			kt_session_set_error(s, -EINVAL, "sdt-sem: event %llu given twice",
					     (unsigned long long)event);
			return -EINVAL;
		}
	if (s->sdt_sem_count >= KT_SDT_MAX) {
		kt_session_set_error(s, -E2BIG, "sdt-sem: more than %d semaphores", KT_SDT_MAX);
		return -E2BIG;
	}
	if (!s->sdt_sems) {
		s->sdt_sems = kcalloc(KT_SDT_MAX, sizeof(*s->sdt_sems), GFP_KERNEL);
		if (!s->sdt_sems)
			return -ENOMEM;
	}
	s->sdt_sems[s->sdt_sem_count].event = event;
	s->sdt_sems[s->sdt_sem_count].offset = offset;
	s->sdt_sem_count++;
	return count;
}

/* [process] Every sdt-sem names an sdt event of the loaded bundle (probes prepared). */
int kt_sdt_check(struct kt_session *s)
{
	u32 i, n = ktap_session_probe_count(s->vm);
	struct ktap_probe def;

	for (i = 0; i < s->sdt_sem_count; i++) {
		u32 ev = s->sdt_sems[i].event;

		memset(&def, 0, sizeof(def));
		if (ev >= n) {
			kt_session_set_error(s, -EINVAL,
					     "sdt-sem: event %u is not in the bundle (%u events)", ev, n);
			return -EINVAL;
		}
		if (ktap_session_probe(s->vm, ev, &def) || def.kind != KTAP_PROBE_SDT) {
			kt_session_set_error(s, -EINVAL,
					     "sdt-sem: event %u (%s) is not an sdt marker", ev,
					     def.spec ? def.spec : "?");
			return -EINVAL;
		}
	}
	return 0;
}

/* The semaphore's file offset for the bundle's event index, 0 when it has none. */
u64 kt_sdt_semaphore(const struct kt_session *s, u32 event)
{
	u32 i;

	for (i = 0; i < s->sdt_sem_count; i++)
		if (s->sdt_sems[i].event == event)
			return s->sdt_sems[i].offset;
	return 0;
}

void kt_sdt_release(struct kt_session *s)
{
	kfree(s->sdt_sems);
	s->sdt_sems = NULL;
	s->sdt_sem_count = 0;
}
