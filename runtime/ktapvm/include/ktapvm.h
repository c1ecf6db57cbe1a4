/*
 * ktapvm.h - the VM core's public API: load and verify a bundle, run it, fire probes.
 * Used by the kernel module and by the user-space runner. See docs/vm.md.
 *
 * Life of a session:
 *   ktap_session_load()  [process context]  parse + verify + preallocate the arena
 *   ktap_session_run_main()                 run the main chunk once
 *   ktap_session_probe_count/probe()        arm the probes the bundle lists
 *   ktap_session_fire(), ktap_session_fire_timer()   [probe context, any CPU, concurrently]
 *   ktap_session_stopped()                  exit() was called: disarm
 *   ktap_session_run_trace_end()            [process context] once, after disarming
 *   ktap_session_finish()                   emit the end-of-session summary record
 *   ktap_session_free()
 */
#ifndef KTAPVM_H
#define KTAPVM_H

#include "ktap_platform.h"

/* Error codes (negated when returned), errno-like. */
enum ktap_err {
	KTAP_OK = 0,
	KTAP_EINVAL = 22,  /* malformed or refused bundle (message says which check) */
	KTAP_ENOMEM = 12,  /* allocation or session memory budget */
	KTAP_EFAULT = 14,  /* bad address in a fault-safe read */
	KTAP_ENOSPC = 28,  /* output transport full */
	KTAP_ENOEXEC = 8,  /* bundle for another target / version */
	KTAP_ERANGE = 34,  /* a budget was hit */
};

#define KTAP_ERRMSG_MAX 256

/* Budgets (docs/vm.md): enum ktap_limit_key, the LIMITS section's keys (ktap_bundle_format.h).
 * 0 = use the default. */
struct ktap_limits {
	u64 value[KTAP_LIMIT_COUNT]; /* indexed by enum ktap_limit_key; index 0 unused */
};
#define KTAP_DEFAULT_INSNS 100000
#define KTAP_DEFAULT_CALL_DEPTH 32
#define KTAP_DEFAULT_STRING_LEN 4096
#define KTAP_DEFAULT_TABLE_ENTRIES 16384
#define KTAP_DEFAULT_MEMORY (8u << 20)
#define KTAP_MAX_MEMORY (256u << 20)

/*
 * Ceilings the host imposes (kernel: module parameters; ktapvm-run: --max-limit). A
 * session's budget is min(ceiling, the caller's override, else the bundle's LIMITS, else
 * the default): a bundle may only lower them. run_ns bounds one probe-context handler run
 * in wall-clock time; process_insns is the instruction budget of the main chunk and of
 * trace_end, which run in process context (preemptible, stopped by ktap_plat_yield()).
 * A zero field takes the built-in ceiling (ktap_default_bounds()).
 */
struct ktap_bounds {
	u64 max[KTAP_LIMIT_COUNT]; /* indexed by enum ktap_limit_key; index 0 unused */
	u64 run_ns;
	u64 process_insns;
};
void ktap_default_bounds(struct ktap_bounds *out);

struct ktap_session;

/*
 * Parse, check and verify a bundle for this VM's target, apply limits (the caller's
 * override the bundle's LIMITS section, which override the defaults), cap them by bounds
 * (NULL: ktap_default_bounds()) and preallocate the session. On failure return NULL, *err = -KTAP_E..., and errmsg (KTAP_ERRMSG_MAX bytes)
 * holds the precise message. The bytes are copied; the caller may free them.
 * host is an opaque pointer for the platform (ktap_session_host()).
 */
struct ktap_session *ktap_session_load(const void *bundle, u32 len,
				       const struct ktap_target *target,
				       const struct ktap_limits *limits,
				       const struct ktap_bounds *bounds, void *host,
				       int *err, char *errmsg);
void ktap_session_free(struct ktap_session *s);
void *ktap_session_host(const struct ktap_session *s);
/* The session's workload (the kernel module: its scope's pid; replay: --cpid), what cpid()
 * returns; 0 (the default) when there is none. Set before ktap_session_run_main(). */
void ktap_session_set_workload(struct ktap_session *s, s64 pid);
/* This VM build's own target (compile-time in the kernel; the host build's in user space). */
void ktap_native_target(struct ktap_target *out);
const char *ktap_arch_name(int arch);

/* Run the main chunk. 0, or a negative error if it aborted (the error was reported). */
int ktap_session_run_main(struct ktap_session *s);

/* Probes the bundle defines (its EVENTS section, in order); kinds: enum ktap_probe_kind
 * (ktap_bundle_format.h). */
/* software:/hardware: probes: target is a name of ktap_perf_events.def, value the
 * PERIOD, from the event's min_period to this (about 17 minutes of cpu-clock). */
#define KTAP_PERF_PERIOD_MAX 1000000000000ULL
/* watchpoint: probes: target is "LEN:ACCESS" as the script wrote them ("4:w", "8:rw"), value
 * the watched kernel address (resolved by the host; never 0, a multiple of LEN). The
 * loader accepts only those (core/watchpoint.c); this decodes a loaded probe's target into
 * LEN (1, 2, 4, 8) and the access bits below, or returns -KTAP_EINVAL. */
#define KTAP_WATCH_READ  1
#define KTAP_WATCH_WRITE 2
int ktap_watch_decode(const char *target, u32 *len, u32 *access);
struct ktap_fetcharg {
	const char *name;
	u8 source; /* enum ktap_fetch_source: register, $stack, $stackN, $retval, +OFF(%REG) */
	u8 type;   /* enum ktap_fetch_type: s64 .. u8 */
	u16 reg;
	s64 offset;
};
struct ktap_probe {
	int kind;           /* enum ktap_probe_kind */
	const char *spec;   /* EVENTDEF text, for messages */
	const char *target; /* NULL when none */
	const char *filter; /* NULL when none */
	u64 value;          /* offset, interval in ns, perf PERIOD, or watched address */
	u32 handler;        /* function index */
	u32 fetcharg_count;
	const struct ktap_fetcharg *fetchargs;
};
u32 ktap_session_probe_count(const struct ktap_session *s);
/* Fill *out for probe i; strings point into the session (valid until free). -EINVAL if out of range. */
int ktap_session_probe(const struct ktap_session *s, u32 i, struct ktap_probe *out);

/*
 * Run probe i's handler for ev (NULL for timers). Safe on several CPUs at once. A handler
 * already running on this CPU for this session makes the call a counted skip.
 * Returns 0, or a negative error when the handler aborted (already counted/reported).
 */
int ktap_session_fire(struct ktap_session *s, u32 probe, const struct ktap_event *ev);
/* Run every trace_end handler, once. */
int ktap_session_run_trace_end(struct ktap_session *s);
/* Emit the end-of-session summary record (lost records, errors, budget hits). */
void ktap_session_finish(struct ktap_session *s);
/* Non-zero once exit() ran: the caller disarms the probes. */
int ktap_session_stopped(const struct ktap_session *s);

struct ktap_stats {
	u64 lost_records;
	u64 runtime_errors;
	u64 skipped_reentry;
	u64 budget_hits[KTAP_LIMIT_COUNT];
	u64 handler_runs;
	u64 memory_used;   /* arena bytes in use now */
	u64 memory_peak;
	int exit_called; /* exit(code) ran with a number: exit_code is the script's code */
	s64 exit_code;
};
void ktap_session_stats(const struct ktap_session *s, struct ktap_stats *out);

#endif /* KTAPVM_H */
