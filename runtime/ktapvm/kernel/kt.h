/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kt.h - the module's own structures: a session (one open /dev/ktap), its transport, its
 * armed probes. The VM core knows none of this; it reaches the session through
 * ktap_session_host() and the functions of ktap_platform.h (platform.c).
 */
#ifndef KT_H
#define KT_H

#include <linux/types.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include <linux/irq_work.h>
#include <linux/workqueue.h>
#include <linux/perf_event.h>
#include <linux/version.h>

#include "ktapvm.h"
#include "ktap_record_format.h"
#include "filter.h" /* filter.c: the kernel's event filter syntax */

#define KT_ERR_MAX KTAP_ERRMSG_MAX
#define KT_RECORD_MAX 3968          /* a ring-buffer event must fit in one page */
#define KT_RING_BYTES_PER_CPU (256 * 1024)
#define KT_STRING_MAX 256           /* :string fetch-args, kernel_string, user_string */
#define KT_STOP_COMMAND "stop"

enum kt_state {
	KT_COLLECTING,  /* bundle bytes arriving */
	KT_RUNNING,     /* loaded, main ran, probes armed */
	KT_STOPPED,     /* disarmed, trace_end ran: the reader drains then sees EOF */
	KT_FAILED,      /* refused: the reader gets the message, then EOF */
};

struct kt_session;
struct kt_filter;
struct kt_provider;
struct kt_perf;

/*
 * One armed event source for probe `index` of the bundle (a tracepoint glob gives several).
 * What is common to every kind; the kind's own state (its struct kprobe, hrtimer, ...)
 * lives in `state`, which its provider (provider.h) defines and probes.c allocates.
 */
struct kt_probe {
	struct kt_session *sess;
	const struct kt_provider *provider; /* the kind's (providers.c) */
	u32 index;                      /* the bundle's probe index */
	struct ktap_probe def;
	struct kt_filter *filter;       /* NULL: every event runs the handler */
	bool armed;
	const char *event_name;         /* the event a glob matched ("subsys:event"), for
					 * messages; NULL: the spec names the probe */
	void *state;                    /* provider->state_size bytes, or NULL */
	struct kt_perf *perf;           /* perf.c: per-CPU counters of a perf-based kind */
};

struct kt_session {
	struct mutex lock;              /* process-context state changes */
	struct mutex read_lock;         /* readers: the pending record, err_pos */
	enum kt_state state;            /* changed under lock, published with release */
	bool closing;                   /* the file is being released: nobody reads */

	u8 *bundle;                     /* while KT_COLLECTING */
	u32 bundle_len, bundle_total;

	char err[KT_ERR_MAX];           /* a refusal's message, read back once */
	u32 err_len, err_pos;
	int err_code;

	struct ktap_session *vm;
	struct kt_probe *probes;        /* one per armed source; a glob gives several */
	u32 probe_count;
	u32 probe_cap;

	struct trace_buffer *ring;
	atomic64_t lost;                /* records the ring refused */
	atomic64_t reentry_skips;       /* handlers skipped by the recursion guard */
	atomic64_t nmi_skips;           /* handlers not run: NMI context */
	atomic64_t lock_skips;          /* handlers not run: this CPU holds a VM lock */
	struct kt_pending *pending;     /* record partly copied to the reader */
	atomic64_t records_read;        /* the reader's progress (kt_ring_write_wait) */
	bool reader_stalled;            /* a wait for room timed out: do not wait again */

	wait_queue_head_t readers;
	struct irq_work wake;           /* wakes readers from any context */
	struct irq_work exit_irq;       /* exit() in a handler: queues exit_work from any */
	struct work_struct exit_work;   /* context but NMI; exit_work stops in a kworker */
	bool running;                   /* handlers may run (checked in probe context) */

	struct pid *scope;              /* scope.c: only this process (and descendants), or NULL */
	pid_t scope_nr;                 /* the pid as written (writer's namespace): cpid(); 0: none */
	bool scope_children;
	bool cpu_scoped;                /* cpu_scope.c: only events of CPU cpu */
	unsigned int cpu;
	bool timestamps;                /* timestamps.c: a TIME record before each record */
	u64 time_origin;                /* the ring's clock when the session started */
	struct kt_sdt_sem *sdt_sems;    /* sdt.c: USDT semaphores by event, or NULL */
	u32 sdt_sem_count;
};

/* Records the reader adds to the stream (ktap_record_format.def): KT_REC_TIME, ... */
enum kt_transport_record {
#define KTAP_TRANSPORT_RECORD(kind, name, cs, body, a, text) \
	KT_REC_##name = (kind), KT_REC_##name##_BYTES = KTAP_REC_HEADER_SIZE + (body),
#include "ktap_record_format.def"
};

