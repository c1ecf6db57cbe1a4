/*
 * ktap_platform.h - what the VM core needs from its host. Implemented once for user
 * space (runtime/ktapvm/user/platform_user.c) and once for the kernel (the module).
 * The core includes nothing else: no libc, no kernel headers.
 *
 * Context rules (kernel): every function marked [probe] may be called from probe
 * context (any context, interrupts possibly off) and must not sleep. Functions marked
 * [load] are called only from process context while a session is loaded or freed.
 */
#ifndef KTAP_PLATFORM_H
#define KTAP_PLATFORM_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#else
#include <stddef.h>
#include <stdint.h>
typedef int8_t s8;
typedef uint8_t u8;
typedef int16_t s16;
typedef uint16_t u16;
typedef int32_t s32;
typedef uint32_t u32;
typedef int64_t s64;
typedef uint64_t u64;
#endif

/* Architecture numbers, byte orders and every other number of the bundle format. */
#include "ktap_bundle_format.h"

/* The target this VM runs on: what bundles it accepts. */
struct ktap_target {
	u8 arch;       /* enum ktap_arch */
	u8 byte_order; /* enum ktap_byte_order */
	u8 word_size;  /* 4 or 8 */
};

/* ---- memory [load] ------------------------------------------------------
 * Only the loader and session setup/teardown allocate from the platform. Everything a
 * handler allocates comes from the session's arena, preallocated at load with the
 * session memory budget, so probe context never calls ktap_plat_alloc. */
void *ktap_plat_alloc(size_t size); /* zeroed; NULL on failure */
void ktap_plat_free(void *p);

/* ---- locking [probe] ----------------------------------------------------
 * A lock usable from any context (kernel: raw spinlock, irqsave). The core never sleeps
 * or allocates from the platform while holding one, and nests them only in one order,
 * outermost first: the globals' lock or one table's lock, then the string-intern lock
 * (which also guards the reclaimer's lists: a count dropping to zero takes it inside a
 * table lock), then the arena lock. Each lock is initialised with its class: the kernel gives every
 * class its own lockdep class, so lockdep checks this order (one class for all would be
 * reported as recursive locking the first time a table insert interns a string). */
enum ktap_lock_class {
	KTAP_LOCK_GLOBALS, /* the session's global variables */
	KTAP_LOCK_TABLE,   /* one table (a ptable has one per CPU slot) */
	KTAP_LOCK_INTERN,  /* the string-intern set */
	KTAP_LOCK_ARENA,   /* the session arena's allocator */
	KTAP_LOCK_CLASSES
};
struct ktap_lock; /* opaque; storage of ktap_plat_lock_size() bytes, 8-aligned, owned by the core */
size_t ktap_plat_lock_size(void);
void ktap_plat_lock_init(struct ktap_lock *l, enum ktap_lock_class c); /* [probe]: tables are made in handlers */
unsigned long ktap_plat_lock(struct ktap_lock *l); /* returns saved flags */
void ktap_plat_unlock(struct ktap_lock *l, unsigned long flags);

/* ---- CPUs [probe] -------------------------------------------------------- */
int ktap_plat_cpu(void);           /* current CPU, 0 .. possible-1 */
int ktap_plat_num_possible_cpus(void); /* size of per-CPU arrays; fixed for a session */
int ktap_plat_num_online_cpus(void);

/* ---- time [probe] -------------------------------------------------------- */
u64 ktap_plat_time_ns(void);  /* monotonic; the replay runner returns the event's time */
/* A real monotonic clock, NMI-safe (kernel: ktime_get_mono_fast_ns): the core bounds a
 * probe-context run in wall-clock time with it. Read only every few thousand
 * instructions, never on a short handler's path. */
u64 ktap_plat_clock_ns(void);
s64 ktap_plat_wall_us(void);  /* gettimeofday in microseconds */

/* ---- process context [process] --------------------------------------------
 * The main chunk and trace_end run in process context. Every few thousand instructions
 * the core calls this: it may sleep (kernel: cond_resched) and returns nonzero when the
 * run must stop now (kernel: a fatal signal is pending for the task). Never called from
 * probe context. */
