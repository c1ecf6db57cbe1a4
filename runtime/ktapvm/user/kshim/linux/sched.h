/* User-space stand-in for <linux/sched.h>: `current` is the task its includer says, the
 * replayed event's in the runner (user/filter_user.c), a fixed one in the filter fuzzer, so
 * the filter's task fields (comm, common_pid) read what the kernel's would. */
#ifndef SHIM_LINUX_SCHED_H
#define SHIM_LINUX_SCHED_H
struct task_struct {
	char comm[16];
	int pid; /* the kernel's pid: the thread's id */
};
const struct task_struct *kshim_current(void);
#define current (kshim_current())
#endif
