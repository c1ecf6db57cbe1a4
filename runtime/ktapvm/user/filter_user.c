/*
 * filter_user.c - what the kernel's filter code (../kernel/filter.c, compiled unchanged over
 * the kshim/ headers) reads of "the current task" and "this CPU" in a replay: the replayed
 * event's. As in the kernel, the task's pid is the thread's id (tid), not the process's.
 */
#include <string.h>
#include "kshim/linux/sched.h"
#include "kshim/linux/smp.h"
#include "replay.h"

const struct task_struct *kshim_current(void)
{
	static struct task_struct task;
	const struct replay_event *e = replay_ctx.ev;

	memset(&task, 0, sizeof(task));
	if (e) {
		memcpy(task.comm, e->comm, sizeof(task.comm) - 1);
		task.pid = (int)e->tid;
	} else {
		strcpy(task.comm, "ktapvm-run"); /* the runner's own context: main, trace_end */
	}
	return &task;
}

int kshim_cpu(void)
{
	return replay_ctx.cpu;
}
