/*
 * test_hostile.c - bundles the verifier ACCEPTS (as it is today: operand ranges, jumps,
 * "a B=0 consumer follows a producer") that a buggy compiler or an attacker could write,
 * each with the run-time outcome the interpreter must give: an error record or safe
 * output, never a crash, a leaked or forged pointer, a read of another run's registers or
 * a run past its budget. Run natively, under ASan+UBSan (VARIANT=asan) and on the
 * 32-bit and big-endian targets (qemu-user). docs/vm.md lists the run-time checks.
 *
 * A row builds its bundle with kbuild; main has flags 1, handlers flags 2 (fired by
 * kt_run on CPU 1 `fires` times). `want` is the decoded record stream.
 */
#include <stdlib.h>
#include "ktest.h"
#include "../../../runtime/ktapvm/user/replay.h"

static char out[1 << 16];
static char msg[KTAP_ERRMSG_MAX];

struct row {
	const char *name;
	void (*build)(struct kb *b);
	u64 insns;        /* handler instruction budget (0: default) */
	u64 process_insns; /* host bound for main/trace_end (0: default) */
	u64 run_ns;        /* host wall-clock bound (0: default) */
	long stop_at_yield; /* ktap_plat_yield reports a signal from this call on */
	int fires;
	const char *want;
};

/* ---- helpers ---- */
static void op(struct kb *b, uint32_t f, uint32_t insn) { kb_op(b, f, insn); }
static void k(struct kb *b, uint32_t f, int r, int64_t v) { op(b, f, ABX(OPC(LOADK), r, kb_knum(b, v))); }
static void ks(struct kb *b, uint32_t f, int r, const char *s) { op(b, f, ABX(OPC(LOADK), r, kb_kstr(b, s))); }
static void ret0(struct kb *b, uint32_t f) { op(b, f, ABC(OPC(RETURN), 0, 1, 0)); }
static void bi(struct kb *b, uint32_t f, int r, int id) { op(b, f, ABX(OPC(LOADBUILTIN), r, id)); }
static uint32_t main_only(struct kb *b, int frame) { return kb_func(b, "main", 0, 0, frame, 1); }
/* an empty main and one sched_switch handler with the given frame */
static uint32_t handler(struct kb *b, int frame)
{
	uint32_t m = main_only(b, 1), h;
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, frame, 2);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	return h;
}

/* ==== budgets: process context, yield, wall clock ==== */

/* main: JMP -1 forever. Its budget is the host's process bound, not the bundle's. */
static void b_main_spin(struct kb *b)
{
	uint32_t m = main_only(b, 1);
	op(b, m, ASBX(OPC(JMP), 0, -1));
}

/* main: sum 1..200000 in a numeric for (600k instructions): more than any handler may
 * run, within the process budget (ktap 0.4's tests loop 1,000,000 times in main) */
static void b_main_long_loop(struct kb *b)
{
	uint32_t m = main_only(b, 6);
	k(b, m, 4, 0);
	k(b, m, 0, 1);
	k(b, m, 1, 200000);
	k(b, m, 2, 1);
	op(b, m, ASBX(OPC(FORPREP), 0, 1));
	op(b, m, ABC(OPC(ADD), 4, 4, 3));
	op(b, m, ASBX(OPC(FORLOOP), 0, -2));
	op(b, m, ABC(OPC(PRINT), 4, 1, 0));
	ret0(b, m);
}

/* trace_end: JMP -1 forever, in process context too */
static void b_trace_end_spin(struct kb *b)
{
	uint32_t m = main_only(b, 1), h;
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, 1, 2);
	op(b, h, ASBX(OPC(JMP), 0, -1));
	kb_event(b, 10, h, "trace_end", NULL, 0);
}

/* a handler spinning with a large instruction budget: stopped by the wall-clock bound */
static void b_handler_spin(struct kb *b)
{
	uint32_t h = handler(b, 1);
	op(b, h, ASBX(OPC(JMP), 0, -1));
}

/* main and a handler aggregate into one ptable; trace_end reads the merged cell: main's
 * cell lives in the process slot's own per-CPU table, not a CPU's */
static void b_ptable_process_slot(struct kb *b)
{
	uint32_t m = main_only(b, 2), h, e, g = kb_global(b, "s");
	op(b, m, ABC(OPC(NEWPTABLE), 0, 0, 0));
	op(b, m, ABC(OPC(AGGREGATE), 0, K(kb_kstr(b, "k")), K(kb_knum(b, 5))));
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, 2, 2);
	op(b, h, ABX(OPC(GETGLOBAL), 0, g));
	op(b, h, ABC(OPC(AGGREGATE), 0, K(kb_kstr(b, "k")), K(kb_knum(b, 7))));
	ret0(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	e = kb_func(b, NULL, 0, 0, 3, 2);
	op(b, e, ABX(OPC(GETGLOBAL), 0, g));
	op(b, e, ABC(OPC(GETTABLE), 1, 0, K(kb_kstr(b, "k"))));
	op(b, e, ABC(OPC(PRINT), 1, 1, 0));
	ret0(b, e);
	kb_event(b, 10, e, "trace_end", NULL, 0);
}

