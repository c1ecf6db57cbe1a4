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
	const char *want; /* "...x": the output ends with x (long outputs) */
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

/* R(it)..R(it+2) hold an iterator triple: loop, printing R(it+3), R(it+4) each step after
 * running `extra` (instructions emitted by the caller between the two calls) */
static void loop_print(struct kb *b, uint32_t f, int it, void (*extra)(struct kb *, uint32_t, int), int arg)
{
	uint32_t start = b->funcs[f].n, body;
	op(b, f, ASBX(OPC(JMP), 0, 0)); /* patched below: to the TFORCALL */
	body = b->funcs[f].n;
	if (extra)
		extra(b, f, arg);
	op(b, f, ABC(OPC(PRINT), it + 3, 2, 0));
	b->funcs[f].code[start] = ASBX(OPC(JMP), 0, (int)(b->funcs[f].n - start - 1));
	op(b, f, ABC(OPC(TFORCALL), it, 0, 2));
	op(b, f, ASBX(OPC(TFORLOOP), it + 2, (int)body - (int)b->funcs[f].n - 1));
}

/* ==== 1. run-time type checks ==== */

/* FORLOOP with no FORPREP before it; R(A+2) (the step) is a string: adding it would turn
 * its address into a number */
static void b_forloop_string_step(struct kb *b)
{
	uint32_t h = handler(b, 5);
	k(b, h, 0, 0);
	k(b, h, 1, 10);
	ks(b, h, 2, "step");
	op(b, h, ASBX(OPC(FORLOOP), 0, -1));
	op(b, h, ABC(OPC(PRINT), 3, 1, 0));
	ret0(b, h);
}

/* FORLOOP whose index is a string: index += step would forge a pointer that PRINT reads */
static void b_forloop_string_index(struct kb *b)
{
	uint32_t h = handler(b, 5);
	ks(b, h, 0, "abc");
	k(b, h, 1, 1 << 30);
	k(b, h, 2, 4096);
	op(b, h, ASBX(OPC(FORLOOP), 0, 0));
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, h);
}

/* FORLOOP whose limit is a table */
static void b_forloop_table_limit(struct kb *b)
{
	uint32_t h = handler(b, 5);
	k(b, h, 0, 0);
	op(b, h, ABC(OPC(NEWTABLE), 1, 0, 0));
	k(b, h, 2, 1);
	op(b, h, ASBX(OPC(FORLOOP), 0, 0));
	ret0(b, h);
}

/* FORLOOP over nil registers (a frame's fresh registers) */
static void b_forloop_nil(struct kb *b)
{
	uint32_t h = handler(b, 5);
	op(b, h, ASBX(OPC(FORLOOP), 0, 0));
	ret0(b, h);
}

/* FORLOOP of numbers without FORPREP is harmless: it counts on from R(A) */
static void b_forloop_numbers_alone(struct kb *b)
{
	uint32_t h = handler(b, 5);
	k(b, h, 0, 0);
	k(b, h, 1, 3);
	k(b, h, 2, 1);
	op(b, h, ASBX(OPC(FORLOOP), 0, 1));
	op(b, h, ASBX(OPC(JMP), 0, 1)); /* loop ended */
	op(b, h, ASBX(OPC(JMP), 0, -3)); /* body: back to FORLOOP */
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, h);
}

/* FORPREP with a function as its step */
static void b_forprep_function_step(struct kb *b)
{
	uint32_t h = handler(b, 5), g = kb_func(b, "g", 0, 0, 1, 0);
	ret0(b, g);
	k(b, h, 0, 0);
	k(b, h, 1, 3);
	op(b, h, ABX(OPC(LOADFN), 2, g));
	op(b, h, ASBX(OPC(FORPREP), 0, 0));
	op(b, h, ASBX(OPC(FORLOOP), 0, -1));
	ret0(b, h);
}

/* FORPREP with step 0 */
static void b_forprep_zero_step(struct kb *b)
{
	uint32_t h = handler(b, 5);
	k(b, h, 0, 0);
	k(b, h, 1, 3);
	k(b, h, 2, 0);
	op(b, h, ASBX(OPC(FORPREP), 0, 0));
	op(b, h, ASBX(OPC(FORLOOP), 0, -1));
	ret0(b, h);
}

/* a FORLOOP whose R(A+3) is a register that held a string: it becomes a number */
static void b_forloop_overwrites_index(struct kb *b)
{
	uint32_t h = handler(b, 5);
	k(b, h, 0, 0);
	k(b, h, 1, 1);
	k(b, h, 2, 1);
	ks(b, h, 3, "was a string");
	op(b, h, ASBX(OPC(FORPREP), 0, 1));
	op(b, h, ABC(OPC(PRINT), 3, 1, 0));
	op(b, h, ASBX(OPC(FORLOOP), 0, -2));
	ret0(b, h);
}

/* fuzz finding F3: the loop body overwrites the index register with a table; FORLOOP
 * then moved the table's pointer by the step and hist() read through it */
static void b_forloop_body_table(struct kb *b)
{
	uint32_t h = handler(b, 6);
	k(b, h, 0, 1000);
	k(b, h, 1, 65536);
	k(b, h, 2, 10);
	op(b, h, ASBX(OPC(FORPREP), 0, 1));
	op(b, h, ABC(OPC(NEWTABLE), 0, 0, 0));
	op(b, h, ASBX(OPC(FORLOOP), 0, -2));
	bi(b, h, 4, KBI_HIST);
	op(b, h, ABC(OPC(MOVE), 5, 0, 0));
	op(b, h, ABC(OPC(CALL), 4, 2, 1));
	ret0(b, h);
}

/* binary/unary operations on the wrong types: one per operation */
static void b_add_string(struct kb *b)
{
	uint32_t h = handler(b, 3);
	ks(b, h, 0, "s");
	op(b, h, ABC(OPC(ADD), 1, 0, K(kb_knum(b, 1))));
	op(b, h, ABC(OPC(PRINT), 1, 1, 0));
	ret0(b, h);
}
static void b_unm_table(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(NEWTABLE), 0, 0, 0));
	op(b, h, ABC(OPC(UNM), 1, 0, 0));
	ret0(b, h);
}
static void b_len_number(struct kb *b)
{
	uint32_t h = handler(b, 3);
	k(b, h, 0, 7);
	op(b, h, ABC(OPC(LEN), 1, 0, 0));
	ret0(b, h);
}
static void b_len_function(struct kb *b)
{
	uint32_t h = handler(b, 3);
	bi(b, h, 0, KBI_PRINT);
	op(b, h, ABC(OPC(LEN), 1, 0, 0));
	ret0(b, h);
}
static void b_concat_table(struct kb *b)
{
	uint32_t h = handler(b, 3);
	ks(b, h, 0, "a");
	op(b, h, ABC(OPC(NEWTABLE), 1, 0, 0));
	op(b, h, ABC(OPC(CONCAT), 2, 0, 1));
	ret0(b, h);
}
static void b_lt_mixed(struct kb *b)
{
	uint32_t h = handler(b, 3);
	ks(b, h, 0, "a");
	op(b, h, ABC(OPC(LT), 1, 0, K(kb_knum(b, 1))));
	op(b, h, ASBX(OPC(JMP), 0, 0));
	ret0(b, h);
}
static void b_incrtable_number(struct kb *b)
{
	uint32_t h = handler(b, 3);
	k(b, h, 0, 5);
	op(b, h, ABC(OPC(INCRTABLE), 0, K(kb_knum(b, 1)), K(kb_knum(b, 1))));
	ret0(b, h);
}
static void b_incrtable_string_value(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(NEWTABLE), 0, 0, 0));
	op(b, h, ABC(OPC(SETTABLE), 0, K(kb_knum(b, 1)), K(kb_kstr(b, "x"))));
	op(b, h, ABC(OPC(INCRTABLE), 0, K(kb_knum(b, 1)), K(kb_knum(b, 1))));
	ret0(b, h);
}
static void b_aggregate_string(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(NEWPTABLE), 0, 0, 0));
	op(b, h, ABC(OPC(AGGREGATE), 0, K(kb_knum(b, 1)), K(kb_kstr(b, "x"))));
	ret0(b, h);
}
static void b_aggregate_table(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(NEWTABLE), 0, 0, 0));
	op(b, h, ABC(OPC(AGGREGATE), 0, K(kb_knum(b, 1)), K(kb_knum(b, 1))));
	ret0(b, h);
}
static void b_index_string(struct kb *b)
{
	uint32_t h = handler(b, 3);
	ks(b, h, 0, "s");
	op(b, h, ABC(OPC(GETTABLE), 1, 0, K(kb_knum(b, 1))));
	ret0(b, h);
}
static void b_self_number(struct kb *b)
{
	uint32_t h = handler(b, 3);
	k(b, h, 0, 1);
	op(b, h, ABC(OPC(SELF), 1, 0, K(kb_kstr(b, "m"))));
	ret0(b, h);
}
static void b_call_string(struct kb *b)
{
	uint32_t h = handler(b, 3);
	ks(b, h, 0, "f");
	op(b, h, ABC(OPC(CALL), 0, 1, 1));
	ret0(b, h);
}
static void b_tforcall_number(struct kb *b)
{
	uint32_t h = handler(b, 6);
	k(b, h, 0, 42);
	op(b, h, ABC(OPC(TFORCALL), 0, 0, 2));
	ret0(b, h);
}
/* ==== closures and upvalue cells (docs/vm.md "Closures") ==== */
/* f1 (upvalues: 1) returns its upvalue plus 1 and stores it back: a counter */
static uint32_t counter_fn(struct kb *b)
{
	uint32_t f = kb_func(b, "counter", 0, 0, 2, 0);
	kb_func_upvalues(b, f, 1);
	op(b, f, ABC(OPC(GETUPVAL), 0, 0, 0));
	op(b, f, ABC(OPC(ADD), 0, 0, K(kb_knum(b, 1))));
	op(b, f, ABC(OPC(SETUPVAL), 0, 0, 0));
	op(b, f, ABC(OPC(RETURN), 0, 2, 0));
	return f;
}
/* GETCELL of a number: the cell operand is type-checked */
static void b_getcell_number(struct kb *b)
{
	uint32_t h = handler(b, 3);
	k(b, h, 0, 7);
	op(b, h, ABC(OPC(GETCELL), 1, 0, 0));
	op(b, h, ABC(OPC(PRINT), 1, 1, 0));
	ret0(b, h);
}
/* SETCELL into a table: not a cell */
static void b_setcell_table(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(NEWTABLE), 0, 0, 0));
	k(b, h, 1, 7);
	op(b, h, ABC(OPC(SETCELL), 0, 1, 0));
	ret0(b, h);
}
/* CLOSURE over a register holding a string instead of a cell */
static void b_closure_string_cell(struct kb *b)
{
	uint32_t m = main_only(b, 3), f;
	ks(b, m, 1, "not a cell");
	op(b, m, ABX(OPC(CLOSURE), 0, 1));
	op(b, m, ABC(OPC(CALL), 0, 1, 2));
	op(b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, m);
	f = counter_fn(b);
	(void)f;
}
/* BOX of a cell: a cell in a cell would be a cell stored */
static void b_box_cell(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(BOX), 0, 0, 0));
	op(b, h, ABC(OPC(BOX), 0, 0, 0));
	ret0(b, h);
}
/* a cell never leaves registers and closures: SETGLOBAL and SETTABLE of one are refused,
 * PRINT shows it as nil (no address) */
