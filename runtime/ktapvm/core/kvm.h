/*
 * kvm.h - the VM core's internal types. Kernel-agnostic: includes only the platform
 * interface. See docs/vm.md for the design (values, memory, concurrency, budgets).
 */
#ifndef KVM_H
#define KVM_H

#include "../include/ktapvm.h"
#include "../include/ktap_record_format.h"

#define KVM_NONE ((u32)KTAP_NONE) /* ktap_bundle_format.def */
/* slow paths kept out of the interpreter loop (the kernel defines noinline/cold as macros:
 * the reserved spellings work in both builds) */
#define KVM_COLD __attribute__((__noinline__, __cold__))

/* ---- opcodes and built-ins, from the single definitions ---- */
enum kvm_opcode {
#define KTAP_OP(name, num, fmt, meaning) OP_##name = num,
#include "../ktap_opcodes.def"
#undef KTAP_OP
	OP__COUNT
};
enum kvm_builtin_id {
#define KTAP_BUILTIN(id, ident, name, mn, mx, flags, meaning) BI_##ident = id,
#include "../ktap_builtins.def"
#undef KTAP_BUILTIN
	BI__COUNT
};

#define INSN_OP(i) ((i) & 0x3f)
#define INSN_A(i) (((i) >> 6) & 0xff)
#define INSN_C(i) (((i) >> 14) & 0x1ff)
#define INSN_B(i) (((i) >> 23) & 0x1ff)
#define INSN_BX(i) ((i) >> 14)
#define INSN_SBX(i) ((s32)INSN_BX(i) - 131071)
#define RK_IS_K(x) ((x) >= 256)

/* ---- values ---- */
enum kvm_type {
	KT_NIL = 0, KT_FALSE, KT_TRUE, KT_NUMBER, KT_STRING, KT_TABLE, KT_PTABLE,
	KT_STAT, KT_FUNCTION, KT_BUILTIN, KT_EVENT, KT_STACK,
	KT_USTACK, /* a user stack: addresses as bytes, like KT_STACK, named on the host from ELF files */
	/* 13 is builtins.c's KT_SNAP (sort_pairs' state) */
	KT_CLOSURE = 14, /* u.cl: a function with its upvalue cells; aux = its function index */
	KT_UPVAL = 15,   /* u.up: a captured local's cell; only in registers and closures */
};
struct kstr;
struct ktab;
struct kptab;
struct kstat;
struct kclosure;
struct kupval;
struct kv {
	u32 t;
	u32 aux; /* function/built-in index */
	union {
		s64 n;
		struct kstr *s;   /* KT_STRING, KT_STACK, KT_USTACK (addresses as bytes) */
		struct ktab *tab;
		struct kptab *ptab;
		struct kstat *st;
		struct kclosure *cl; /* KT_CLOSURE */
		struct kupval *up;   /* KT_UPVAL */
	} u;
};

/*
 * Reclamation (refs.c, reclaim.c, docs/vm.md "Reclamation"). A heap object that values
 * can point to (an interned string, a table, a ptable, a closure, an upvalue cell) starts
 * with a struct kobj. refs counts only persistent places: table keys and values, globals,
 * cells' values, and a closure's cells (each counted once by each closure made over it). Registers,
 * scratch and a run's snapshots hold no count: an object whose count is zero waits on
 * the deferred lists until every slot that could still hold it in a register has ended
 * its run, and only then is torn down and returned to the arena.
 */
enum kobj_kind { KOBJ_STR = 1, KOBJ_TAB, KOBJ_PTAB, KOBJ_CLOSURE, KOBJ_UPVAL };
enum kobj_where { KOBJ_NONE = 0, KOBJ_LISTED, KOBJ_DYING };
struct kobj {
	u32 refs;  /* persistent references; atomic */
	u8 kind;   /* enum kobj_kind */
	u8 where;  /* enum kobj_where: on the waiting or grace list, dying; under the intern lock */
	u16 spare;
	struct kobj *next, *prev; /* deferred lists (circular, doubly linked; dying: singly) */
};