/* ring.c */
int kt_ring_init(struct kt_session *s);
void kt_ring_free(struct kt_session *s);
int kt_ring_write(struct kt_session *s, const void *bytes, u32 len);
int kt_ring_write_wait(struct kt_session *s, const void *bytes, u32 len);
ssize_t kt_ring_read(struct kt_session *s, char __user *buf, size_t count);
bool kt_ring_empty(struct kt_session *s);

/* guard.c: per-CPU, per-context recursion guard; per-CPU count of VM locks held */
#define KT_CONTEXTS 4                   /* task, softirq, hardirq, NMI */
int kt_context_slot(void);              /* this CPU's context level, 0..KT_CONTEXTS-1 */
int kt_guard_enter(void);               /* context slot, or -1: already inside */
void kt_guard_lock_taken(void);         /* irqs off: counts this CPU's held VM locks */
void kt_guard_lock_released(void);
bool kt_guard_lock_held(void);          /* this CPU holds a VM lock: a handler here would spin */
void kt_guard_exit(int slot);
char *kt_guard_scratch(int slot);       /* KT_STRING_MAX bytes owned by this slot */

/* scope.c: the "scope PID [children]" command and the check before each handler */
bool kt_scope_is_command(const char __user *buf, size_t count);
int kt_scope_command(struct kt_session *s, const char __user *buf, size_t count);
void kt_scope_release(struct kt_session *s);
bool kt_scope_allows(const struct kt_session *s);

/* cpu_scope.c: the "cpu N" command (ktap run -C N) and the check before each handler */
bool kt_cpu_is_command(const char __user *buf, size_t count);
int kt_cpu_command(struct kt_session *s, const char __user *buf, size_t count);
bool kt_cpu_allows(const struct kt_session *s);

/* timestamps.c: the "time" command (ktap run -T) and the TIME record the reader adds */
bool kt_time_is_command(const char __user *buf, size_t count);
int kt_time_command(struct kt_session *s, const char __user *buf, size_t count);
void kt_time_start(struct kt_session *s);
u32 kt_time_record(const struct kt_session *s, u64 ts, u8 *out);
/* sdt.c: the "sdt-sem EVENT OFFSET" command (USDT semaphores), checked against the bundle */
struct kt_sdt_sem;
bool kt_sdt_is_command(const char __user *buf, size_t count);
int kt_sdt_command(struct kt_session *s, const char __user *buf, size_t count);
int kt_sdt_check(struct kt_session *s);
u64 kt_sdt_semaphore(const struct kt_session *s, u32 event);
void kt_sdt_release(struct kt_session *s);

/* probes.c: arm and disarm every probe of a session, all or nothing, through the
 * providers (provider.h: the probe kinds, the one fire path, the perf counter service) */
int kt_probes_arm(struct kt_session *s);
void kt_probes_disarm(struct kt_session *s);

/* stack.c: backtrace() starts at the traced code. Each event source notes the traced
 * context (registers and/or address, either may be NULL/0): kt_probe_hit() notes it
 * before the handler and forgets it when the handler returns. */
void kt_stack_note(struct pt_regs *regs, unsigned long ip);
void kt_stack_note_caller(struct pt_regs *regs); /* perf_fetch_caller_regs() registers */
void kt_stack_forget(void);
struct pt_regs *kt_stack_irq_regs(void);

/* regs.c: pt_regs by ktap_regs.def number; fetch-args */
int kt_reg_read(struct pt_regs *regs, unsigned int number, unsigned long *out);
bool kt_reg_valid(unsigned int number);
long kt_strncpy_nofault(char *dst, unsigned long src, int max, bool user);
void kt_fetch(const struct ktap_fetcharg *fa, struct pt_regs *regs, bool user,
	      char *strbuf, struct ktap_evval *out);


/*
 * Expedited grace periods while many probes are armed or disarmed (probes.c). Exported
 * (GPL) since 3.19 but declared only in kernel/rcu/rcu.h; Tiny RCU has neither.
 */
#ifdef CONFIG_TINY_RCU
static inline void kt_rcu_expedite(void) { }
static inline void kt_rcu_unexpedite(void) { }
#else
void rcu_expedite_gp(void);
void rcu_unexpedite_gp(void);
static inline void kt_rcu_expedite(void) { rcu_expedite_gp(); }
static inline void kt_rcu_unexpedite(void) { rcu_unexpedite_gp(); }
#endif

/* params.c: the module's ceilings (module parameters) */
void kt_bounds(struct ktap_bounds *b);

/* session.c */
void kt_session_set_error(struct kt_session *s, int code, const char *fmt, ...)
	__printf(3, 4);

extern struct ktap_target kt_native_target;

#endif /* KT_H */