static void b_store_cell(struct kb *b)
{
	uint32_t h = handler(b, 3);
	kb_global(b, "g");
	op(b, h, ABC(OPC(BOX), 0, 0, 0));
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	op(b, h, ABC(OPC(NEWTABLE), 1, 0, 0));
	op(b, h, ABC(OPC(SETTABLE), 1, K(kb_knum(b, 1)), 0));
	ret0(b, h);
}
static void b_setglobal_cell(struct kb *b)
{
	uint32_t h = handler(b, 3);
	kb_global(b, "g");
	op(b, h, ABC(OPC(BOX), 0, 0, 0));
	op(b, h, ABX(OPC(SETGLOBAL), 0, 0));
	ret0(b, h);
}
/* calling a cell, or arithmetic on a closure: type confusion is refused */
static void b_call_cell(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(BOX), 0, 0, 0));
	op(b, h, ABC(OPC(CALL), 0, 1, 1));
	ret0(b, h);
}
static void b_closure_arith(struct kb *b)
{
	uint32_t m = main_only(b, 3);
	op(b, m, ABC(OPC(BOX), 1, 0, 0));
	op(b, m, ABX(OPC(CLOSURE), 0, 1));
	op(b, m, ABC(OPC(ADD), 2, 0, K(kb_knum(b, 1))));
	ret0(b, m);
	counter_fn(b);
}
/* main makes a counter closure over a cell holding 10 and stores it in global g; each
 * handler run (on CPU 1) calls it through the global: the cell is shared across runs and
 * outlives main's run; printing the closure shows a function, never an address */
static void b_closure_global_counter(struct kb *b)
{
	uint32_t m = main_only(b, 3), h;
	kb_global(b, "g");
	k(b, m, 1, 10);
	op(b, m, ABC(OPC(BOX), 1, 0, 0));
	op(b, m, ABX(OPC(CLOSURE), 0, 1));
	op(b, m, ABX(OPC(SETGLOBAL), 0, 0));
	op(b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, m);
	counter_fn(b);
	h = kb_func(b, NULL, 0, 0, 2, 2);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	op(b, h, ABX(OPC(GETGLOBAL), 0, 0));
	op(b, h, ABC(OPC(CALL), 0, 1, 2));
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, h);
}
/* the declaring function and its closure share the cell: main writes 5 after making
 * the closure, the closure's call sees 5 and writes 6, main reads 6 */
static void b_closure_shared_cell(struct kb *b)
{
	uint32_t m = main_only(b, 4);
	op(b, m, ABC(OPC(BOX), 0, 0, 0));
	op(b, m, ABC(OPC(MOVE), 2, 0, 0));
	op(b, m, ABX(OPC(CLOSURE), 1, 1));
	k(b, m, 3, 5);
	op(b, m, ABC(OPC(SETCELL), 0, 3, 0));
	op(b, m, ABC(OPC(CALL), 1, 1, 2));
	op(b, m, ABC(OPC(GETCELL), 3, 0, 0));
	op(b, m, ABC(OPC(PRINT), 1, 1, 0));
	op(b, m, ABC(OPC(PRINT), 3, 1, 0));
	ret0(b, m);
	counter_fn(b);
}
/* a closure as TAILCALL callee, TFORCALL iterator and sort_pairs comparator is accepted
 * (TAILCALL: the closure's cells go with it) */
static void b_closure_tailcall(struct kb *b)
{
	uint32_t m = main_only(b, 3), f;
	k(b, m, 1, 41);
	op(b, m, ABC(OPC(BOX), 1, 0, 0));
	op(b, m, ABX(OPC(CLOSURE), 0, 2));
	op(b, m, ABX(OPC(LOADFN), 1, 3));
	op(b, m, ABC(OPC(MOVE), 2, 0, 0)); /* tail(closure) */
	op(b, m, ABC(OPC(CALL), 1, 2, 2));
	op(b, m, ABC(OPC(PRINT), 1, 1, 0));
	ret0(b, m);
	f = kb_func(b, "unused", 0, 0, 1, 0);
	ret0(b, f);
	counter_fn(b); /* function 2 */
	f = kb_func(b, "tail", 1, 0, 2, 0); /* function 3: return a() */
	op(b, f, ABC(OPC(MOVE), 1, 0, 0));
	op(b, f, ABC(OPC(TAILCALL), 1, 1, 0));
}
/* main calls function 1 (the counter) as a closure; the tamper rows change it after
 * the verifier accepted it */
static void b_closure_call(struct kb *b)
{
	uint32_t m = main_only(b, 3);
	op(b, m, ABC(OPC(BOX), 1, 0, 0));
	op(b, m, ABX(OPC(CLOSURE), 0, 1));
	op(b, m, ABC(OPC(CALL), 0, 1, 2));
	op(b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, m);
	counter_fn(b);
}
/* main keeps a counter closure (function 1) in global g; the handler calls it directly
 * (call = 0) or through TAILCALL in function 2 (call = 1) */
static void closure_in_global(struct kb *b, int tail)
{
	uint32_t m = main_only(b, 3), h, f;
	kb_global(b, "g");
	op(b, m, ABC(OPC(BOX), 1, 0, 0));
	op(b, m, ABX(OPC(CLOSURE), 0, 1));
	op(b, m, ABX(OPC(SETGLOBAL), 0, 0));
	ret0(b, m);
	counter_fn(b);
	f = kb_func(b, "tail", 1, 0, 2, 0);
	op(b, f, ABC(OPC(MOVE), 1, 0, 0));
	op(b, f, ABC(OPC(TAILCALL), 1, 1, 0));
	h = kb_func(b, NULL, 0, 0, 3, 2);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	if (tail) {
		op(b, h, ABX(OPC(LOADFN), 0, 2));
		op(b, h, ABX(OPC(GETGLOBAL), 1, 0));
		op(b, h, ABC(OPC(CALL), 0, 2, 2));
	} else {
		op(b, h, ABX(OPC(GETGLOBAL), 0, 0));
		op(b, h, ABC(OPC(CALL), 0, 1, 2));
	}
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, h);
}
static void b_closure_global_call(struct kb *b) { closure_in_global(b, 0); }
static void b_closure_tailcall_tamper(struct kb *b) { closure_in_global(b, 1); }
/* main calls function 1, a plain function (LOADFN) */
static void b_plain_call(struct kb *b)
{
	uint32_t m = main_only(b, 2), f;
	op(b, m, ABX(OPC(LOADFN), 0, 1));
	op(b, m, ABC(OPC(CALL), 0, 1, 2));
	op(b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, m);
	f = kb_func(b, "plain", 0, 0, 2, 0);
	op(b, f, ABC(OPC(MOVE), 0, 0, 0));
	op(b, f, ABC(OPC(RETURN), 0, 2, 0));
}

/* main boxes a new cell (BOX) or makes a new closure over one cell (CLOSURE) in a loop of
 * 10^8 until the arena is full: the session-memory budget error, not a fault */
static void arena_loop(struct kb *b, int closures)
{
	uint32_t m = main_only(b, 8);
	k(b, m, 0, 1);
	k(b, m, 1, 100000000);
	k(b, m, 2, 1);
	k(b, m, 5, 7);
	op(b, m, ABC(OPC(BOX), 5, 0, 0));
	op(b, m, ASBX(OPC(FORPREP), 0, 2));
	if (closures) {
		op(b, m, ABX(OPC(CLOSURE), 4, 1)); /* line 16: over R(5), boxed once */
		op(b, m, ABC(OPC(MOVE), 6, 4, 0));
	} else {
		k(b, m, 4, 7);
		op(b, m, ABC(OPC(BOX), 4, 0, 0)); /* line 17 */
	}
	op(b, m, ASBX(OPC(FORLOOP), 0, -3));
	ret0(b, m);
	counter_fn(b);
}
static void b_box_until_full(struct kb *b) { arena_loop(b, 0); }
static void b_closure_until_full(struct kb *b) { arena_loop(b, 1); }

/* exit(code): the first code given reaches the summary (a = 1); a second exit does not
 * change it; exit of a string is a bad argument */
static void b_exit_code(struct kb *b)
{
	uint32_t m = main_only(b, 3);
	bi(b, m, 0, KBI_EXIT);
	k(b, m, 1, -1);
	op(b, m, ABC(OPC(CALL), 0, 2, 1));
	bi(b, m, 0, KBI_EXIT);
	k(b, m, 1, 7);
	op(b, m, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, m);
}
static void b_exit_no_code(struct kb *b)
{
	uint32_t m = main_only(b, 3);
	bi(b, m, 0, KBI_EXIT);
	op(b, m, ABC(OPC(CALL), 0, 1, 1));
	ret0(b, m);
}
static void b_exit_string(struct kb *b)
{
	uint32_t m = main_only(b, 3);
	bi(b, m, 0, KBI_EXIT);
	ks(b, m, 1, "3");
	op(b, m, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, m);
}

/* a built-in called with a value of the wrong type: count(number) */
static void b_count_number(struct kb *b)
{
	uint32_t h = handler(b, 3);
	bi(b, h, 0, KBI_COUNT);
	k(b, h, 1, 12345);
	op(b, h, ABC(OPC(CALL), 0, 2, 2));
	ret0(b, h);
}
/* sorted_next (hidden) handed a table instead of a sort_pairs snapshot: the table's
 * address must not be read as a snapshot */
static void b_sorted_next_table(struct kb *b)
{
	uint32_t h = handler(b, 4);
	bi(b, h, 0, KBI_SORTED_NEXT);
	op(b, h, ABC(OPC(NEWTABLE), 1, 0, 0));
	op(b, h, ABC(OPC(CALL), 0, 3, 2));
	ret0(b, h);
}
/* next (hidden) on a string */
static void b_next_string(struct kb *b)
{
	uint32_t h = handler(b, 4);
	bi(b, h, 0, KBI_NEXT);
	ks(b, h, 1, "s");
	op(b, h, ABC(OPC(CALL), 0, 3, 2));
	ret0(b, h);
}
static void b_set_color3_string(struct kb *b)
{
	uint32_t h = handler(b, 5);
	bi(b, h, 0, KBI_ANSI_SET_COLOR3);
	k(b, h, 1, 1);
	k(b, h, 2, 2);
	ks(b, h, 3, "attr");
	op(b, h, ABC(OPC(CALL), 0, 4, 1));
	ret0(b, h);
}
static void b_user_string_table(struct kb *b)
{
	uint32_t h = handler(b, 3);
	bi(b, h, 0, KBI_USER_STRING);
	op(b, h, ABC(OPC(NEWTABLE), 1, 0, 0));
	op(b, h, ABC(OPC(CALL), 0, 2, 2));
	ret0(b, h);
}
static void b_lhist_string_min(struct kb *b)
{
	uint32_t h = handler(b, 6);
	bi(b, h, 0, KBI_LHIST);
	op(b, h, ABC(OPC(NEWTABLE), 1, 0, 0));
	ks(b, h, 2, "0");
	k(b, h, 3, 10);
	k(b, h, 4, 1);
	op(b, h, ABC(OPC(CALL), 0, 5, 1));
	ret0(b, h);
}

/* ==== 2. top: B=0 consumers ==== */

/* VARARG A=5 B=0 (no varargs: top = R5) then RETURN A=10 B=0: the count would underflow
 * and copy far past the register stack */
static void b_vararg_return_underflow(struct kb *b)
{
	uint32_t m = main_only(b, 3), v = kb_func(b, "v", 0, 1, 12, 0);
	op(b, v, ABC(OPC(VARARG), 5, 0, 0));
	op(b, v, ABC(OPC(RETURN), 10, 0, 0));
	op(b, m, ABX(OPC(LOADFN), 0, v));
	op(b, m, ABC(OPC(CALL), 0, 1, 2));
	op(b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, m);
}

/* VARARG A=0 B=0 (no varargs: top = R0) then CALL A=5 B=0: nargs = top - A - 1 < 0 */
static void b_vararg_call_underflow(struct kb *b)
{
	uint32_t m = main_only(b, 3), v = kb_func(b, "v", 0, 1, 8, 0);
	bi(b, v, 5, KBI_PRINT);
	op(b, v, ABC(OPC(VARARG), 0, 0, 0));
	op(b, v, ABC(OPC(CALL), 5, 0, 1));
	ret0(b, v);
	op(b, m, ABX(OPC(LOADFN), 0, v));
	op(b, m, ABC(OPC(CALL), 0, 1, 1));
	ret0(b, m);
}