/* ---- closures (closure.c, docs/vm.md "Closures") ---- */
/* A captured local: one value, shared by the function that declared it and every closure
 * that captured it, on any CPU. Read and written under the globals' lock, as a global is.
 * Counted by the closures made over it; it holds a count of its value. */
struct kupval {
	struct kobj o; /* first: KOBJ_UPVAL */
	struct kv v;
};
/* A closure: immutable once made (CLOSURE), so CPUs share it without a lock. Counted by
 * the places holding it; it holds a count of each of its cells. */
struct kclosure {
	struct kobj o; /* first: KOBJ_CLOSURE */
	u32 fn;  /* its function (has n upvalues: checked when made and when called) */
	u32 n;
	u32 id;  /* session-unique: hashing and ordering never use an address */
	u32 reap; /* teardown: the next cell to release */
	struct kupval *up[];
};

/* Immutable byte string. Interned strings live in the arena, a struct kobj before them,
 * reclaimed when no place holds them; scratch strings live in the running CPU's scratch
 * area until the handler returns; bundle strings live as long as the session. */
enum kstr_home { KSTR_BUNDLE = 0, KSTR_SCRATCH = 1, KSTR_ARENA = 2 };
struct kstr {
	u32 len;
	u32 hash;
	u32 home; /* enum kstr_home: a scratch string is copied (interned) when stored */
	u32 pad;
	char data[]; /* len bytes + NUL */
};
static inline struct kobj *kvm_str_obj(const struct kstr *k) { return (struct kobj *)k - 1; }
static inline struct kstr *kvm_obj_str(struct kobj *o) { return (struct kstr *)(o + 1); }

struct kstat {
	s64 count, sum, min, max;
};

/* ---- the arena: the session's memory budget, preallocated ---- */
#define ARENA_CLASSES 24
struct kvm_arena {
	u8 *base;
	u64 size, bump, used, peak;
	void *free_list[ARENA_CLASSES];
	void *big; /* freed page-sized blocks */
	struct ktap_lock *lock;
};
void *kvm_arena_alloc(struct ktap_session *s, u64 size); /* zeroed, NULL when over budget */
void kvm_arena_free(struct ktap_session *s, void *p);

/* ---- tables ---- */
struct knode {
	struct kv key; /* KT_NIL = empty; KT_FALSE with aux=1 = tombstone */
	struct kv val;
};
struct ktab {
	struct kobj o; /* first: a table is a counted object (a ptable's slot tables are not) */
	struct knode *nodes;
	u32 cap; /* power of two or 0 */
	u32 count; /* live entries */
	u32 used;  /* live + tombstones */
	u32 id;
	u32 reap; /* teardown: the next node to release */
	struct ktap_lock *lock; /* per-table */
};
/* linear buckets: n = inner + 2 (below lo, [lo + i*step, +step) clipped at hi, at or above hi) */
struct klin {
	s64 lo, hi, step;
	u32 n; /* 0: none */
};
struct kptab {
	struct kobj o; /* first */
	u32 id;
	u32 reap; /* teardown: the slot table being released */
	struct ktab **percpu; /* one table of KT_STAT values (struct kcell) per slot (CPUs + process) */
	struct klin lin;      /* declared by ptable(min, max, step); n = 0 otherwise */
};
/* A ptable slot's cell (dist.c): the statistics, then nlin linear bucket counts, then the
 * power-of-two buckets p2lo .. p2lo + p2n - 1 (a range that widens as values arrive). */
