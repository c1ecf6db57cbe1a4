// SPDX-License-Identifier: GPL-2.0
/*
 * native_count.c - the benchmark's baseline: what a hand-written module does to count
 * syscalls:sys_enter_getpid by command name, through the same event delivery ktapvm uses
 * (a perf tracepoint counter per CPU). The difference between ktap's added cost and
 * this one's is the price of the VM (bench/kernel/run.sh). Counts go to the kernel log
 * at unload so the run can check both counted the same calls.
 */
#include <linux/module.h>
#include <linux/perf_event.h>
#include <linux/trace_events.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/cpumask.h>

#define SLOTS 64

struct slot {
	char comm[TASK_COMM_LEN];
	u64 count;
};

static struct slot slots[SLOTS];
static DEFINE_RAW_SPINLOCK(slots_lock);
static struct perf_event **events;
static struct trace_event_file *tfile;

static void count_comm(void)
{
	const char *comm = current->comm;
	unsigned long flags;
	u32 h = 0, i;
	const char *p;

	for (p = comm; *p && p < comm + TASK_COMM_LEN; p++)
		h = h * 31 + (u8)*p;
	raw_spin_lock_irqsave(&slots_lock, flags);
	for (i = 0; i < SLOTS; i++) {
		struct slot *s = &slots[(h + i) % SLOTS];

		if (!s->comm[0])
			strscpy(s->comm, comm, TASK_COMM_LEN);
		if (!strncmp(s->comm, comm, TASK_COMM_LEN)) {
			s->count++;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&slots_lock, flags);
}

static void on_event(struct perf_event *e, struct perf_sample_data *d, struct pt_regs *r)
{
	count_comm();
}

static void close_events(void)
{
	int cpu;

	for (cpu = 0; cpu < nr_cpu_ids; cpu++)
		if (events[cpu])
			perf_event_release_kernel(events[cpu]);
	kfree(events);
	trace_put_event_file(tfile);
}

static int __init native_init(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_TRACEPOINT, .size = sizeof(attr), .sample_period = 1,
		.sample_type = PERF_SAMPLE_RAW,
	};
	int cpu;

	tfile = trace_get_event_file(NULL, "syscalls", "sys_enter_getpid");
	if (IS_ERR(tfile))
		return PTR_ERR(tfile);
	attr.config = tfile->event_call->event.type;
	events = kcalloc(nr_cpu_ids, sizeof(*events), GFP_KERNEL);
	if (!events) {
		trace_put_event_file(tfile);
		return -ENOMEM;
	}
	for_each_online_cpu(cpu) {
		struct perf_event *e = perf_event_create_kernel_counter(&attr, cpu, NULL,
									on_event, NULL);
		if (IS_ERR(e)) {
			close_events();
			return PTR_ERR(e);
		}
		events[cpu] = e;
	}
	return 0;
}

static void __exit native_exit(void)
{
	int i;

	close_events();
	for (i = 0; i < SLOTS; i++)
		if (slots[i].comm[0])
			pr_info("native_count: %s %llu\n", slots[i].comm, slots[i].count);
}

module_init(native_init);
module_exit(native_exit);
MODULE_LICENSE("GPL");