/* a JMP lands on RETURN B=0, skipping the producer the verifier saw before it: the
 * first run takes the producer (and sets a global), the second jumps over it and would
 * use the first run's top */
static void b_jump_over_producer(struct kb *b)
{
	uint32_t h = handler(b, 4), g = kb_global(b, "seen");
	op(b, h, ABX(OPC(GETGLOBAL), 0, g));
	op(b, h, ABC(OPC(TEST), 0, 0, 1)); /* seen: do the JMP */
	op(b, h, ASBX(OPC(JMP), 0, 4));    /* to the RETURN */
	op(b, h, ABC(OPC(LOADBOOL), 0, 1, 0));
	op(b, h, ABX(OPC(SETGLOBAL), 0, g));
	bi(b, h, 1, KBI_PID);
	op(b, h, ABC(OPC(CALL), 1, 1, 0)); /* C=0: top = R2 */
	op(b, h, ABC(OPC(RETURN), 1, 0, 0));
}

/* a callee's producer does not count for its caller: g sets top with VARARG B=0 and
 * returns normally; the caller's RETURN B=0 follows a CALL C=1 reached by a JMP */
static void b_top_of_dead_frame(struct kb *b)
{
	uint32_t m = main_only(b, 4), g = kb_func(b, "g", 0, 1, 4, 0);
	op(b, g, ABC(OPC(VARARG), 0, 0, 0));
	op(b, g, ABC(OPC(RETURN), 0, 1, 0));
	op(b, m, ABX(OPC(LOADFN), 0, g));
	k(b, m, 1, 1);
	k(b, m, 2, 2);
	op(b, m, ABC(OPC(CALL), 0, 3, 1)); /* g(1, 2): g's top = its R2 */
	op(b, m, ASBX(OPC(JMP), 0, 1));
	op(b, m, ABC(OPC(CALL), 0, 1, 0)); /* skipped producer */
	op(b, m, ABC(OPC(RETURN), 0, 0, 0));
}

/* the normal case stays fine: f(...) returns its varargs to a CALL C=0 whose values a
 * CALL B=0 passes on to print */
static void b_open_ranges_ok(struct kb *b)
{
	uint32_t m = main_only(b, 6), v = kb_func(b, "v", 0, 1, 3, 0);
	op(b, v, ABC(OPC(VARARG), 0, 0, 0));
	op(b, v, ABC(OPC(RETURN), 0, 0, 0));
	bi(b, m, 0, KBI_PRINT);
	op(b, m, ABX(OPC(LOADFN), 1, v));
	k(b, m, 2, 7);
	ks(b, m, 3, "x");
	op(b, m, ABC(OPC(CALL), 1, 3, 0));
	op(b, m, ABC(OPC(CALL), 0, 0, 1));
	ret0(b, m);
}

/* CALL C=0 of a built-in returning 3 values (pairs) in the last registers of the 4096-
 * register stack: recursion at R(248) moves each frame up by 249 registers; main calls
 * at R(109) so that the 16th frame's R(248) is register 4094 and the results would
 * write 4094..4096 */
static void b_results_past_regstack(struct kb *b)
{
	uint32_t m = main_only(b, 112), f = kb_func(b, "f", 0, 0, 250, 0), g = kb_global(b, "depth");
	op(b, f, ABX(OPC(GETGLOBAL), 0, g));
	op(b, f, ABC(OPC(ADD), 0, 0, K(kb_knum(b, 1))));
	op(b, f, ABX(OPC(SETGLOBAL), 0, g));
	op(b, f, ABC(OPC(LT), 1, 0, K(kb_knum(b, 16)))); /* depth < 16: recurse */
	op(b, f, ASBX(OPC(JMP), 0, 5));
	bi(b, f, 248, KBI_PAIRS);
	op(b, f, ABC(OPC(NEWTABLE), 249, 0, 0));
	op(b, f, ABC(OPC(CALL), 248, 2, 0));
	op(b, f, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, f);
	op(b, f, ABX(OPC(LOADFN), 248, f));
	op(b, f, ABC(OPC(CALL), 248, 1, 1));
	ret0(b, f);
	k(b, m, 0, 0);
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	op(b, m, ABX(OPC(LOADFN), 109, f));
	op(b, m, ABC(OPC(CALL), 109, 1, 1));
	ret0(b, m);
}

/* VARARG B=0 of 200 values in a frame 3488 registers up: push_frame's check (frame and
 * arguments inside the stack) is what keeps it inside; the count comes back right */
static void b_vararg_past_regstack(struct kb *b)
{
	uint32_t m = main_only(b, 250), f = kb_func(b, "f", 0, 1, 250, 0), g = kb_global(b, "depth");
	int i;
	op(b, f, ABX(OPC(GETGLOBAL), 0, g));
	op(b, f, ABC(OPC(ADD), 0, 0, K(kb_knum(b, 1))));
	op(b, f, ABX(OPC(SETGLOBAL), 0, g));
	op(b, f, ABC(OPC(LT), 1, 0, K(kb_knum(b, 15))));
	op(b, f, ASBX(OPC(JMP), 0, 5));
	op(b, f, ABC(OPC(VARARG), 49, 0, 0));
	op(b, f, ABC(OPC(CONCAT), 48, 49, 248));
	op(b, f, ABC(OPC(LEN), 48, 48, 0));
	op(b, f, ABC(OPC(PRINT), 48, 1, 0));
	op(b, f, ABC(OPC(RETURN), 0, 1, 0));
	ks(b, f, 1, "x");
	op(b, f, ABX(OPC(LOADFN), 48, f));
	for (i = 0; i < 200; i++)
		op(b, f, ABC(OPC(MOVE), 49 + i, 1, 0));
	op(b, f, ABC(OPC(CALL), 48, 201, 1));
	ret0(b, f);
	k(b, m, 0, 0);
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	op(b, m, ABX(OPC(LOADFN), 0, f));
	op(b, m, ABC(OPC(CALL), 0, 1, 1));
	ret0(b, m);
}

/* RETURN of 3 values to a CALL that keeps 1 (lead's L2): a vararg callee called with
 * R1, R2 as arguments; only R0 may receive a result, R1 and R2 keep their values */
static void b_return_more_than_wanted(struct kb *b)
{
	uint32_t m = main_only(b, 4), f = kb_func(b, "f", 0, 1, 3, 0);
	ks(b, f, 0, "x");
	ks(b, f, 1, "y");
	ks(b, f, 2, "z");
	op(b, f, ABC(OPC(RETURN), 0, 4, 0));
	op(b, m, ABX(OPC(LOADFN), 0, f));
	ks(b, m, 1, "a");
	ks(b, m, 2, "b");
	op(b, m, ABC(OPC(CALL), 0, 3, 2));
	op(b, m, ABC(OPC(PRINT), 0, 3, 0));
	ret0(b, m);
}

/* 8 tables as keys of one table: iteration order follows their ids, never their
 * addresses (fuzz F5: the order leaked address bits and changed with ASLR) */
static void b_table_keys_order(struct kb *b)
{
	uint32_t m = main_only(b, 8);
	int i;
	op(b, m, ABC(OPC(NEWTABLE), 5, 0, 0));
	for (i = 1; i <= 8; i++) {
		op(b, m, ABC(OPC(NEWTABLE), 6, 0, 0));
		op(b, m, ABC(OPC(SETTABLE), 5, 6, K(kb_knum(b, i))));
	}
	bi(b, m, 0, KBI_NEXT);
	op(b, m, ABC(OPC(MOVE), 1, 5, 0));
	op(b, m, ABC(OPC(LOADNIL), 2, 1, 0));
	loop_print(b, m, 0, 0, 0);
	ret0(b, m);
}

/* ==== 3. sort_pairs' comparator ==== */

/* cmp(a, b) = a < b */
static uint32_t less_fn(struct kb *b)
{
	uint32_t c = kb_func(b, "less", 2, 0, 3, 0);
	op(b, c, ABC(OPC(LT), 1, 0, 1));
	op(b, c, ASBX(OPC(JMP), 0, 2));
	op(b, c, ABC(OPC(LOADBOOL), 2, 0, 0));
	op(b, c, ABC(OPC(RETURN), 2, 2, 0));
	op(b, c, ABC(OPC(LOADBOOL), 2, 1, 0));
	op(b, c, ABC(OPC(RETURN), 2, 2, 0));
	return c;
}

/* t = {a=3, b=1, c=2, d=5, e=4} in R(r) */
static void five(struct kb *b, uint32_t f, int r)
{
	op(b, f, ABC(OPC(NEWTABLE), r, 0, 0));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_kstr(b, "a")), K(kb_knum(b, 3))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_kstr(b, "b")), K(kb_knum(b, 1))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_kstr(b, "c")), K(kb_knum(b, 2))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_kstr(b, "d")), K(kb_knum(b, 5))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_kstr(b, "e")), K(kb_knum(b, 4))));
}

/* sort_pairs(t, cmp) called with B=0 from a 2-register frame: its arguments (from VARARG)
 * lie past the frame, where the comparator's frame and results go; the comparator value
 * must survive its own calls */
static void b_sort_cmp_past_frame(struct kb *b)
{
	uint32_t m = main_only(b, 8), v = kb_func(b, "v", 0, 1, 2, 0), c = less_fn(b);
	bi(b, v, 0, KBI_SORT_PAIRS);
	op(b, v, ABC(OPC(VARARG), 1, 0, 0));
	op(b, v, ABC(OPC(CALL), 0, 0, 0));
	op(b, v, ABC(OPC(RETURN), 0, 0, 0));
	op(b, m, ABX(OPC(LOADFN), 0, v));
	five(b, m, 1);
	op(b, m, ABX(OPC(LOADFN), 2, c));
	op(b, m, ABC(OPC(CALL), 0, 3, 4)); /* R0..R2 = sorted_next, snapshot, nil */
	loop_print(b, m, 0, 0, 0);
	ret0(b, m);
}

/* a comparator that itself sorts with a comparator: refused (C recursion stays one level) */
static void b_sort_cmp_nested(struct kb *b)
{
	uint32_t m = main_only(b, 8), c = kb_func(b, "cmp", 2, 0, 6, 0);
	uint32_t l = less_fn(b);
	bi(b, c, 2, KBI_SORT_PAIRS);
	five(b, c, 3);
	op(b, c, ABX(OPC(LOADFN), 4, l));
	op(b, c, ABC(OPC(CALL), 2, 3, 2));
	op(b, c, ABC(OPC(LOADBOOL), 2, 1, 0));
	op(b, c, ABC(OPC(RETURN), 2, 2, 0));
	bi(b, m, 0, KBI_SORT_PAIRS);
	five(b, m, 1);
	op(b, m, ABX(OPC(LOADFN), 2, c));
	op(b, m, ABC(OPC(CALL), 0, 3, 4));
	ret0(b, m);
}

/* a comparator returning a built-in (truthy, its aux a large number) instead of a boolean */
static void b_sort_cmp_returns_builtin(struct kb *b)
{
	uint32_t m = main_only(b, 8), c = kb_func(b, "cmp", 2, 0, 3, 0);
	bi(b, c, 2, KBI__COUNT - 1);
	op(b, c, ABC(OPC(RETURN), 2, 2, 0));
	bi(b, m, 0, KBI_SORT_PAIRS);
	five(b, m, 1);
	op(b, m, ABX(OPC(LOADFN), 2, c));
	op(b, m, ABC(OPC(CALL), 0, 3, 4));
	op(b, m, ABC(OPC(LOADK), 3, 0, 0));
	op(b, m, ABX(OPC(LOADK), 3, kb_kstr(b, "sorted")));
	op(b, m, ABC(OPC(PRINT), 3, 1, 0));
	ret0(b, m);
}

/* ==== 4. histograms ==== */