struct kcell {
	struct kstat st; /* first: a KT_STAT value points here */
	u32 nlin, p2lo, p2n, pad;
	u64 b[];
};
#define DIST_POW2 KTAP_REC_HIST_BUCKETS /* negatives, zero, [2^k, 2^(k+1)) for k = 0..63 */
#define DIST_LIN_MAX (KTAP_REC_LHIST_BUCKETS_MAX - 2) /* inner linear buckets: below min and at or above max are the others */
/* a run's private merged copy of a ptable (table.c); freed when the run ends */
struct psnap {
	struct psnap *next; /* the slot's list */
	struct kptab *p;
	u32 n, cap, mask;
	struct kv *pairs;    /* 2*cap: key, value (KT_STAT pointing into cells) */
	struct kstat *cells; /* cap */
	u32 *seen;           /* cap: 1 + the slot table a key was last merged from */
	u32 *index;          /* mask+1: position + 1 of a key, 0 = empty */
};

/* ---- bundle as loaded ---- */
struct kvm_func {
	u32 name, code_start, code_count;
	u16 params;
	u8 vararg, frame;
	u32 first_line, last_line, flags;
	u32 nup; /* upvalue count (format 3); 0 for main, handlers and format 1 */
};
struct kvm_format {
	u16 kind, argc;
	u32 fmt, line;
};
struct kvm_bundle {
	u8 *bytes; /* copy, session-owned */
	u32 len;
	int swap;  /* bundle order differs from host order */
	u32 nstr, nconst, nfunc, ncode, nevent, nfetch, nfmt, nglobal, nargs;
	struct kstr **strs;
	struct kv *consts;
	struct kvm_func *funcs;
	u32 *code;
	u32 *lines;
	struct ktap_probe *probes;
	struct ktap_fetcharg *fetchargs;
	struct kvm_format *formats;
	u32 *args;
	u32 main_fn, source_name;
	u64 limits[KTAP_LIMIT_COUNT];
};

/* ---- per-CPU execution state ---- */
struct kvm_frame {
	u32 fn;
	u32 pc;       /* absolute index into code */
	u32 base;     /* register 0 of the frame in the register stack */
	u32 func_slot;/* where results go (caller's R(A)) */
	s32 want;     /* results wanted, -1 = all */
	u32 varg_base, varg_count;
	u64 serial;   /* unique per call in this slot: says which frame set `top` */
	struct kclosure *cl; /* the closure running, or NULL for a plain function value */
};
#define KVM_REGSTACK 4096
/*
 * Instructions (and charged built-in work) run in chunks of KVM_CHUNK: when a chunk is
 * used up the slow path (kvm_refill) takes the next one from the run's budget and, for
 * the process slot, calls ktap_plat_yield(); for a probe slot, it checks the wall-clock
 * bound. The hot path stays one decrement and one test.
 */
#define KVM_CHUNK 4096u
/*
 * One execution slot: a register stack, frames, scratch and a record buffer. There is one
 * per possible CPU for probe-context runs (kvm_this_cpu) and one more, the process slot,
 * for the main chunk and trace_end: those run preemptible and may migrate between CPUs,
 * so they must never use a CPU's slot. Everything on a run's path uses the slot it was
 * given, never kvm_this_cpu(). The counters are written only by the slot's own runs
 * (and a re-entry skip on the same CPU), so no lock is taken to count.
 */
struct kvm_cpu {
	int running;
	int process; /* 1 for the process slot */
	struct kv *regs; /* KVM_REGSTACK values */
	struct kvm_frame *frames;
	u8 *scratch;
	u32 scratch_size, scratch_used;
	const struct ktap_event *ev;
	u64 insns_left; /* what is left of the current chunk */
	u64 insns_rest; /* the run's budget beyond the current chunk */
	u64 start_ns;   /* wall clock at the first refill of a probe run; 0 before */
	u32 nframes; /* frames in use when a built-in runs */
	u32 top; /* absolute register index after the last multi-result op */
	u64 top_serial; /* serial of the frame whose producer set top */
	u64 serial;     /* last frame serial handed out */
	u32 args_end;   /* first register above the running built-in's arguments */
	struct psnap *snaps; /* this run's ptable snapshots, freed when it ends */
	u32 seq; /* odd while a run is in progress (reclaim.c): the reclaimer's grace periods */
	char *tmp; /* 512-byte message buffer */
	char *text; /* 512-byte buffer for rendered events and symbols */
	u8 *out; /* record under construction */
	u32 out_size;
	/* counters, summed by ktap_session_stats (racy reads of u64 on 32-bit are fine) */
	u64 runs; /* handler runs in this slot */
	u64 n_errors, n_lost, n_skipped;
	u64 n_budget[KTAP_LIMIT_COUNT];
};

