/* User-space stand-in for <linux/sched.h> (fuzzing only): `current` is a task the test
 * sets, so the filter's task fields (comm, common_pid) have known values. */
#ifndef SHIM_LINUX_SCHED_H
#define SHIM_LINUX_SCHED_H
struct task_struct {
	char comm[16];
	int pid;
};
static struct task_struct shim_task = { "shimtask", 4711 };
#define current (&shim_task)
#endif