/* t = {INT64_MIN, -1, 0, 1, INT64_MAX} as values */
static void extremes(struct kb *b, uint32_t f, int r)
{
	op(b, f, ABC(OPC(NEWTABLE), r, 0, 0));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_knum(b, 1)), K(kb_knum(b, INT64_MIN))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_knum(b, 2)), K(kb_knum(b, -1))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_knum(b, 3)), K(kb_knum(b, 0))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_knum(b, 4)), K(kb_knum(b, 1))));
	op(b, f, ABC(OPC(SETTABLE), r, K(kb_knum(b, 5)), K(kb_knum(b, INT64_MAX))));
}

static void lhist_call(struct kb *b, int64_t lo, int64_t hi, int64_t step)
{
	uint32_t h = handler(b, 6);
	bi(b, h, 0, KBI_LHIST);
	extremes(b, h, 1);
	k(b, h, 2, lo);
	k(b, h, 3, hi);
	k(b, h, 4, step);
	op(b, h, ABC(OPC(CALL), 0, 5, 1));
	ret0(b, h);
}
static void b_lhist_full_range(struct kb *b) { lhist_call(b, INT64_MIN, INT64_MAX, (int64_t)1 << 55); }
static void b_lhist_full_range_step1(struct kb *b) { lhist_call(b, INT64_MIN, INT64_MAX, 1); }
static void b_lhist_1001_buckets(struct kb *b) { lhist_call(b, 0, 1001, 1); }
static void b_lhist_1000_buckets(struct kb *b) { lhist_call(b, -500, 500, 1); }
/* fuzz finding F1 (FINDINGS-fuzz.md): hi - lo overflowed s64 */
static void b_lhist_f1(struct kb *b) { lhist_call(b, -1000, INT64_MAX - 1, (int64_t)1 << 54); }
static void b_lhist_step_zero(struct kb *b) { lhist_call(b, 0, 10, 0); }
static void b_lhist_negative_step(struct kb *b) { lhist_call(b, 0, 10, INT64_MIN); }
static void b_hist_extremes(struct kb *b)
{
	uint32_t h = handler(b, 3);
	bi(b, h, 0, KBI_HIST);
	extremes(b, h, 1);
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, h);
}

/* ==== 4b. distributions per sample (a ptable cell's buckets, dist.c) ==== */

/* R(r) := ptable(lo, hi, step), through the built-in (R(r)..R(r+3) used) */
static void ptable_lin(struct kb *b, uint32_t f, int r, int64_t lo, int64_t hi, int64_t step)
{
	bi(b, f, r, KBI_PTABLE);
	k(b, f, r + 1, lo);
	k(b, f, r + 2, hi);
	k(b, f, r + 3, step);
	op(b, f, ABC(OPC(CALL), r, 4, 2));
}

/* R(p)[key] <<< v for the extremes INT64_MIN, -1, 0, 1, INT64_MAX */
static void agg_extremes(struct kb *b, uint32_t f, int p, uint32_t key)
{
	static const int64_t v[] = { INT64_MIN, -1, 0, 1, INT64_MAX };
	size_t i;
	for (i = 0; i < 5; i++)
		op(b, f, ABC(OPC(AGGREGATE), p, K(key), K(kb_knum(b, v[i]))));
}

/* main feeds "k" INT64_MIN, -1, 0 (the process slot); each handler run feeds "k" 1 and
 * INT64_MAX and key 7 the value 5 (CPU 1's slot), then hist(p): every sample's bucket,
 * merged over both slots, keys in order (numbers before strings) */
static void b_dist_two_slots(struct kb *b)
{
	uint32_t m = main_only(b, 2), h, g = kb_global(b, "p"), key = kb_kstr(b, "k");
	op(b, m, ABC(OPC(NEWPTABLE), 0, 0, 0));
	op(b, m, ABC(OPC(AGGREGATE), 0, K(key), K(kb_knum(b, INT64_MIN))));
	op(b, m, ABC(OPC(AGGREGATE), 0, K(key), K(kb_knum(b, -1))));
	op(b, m, ABC(OPC(AGGREGATE), 0, K(key), K(kb_knum(b, 0))));
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, 3, 2);
	op(b, h, ABX(OPC(GETGLOBAL), 1, g));
	op(b, h, ABC(OPC(AGGREGATE), 1, K(key), K(kb_knum(b, 1))));
	op(b, h, ABC(OPC(AGGREGATE), 1, K(key), K(kb_knum(b, INT64_MAX))));
	op(b, h, ABC(OPC(AGGREGATE), 1, K(kb_knum(b, 7)), K(kb_knum(b, 5))));
	bi(b, h, 0, KBI_HIST);
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
}

/* one key fed 1, 2^40, 2^62, -1, 0: the cell's power-of-two range starts around bucket 2
 * and must widen up, then down, copying what it holds */
static void b_dist_grow(struct kb *b)
{
	uint32_t h = handler(b, 3), key = kb_kstr(b, "g");
	static const int64_t v[] = { 1, (int64_t)1 << 40, (int64_t)1 << 62, -1, 0, (int64_t)1 << 40 };
	size_t i;
	op(b, h, ABC(OPC(NEWPTABLE), 1, 0, 0));
	for (i = 0; i < 6; i++)
		op(b, h, ABC(OPC(AGGREGATE), 1, K(key), K(kb_knum(b, v[i]))));
	bi(b, h, 0, KBI_HIST);
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, h);
}

/* p = ptable(lo, hi, step) fed the extremes, then lhist(p) and lhist(p, lo2, hi2, step2) */
static void lhist_ptable(struct kb *b, int64_t lo, int64_t hi, int64_t step, int64_t lo2, int64_t hi2,
			 int64_t step2)
{
	uint32_t h = handler(b, 10);
	ptable_lin(b, h, 5, lo, hi, step);
	agg_extremes(b, h, 5, kb_kstr(b, "x"));
	bi(b, h, 0, KBI_LHIST);
	op(b, h, ABC(OPC(MOVE), 1, 5, 0));
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	bi(b, h, 0, KBI_LHIST);
	op(b, h, ABC(OPC(MOVE), 1, 5, 0));
	k(b, h, 2, lo2);
	k(b, h, 3, hi2);
	k(b, h, 4, step2);
	op(b, h, ABC(OPC(CALL), 0, 5, 1));
	ret0(b, h);
}
static void b_lhist_ptable_full(struct kb *b)
{
	lhist_ptable(b, INT64_MIN, INT64_MAX, (int64_t)1 << 55, INT64_MIN, INT64_MAX, (int64_t)1 << 55);
}
static void b_lhist_ptable_other(struct kb *b) { lhist_ptable(b, -1000, INT64_MAX - 1, (int64_t)1 << 54, 0, 10, 1); }

/* lhist(p) of a ptable made by NEWPTABLE: it has no linear buckets */
static void b_lhist_ptable_undeclared(struct kb *b)
{
	uint32_t h = handler(b, 3);
	op(b, h, ABC(OPC(NEWPTABLE), 1, 0, 0));
	op(b, h, ABC(OPC(AGGREGATE), 1, K(kb_kstr(b, "x")), K(kb_knum(b, 3))));
	bi(b, h, 0, KBI_LHIST);
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, h);
}

static void ptable_layout(struct kb *b, int64_t lo, int64_t hi, int64_t step)
{
	uint32_t h = handler(b, 4);
	ptable_lin(b, h, 0, lo, hi, step);
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, h);
}
static void b_ptable_1001(struct kb *b) { ptable_layout(b, 0, 1001, 1); }
static void b_ptable_full_step1(struct kb *b) { ptable_layout(b, INT64_MIN, INT64_MAX, 1); }
static void b_ptable_step_min(struct kb *b) { ptable_layout(b, 0, 10, INT64_MIN); }
static void b_ptable_string_step(struct kb *b)
{
	uint32_t h = handler(b, 4);
	bi(b, h, 0, KBI_PTABLE);
	k(b, h, 1, 0);
	k(b, h, 2, 10);
	ks(b, h, 3, "1");
	op(b, h, ABC(OPC(CALL), 0, 4, 2));
	ret0(b, h);
}

/* a statistics value copied into a table has no buckets: hist of that table is refused */
static void b_hist_table_of_stats(struct kb *b)
{
	uint32_t h = handler(b, 4);
	op(b, h, ABC(OPC(NEWPTABLE), 1, 0, 0));
	op(b, h, ABC(OPC(AGGREGATE), 1, K(kb_kstr(b, "x")), K(kb_knum(b, 3))));
	op(b, h, ABC(OPC(GETTABLE), 2, 1, K(kb_kstr(b, "x"))));
	op(b, h, ABC(OPC(NEWTABLE), 1, 0, 0));
	op(b, h, ABC(OPC(SETTABLE), 1, K(kb_knum(b, 1)), 2));
	bi(b, h, 0, KBI_HIST);
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, h);
}

/* main: p = ptable(0, 1000, 1) (8 KiB of linear buckets per cell), keys 1..5000: the
 * session memory budget ends it */
static void b_dist_memory(struct kb *b)
{
	uint32_t m = main_only(b, 10);
	ptable_lin(b, m, 0, 0, 1000, 1);
	k(b, m, 4, 1);
	k(b, m, 5, 5000);
	k(b, m, 6, 1);
	op(b, m, ASBX(OPC(FORPREP), 4, 1));
	op(b, m, ABC(OPC(AGGREGATE), 0, 7, 7));
	op(b, m, ASBX(OPC(FORLOOP), 4, -2));
	ret0(b, m);
}

/* main fills a ptable with n keys; a handler calls hist(p): the snapshot, the sort, the
 * per-slot merge and the records are charged inside their loops */
static void hist_keys(struct kb *b, int64_t n)
{
	uint32_t m = main_only(b, 6), h, g = kb_global(b, "p");
	op(b, m, ABC(OPC(NEWPTABLE), 0, 0, 0));
	k(b, m, 1, 1);
	k(b, m, 2, n);
	k(b, m, 3, 1);
	op(b, m, ASBX(OPC(FORPREP), 1, 1));
	op(b, m, ABC(OPC(AGGREGATE), 0, 4, 4));
	op(b, m, ASBX(OPC(FORLOOP), 1, -2));
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, 2, 2);
	bi(b, h, 0, KBI_HIST);
	op(b, h, ABX(OPC(GETGLOBAL), 1, g));
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	ret0(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
}
static void b_hist_1000_keys(struct kb *b) { hist_keys(b, 1000); }
static void b_hist_3_keys(struct kb *b) { hist_keys(b, 3); }

/* ==== 5. ptables and statistics cells: copies, never the shared cells ==== */

/* p = ptable with a<<<1, b<<<2, b<<<3 in R(r) */
static void ptab3(struct kb *b, uint32_t f, int r)
{
	op(b, f, ABC(OPC(NEWPTABLE), r, 0, 0));
	op(b, f, ABC(OPC(AGGREGATE), r, K(kb_kstr(b, "a")), K(kb_knum(b, 1))));
	op(b, f, ABC(OPC(AGGREGATE), r, K(kb_kstr(b, "b")), K(kb_knum(b, 2))));
	op(b, f, ABC(OPC(AGGREGATE), r, K(kb_kstr(b, "b")), K(kb_knum(b, 3))));
}

/* inside `for k, v in pairs(p)`: len(p) (which used to re-merge, freeing the cells the
 * loop handed out), then count(v) */
static void len_then_count(struct kb *b, uint32_t f, int arg)
{
	(void)arg;
	op(b, f, ABC(OPC(LEN), 7, 5, 0));
	bi(b, f, 8, KBI_COUNT);
	op(b, f, ABC(OPC(MOVE), 9, 4, 0));
	op(b, f, ABC(OPC(CALL), 8, 2, 2));
	op(b, f, ABC(OPC(MOVE), 4, 8, 0));
}
static void b_pairs_ptable_len_count(struct kb *b)
{
	uint32_t m = main_only(b, 12);
	ptab3(b, m, 5);
	bi(b, m, 0, KBI_NEXT);
	op(b, m, ABC(OPC(MOVE), 1, 5, 0));
	op(b, m, ABC(OPC(LOADNIL), 2, 1, 0));
	loop_print(b, m, 0, len_then_count, 0);
	ret0(b, m);
}