/* the deferred lists (reclaim.c), under the intern lock */
struct kvm_reclaim {
	struct kobj waiting; /* count reached zero (or newborn) since the grace list was closed */
	struct kobj grace;   /* closed: freed once every slot running at closing has moved on */
	struct kobj *dying;  /* unreachable: torn down a bounded step at a time */
	u32 *snap;           /* every slot's seq when the grace list was closed */
	int grace_ready;
	u32 pending;         /* objects on the three lists; read without the lock as a hint */
	u32 listed;          /* listings since the last drain: sizes the next drain */
	u64 live;            /* counted objects made and not yet freed (tests) */
	u64 freed;           /* counted objects freed */
	u32 nested;          /* 1 once a table or ptable was stored in a table, or a table, ptable or
			      * closure in a cell: only then is a cycle possible */
	u64 anomalies;       /* an unref of a zero count: a bug, counted instead of wrapping */
};

struct ktap_session {
	struct kvm_bundle b;
	struct kvm_reclaim rc;
	struct kvm_arena arena;
	struct ktap_target target;
	void *host;
	s64 workload_pid; /* cpid(): set by the host before main (ktap_session_set_workload) */
	u64 lim[KTAP_LIMIT_COUNT];
	struct ktap_bounds bounds; /* the host's ceilings, kept for process-context runs */
	struct kv *globals;
	struct ktap_lock *global_lock;
	struct ktap_lock *intern_lock;
	struct kstr **intern; u32 intern_cap, intern_count;
	int ncpu; /* probe slots: cpus[0..ncpu-1]; cpus[ncpu] is the process slot */
	struct kvm_cpu *cpus;
	u32 *site_errors; /* per instruction */
	u32 next_id;
	volatile int stopped;
	int trace_end_done;
	/* exit(code): 0 until a code is given, then 1 while it is written, then 2 (the first
	 * exit with a code wins; CPUs may race) */
	int exit_state;
	s64 exit_code;
};