static const struct row rows[] = {
	{ "main JMP -1 stops at the host's process budget", b_main_spin, 0, 50000, 0, 0, 0,
	  "error 101 line 10: budget exceeded: instructions of the main chunk or trace_end (limit 50000)\n"
	  "summary lost=0 errors=1\n" },
	{ "main runs past a handler's budget, within the process budget", b_main_long_loop, 1000, 0, 0, 0, 0,
	  "20000100000\nsummary lost=0 errors=0\n" },
	{ "main JMP -1 stops when a signal is pending (ktap_plat_yield)", b_main_spin, 0, 1ull << 40, 0, 3, 0,
	  "error 101 line 10: stopped: a fatal signal is pending for the process running the script\n"
	  "summary lost=0 errors=1\n" },
	{ "trace_end JMP -1 stops at the process budget", b_trace_end_spin, 0, 20000, 0, 0, 0,
	  "error 101 line 10: budget exceeded: instructions of the main chunk or trace_end (limit 20000)\n"
	  "summary lost=0 errors=1\n" },
	{ "a handler spinning within its budget stops at the wall-clock bound", b_handler_spin, 10000000, 0, 1, 0, 1,
	  "error 101 line 10: budget exceeded: handler run time (limit 1 ns)\nsummary lost=0 errors=1\n" },
	{ "main's ptable cell is its own slot's, merged with the CPUs'", b_ptable_process_slot, 0, 0, 0, 0, 1,
	  "stat(2,12,5,7)\nsummary lost=0 errors=0\n" },
};

static void run_row(const struct row *r)
{
	struct kb b;
	struct ktap_limits l;
	struct ktap_bounds bd;
	int err;
	memset(&l, 0, sizeof(l));
	memset(&bd, 0, sizeof(bd));
	l.value[KTAP_LIMIT_INSNS] = r->insns;
	bd.process_insns = r->process_insns;
	bd.run_ns = r->run_ns;
	kb_init(&b, 2);
	r->build(&b);
	kt_bounds = &bd;
	replay_ctx.yields = 0;
	replay_ctx.stop_at_yield = r->stop_at_yield;
	err = kt_run(&b, &l, r->fires, out, sizeof(out), msg);
	replay_ctx.stop_at_yield = 0;
	kt_bounds = NULL;
	KT_CHECK(err == 0 && !strcmp(out, r->want), "hostile row '%s':\n-- got (%s)\n%s-- want\n%s", r->name,
		 err ? msg : "ran", out, r->want);
	if (r->stop_at_yield)
		KT_CHECK(replay_ctx.yields == r->stop_at_yield, "hostile row '%s': %ld yields, want %ld", r->name,
			 replay_ctx.yields, r->stop_at_yield);
	kb_free(&b);
}

/* A CPU number the platform does not count as possible never gets a slot (it used to
 * share slot 0 with CPU 0); the process slot works whatever CPU main runs on. */
static void t_cpu_out_of_range(void)
{
	struct kb b;
	struct ktap_event ev = { &replay_event_ops, NULL };
	size_t len;
	uint8_t *p;
	uint32_t m;
	int err, rc;
	struct ktap_session *s;
	static unsigned char cap[1 << 12];
	kb_init(&b, 2);
	m = main_only(&b, 1);
	op(&b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret0(&b, m);
	m = kb_func(&b, NULL, 0, 0, 1, 2);
	op(&b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret0(&b, m);
	kb_event(&b, 1, m, "sched:sched_switch", "sched:sched_switch", 0);
	p = kb_finish(&b, &len);
	s = kt_load(p, len, 2, NULL, &err, msg);
	free(p);
	KT_CHECK(s != NULL, "load: %s", msg);
	if (!s)
		return;
	replay_ctx.capture = cap;
	replay_ctx.capture_cap = sizeof(cap);
	replay_ctx.capture_len = 0;
	replay_ctx.cpu = replay_ctx.ncpus + 3; /* main: any CPU, even one the slots do not cover */
	rc = ktap_session_run_main(s);
	KT_CHECK(rc == 0 && replay_ctx.capture_len > 0, "main on CPU %d: rc %d, %zu bytes", replay_ctx.cpu, rc,
		 replay_ctx.capture_len);
	replay_ctx.capture_len = 0;
	rc = ktap_session_fire(s, 0, &ev);
	KT_CHECK(rc == -KTAP_EINVAL && replay_ctx.capture_len == 0, "fire on CPU %d: rc %d, %zu bytes",
		 replay_ctx.cpu, rc, replay_ctx.capture_len);
	replay_ctx.cpu = 0;
	replay_ctx.capture = 0;
	ktap_session_free(s);
	kb_free(&b);
}

void test_hostile(void)
{
	size_t i;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		run_row(&rows[i]);
	t_cpu_out_of_range();
	(void)ks;
	(void)bi;
}