/* the same, the loop's key and count printed after a nested loop over the same ptable */
static void nested_walk(struct kb *b, uint32_t f, int arg)
{
	uint32_t start, body;
	(void)arg;
	bi(b, f, 6, KBI_NEXT);
	op(b, f, ABC(OPC(MOVE), 7, 5, 0));
	op(b, f, ABC(OPC(LOADNIL), 8, 1, 0));
	start = b->funcs[f].n;
	op(b, f, ASBX(OPC(JMP), 0, 1));
	body = b->funcs[f].n;
	op(b, f, ABC(OPC(AGGREGATE), 5, K(kb_kstr(b, "c")), K(kb_knum(b, 9)))); /* changes p meanwhile */
	op(b, f, ABC(OPC(TFORCALL), 6, 0, 2));
	op(b, f, ASBX(OPC(TFORLOOP), 8, (int)body - (int)b->funcs[f].n - 1));
	(void)start;
	len_then_count(b, f, 0);
}
static void b_pairs_ptable_nested(struct kb *b)
{
	uint32_t m = main_only(b, 12);
	ptab3(b, m, 5);
	bi(b, m, 0, KBI_NEXT);
	op(b, m, ABC(OPC(MOVE), 1, 5, 0));
	op(b, m, ABC(OPC(LOADNIL), 2, 1, 0));
	loop_print(b, m, 0, nested_walk, 0);
	ret0(b, m);
}

/* next(p, k) with a key of no snapshot of this run */
static void b_next_ptable_unknown_key(struct kb *b)
{
	uint32_t m = main_only(b, 8);
	ptab3(b, m, 5);
	bi(b, m, 0, KBI_NEXT);
	op(b, m, ABC(OPC(MOVE), 1, 5, 0));
	ks(b, m, 2, "a");
	op(b, m, ABC(OPC(CALL), 0, 3, 3));
	ret0(b, m);
}

/* a table holding a statistics value (t.k = p.b): the loop's value is overwritten in the
 * table (freeing the table's cell) before count(v) reads it */
static void delete_then_count(struct kb *b, uint32_t f, int arg)
{
	(void)arg;
	op(b, f, ABC(OPC(SETTABLE), 6, 3, K(kb_knum(b, 1)))); /* replaces (frees) the cell */
	bi(b, f, 8, KBI_COUNT);
	op(b, f, ABC(OPC(MOVE), 9, 4, 0));
	op(b, f, ABC(OPC(CALL), 8, 2, 2));
	op(b, f, ABC(OPC(MOVE), 4, 8, 0));
}
static void b_pairs_table_stat_deleted(struct kb *b)
{
	uint32_t m = main_only(b, 12);
	ptab3(b, m, 5);
	op(b, m, ABC(OPC(NEWTABLE), 6, 0, 0));
	op(b, m, ABC(OPC(GETTABLE), 7, 5, K(kb_kstr(b, "b"))));
	op(b, m, ABC(OPC(SETTABLE), 6, K(kb_kstr(b, "k")), 7));
	bi(b, m, 0, KBI_NEXT);
	op(b, m, ABC(OPC(MOVE), 1, 6, 0));
	op(b, m, ABC(OPC(LOADNIL), 2, 1, 0));
	loop_print(b, m, 0, delete_then_count, 0);
	ret0(b, m);
}

/* a global holding a statistics value: read, overwritten (freeing its cell), then read
 * through the register */
static void b_global_stat_overwritten(struct kb *b)
{
	uint32_t m = main_only(b, 10), g = kb_global(b, "g");
	ptab3(b, m, 5);
	op(b, m, ABC(OPC(GETTABLE), 6, 5, K(kb_kstr(b, "b"))));
	op(b, m, ABX(OPC(SETGLOBAL), 6, g));
	op(b, m, ABX(OPC(GETGLOBAL), 7, g));
	k(b, m, 8, 0);
	op(b, m, ABX(OPC(SETGLOBAL), 8, g));
	op(b, m, ABC(OPC(PRINT), 7, 1, 0));
	ret0(b, m);
}

/* sort_pairs over a ptable, delete(p) inside the loop, the values still read right */
static void delete_ptable(struct kb *b, uint32_t f, int arg)
{
	(void)arg;
	bi(b, f, 8, KBI_DELETE);
	op(b, f, ABC(OPC(MOVE), 9, 5, 0));
	op(b, f, ABC(OPC(CALL), 8, 2, 1));
}
static void b_sort_ptable_delete(struct kb *b)
{
	uint32_t m = main_only(b, 12);
	ptab3(b, m, 5);
	bi(b, m, 0, KBI_SORT_PAIRS);
	op(b, m, ABC(OPC(MOVE), 1, 5, 0));
	op(b, m, ABC(OPC(CALL), 0, 2, 4));
	loop_print(b, m, 0, delete_ptable, 0);
	ret0(b, m);
}

/* histogram of a ptable aggregated in main and in a handler (two slots' tables) */
static void b_histogram_ptable(struct kb *b)
{
	uint32_t m = main_only(b, 4), h, g = kb_global(b, "p");
	ptab3(b, m, 0);
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, 4, 2);
	op(b, h, ABX(OPC(GETGLOBAL), 1, g));
	op(b, h, ABC(OPC(AGGREGATE), 1, K(kb_kstr(b, "c")), K(kb_knum(b, 4))));
	bi(b, h, 0, KBI_HISTOGRAM);
	op(b, h, ABC(OPC(CALL), 0, 2, 1));
	bi(b, h, 0, KBI_LEN);
	op(b, h, ABC(OPC(CALL), 0, 2, 2));
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
}

/* ==== 6. built-ins charged for their work ==== */

/* main fills a ptable with 2000 keys; a handler calls len(p) 1000 times: each call
 * merges 2000 keys, which the instruction budget must count */
static void b_len_ptable_loop(struct kb *b)
{
	uint32_t m = main_only(b, 6), h, g = kb_global(b, "p");
	op(b, m, ABC(OPC(NEWPTABLE), 0, 0, 0));
	k(b, m, 1, 1);
	k(b, m, 2, 2000);
	k(b, m, 3, 1);
	op(b, m, ASBX(OPC(FORPREP), 1, 1));
	op(b, m, ABC(OPC(AGGREGATE), 0, 4, 4));
	op(b, m, ASBX(OPC(FORLOOP), 1, -2));
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, 6, 2);
	op(b, h, ABX(OPC(GETGLOBAL), 0, g));
	k(b, h, 1, 1);
	k(b, h, 2, 1000);
	k(b, h, 3, 1);
	op(b, h, ASBX(OPC(FORPREP), 1, 1));
	op(b, h, ABC(OPC(LEN), 5, 0, 0));
	op(b, h, ASBX(OPC(FORLOOP), 1, -2));
	op(b, h, ABC(OPC(PRINT), 5, 1, 0));
	ret0(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
}

/* sort_pairs of a 1000-entry table (filled by main) in a handler with a small budget:
 * copying and about 20000 comparisons */
