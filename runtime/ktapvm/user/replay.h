/* replay.h - the user-space runner's view of one replay event and its task context. */
#ifndef KTAP_REPLAY_H
#define KTAP_REPLAY_H

#include "../include/ktapvm.h"

struct replay_field {
	const char *name;
	int kind; /* enum ktap_evval_kind */
	long long number;
	const char *str;
	unsigned len;
};

#define REPLAY_MAX_FIELDS 32
#define REPLAY_MAX_STACK 16
#define REPLAY_MAX_STRINGS 16

struct replay_event {
	const char *event; /* "sched:sched_switch" */
	const char *name;  /* "sched_switch" */
	unsigned long long ts;
	int cpu;
	long long pid, tid, uid;
	char comm[16];
	int in_interrupt, in_iowait;
	int nfields;
	struct replay_field fields[REPLAY_MAX_FIELDS];
	/* kprobe/kretprobe/uprobe/uretprobe events: arg1 is the probe address, as on the
	 * board, and the fields (the fetch-args) are arg2..; sdt events: the fields (the
	 * marker's arguments) are arg1.. (docs/replay-format.md) */
	int addr_first;
	unsigned long long addr;
	int nstack;
	unsigned long long stack[REPLAY_MAX_STACK];
	int nstrings;
	unsigned long long str_addr[REPLAY_MAX_STRINGS];
	const char *str_val[REPLAY_MAX_STRINGS];
};

/* The platform's current context, set by the runner before each handler. */
struct replay_context {
	const struct replay_event *ev; /* NULL in main and trace_end */
	int cpu;
	int ncpus;
	unsigned long long now_ns;
	long long max_records; /* -1: unlimited */
	long long records;
	int discard; /* bench mode: count, do not write */
	const struct ktap_target *target;
	unsigned char *capture; /* tests: records go here instead of stdout */
	size_t capture_len, capture_cap;
	/* tests: ktap_plat_yield() counts its calls and returns nonzero ("a signal is
	 * pending") from call number stop_at_yield on (0: never) */
	long yields, stop_at_yield;
};
extern struct replay_context replay_ctx;
extern const struct ktap_event_ops replay_event_ops;

/* symbols named in "stack" arrays: address = SYM_BASE + index */
#define REPLAY_SYM_BASE 0xffffffff81000000ull
int replay_symbol_index(const char *name);
const char *replay_symbol_name(unsigned long long addr);

#endif