/* ---- helpers (no libc) ---- */
void kvm_memcpy(void *d, const void *s, u64 n);
void kvm_memset(void *d, int c, u64 n);
int kvm_memcmp(const void *a, const void *b, u64 n);
u32 kvm_strlen(const char *s);
u32 kvm_hash(const void *p, u32 n);
u32 kvm_crc32(const u8 *p, u32 n, u32 skip_off);
int kvm_snprintf(char *buf, int max, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* the same with a format chosen at run time (the loader's, from ktap_bundle_faults.def) */
int kvm_vsnprintf(char *buf, int max, const char *fmt, __builtin_va_list ap);

/* ---- pieces ---- */
int kvm_load(struct ktap_session *s, const u8 *bytes, u32 len, char *msg);
/* A software:/hardware: probe's name and PERIOD against ktap_perf_events.def (perf_events.c). */
int kvm_perf_event_check(const struct ktap_probe *pr, u32 i, char *msg);
/* A watchpoint: probe's LEN:ACCESS, address and fetch-args (watchpoint.c). */
int kvm_watchpoint_check(const struct ktap_probe *pr, u32 i, char *msg);
int kvm_verify(struct ktap_session *s, char *msg);
/* Test builds only (user space, -DKTAP_TESTING; the module never defines it): nonzero
 * skips the verifier's control-flow pass, so tests can show the interpreter's run-time
 * checks hold on their own for bundles that pass the operand checks. */
#ifdef KTAP_TESTING
extern int kvm_testing_skip_flow;
#define KVM_TESTING_SKIP_FLOW kvm_testing_skip_flow
#else
#define KVM_TESTING_SKIP_FLOW 0
#endif
/* the opcode's name from ktap_opcodes.def, for messages */
const char *kvm_op_name(u32 op);

struct kstr *kvm_str_scratch(struct ktap_session *s, struct kvm_cpu *c, const char *p, u32 n);
struct kstr *kvm_str_intern(struct ktap_session *s, const char *p, u32 n, int type);
/* Make v fit for a persistent place and give the caller one counted reference to it (a
 * scratch string interned, a statistics value copied into a cell of its own): the store
 * then owns it, or the caller drops it with kvm_kv_release. */
int kvm_kv_persist(struct ktap_session *s, struct kv *v);
void kvm_str_unintern_locked(struct ktap_session *s, struct kstr *k); /* intern lock held */

/* ---- reclamation (refs.c, reclaim.c): the API every counted heap object kind uses ---- */
int kvm_reclaim_setup(struct ktap_session *s);
/* A new object with no count yet (it is in a register only): listed at once, so it is
 * reclaimed after the run if it is never stored. */
void kvm_obj_born(struct ktap_session *s, struct kobj *o, u32 kind);
void kvm_obj_ref(struct kobj *o);
void kvm_obj_unref(struct ktap_session *s, struct kobj *o);
/* the counted object a value points to, or NULL (numbers, bundle or scratch strings...) */
struct kobj *kvm_kv_obj(const struct kv *v);
/* A persistent place lets go of its value: a statistics cell is freed at once (registers
 * only ever hold copies of it), a counted object loses one reference. */
void kvm_kv_release(struct ktap_session *s, const struct kv *v);
/* run start and end on slot c (while c->running is set: an interrupt's run on the same
 * CPU is skipped, so seq is written by one run at a time); the grace periods follow
 * c->seq. kvm_reclaim_step, after the run: a drain sized by what was listed. */
static inline void kvm_reclaim_enter(struct kvm_cpu *c)
{
	/* odd: running. A full barrier orders it before every read of a place this run makes,
	 * against the reclaimer's fence before it reads the slots when it closes a list. On
	 * x86 an exchange is one (and cheaper than mfence on every run's path); elsewhere the
	 * store and a fence. */
#if defined(__x86_64__) || defined(__i386__)
	__atomic_exchange_n(&c->seq, c->seq + 1, __ATOMIC_SEQ_CST);
#else
	__atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}
static inline void kvm_reclaim_leave(struct kvm_cpu *c)
{
	/* even: every use of this run's registers, scratch and snapshots is before it */
	__atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELEASE);
}
void kvm_reclaim_step_slow(struct ktap_session *s, struct kvm_cpu *c);
static inline void kvm_reclaim_step(struct ktap_session *s, struct kvm_cpu *c)
{
	if (__atomic_load_n(&s->rc.pending, __ATOMIC_RELAXED)) /* nothing listed: one load */
		kvm_reclaim_step_slow(s, c);
}
/* Reclaim up to budget units of work (objects looked at, entries released); returns 1
 * while work remains. kvm_reclaim_all: with no slot running, until nothing is left. */
int kvm_reclaim_drain(struct ktap_session *s, u64 budget);
void kvm_reclaim_all(struct ktap_session *s);
/* teardown steps of the kinds (table.c): release up to *budget entries; 1 when done and freed */
int kvm_tab_reap(struct ktap_session *s, struct ktab *t, u64 *budget);
int kvm_ptab_reap(struct ktap_session *s, struct kptab *p, u64 *budget);
/* (closure.c) a dead closure releases its cells, a dead cell its value */
int kvm_closure_reap(struct ktap_session *s, struct kclosure *cl, u64 *budget);
int kvm_upval_reap(struct ktap_session *s, struct kupval *u, u64 *budget);
int kvm_kv_equal(const struct kv *a, const struct kv *b);
u32 kvm_kv_hash(const struct kv *v);

struct ktab *kvm_tab_new(struct ktap_session *s);
struct kptab *kvm_ptab_new(struct ktap_session *s, const struct klin *lin);
int kvm_tab_get(struct ktab *t, const struct kv *k, struct kv *out, struct kstat *cell);
int kvm_tab_set(struct ktap_session *s, struct ktab *t, const struct kv *k, const struct kv *v);
int kvm_tab_incr(struct ktap_session *s, struct ktab *t, const struct kv *k, s64 n, struct kv *old);
int kvm_tab_next(struct ktab *t, const struct kv *k, struct kv *kout, struct kv *vout, struct kstat *cell,
	     u32 *scanned);
void kvm_tab_clear_s(struct ktap_session *s, struct ktab *t);
struct ktap_lock *kvm_lock_new(struct ktap_session *s, enum ktap_lock_class c);
int kvm_ptab_add(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, const struct kv *k, s64 n);
int kvm_ptab_get(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, const struct kv *k, struct kv *out);
int kvm_ptab_snapshot(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, struct psnap **out);
int kvm_psnap_next(const struct psnap *ps, const struct kv *k, u32 *at);
int kvm_ptab_dist(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, const struct kv *k, int lin,
	      u64 *counts, u32 nb);

/* distributions (dist.c) */
int kvm_dist_layout(s64 lo, s64 hi, s64 step, struct klin *out); /* 0, or -1: not a valid layout */
u32 kvm_dist_pow2(s64 v);
u32 kvm_dist_lin(const struct klin *l, s64 v);
struct kcell *kvm_cell_new(struct ktap_session *s, const struct klin *lin, s64 v);
int kvm_cell_add(struct ktap_session *s, struct kv *val, const struct klin *lin, s64 v, u64 *copied);
void kvm_cell_buckets(const struct kcell *cl, int lin, u64 *counts, u32 nb);

/* closures (closure.c): every closure object and cell is allocated here, in the arena */
struct kupval *kvm_upval_new(struct ktap_session *s, const struct kv *init); /* init persistent */
/* cells: n registers holding cells (checked by the caller); the closure counts each */
struct kclosure *kvm_closure_new(struct ktap_session *s, u32 fn, u32 n, const struct kv *cells);
int kvm_upval_get(struct ktap_session *s, struct kvm_cpu *c, struct kupval *u, struct kv *out);
int kvm_upval_set(struct ktap_session *s, struct kupval *u, const struct kv *v);

/* runtime errors: codes are the ERROR record's codes (docs/record-format.md) */
#define RT_BUDGET_BASE 100 /* a budget error is 100 + its LIMITS key */
enum kvm_rterr {
	RT_OK = 0,
	/* RT_ARITH .. RT_UPVAL: the runtime errors of ktap_runtime_errors.def */
#define KTAP_RUNTIME_ERROR(code, name, message) RT_##name = (code),
#include "../ktap_runtime_errors.def"
#undef KTAP_RUNTIME_ERROR
	RT_ERROR_END,
	/* a budget hit: 100 + its LIMITS key (ktap_bundle_format.def) */
	RT_BUDGET_INSNS = RT_BUDGET_BASE + KTAP_LIMIT_INSNS,
	RT_BUDGET_DEPTH = RT_BUDGET_BASE + KTAP_LIMIT_CALL_DEPTH,
	RT_BUDGET_STRING = RT_BUDGET_BASE + KTAP_LIMIT_STRING_LEN,
	RT_BUDGET_TABLE = RT_BUDGET_BASE + KTAP_LIMIT_TABLE_ENTRIES,
	RT_BUDGET_MEMORY = RT_BUDGET_BASE + KTAP_LIMIT_MEMORY,
	/* internal: reported as RT_BUDGET_INSNS with their own message */
	RT_BUDGET_TIME = 120, RT_STOPPED,
};

int kvm_execute(struct ktap_session *s, struct kvm_cpu *c, u32 fn, const struct ktap_event *ev);
/* Charge n units of work (instructions, elements, bytes) to the running slot's budget:
 * 0, or an RT_ code when the budget, the wall-clock bound or a signal stops the run. */
int kvm_refill(struct ktap_session *s, struct kvm_cpu *c);
static inline int kvm_charge(struct ktap_session *s, struct kvm_cpu *c, u64 n)
{
	while (n > c->insns_left) {
		int err;
		n -= c->insns_left;
		c->insns_left = 0;
		if ((err = kvm_refill(s, c)))
			return err;
	}
	c->insns_left -= n;
	return 0;
}
int kvm_builtin(struct ktap_session *s, struct kvm_cpu *c, u32 id, struct kv *args, u32 nargs,
		struct kv *res, u32 *nres, char *msg);

/* output records: REC_ kinds and KTAP_TAG_ value tags (ktap_record_format.def) */
struct recw {
	struct ktap_session *s;
	struct kvm_cpu *c;
	u8 *buf;
	u32 cap, len;
	int overflow;
	u32 cost; /* work beyond the bytes (symbol lookups, rendering), charged by kvm_rec_finish */
};
void kvm_rec_begin(struct recw *w, struct ktap_session *s, struct kvm_cpu *c, u32 kind, u32 a);
void kvm_rec_u32(struct recw *w, u32 v);
void kvm_rec_u64(struct recw *w, u64 v);
void kvm_rec_value(struct recw *w, const struct kv *v);
int kvm_rec_end(struct recw *w);
/* pad, patch the length, emit (a record the transport refuses is counted as lost), charge
 * the bytes to the run: 0 or an RT_ budget code */
int kvm_rec_finish(struct recw *w);
int kvm_rec_values(struct ktap_session *s, struct kvm_cpu *c, u32 kind, u32 a, const struct kv *v, u32 n); /* as kvm_rec_finish */
void kvm_rec_error(struct ktap_session *s, struct kvm_cpu *c, u32 fn, u32 pc, int code, const char *msg);
void kvm_rec_summary(struct ktap_session *s, struct kvm_cpu *c);
/* This CPU's probe slot, or NULL when the platform's CPU number is out of range. Only the
 * probe entry point (ktap_session_fire) calls it. */
struct kvm_cpu *kvm_this_cpu(struct ktap_session *s);
static inline struct kvm_cpu *kvm_process_slot(struct ktap_session *s) { return &s->cpus[s->ncpu]; }
int kvm_num_to_str(s64 n, char *buf);
const char *kvm_type_name(u32 t);
int kvm_index(struct ktap_session *s, struct kvm_cpu *c, const struct kv *t, const struct kv *k,
	      struct kv *out);
int kvm_kv_own(struct kvm_cpu *c, struct kv *v);
int kvm_ptab_len(struct ktap_session *s, struct kvm_cpu *c, struct kptab *p, u32 *out);
int kvm_call_nested(struct ktap_session *s, struct kvm_cpu *c, const struct kv *fn,
		    const struct kv *args, u32 nargs, struct kv *result);

/* byte order of the host build */
static inline int kvm_host_big_endian(void)
{
	const u32 x = 1;
	return *(const u8 *)&x == 0;
}
static inline u16 bswap16(u16 x) { return (u16)((x >> 8) | (x << 8)); }
static inline u32 bswap32(u32 x)
{
	return (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
}
static inline u64 bswap64(u64 x)
{
	return ((u64)bswap32((u32)x) << 32) | bswap32((u32)(x >> 32));
}

#endif
