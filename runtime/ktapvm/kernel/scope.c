// SPDX-License-Identifier: GPL-2.0
/*
 * scope.c - a session's task scope (docs/kernel-module.md, "Scope"): `ktap run -- CMD`
 * traces CMD and its descendants, `ktap run -p PID` one process and its threads.
 *
 * The scope reaches the module as a short text command, written to /dev/ktap before the
 * first byte of the bundle, so that a busybox shell can give it (no ioctl from a shell):
 *     scope PID            the process PID (every thread of its thread group)
 *     scope PID children   ... and every task descending from it
 *     scope PID all        every task, as without a scope: PID only names the session's
 *                          workload for cpid() (`ktap run -a -- CMD`)
 * with an optional trailing newline. The pid is looked up in the writer's pid namespace;
 * the session keeps a reference on its struct pid, so a later process given the same
 * number is never taken for it.
 *
 * The check runs in fire.c (kt_fire), before the filter and the handler, for every kind but
 * tick (a timer is not a task's event). Descendants are found by walking real_parent
 * under RCU, at most KT_SCOPE_DEPTH generations: no per-task state, nothing to set up at
 * fork, and the walk's cost is paid only by tasks that are not the scope's own threads.
 * A descendant that its parent left (reparented to init or a subreaper) is out of scope,
 * as are descendants deeper than KT_SCOPE_DEPTH.
 */
#include <linux/kernel.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/threads.h>
#include <linux/uaccess.h>
#include "kt.h"

#define KT_SCOPE_DEPTH 32
#define KT_SCOPE_CMD_MAX 40 /* "scope 4194304 children\n" is 23 bytes */
#define KT_SCOPE_WORD "scope "

enum kt_scope_mode { KT_SCOPE_PROCESS, KT_SCOPE_TREE, KT_SCOPE_ALL };
static const char *const kt_scope_suffix[] = {
	[KT_SCOPE_TREE] = " children",
	[KT_SCOPE_ALL] = " all",
};

bool kt_scope_is_command(const char __user *buf, size_t count)
{
	char head[sizeof(KT_SCOPE_WORD) - 1];

	if (count < sizeof(head) || copy_from_user(head, buf, sizeof(head)))
		return false;
	/* a bundle starts with the format's magic (an escape byte): the two never meet */
	return !memcmp(head, KT_SCOPE_WORD, sizeof(head));
}

/* "PID", "PID children" or "PID all": 1-7 digits, no leading zero, at most
 * PID_MAX_LIMIT. */
static int kt_scope_parse(const char *text, size_t n, pid_t *nr, enum kt_scope_mode *mode)
{
	size_t i = 0;
	u32 v = 0;
	int m;

	if (n && text[n - 1] == '\n')
		n--;
	*mode = KT_SCOPE_PROCESS;
	for (m = KT_SCOPE_TREE; m <= KT_SCOPE_ALL; m++) {
		size_t len = strlen(kt_scope_suffix[m]);

		if (n >= len && !memcmp(text + n - len, kt_scope_suffix[m], len)) {
			*mode = m;
			n -= len;
			break;
		}
	}
	if (!n || n > 7 || text[0] == '0')
		return -EINVAL;
	for (; i < n; i++) {
		if (text[i] < '0' || text[i] > '9')
			return -EINVAL;
		v = v * 10 + (text[i] - '0');
	}
	if (v > (u32)PID_MAX_LIMIT)
		return -EINVAL;
	*nr = (pid_t)v;
	return 0;
}

/*
 * [process] The scope command: refused (and the session failed, with the reason to read
 * back) when malformed, repeated, or naming no process. Session lock held, no bundle byte
 * arrived yet.
 */
int kt_scope_command(struct kt_session *s, const char __user *buf, size_t count)
{
	char text[KT_SCOPE_CMD_MAX + 1];
	const size_t word = sizeof(KT_SCOPE_WORD) - 1;
	struct task_struct *leader;
	struct pid *pid;
	enum kt_scope_mode mode;
	pid_t nr;
	int ret;

	if (s->scope_nr) {
		kt_session_set_error(s, -EBUSY, "scope: the session already has a scope");
		return -EBUSY;
	}
	if (count > KT_SCOPE_CMD_MAX) {
		kt_session_set_error(s, -EINVAL, "scope: command longer than %d bytes",
				     KT_SCOPE_CMD_MAX);
		return -EINVAL;
	}
	if (copy_from_user(text, buf, count))
		return -EFAULT;
	text[count] = 0;
	ret = kt_scope_parse(text + word, count - word, &nr, &mode);
	if (ret) {
		/* the text is not echoed: it is the writer's, and may hold anything */
		kt_session_set_error(s, ret, "scope: expected \"scope PID\", \"scope PID "
				     "children\" or \"scope PID all\" (PID: 1 to %d, decimal "
				     "digits)", (int)PID_MAX_LIMIT);
		return ret;
	}
	pid = find_get_pid(nr); /* in the writer's pid namespace */
	rcu_read_lock();
	leader = pid ? pid_task(pid, PIDTYPE_TGID) : NULL;
	rcu_read_unlock();
	if (!leader) {
		put_pid(pid);
		kt_session_set_error(s, -ESRCH, "scope: no process %d on this board", nr);
		return -ESRCH;
	}
	s->scope_nr = nr;
	if (mode == KT_SCOPE_ALL) {
		put_pid(pid); /* named, not traced alone: nothing to compare with */
		return count;
	}
	s->scope = pid;
	s->scope_children = mode == KT_SCOPE_TREE;
	return count;
}

void kt_scope_release(struct kt_session *s)
{
	put_pid(s->scope);
	s->scope = NULL;
}

/*
 * [probe] Whether the current task is in the session's scope (always, without one).
 * Not NMI: fire.c skipped those before.
 */
bool kt_scope_allows(const struct kt_session *s)
{
	struct task_struct *t = current;
	bool in = false;
	int depth;

	if (!s->scope || task_tgid(t) == s->scope)
		return true;
	if (!s->scope_children)
		return false;
	rcu_read_lock();
	for (depth = 0; depth < KT_SCOPE_DEPTH; depth++) {
		/* a task found under RCU stays allocated, its signal_struct too, until the
		 * read side ends (delayed_put_task_struct) */
		struct task_struct *parent = rcu_dereference(t->real_parent);

		if (!parent || parent == t)
			break; /* the idle task is its own parent */
		t = parent;
		if (task_tgid(t) == s->scope) {
			in = true;
			break;
		}
	}
	rcu_read_unlock();
	return in;
}