static void b_sort_big_table(struct kb *b)
{
	uint32_t m = main_only(b, 6), h, g = kb_global(b, "t");
	op(b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	k(b, m, 1, 1);
	k(b, m, 2, 1000);
	k(b, m, 3, 1);
	op(b, m, ASBX(OPC(FORPREP), 1, 1));
	op(b, m, ABC(OPC(SETTABLE), 0, 4, 4));
	op(b, m, ASBX(OPC(FORLOOP), 1, -2));
	op(b, m, ABX(OPC(SETGLOBAL), 0, g));
	ret0(b, m);
	h = kb_func(b, NULL, 0, 0, 4, 2);
	bi(b, h, 0, KBI_SORT_PAIRS);
	op(b, h, ABX(OPC(GETGLOBAL), 1, g));
	op(b, h, ABC(OPC(CALL), 0, 2, 2));
	ret0(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
}

/* printing a 4000-byte string 200 times: bytes formatted are charged */
static void b_print_big_string(struct kb *b)
{
	uint32_t h = handler(b, 6);
	ks(b, h, 0, "0123456789012345678901234567890123456789012345678901234567890123"); /* 64 */
	op(b, h, ABC(OPC(CONCAT), 0, 0, 0));
	op(b, h, ABC(OPC(MOVE), 1, 0, 0));
	op(b, h, ABC(OPC(CONCAT), 0, 0, 1)); /* 128 */
	op(b, h, ABC(OPC(MOVE), 1, 0, 0));
	op(b, h, ABC(OPC(CONCAT), 0, 0, 1)); /* 256 */
	op(b, h, ABC(OPC(MOVE), 1, 0, 0));
	op(b, h, ABC(OPC(CONCAT), 0, 0, 1)); /* 512 */
	op(b, h, ABC(OPC(MOVE), 1, 0, 0));
	op(b, h, ABC(OPC(CONCAT), 0, 0, 1)); /* 1024 */
	op(b, h, ABC(OPC(MOVE), 1, 0, 0));
	op(b, h, ABC(OPC(CONCAT), 0, 0, 1)); /* 2048 */
	op(b, h, ABC(OPC(MOVE), 1, 0, 0));
	op(b, h, ABC(OPC(CONCAT), 0, 0, 1)); /* 4096 */
	k(b, h, 1, 1);
	k(b, h, 2, 200);
	k(b, h, 3, 1);
	op(b, h, ASBX(OPC(FORPREP), 1, 1));
	op(b, h, ABC(OPC(PRINT), 0, 1, 0));
	op(b, h, ASBX(OPC(FORLOOP), 1, -2));
	ret0(b, h);
}

/* ==== 8. TAILCALL: the callee takes the caller's frame ==== */

/* f(n): n == 0 ? 0 : f(n - 1) as a tail call; main prints f(N). The frame count never
 * grows, so N is bounded by the instruction budget (5 per step), not by the call depth */
static void tail_countdown(struct kb *b, uint32_t caller, int n)
{
	uint32_t f = kb_func(b, "f", 1, 0, 3, 0);
	op(b, f, ABC(OPC(EQ), 1, 0, K(kb_knum(b, 0)))); /* n ~= 0: skip the RETURN */
	op(b, f, ABC(OPC(RETURN), 0, 2, 0));
	op(b, f, ABX(OPC(LOADFN), 1, f));
	op(b, f, ABC(OPC(SUB), 2, 0, K(kb_knum(b, 1))));
	op(b, f, ABC(OPC(TAILCALL), 1, 2, 0));
	op(b, caller, ABX(OPC(LOADFN), 0, f));
	k(b, caller, 1, n);
	op(b, caller, ABC(OPC(CALL), 0, 2, 2));
	op(b, caller, ABC(OPC(PRINT), 0, 1, 0));
	ret0(b, caller);
}

static void b_tail_million_main(struct kb *b) { tail_countdown(b, main_only(b, 2), 1000000); }
static void b_tail_thousand_handler(struct kb *b) { tail_countdown(b, handler(b, 2), 1000); }
static void b_tail_million_handler(struct kb *b) { tail_countdown(b, handler(b, 2), 1000000); }

/* the same loop in trace_end (process context) */
static void b_tail_trace_end(struct kb *b)
{
	uint32_t m = main_only(b, 1), e;
	ret0(b, m);
	e = kb_func(b, NULL, 0, 0, 2, 2);
	kb_event(b, 10, e, "trace_end", NULL, 0);
	tail_countdown(b, e, 100000);
}

/* return "x"(): the callee is checked as CALL's is */
static void b_tailcall_string(struct kb *b)
{
	uint32_t h = handler(b, 2);
	ks(b, h, 0, "x");
	op(b, h, ABC(OPC(TAILCALL), 0, 1, 0));
}

/* a handler's own frame replaced by a built-in's: CALL C=0 + RETURN B=0; the handler
 * (the frame at the floor) hands back its first value, and the run ends cleanly */
static void b_tailcall_builtin(struct kb *b)
{
	uint32_t m = main_only(b, 4), f = kb_func(b, "f", 0, 0, 3, 0);
	bi(b, f, 0, KBI_PAIRS); /* an ordinary built-in call, not PAIRS' own instruction */
	op(b, f, ABC(OPC(NEWTABLE), 1, 0, 0));
	op(b, f, ABC(OPC(TAILCALL), 0, 2, 0)); /* pairs(t): next, t, nil */
	op(b, m, ABX(OPC(LOADFN), 0, f));
	op(b, m, ABC(OPC(CALL), 0, 1, 4)); /* 3 results */
	op(b, m, ABC(OPC(LEN), 1, 1, 0));
	op(b, m, ABC(OPC(PRINT), 0, 3, 0));
	ret0(b, m);
}

/* VARARG A=0 B=0 (no varargs: top = R0) then TAILCALL A=5 B=0: nargs would underflow */
static void b_vararg_tailcall_underflow(struct kb *b)
{
	uint32_t m = main_only(b, 3), v = kb_func(b, "v", 0, 1, 8, 0);
	bi(b, v, 5, KBI_PRINT);
	op(b, v, ABC(OPC(VARARG), 0, 0, 0));
	op(b, v, ABC(OPC(TAILCALL), 5, 0, 0));
	op(b, m, ABX(OPC(LOADFN), 0, v));
	op(b, m, ABC(OPC(CALL), 0, 1, 1));
	ret0(b, m);
}

/* TAILCALL B=0 reached by a JMP over its producer on the second run: an earlier run's top */
static void b_jump_over_producer_tail(struct kb *b)
{
	uint32_t h = handler(b, 4), g = kb_global(b, "seen");
	op(b, h, ABX(OPC(GETGLOBAL), 0, g));
	op(b, h, ABC(OPC(TEST), 0, 0, 1)); /* seen: do the JMP */
	op(b, h, ASBX(OPC(JMP), 0, 5));    /* to the TAILCALL */
	op(b, h, ABC(OPC(LOADBOOL), 0, 1, 0));
	op(b, h, ABX(OPC(SETGLOBAL), 0, g));
	bi(b, h, 0, KBI_PRINT);
	bi(b, h, 1, KBI_PID);
	op(b, h, ABC(OPC(CALL), 1, 1, 0)); /* C=0: top = R2 */
	op(b, h, ABC(OPC(TAILCALL), 0, 0, 0));
}

/* A tail call may pass more arguments than its caller got: the callee's frame then ends
 * higher than the frame it replaces. f recurses with plain CALLs at R(248) (249 registers
 * a frame) from main's R(200) to the 15th frame, at register 3687, which tail-calls a
 * vararg g with 200 arguments: g's frame would end at 3688 + 200 + 250 + 200 > 4096 */
static void b_tailcall_args_past_regstack(struct kb *b)
{
	uint32_t m = main_only(b, 202), f = kb_func(b, "f", 0, 0, 250, 0), g = kb_func(b, "g", 0, 1, 250, 0);
	uint32_t d = kb_global(b, "depth");
	int i;
	op(b, g, ABC(OPC(VARARG), 0, 0, 0));
	op(b, g, ABC(OPC(RETURN), 0, 0, 0));
	op(b, f, ABX(OPC(GETGLOBAL), 0, d));
	op(b, f, ABC(OPC(ADD), 0, 0, K(kb_knum(b, 1))));
	op(b, f, ABX(OPC(SETGLOBAL), 0, d));
	op(b, f, ABC(OPC(LT), 1, 0, K(kb_knum(b, 15)))); /* depth < 15: recurse */
	op(b, f, ASBX(OPC(JMP), 0, 202));
	for (i = 1; i <= 200; i++) /* the arguments: copies of depth */
		op(b, f, ABC(OPC(MOVE), i, 0, 0));
	op(b, f, ABX(OPC(LOADFN), 0, g));
	op(b, f, ABC(OPC(TAILCALL), 0, 201, 0));
	op(b, f, ABX(OPC(LOADFN), 248, f));
	op(b, f, ABC(OPC(CALL), 248, 1, 1));
	ret0(b, f);
	k(b, m, 0, 0);
	op(b, m, ABX(OPC(SETGLOBAL), 0, d));
	op(b, m, ABX(OPC(LOADFN), 200, f));
	op(b, m, ABC(OPC(CALL), 200, 1, 1));
	ret0(b, m);
}

/* the same with 20 arguments fits: g's results come back through the 15 frames */
static void b_tailcall_args_fit(struct kb *b)
{
	uint32_t m = main_only(b, 202), f = kb_func(b, "f", 0, 0, 250, 0), g = kb_func(b, "g", 0, 1, 250, 0);
	uint32_t d = kb_global(b, "depth");
	int i;
	op(b, g, ABC(OPC(VARARG), 0, 0, 0));
	op(b, g, ABC(OPC(RETURN), 0, 0, 0));
	op(b, f, ABX(OPC(GETGLOBAL), 0, d));
	op(b, f, ABC(OPC(ADD), 0, 0, K(kb_knum(b, 1))));
	op(b, f, ABX(OPC(SETGLOBAL), 0, d));
	op(b, f, ABC(OPC(LT), 1, 0, K(kb_knum(b, 15))));
	op(b, f, ASBX(OPC(JMP), 0, 22));
	for (i = 1; i <= 20; i++) /* the arguments: copies of depth */
		op(b, f, ABC(OPC(MOVE), i, 0, 0));
	op(b, f, ABX(OPC(LOADFN), 0, g));
	op(b, f, ABC(OPC(TAILCALL), 0, 21, 0));
	op(b, f, ABX(OPC(LOADFN), 248, f));
	op(b, f, ABC(OPC(CALL), 248, 1, 0));
	op(b, f, ABC(OPC(RETURN), 248, 0, 0));
	k(b, m, 0, 0);
	op(b, m, ABX(OPC(SETGLOBAL), 0, d));
	op(b, m, ABX(OPC(LOADFN), 200, f));
	op(b, m, ABC(OPC(NEWTABLE), 199, 0, 0));
	op(b, m, ABC(OPC(CALL), 200, 1, 0));
	op(b, m, ABC(OPC(SETLIST), 199, 0, 0)); /* {f()}: how many values came back */
	op(b, m, ABC(OPC(LEN), 0, 199, 0));
	op(b, m, ABC(OPC(GETTABLE), 1, 199, K(kb_knum(b, 20))));
	op(b, m, ABC(OPC(PRINT), 0, 2, 0));
	ret0(b, m);
}


static const struct row rows[] = {
	/* 1. type checks */
	{ "FORLOOP without FORPREP, string step", b_forloop_string_step, 0, 0, 0, 0, 1,
	  "error 10 line 13: 'for' values must be numbers and the step non-zero\nsummary lost=0 errors=1\n" },
	{ "FORLOOP without FORPREP, string index", b_forloop_string_index, 0, 0, 0, 0, 1,
	  "error 10 line 13: 'for' values must be numbers and the step non-zero\nsummary lost=0 errors=1\n" },
	{ "FORLOOP with a table limit", b_forloop_table_limit, 0, 0, 0, 0, 1,
	  "error 10 line 13: 'for' values must be numbers and the step non-zero\nsummary lost=0 errors=1\n" },
	{ "FORLOOP over nil registers", b_forloop_nil, 0, 0, 0, 0, 2,
	  "error 10 line 10: 'for' values must be numbers and the step non-zero\nsummary lost=0 errors=2\n" },
	{ "FORLOOP of numbers alone counts on", b_forloop_numbers_alone, 0, 0, 0, 0, 1,
	  "4\nsummary lost=0 errors=0\n" },
	{ "FORPREP with a function step", b_forprep_function_step, 0, 0, 0, 0, 1,
	  "error 10 line 13: 'for' values must be numbers and the step non-zero\nsummary lost=0 errors=1\n" },
	{ "FORPREP with step 0", b_forprep_zero_step, 0, 0, 0, 0, 1,
	  "error 10 line 13: 'for' values must be numbers and the step non-zero\nsummary lost=0 errors=1\n" },
	{ "FORLOOP after the body made R(A) a table (fuzz F3)", b_forloop_body_table, 0, 0, 0, 0, 1,
	  "error 10 line 15: 'for' values must be numbers and the step non-zero\nsummary lost=0 errors=1\n" },
	{ "FORLOOP writes R(A+3) as a number", b_forloop_overwrites_index, 0, 0, 0, 0, 1,
	  "0\n1\nsummary lost=0 errors=0\n" },
	{ "GETCELL of a number", b_getcell_number, 0, 0, 0, 0, 1,
	  "error 14 line 11: GETCELL of a number value, not an upvalue cell\nsummary lost=0 errors=1\n" },
	{ "SETCELL into a table", b_setcell_table, 0, 0, 0, 0, 1,
	  "error 14 line 12: SETCELL of a table value, not an upvalue cell\nsummary lost=0 errors=1\n" },
	{ "CLOSURE over a string", b_closure_string_cell, 0, 0, 0, 0, 1,
	  "error 14 line 11: CLOSURE upvalue 0 is a string value, not an upvalue cell\nsummary lost=0 errors=1\n" },
	{ "BOX of a cell", b_box_cell, 0, 0, 0, 0, 1,
	  "error 12 line 11: an event value cannot be stored\nsummary lost=0 errors=1\n" },
	{ "a cell prints as nil and is not stored in a table", b_store_cell, 0, 0, 0, 0, 1,
	  "nil\nerror 12 line 13: an event value cannot be stored\nsummary lost=0 errors=1\n" },
	{ "SETGLOBAL of a cell", b_setglobal_cell, 0, 0, 0, 0, 1,
	  "error 12 line 11: an event value cannot be stored\nsummary lost=0 errors=1\n" },
	{ "CALL of a cell", b_call_cell, 0, 0, 0, 0, 1,
	  "error 8 line 11: attempt to call a upvalue cell value\nsummary lost=0 errors=1\n" },
	{ "ADD to a closure", b_closure_arith, 0, 0, 0, 0, 1,
	  "error 1 line 12: attempt to perform arithmetic on a non-number value\nsummary lost=0 errors=1\n" },
	{ "a closure in a global, called from handler runs", b_closure_global_counter, 0, 0, 0, 0, 3,
	  "function\n11\n12\n13\nsummary lost=0 errors=0\n" },
	{ "a cell shared by main and its closure", b_closure_shared_cell, 0, 0, 0, 0, 1,
	  "6\n6\nsummary lost=0 errors=0\n" },
	{ "a closure through TAILCALL", b_closure_tailcall, 0, 0, 0, 0, 1,
	  "42\nsummary lost=0 errors=0\n" },
	{ "BOX until the arena is full", b_box_until_full, 0, 0, 0, 0, 0,
	  "error 105 line 17: budget exceeded: session memory (limit 8388608)\nsummary lost=0 errors=1\n" },
	{ "CLOSURE until the arena is full", b_closure_until_full, 0, 0, 0, 0, 0,
	  "error 105 line 16: budget exceeded: session memory (limit 8388608)\nsummary lost=0 errors=1\n" },
	{ "exit(-1) then exit(7): the first code", b_exit_code, 0, 0, 0, 0, 1,
	  "summary lost=0 errors=0 exit=-1\n" },
	{ "exit() without a code", b_exit_no_code, 0, 0, 0, 0, 1,
	  "summary lost=0 errors=0\n" },
	{ "exit of a string", b_exit_string, 0, 0, 0, 0, 1,
	  "error 11 line 12: exit: the exit code must be a number\nsummary lost=0 errors=1\n" },
	{ "ADD string + number", b_add_string, 0, 0, 0, 0, 1,
	  "error 1 line 11: attempt to perform arithmetic on a non-number value\nsummary lost=0 errors=1\n" },
	{ "UNM of a table", b_unm_table, 0, 0, 0, 0, 1,
	  "error 1 line 11: attempt to perform arithmetic on a non-number value\nsummary lost=0 errors=1\n" },
	{ "LEN of a number", b_len_number, 0, 0, 0, 0, 1,
	  "error 11 line 11: attempt to get the length of a number value\nsummary lost=0 errors=1\n" },
	{ "LEN of a built-in", b_len_function, 0, 0, 0, 0, 1,
	  "error 11 line 11: attempt to get the length of a function value\nsummary lost=0 errors=1\n" },
	{ "CONCAT of a table", b_concat_table, 0, 0, 0, 0, 1,
	  "error 5 line 12: attempt to concatenate a value that is not a string or number\nsummary lost=0 errors=1\n" },
	{ "LT string < number", b_lt_mixed, 0, 0, 0, 0, 1,
	  "error 4 line 11: attempt to compare values of different types\nsummary lost=0 errors=1\n" },
	{ "INCRTABLE on a number", b_incrtable_number, 0, 0, 0, 0, 1,
	  "error 6 line 11: attempt to index a value that is not a table\nsummary lost=0 errors=1\n" },
	{ "INCRTABLE of a string entry", b_incrtable_string_value, 0, 0, 0, 0, 1,
	  "error 1 line 12: attempt to perform arithmetic on a non-number value\nsummary lost=0 errors=1\n" },
	{ "AGGREGATE of a string", b_aggregate_string, 0, 0, 0, 0, 1,
	  "error 1 line 11: attempt to perform arithmetic on a non-number value\nsummary lost=0 errors=1\n" },
	{ "AGGREGATE into a table", b_aggregate_table, 0, 0, 0, 0, 1,
	  "error 9 line 11: <<< needs a ptable slot\nsummary lost=0 errors=1\n" },
	{ "GETTABLE on a string", b_index_string, 0, 0, 0, 0, 1,
	  "error 6 line 11: attempt to index a value that is not a table\nsummary lost=0 errors=1\n" },
	{ "SELF on a number", b_self_number, 0, 0, 0, 0, 1,
	  "error 6 line 11: attempt to index a value that is not a table\nsummary lost=0 errors=1\n" },
	{ "CALL of a string", b_call_string, 0, 0, 0, 0, 1,
	  "error 8 line 11: attempt to call a string value\nsummary lost=0 errors=1\n" },
	{ "TFORCALL of a number", b_tforcall_number, 0, 0, 0, 0, 1,
	  "error 8 line 11: attempt to call a number value\nsummary lost=0 errors=1\n" },
	{ "count() of a number", b_count_number, 0, 0, 0, 0, 1,
	  "error 11 line 12: count: argument is not a statistics cell (a ptable slot)\nsummary lost=0 errors=1\n" },
	{ "sorted_next of a table", b_sorted_next_table, 0, 0, 0, 0, 1,
	  "error 11 line 12: sorted_next: argument is not a sort_pairs snapshot\nsummary lost=0 errors=1\n" },
	{ "next of a string", b_next_string, 0, 0, 0, 0, 1,
	  "error 11 line 12: next: argument is not a table\nsummary lost=0 errors=1\n" },
	{ "ansi.set_color3 with a string", b_set_color3_string, 0, 0, 0, 0, 1,
	  "error 11 line 14: ansi.set_color3: arguments must be numbers\nsummary lost=0 errors=1\n" },
	{ "user_string of a table", b_user_string_table, 0, 0, 0, 0, 1,
	  "error 11 line 12: user_string: address is not a number\nsummary lost=0 errors=1\n" },
	{ "lhist with a string min", b_lhist_string_min, 0, 0, 0, 0, 1,
	  "error 11 line 15: lhist: min, max and step must be numbers\nsummary lost=0 errors=1\n" },
	/* 2. top */
	{ "VARARG A=5 B=0; RETURN A=10 B=0", b_vararg_return_underflow, 0, 0, 0, 0, 0,
	  "error 8 line 11: open result list without a value count from this frame\nsummary lost=0 errors=1\n" },
	{ "VARARG A=0 B=0; CALL A=5 B=0", b_vararg_call_underflow, 0, 0, 0, 0, 0,
	  "error 8 line 12: open argument list without a value count from this frame\nsummary lost=0 errors=1\n" },
	{ "JMP over the producer onto RETURN B=0 (an earlier run's top)", b_jump_over_producer, 0, 0, 0, 0, 3,
	  "error 8 line 17: open result list without a value count from this frame\nsummary lost=0 errors=2\n" },
	{ "RETURN B=0 after a callee set top", b_top_of_dead_frame, 0, 0, 0, 0, 0,
	  "error 8 line 16: open result list without a value count from this frame\nsummary lost=0 errors=1\n" },
	{ "CALL C=0 then CALL B=0 pass values on", b_open_ranges_ok, 0, 0, 0, 0, 0,
	  "7\tx\nsummary lost=0 errors=0\n" },
	{ "CALL C=0 of pairs at the end of the register stack", b_results_past_regstack, 0, 0, 0, 0, 0,
	  "error 102 line 17: budget exceeded: call depth (limit 32)\nsummary lost=0 errors=1\n" },
	{ "VARARG B=0 of 200 values high in the register stack stays inside it", b_vararg_past_regstack, 0, 0, 0, 0, 0,
	  "200\nsummary lost=0 errors=0\n" },
	{ "RETURN of 3 values to a CALL keeping 1", b_return_more_than_wanted, 0, 0, 0, 0, 0,
	  "x\ta\tb\nsummary lost=0 errors=0\n" },
	{ "tables as keys iterate in id order (fuzz F5)", b_table_keys_order, 0, 0, 0, 0, 0,
	  "table\t2\ntable\t7\ntable\t6\ntable\t5\ntable\t4\ntable\t3\ntable\t1\ntable\t8\nsummary lost=0 errors=0\n" },
	/* 3. sort_pairs */
	{ "sort_pairs' comparator survives its own results", b_sort_cmp_past_frame, 0, 0, 0, 0, 0,
	  "b\t1\nc\t2\na\t3\ne\t4\nd\t5\nsummary lost=0 errors=0\n" },
	{ "a comparator sorting with a comparator", b_sort_cmp_nested, 0, 0, 0, 0, 0,
	  "error 8 line 18: sort_pairs: a comparator cannot sort with a comparator\nsummary lost=0 errors=1\n" },
	{ "a comparator returning a built-in", b_sort_cmp_returns_builtin, 0, 0, 0, 0, 0,
	  "sorted\nsummary lost=0 errors=0\n" },
	/* 4. histograms */
	{ "lhist(t, INT64_MIN, INT64_MAX, 2^55)", b_lhist_full_range, 0, 0, 0, 0, 1,
	  "lhist -9223372036854775808 9223372036854775807 36028797018963968 n=514 1:1 256:1 257:2 513:1\nsummary lost=0 errors=0\n" },
	{ "lhist(t, INT64_MIN, INT64_MAX, 1)", b_lhist_full_range_step1, 0, 0, 0, 0, 1,
	  "error 11 line 20: lhist: needs min < max, step > 0 and at most 1000 buckets\nsummary lost=0 errors=1\n" },
	{ "lhist with 1001 buckets", b_lhist_1001_buckets, 0, 0, 0, 0, 1,
	  "error 11 line 20: lhist: needs min < max, step > 0 and at most 1000 buckets\nsummary lost=0 errors=1\n" },
	{ "lhist with 1000 buckets", b_lhist_1000_buckets, 0, 0, 0, 0, 1,
	  "lhist -500 500 1 n=1002 0:1 500:1 501:1 502:1 1001:1\nsummary lost=0 errors=0\n" },
	{ "lhist(t, -1000, INT64_MAX-1, 2^54) (fuzz F1)", b_lhist_f1, 0, 0, 0, 0, 1,
	  "lhist -1000 9223372036854775806 18014398509481984 n=515 0:1 1:3 514:1\nsummary lost=0 errors=0\n" },
	{ "lhist with step 0", b_lhist_step_zero, 0, 0, 0, 0, 1,
	  "error 11 line 20: lhist: needs min < max, step > 0 and at most 1000 buckets\nsummary lost=0 errors=1\n" },
	{ "lhist with step INT64_MIN", b_lhist_negative_step, 0, 0, 0, 0, 1,
	  "error 11 line 20: lhist: needs min < max, step > 0 and at most 1000 buckets\nsummary lost=0 errors=1\n" },
	{ "hist of INT64_MIN..INT64_MAX", b_hist_extremes, 0, 0, 0, 0, 1,
	  "hist 0 0 0 n=66 0:2 1:1 2:1 64:1\nsummary lost=0 errors=0\n" },
	/* 4b. distributions per sample */
	{ "hist(p): every sample over two slots, keys in order", b_dist_two_slots, 0, 0, 0, 0, 2,
	  "hist[7] 0 0 0 n=66 4:1\nhist[k] 0 0 0 n=66 0:2 1:1 2:1 64:1\n"
	  "hist[7] 0 0 0 n=66 4:2\nhist[k] 0 0 0 n=66 0:2 1:1 2:2 64:2\nsummary lost=0 errors=0\n" },
	{ "a cell's power-of-two range widens up and down", b_dist_grow, 0, 0, 0, 0, 1,
	  "hist[g] 0 0 0 n=66 0:1 1:1 2:1 42:2 64:1\nsummary lost=0 errors=0\n" },
	{ "ptable(INT64_MIN, INT64_MAX, 2^55): lhist(p) per sample", b_lhist_ptable_full, 0, 0, 0, 0, 1,
	  "lhist[x] -9223372036854775808 9223372036854775807 36028797018963968 n=514 1:1 256:1 257:2 513:1\n"
	  "lhist[x] -9223372036854775808 9223372036854775807 36028797018963968 n=514 1:1 256:1 257:2 513:1\n"
	  "summary lost=0 errors=0\n" },
	{ "lhist(p, other layout) is refused, naming the declared one", b_lhist_ptable_other, 0, 0, 0, 0, 1,
	  "lhist[x] -1000 9223372036854775806 18014398509481984 n=515 0:1 1:3 514:1\n"
	  "error 11 line 28: lhist: the ptable was declared ptable(-1000, 9223372036854775806, 18014398509481984): its buckets are those\n"
	  "summary lost=0 errors=1\n" },
	{ "lhist(p) of an undeclared ptable", b_lhist_ptable_undeclared, 0, 0, 0, 0, 1,
	  "error 11 line 13: lhist: lhist(p) needs a ptable declared ptable(min, max, step); else lhist(t, min, max, step)\n"
	  "summary lost=0 errors=1\n" },
	{ "ptable(0, 1001, 1)", b_ptable_1001, 0, 0, 0, 0, 1,
	  "error 11 line 14: ptable: needs min < max, step > 0 and at most 1000 buckets\nsummary lost=0 errors=1\n" },
	{ "ptable(INT64_MIN, INT64_MAX, 1)", b_ptable_full_step1, 0, 0, 0, 0, 1,
	  "error 11 line 14: ptable: needs min < max, step > 0 and at most 1000 buckets\nsummary lost=0 errors=1\n" },
	{ "ptable(0, 10, INT64_MIN)", b_ptable_step_min, 0, 0, 0, 0, 1,
	  "error 11 line 14: ptable: needs min < max, step > 0 and at most 1000 buckets\nsummary lost=0 errors=1\n" },
	{ "ptable with a string step", b_ptable_string_step, 0, 0, 0, 0, 1,
	  "error 11 line 14: ptable: min, max and step must be numbers\nsummary lost=0 errors=1\n" },
	{ "hist of a table holding a statistics value", b_hist_table_of_stats, 0, 0, 0, 0, 1,
	  "error 11 line 16: hist: a statistics value outside its ptable has no buckets: call it on the ptable\n"
	  "summary lost=0 errors=1\n" },
	{ "8 KiB of linear buckets per key hit the session memory", b_dist_memory, 0, 0, 0, 0, 0,
	  "error 105 line 19: budget exceeded: session memory (limit 8388608)\nsummary lost=0 errors=1\n" },
	{ "hist(p) of 3 keys", b_hist_3_keys, 0, 0, 0, 0, 1,
	  "hist[1] 0 0 0 n=66 2:1\nhist[2] 0 0 0 n=66 3:1\nhist[3] 0 0 0 n=66 3:1\nsummary lost=0 errors=0\n" },
	{ "hist(p) of 1000 keys with 30000 instructions", b_hist_1000_keys, 30000, 0, 60000000000ull, 0, 1,
	  "error 101 line 12: budget exceeded: instructions per handler run (limit 30000)\nsummary lost=0 errors=1\n" },
	{ "hist(p) of 1000 keys with 80000 instructions (output's end)", b_hist_1000_keys, 80000, 0, 60000000000ull, 0, 1,
	  "...error 101 line 12: budget exceeded: instructions per handler run (limit 80000)\nsummary lost=0 errors=1\n" },
	/* 5. ptables and cells */
	{ "pairs(p): len(p) then count(v) in the loop", b_pairs_ptable_len_count, 0, 0, 0, 0, 0,
	  "a\t1\nb\t2\nsummary lost=0 errors=0\n" },
	{ "pairs(p) nested over the same ptable, changed meanwhile", b_pairs_ptable_nested, 0, 0, 0, 0, 0,
	  "a\t1\nb\t2\nsummary lost=0 errors=0\n" },
	{ "next(p, k) with a key of no snapshot", b_next_ptable_unknown_key, 0, 0, 0, 0, 0,
	  "error 11 line 17: next: key not in the table (changed during the loop?)\nsummary lost=0 errors=1\n" },
	{ "pairs(t): the entry's cell replaced before count(v)", b_pairs_table_stat_deleted, 0, 0, 0, 0, 0,
	  "k\t2\nsummary lost=0 errors=0\n" },
	{ "a global's cell freed after GETGLOBAL", b_global_stat_overwritten, 0, 0, 0, 0, 0,
	  "stat(2,5,2,3)\nsummary lost=0 errors=0\n" },
	{ "sort_pairs(p) then delete(p) in the loop", b_sort_ptable_delete, 0, 0, 0, 0, 0,
	  "a\tstat(1,1,1,1)\nb\tstat(2,5,2,3)\nsummary lost=0 errors=0\n" },
	{ "histogram and len of a ptable over two slots", b_histogram_ptable, 0, 0, 0, 0, 2,
	  "histogram sum=4 total=3 rows=3\n3\nhistogram sum=5 total=3 rows=3\n3\nsummary lost=0 errors=0\n" },
	/* 6. charging */
	{ "len(p) of 2000 keys 1000 times in a handler", b_len_ptable_loop, 0, 0, 60000000000ull, 0, 1,
	  "error 101 line 15: budget exceeded: instructions per handler run (limit 100000)\nsummary lost=0 errors=1\n" },
	{ "sort_pairs of 1000 entries with 10000 instructions", b_sort_big_table, 10000, 0, 60000000000ull, 0, 1,
	  "error 101 line 12: budget exceeded: instructions per handler run (limit 10000)\nsummary lost=0 errors=1\n" },
	{ "printing 4 KiB 200 times with 5000 instructions (output's end)", b_print_big_string, 5000, 0, 60000000000ull, 0, 1,
	  "...9012\nerror 101 line 28: budget exceeded: instructions per handler run (limit 5000)\nsummary lost=0 errors=1\n" },
	/* 7. budgets */
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
	/* 8. TAILCALL */
	{ "1,000,000-step tail recursion in main (process budget 20M)", b_tail_million_main, 0, 20000000, 0, 0, 0,
	  "0\nsummary lost=0 errors=0\n" },
	{ "1,000-step tail recursion in a handler: past the call depth, in one frame", b_tail_thousand_handler, 0, 0, 0, 0, 1,
	  "0\nsummary lost=0 errors=0\n" },
	{ "1,000,000-step tail recursion in a handler stops at its instruction budget", b_tail_million_handler, 0, 0, 0, 0, 1,
	  "error 101 line 12: budget exceeded: instructions per handler run (limit 100000)\nsummary lost=0 errors=1\n" },
	{ "100,000-step tail recursion in trace_end", b_tail_trace_end, 0, 0, 0, 0, 0,
	  "0\nsummary lost=0 errors=0\n" },
	{ "TAILCALL of a string", b_tailcall_string, 0, 0, 0, 0, 1,
	  "error 8 line 11: attempt to call a string value\nsummary lost=0 errors=1\n" },
	{ "TAILCALL of a built-in is CALL C=0 + RETURN B=0", b_tailcall_builtin, 0, 0, 0, 0, 0,
	  "function\t0\tnil\nsummary lost=0 errors=0\n" },
	{ "VARARG A=0 B=0; TAILCALL A=5 B=0", b_vararg_tailcall_underflow, 0, 0, 0, 0, 0,
	  "error 8 line 12: open argument list without a value count from this frame\nsummary lost=0 errors=1\n" },
	{ "JMP over the producer onto TAILCALL B=0 (an earlier run's top)", b_jump_over_producer_tail, 0, 0, 0, 0, 3,
	  "42\nerror 8 line 18: open argument list without a value count from this frame\nsummary lost=0 errors=2\n" },
	{ "TAILCALL with more arguments than the frame it replaces, past the register stack", b_tailcall_args_past_regstack, 0, 0, 0, 0, 0,
	  "error 102 line 216: budget exceeded: call depth (limit 32)\nsummary lost=0 errors=1\n" },
	{ "TAILCALL with more arguments than the frame it replaces, inside the register stack", b_tailcall_args_fit, 0, 0, 0, 0, 0,
	  "20\t15\nsummary lost=0 errors=0\n" },
};


/*
 * Rows whose bundle the full verifier refuses (its control-flow pass: loop pairing, open
 * ranges), with the refusal each must get. The row then runs with that pass skipped
 * (kvm_testing_skip_flow, test builds only) to check the run-time check on its own:
 * defense in depth, each half sound without the other.
 */
extern int kvm_testing_skip_flow;
static const struct { const char *row, *refusal; } refused[] = {
	{ "FORLOOP without FORPREP, string step", "loop pairing: function 1 'anonymous' instruction 3 (FORLOOP)" },
	{ "FORLOOP without FORPREP, string index", "loop pairing: function 1 'anonymous' instruction 3 (FORLOOP)" },
	{ "FORLOOP with a table limit", "loop pairing: function 1 'anonymous' instruction 3 (FORLOOP)" },
	{ "FORLOOP over nil registers", "loop pairing: function 1 'anonymous' instruction 0 (FORLOOP)" },
	{ "FORLOOP of numbers alone counts on", "loop pairing: function 1 'anonymous' instruction 3 (FORLOOP)" },
	{ "TFORCALL of a number", "loop pairing: function 1 'anonymous' instruction 1 (TFORCALL)" },
	{ "VARARG A=5 B=0; RETURN A=10 B=0", "open range: function 1 'v' instruction 1 (RETURN)" },
	{ "VARARG A=0 B=0; CALL A=5 B=0", "open range: function 1 'v' instruction 2 (CALL)" },
	{ "JMP over the producer onto RETURN B=0 (an earlier run's top)",
	  "open range: function 1 'anonymous' instruction 7 (RETURN)" },
	{ "RETURN B=0 after a callee set top", "open range: function 0 'main' instruction 6 (RETURN)" },
	{ "VARARG A=0 B=0; TAILCALL A=5 B=0", "open range: function 1 'v' instruction 2 (TAILCALL)" },
	{ "JMP over the producer onto TAILCALL B=0 (an earlier run's top)",
	  "open range: function 1 'anonymous' instruction 8 (TAILCALL)" },
};

static const char *refusal_of(const char *row)
{
	size_t i;
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (!strcmp(refused[i].row, row))
			return refused[i].refusal;
	return 0;
}

/* rows whose session is changed after verification (tamper.c): the run-time checks the
 * verifier makes unreachable */
static const struct trow {
	struct row r;
	void (*tamper)(struct ktap_session *s);
	int after_main; /* 0: after load and verification, 1: after main ran */
} trows[] = {
	{ { "tampered: GETUPVAL past the closure's cells", b_closure_call, 0, 0, 0, 0, 1,
	    "error 14 line 10: upvalue 5 of a frame with 1 upvalues\nsummary lost=0 errors=1\n" }, tamper_upval_index, 0 },
	{ { "tampered: a closure with fewer cells than its function's upvalues", b_closure_global_call, 0, 0, 0, 0, 1,
	    "error 8 line 11: attempt to call a value that is not a function\nsummary lost=0 errors=1\n" }, tamper_upval_count, 1 },
	{ { "tampered: TAILCALL of a closure with fewer cells", b_closure_tailcall_tamper, 0, 0, 0, 0, 1,
	    "error 8 line 11: attempt to call a value that is not a function\nsummary lost=0 errors=1\n" }, tamper_upval_count, 1 },
	{ { "tampered: a function with upvalues called without a closure", b_plain_call, 0, 0, 0, 0, 1,
	    "error 8 line 11: attempt to call a value that is not a function\nsummary lost=0 errors=1\n" }, tamper_upval_no_closure, 0 },
	{ { "tampered: GETUPVAL in a frame without a closure", b_plain_call, 0, 0, 0, 0, 1,
	    "error 14 line 10: upvalue 0 of a frame with 0 upvalues\nsummary lost=0 errors=1\n" }, tamper_upval_no_closure_nocount, 0 },
};

static void run_row(const struct row *r)
{
	struct kb b;
	struct ktap_limits l;
	struct ktap_bounds bd;
	const char *got, *want;
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
	kt_after_load = NULL;
	if (refusal_of(r->name)) {
		if (!getenv("KTAP_HOSTILE_NO_REFUSAL")) /* hostile-before.sh: an older verifier */
				KT_CHECK(err != 0 && strstr(msg, refusal_of(r->name)), "hostile row '%s': the verifier must refuse "
				 "it (%s), got: %s", r->name, refusal_of(r->name), err ? msg : "loaded");
		kb_free(&b);
		kb_init(&b, 2);
		r->build(&b);
		kvm_testing_skip_flow = 1;
		replay_ctx.yields = 0;
		err = kt_run(&b, &l, r->fires, out, sizeof(out), msg);
		kvm_testing_skip_flow = 0;
	}
	replay_ctx.stop_at_yield = 0;
	kt_bounds = NULL;
	got = out;
	want = r->want;
	if (!strncmp(want, "...", 3)) {
		want += 3;
		if (strlen(out) > strlen(want))
			got = out + strlen(out) - strlen(want);
	}
	KT_CHECK(err == 0 && !strcmp(got, want), "hostile row '%s':\n-- got (%s)\n%s-- want\n%s", r->name,
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

/* KTAP_HOSTILE_ROW=N runs row N alone (to see each row fail, in its own process, against
 * an older core: tests/runtime/ktapvm/hostile-before.sh) */
void test_hostile(void)
{
	size_t i, n = sizeof(rows) / sizeof(rows[0]);
	const char *only = getenv("KTAP_HOSTILE_ROW");
	if (only) {
		i = (size_t)atoi(only);
		if (i < n) {
			printf("row %zu: %s\n", i, rows[i].name);
			fflush(stdout); /* the row may crash an older core */
			run_row(&rows[i]);
		}
		return;
	}
	for (i = 0; i < n; i++)
		run_row(&rows[i]);
	for (i = 0; i < sizeof(trows) / sizeof(trows[0]); i++) {
		if (trows[i].after_main)
			kt_after_main = trows[i].tamper;
		else
			kt_after_load = trows[i].tamper;
		run_row(&trows[i].r);
		kt_after_main = NULL;
	}
	t_cpu_out_of_range();
}