int ktap_plat_yield(void);

/* ---- current task [probe] ------------------------------------------------ */
struct ktap_task_info {
	s64 pid; /* thread group id */
	s64 tid;
	s64 uid;
	char comm[16]; /* NUL-terminated */
};
void ktap_plat_current_task(struct ktap_task_info *out);
int ktap_plat_in_interrupt(void);
int ktap_plat_in_iowait(void);
/* Read size (4 or 8) bytes at offset in the current task_struct; 0 or -KTAP_EFAULT. */
int ktap_plat_curr_task_info(s64 offset, int size, s64 *out);

/* ---- fault-safe memory reads [probe] ---------------------------------------
 * Copy a NUL-terminated string of at most max-1 bytes into buf (always terminated).
 * Return its length, or -KTAP_EFAULT on a bad address; never fault. */
int ktap_plat_read_user_string(u64 addr, char *buf, int max);
int ktap_plat_read_kernel_string(u64 addr, char *buf, int max);

/* ---- stacks [probe] ------------------------------------------------------- */
#define KTAP_STACK_DEPTH 16
/* Fill at most max return addresses of the current kernel stack; return the count. */
int ktap_plat_stack(u64 *addrs, int max);
/* Fill at most max return addresses of the current task's user stack (its pc first, then
 * a frame-pointer walk); 0 for a kernel thread or where no user context is known. */
int ktap_plat_ustack(u64 *addrs, int max);
/* Name addr as "symbol+0xoff" into buf (NUL-terminated); return the length. */
int ktap_plat_symbolize(u64 addr, char *buf, int max);

/* ---- system [probe] ------------------------------------------------------- */
const char *ktap_plat_arch_name(void);      /* e.g. "x86_64", "arm", "powerpc" */
const char *ktap_plat_kernel_release(void); /* uname -r */

/* ---- output [probe] -------------------------------------------------------
 * Append one complete record to the session's transport (ring buffer, stdout...).
 * Return 0, or -KTAP_ENOSPC when it does not fit: the core counts the record as lost. */
struct ktap_session;
int ktap_plat_emit(struct ktap_session *s, const void *bytes, u32 len);
/* [process] The same for a record of the process slot (the main chunk, trace_end, the
 * end-of-session summary). The transport may sleep, bounded, until the reader makes room:
 * trace_end's results and the summary (which carries the lost count) must not be lost
 * behind a buffer that event records filled while the probes were being disarmed. */
int ktap_plat_emit_process(struct ktap_session *s, const void *bytes, u32 len);

/* ---- events ----------------------------------------------------------------
 * The event a handler runs for. The event source (kernel tracepoint/kprobe glue, or the
 * replay runner's JSON events) fills an ops table; the core calls back through it for
 * arg1..arg9, args.NAME, argname and argevent. Values come back as a ktap_evval. */
enum ktap_evval_kind { KTAP_EV_NIL = 0, KTAP_EV_NUMBER = 1, KTAP_EV_STRING = 2 };
struct ktap_evval {
	int kind;        /* enum ktap_evval_kind */
	s64 number;
	const char *str; /* valid until the handler returns; need not be NUL-terminated */
	u32 len;
};

struct ktap_event;
struct ktap_event_ops {
	/* field n (1-based) in the event's format order; KTAP_EV_NIL when absent */
	void (*arg)(const struct ktap_event *ev, int n, struct ktap_evval *out);
	/* field by name; KTAP_EV_NIL when absent */
	void (*field)(const struct ktap_event *ev, const char *name, u32 name_len,
		      struct ktap_evval *out);
	/* the event's name, e.g. "sched_switch" */
	void (*name)(const struct ktap_event *ev, struct ktap_evval *out);
	/* render as one ftrace-style text line into buf (no newline); return the length */
	int (*render)(const struct ktap_event *ev, char *buf, int max);
};
struct ktap_event {
	const struct ktap_event_ops *ops;
	void *data; /* the source's own event */
};

#endif /* KTAP_PLATFORM_H */
