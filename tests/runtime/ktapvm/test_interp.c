/*
 * test_interp.c - the interpreter, built-ins, runtime errors and budgets, each checked on
 * the decoded record stream. Programs are assembled with kbuild; main has flags 1, the
 * handler (fired by kt_run with a sched_switch event on CPU 1) flags 2.
 */
#include <stdlib.h>
#include "ktest.h"

static char out[1 << 16];
static char msg[KTAP_ERRMSG_MAX];

#define OP3(o, a, b, c) kb_op(&b, f, ABC(OPC(o), a, b_, c))
static void expect(struct kb *b, const struct ktap_limits *l, int fires, const char *name, const char *want)
{
	int err = kt_run(b, l, fires, out, sizeof(out), msg);
	KT_CHECK(err == 0 && !strcmp(out, want), "%s:\n-- got (%s)\n%s-- want\n%s", name, err ? msg : "ran", out, want);
	kb_free(b);
}

/* call built-in id at register r with n args already in r+1.. ; keep 1 result */
static void callbi(struct kb *b, uint32_t f, int r, int id, int nargs, int nres)
{
	kb_op(b, f, ABX(OPC(LOADBUILTIN), r, id));
	kb_op(b, f, ABC(OPC(CALL), r, nargs + 1, nres + 1));
}
static void ret(struct kb *b, uint32_t f) { kb_op(b, f, ABC(OPC(RETURN), 0, 1, 0)); }
static void k(struct kb *b, uint32_t f, int r, int64_t v) { kb_op(b, f, ABX(OPC(LOADK), r, kb_knum(b, v))); }
static void ks(struct kb *b, uint32_t f, int r, const char *s) { kb_op(b, f, ABX(OPC(LOADK), r, kb_kstr(b, s))); }

static void t_arith(void)
{
	struct kb b;
	uint32_t f;
	kb_init(&b, 2);
	f = kb_func(&b, "main", 0, 0, 10, 1);
	k(&b, f, 0, -7);
	k(&b, f, 1, 2);
	kb_op(&b, f, ABC(OPC(ADD), 2, 0, 1));
	kb_op(&b, f, ABC(OPC(SUB), 3, 0, 1));
	kb_op(&b, f, ABC(OPC(MUL), 4, 0, 1));
	kb_op(&b, f, ABC(OPC(DIV), 5, 0, 1));
	kb_op(&b, f, ABC(OPC(MOD), 6, 0, 1));
	kb_op(&b, f, ABC(OPC(POW), 7, 1, K(kb_knum(&b, 62))));
	kb_op(&b, f, ABC(OPC(UNM), 8, 0, 0));
	kb_op(&b, f, ABC(OPC(ADD), 9, 0, K(kb_knil(&b))));
	kb_op(&b, f, ABC(OPC(PRINT), 2, 8, 0));
	/* wrap-around and INT64_MIN / -1 */
	k(&b, f, 0, INT64_MAX);
	kb_op(&b, f, ABC(OPC(ADD), 1, 0, K(kb_knum(&b, 1))));
	kb_op(&b, f, ABC(OPC(DIV), 2, 1, K(kb_knum(&b, -1))));
	kb_op(&b, f, ABC(OPC(PRINT), 1, 2, 0));
	ret(&b, f);
	expect(&b, NULL, 0, "arithmetic",
	       "-5\t-9\t-14\t-3\t-1\t4611686018427387904\t7\tnil\n"
	       "-9223372036854775808\t-9223372036854775808\n"
	       "summary lost=0 errors=0\n");
}

static void t_errors_once_per_site(void)
{
	struct kb b;
	uint32_t m, h;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 1, 1);
	ret(&b, m);
	h = kb_func(&b, NULL, 0, 0, 4, 2);
	k(&b, h, 0, 1);
	k(&b, h, 1, 0);
	kb_op(&b, h, ABC(OPC(DIV), 2, 0, 1));
	kb_op(&b, h, ABC(OPC(PRINT), 2, 1, 0)); /* never reached */
	ret(&b, h);
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	expect(&b, NULL, 3, "division by zero, reported once, counted thrice",
	       "error 2 line 12: division or modulo by zero\nsummary lost=0 errors=3\n");
}

static void t_type_errors(void)
{
	struct kb b;
	uint32_t m;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	ks(&b, m, 0, "a");
	kb_op(&b, m, ABC(OPC(ADD), 1, 0, K(kb_knum(&b, 1))));
	ret(&b, m);
	expect(&b, NULL, 0, "arithmetic on a string",
	       "error 1 line 11: attempt to perform arithmetic on a non-number value\nsummary lost=0 errors=1\n");

	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	ks(&b, m, 0, "a");
	kb_op(&b, m, ABC(OPC(LT), 1, 0, K(kb_knum(&b, 1))));
	kb_op(&b, m, ASBX(OPC(JMP), 0, 0));
	ret(&b, m);
	expect(&b, NULL, 0, "compare string with number",
	       "error 4 line 11: attempt to compare values of different types\nsummary lost=0 errors=1\n");

	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	k(&b, m, 0, 3);
	kb_op(&b, m, ABC(OPC(GETTABLE), 1, 0, K(kb_knum(&b, 1))));
	kb_op(&b, m, ABC(OPC(CALL), 0, 1, 1));
	ret(&b, m);
	expect(&b, NULL, 0, "index a number",
	       "error 6 line 11: attempt to index a value that is not a table\nsummary lost=0 errors=1\n");

	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	k(&b, m, 0, 3);
	kb_op(&b, m, ABC(OPC(CALL), 0, 1, 1));
	ret(&b, m);
	expect(&b, NULL, 0, "call a number", "error 8 line 11: attempt to call a number value\nsummary lost=0 errors=1\n");

	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	kb_op(&b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(&b, m, ABC(OPC(AGGREGATE), 0, K(kb_knum(&b, 1)), K(kb_knum(&b, 1))));
	kb_op(&b, m, ABC(OPC(POW), 1, K(kb_knum(&b, 2)), K(kb_knum(&b, -1))));
	ret(&b, m);
	expect(&b, NULL, 0, "<<< on a table", "error 9 line 11: <<< needs a ptable slot\nsummary lost=0 errors=1\n");
}

static void t_strings_compare(void)
{
	struct kb b;
	uint32_t m;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 8, 1);
	ks(&b, m, 0, "ab");
	k(&b, m, 1, -12);
	ks(&b, m, 2, "c");
	kb_op(&b, m, ABC(OPC(CONCAT), 3, 0, 2));
	kb_op(&b, m, ABC(OPC(LEN), 4, 3, 0));
	/* "ab" < "c" -> R5 = true */
	kb_op(&b, m, ABC(OPC(LT), 0, 0, 2));
	kb_op(&b, m, ABC(OPC(LOADBOOL), 5, 0, 1));
	kb_op(&b, m, ABC(OPC(LOADBOOL), 5, 1, 0));
	/* "ab" == "ab" (constant vs concat result) */
	kb_op(&b, m, ABC(OPC(EQ), 0, 0, K(kb_kstr(&b, "ab"))));
	kb_op(&b, m, ABC(OPC(LOADBOOL), 6, 0, 1));
	kb_op(&b, m, ABC(OPC(LOADBOOL), 6, 1, 0));
	kb_op(&b, m, ABC(OPC(NOT), 7, 6, 0));
	kb_op(&b, m, ABC(OPC(PRINT), 3, 5, 0));
	ret(&b, m);
	expect(&b, NULL, 0, "concat, len, compare", "ab-12c\t6\ttrue\ttrue\tfalse\nsummary lost=0 errors=0\n");
}

static void t_tables_and_globals(void)
{
	struct kb b;
	uint32_t m, h, g;
	kb_init(&b, 2);
	g = kb_global(&b, "t");
	kb_global(&b, "n");
	m = kb_func(&b, "main", 0, 0, 4, 1);
	kb_op(&b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(&b, m, ABX(OPC(SETGLOBAL), 0, g));
	ret(&b, m);
	h = kb_func(&b, NULL, 0, 0, 6, 2);
	kb_op(&b, h, ABX(OPC(GETGLOBAL), 0, g));
	kb_op(&b, h, ABC(OPC(EVINFO), 1, 1, 0)); /* argname */
	kb_op(&b, h, ABC(OPC(INCRTABLE), 0, 1, K(kb_knum(&b, 2))));
	kb_op(&b, h, ABC(OPC(SETTABLE), 0, K(kb_kstr(&b, "x")), K(kb_knum(&b, 5))));
	kb_op(&b, h, ABC(OPC(SETTABLE), 0, K(kb_kstr(&b, "x")), K(kb_knil(&b))));
	k(&b, h, 2, 1);
	kb_op(&b, h, ABX(OPC(ADDGLOBAL), 2, 1));
	ret(&b, h);
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	{
		uint32_t e = kb_func(&b, NULL, 0, 0, 6, 2);
		kb_op(&b, e, ABX(OPC(GETGLOBAL), 0, g));
		kb_op(&b, e, ABC(OPC(GETTABLE), 1, 0, K(kb_kstr(&b, "sched_switch"))));
		kb_op(&b, e, ABC(OPC(LEN), 2, 0, 0));
		kb_op(&b, e, ABX(OPC(GETGLOBAL), 3, 1));
		kb_op(&b, e, ABC(OPC(GETTABLE), 4, 0, K(kb_kstr(&b, "x"))));
		kb_op(&b, e, ABC(OPC(PRINT), 1, 4, 0));
		ret(&b, e);
		kb_event(&b, 10, e, "trace_end", NULL, 0);
	}
	expect(&b, NULL, 4, "table += across runs, globals, delete by nil", "8\t1\t4\tnil\nsummary lost=0 errors=0\n");
}

static void t_ptable(void)
{
	struct kb b;
	uint32_t m, h, g, e;
	kb_init(&b, 2);
	g = kb_global(&b, "s");
	m = kb_func(&b, "main", 0, 0, 4, 1);
	kb_op(&b, m, ABC(OPC(NEWPTABLE), 0, 0, 0));
	kb_op(&b, m, ABX(OPC(SETGLOBAL), 0, g));
	/* main runs on CPU 0: 3 and 9 there; the handler adds 5 on CPU 1 */
	kb_op(&b, m, ABC(OPC(AGGREGATE), 0, K(kb_kstr(&b, "k")), K(kb_knum(&b, 3))));
	kb_op(&b, m, ABC(OPC(AGGREGATE), 0, K(kb_kstr(&b, "k")), K(kb_knum(&b, 9))));
	ret(&b, m);
	h = kb_func(&b, NULL, 0, 0, 2, 2);
	kb_op(&b, h, ABX(OPC(GETGLOBAL), 0, g));
	kb_op(&b, h, ABC(OPC(AGGREGATE), 0, K(kb_kstr(&b, "k")), K(kb_knum(&b, 5))));
	ret(&b, h);
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	e = kb_func(&b, NULL, 0, 0, 12, 2);
	kb_op(&b, e, ABX(OPC(GETGLOBAL), 0, g));
	kb_op(&b, e, ABC(OPC(GETTABLE), 1, 0, K(kb_kstr(&b, "k"))));
	kb_op(&b, e, ABC(OPC(MOVE), 3, 1, 0));
	callbi(&b, e, 2, 23, 1, 1);
	kb_op(&b, e, ABC(OPC(MOVE), 4, 1, 0));
	callbi(&b, e, 3, 24, 1, 1);
	kb_op(&b, e, ABC(OPC(MOVE), 5, 1, 0));
	callbi(&b, e, 4, 25, 1, 1);
	kb_op(&b, e, ABC(OPC(MOVE), 6, 1, 0));
	callbi(&b, e, 5, 26, 1, 1);
	kb_op(&b, e, ABC(OPC(MOVE), 7, 1, 0));
	callbi(&b, e, 6, 27, 1, 1);
	kb_op(&b, e, ABC(OPC(LEN), 7, 0, 0));
	kb_op(&b, e, ABC(OPC(PRINT), 1, 7, 0));
	ret(&b, e);
	kb_event(&b, 10, e, "trace_end", NULL, 0);
	expect(&b, NULL, 1, "ptable merged over CPUs", "stat(3,17,3,9)\t3\t17\t5\t3\t9\t1\nsummary lost=0 errors=0\n");
}

/* function add(a, b) return a + b end; recursion for the depth budget */
static void t_calls(void)
{
	struct kb b;
	uint32_t m, fa, fr, fv;
	struct ktap_limits l;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 6, 1);
	fa = 1;
	kb_op(&b, m, ABX(OPC(LOADFN), 0, fa));
	k(&b, m, 1, 40);
	k(&b, m, 2, 2);
	kb_op(&b, m, ABC(OPC(CALL), 0, 3, 2));
	kb_op(&b, m, ABX(OPC(LOADFN), 1, 2)); /* vararg: returns its 2nd vararg and the count via print */
	k(&b, m, 2, 7);
	k(&b, m, 3, 8);
	k(&b, m, 4, 9);
	kb_op(&b, m, ABC(OPC(CALL), 1, 4, 0));
	kb_op(&b, m, ABC(OPC(PRINT), 0, 3, 0));
	ret(&b, m);
	fa = kb_func(&b, "add", 2, 0, 3, 0);
	kb_op(&b, fa, ABC(OPC(ADD), 2, 0, 1));
	kb_op(&b, fa, ABC(OPC(RETURN), 2, 2, 0));
	fv = kb_func(&b, "va", 1, 1, 4, 0);
	kb_op(&b, fv, ABC(OPC(VARARG), 1, 0, 0));
	kb_op(&b, fv, ABC(OPC(RETURN), 1, 0, 0));
	expect(&b, NULL, 0, "calls, multiple results, varargs", "42\t8\t9\nsummary lost=0 errors=0\n");

	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 2, 1);
	kb_op(&b, m, ABX(OPC(LOADFN), 0, 1));
	kb_op(&b, m, ABC(OPC(CALL), 0, 1, 1));
	ret(&b, m);
	fr = kb_func(&b, "rec", 0, 0, 2, 0);
	kb_op(&b, fr, ABX(OPC(LOADFN), 0, 1));
	kb_op(&b, fr, ABC(OPC(CALL), 0, 1, 1));
	ret(&b, fr);
	memset(&l, 0, sizeof(l));
	l.value[KTAP_LIMIT_CALL_DEPTH] = 10;
	expect(&b, &l, 0, "call depth budget",
	       "error 102 line 11: budget exceeded: call depth (limit 10)\nsummary lost=0 errors=1\n");
}

static void t_loops(void)
{
	struct kb b;
	uint32_t m;
	struct ktap_limits l;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 6, 1);
	k(&b, m, 4, 0);
	k(&b, m, 0, 1);
	k(&b, m, 1, 10);
	k(&b, m, 2, 1);
	kb_op(&b, m, ASBX(OPC(FORPREP), 0, 1));
	kb_op(&b, m, ABC(OPC(ADD), 4, 4, 3));
	kb_op(&b, m, ASBX(OPC(FORLOOP), 0, -2));
	kb_op(&b, m, ABC(OPC(PRINT), 4, 1, 0));
	ret(&b, m);
	expect(&b, NULL, 0, "numeric for", "55\nsummary lost=0 errors=0\n");

	/* a handler's budget is the insns limit; the main chunk's is the host's process
	 * budget (struct ktap_bounds), not the bundle's */
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 2, 1);
	ret(&b, m);
	m = kb_func(&b, NULL, 0, 0, 2, 2);
	kb_op(&b, m, ASBX(OPC(JMP), 0, -1));
	kb_event(&b, 1, m, "sched:sched_switch", "sched:sched_switch", 0);
	memset(&l, 0, sizeof(l));
	l.value[KTAP_LIMIT_INSNS] = 1000;
	expect(&b, &l, 1, "instruction budget",
	       "error 101 line 10: budget exceeded: instructions per handler run (limit 1000)\nsummary lost=0 errors=1\n");
}

/* for k, v in pairs(t) / sort_pairs(t) */
static void t_iterate(int sorted)
{
	struct kb b;
	uint32_t m;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 10, 1);
	kb_op(&b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(&b, m, ABC(OPC(SETTABLE), 0, K(kb_kstr(&b, "a")), K(kb_knum(&b, 3))));
	kb_op(&b, m, ABC(OPC(SETTABLE), 0, K(kb_kstr(&b, "b")), K(kb_knum(&b, 1))));
	kb_op(&b, m, ABC(OPC(SETTABLE), 0, K(kb_kstr(&b, "c")), K(kb_knum(&b, 2))));
	kb_op(&b, m, ABC(OPC(MOVE), 2, 0, 0));
	callbi(&b, m, 1, sorted ? 3 : 2, 1, 3); /* R1..R3 = iterator, state, control */
	kb_op(&b, m, ASBX(OPC(JMP), 0, 1));
	kb_op(&b, m, ABC(OPC(PRINT), 4, 2, 0));
	kb_op(&b, m, ABC(OPC(TFORCALL), 1, 0, 2));
	kb_op(&b, m, ASBX(OPC(TFORLOOP), 3, -3));
	ret(&b, m);
	if (sorted)
		expect(&b, NULL, 0, "sort_pairs", "b\t1\nc\t2\na\t3\nsummary lost=0 errors=0\n");
	else {
		int err = kt_run(&b, NULL, 0, out, sizeof(out), msg);
		KT_CHECK(err == 0 && strstr(out, "a\t3\n") && strstr(out, "b\t1\n") && strstr(out, "c\t2\n") &&
			 strlen(out) == strlen("a\t3\nb\t1\nc\t2\nsummary lost=0 errors=0\n"), "pairs: %s", out);
		kb_free(&b);
	}
}

static void t_budgets(void)
{
	struct kb b;
	uint32_t m;
	struct ktap_limits l;
	/* string length: doubling a string */
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	ks(&b, m, 0, "0123456789");
	kb_op(&b, m, ABC(OPC(MOVE), 1, 0, 0));
	kb_op(&b, m, ABC(OPC(CONCAT), 0, 0, 1));
	kb_op(&b, m, ASBX(OPC(JMP), 0, -3));
	memset(&l, 0, sizeof(l));
	l.value[KTAP_LIMIT_STRING_LEN] = 100;
	expect(&b, &l, 0, "string budget",
	       "error 103 line 12: budget exceeded: string length (limit 100)\nsummary lost=0 errors=1\n");
	/* table entries */
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	kb_op(&b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	k(&b, m, 1, 0);
	kb_op(&b, m, ABC(OPC(ADD), 1, 1, K(kb_knum(&b, 1))));
	kb_op(&b, m, ABC(OPC(SETTABLE), 0, 1, 1));
	kb_op(&b, m, ASBX(OPC(JMP), 0, -3));
	memset(&l, 0, sizeof(l));
	l.value[KTAP_LIMIT_TABLE_ENTRIES] = 50;
	expect(&b, &l, 0, "table budget",
	       "error 104 line 13: budget exceeded: table entries (limit 50)\nsummary lost=0 errors=1\n");
	/* session memory: new tables until the arena is full */
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 4, 1);
	kb_op(&b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(&b, m, ABC(OPC(SETTABLE), 0, K(kb_knum(&b, 1)), K(kb_knum(&b, 1))));
	kb_op(&b, m, ASBX(OPC(JMP), 0, -3));
	memset(&l, 0, sizeof(l));
	l.value[KTAP_LIMIT_MEMORY] = 65536;
	l.value[KTAP_LIMIT_INSNS] = 10000000;
	{
		int err = kt_run(&b, &l, 0, out, sizeof(out), msg);
		KT_CHECK(err == 0 && strstr(out, "budget exceeded: session memory (limit 65536)\nsummary lost=0 errors=1\n"),
			 "memory budget: %s", out);
		kb_free(&b);
	}
}

static void t_event_and_context(void)
{
	struct kb b;
	uint32_t m, h;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 2, 1);
	kb_op(&b, m, ABC(OPC(EVARG), 0, 1, 0)); /* nil outside a handler */
	kb_op(&b, m, ABC(OPC(PRINT), 0, 1, 0));
	ret(&b, m);
	h = kb_func(&b, NULL, 0, 0, 12, 2);
	kb_op(&b, h, ABC(OPC(EVARG), 0, 1, 0));
	kb_op(&b, h, ABC(OPC(EVARG), 1, 2, 0));
	kb_op(&b, h, ABC(OPC(EVARG), 2, 9, 0));
	kb_op(&b, h, ABX(OPC(EVFIELD), 3, kb_str(&b, "next_comm")));
	kb_op(&b, h, ABC(OPC(EVINFO), 4, 1, 0));
	callbi(&b, h, 5, 6, 0, 1);
	callbi(&b, h, 6, 7, 0, 1);
	callbi(&b, h, 7, 8, 0, 1);
	callbi(&b, h, 8, 9, 0, 1);
	callbi(&b, h, 9, 10, 0, 1);
	kb_op(&b, h, ABC(OPC(EVINFO), 10, 0, 0));
	kb_op(&b, h, ABC(OPC(PRINT), 0, 11, 0));
	ret(&b, h);
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	expect(&b, NULL, 1, "event fields and task context",
	       "nil\nbash\t42\tnil\tswapper/0\tsched_switch\t42\t43\t7\tbash\t1\t"
	       "            bash-42    [001]     0.000001: sched_switch: prev_comm=bash prev_pid=42 next_comm=swapper/0\n"
	       "summary lost=0 errors=0\n");
}

static void t_exit_and_lost(void)
{
	struct kb b;
	uint32_t m, h;
	kb_init(&b, 2);
	m = kb_func(&b, "main", 0, 0, 2, 1);
	ret(&b, m);
	h = kb_func(&b, NULL, 0, 0, 2, 2);
	k(&b, h, 1, 1);
	kb_op(&b, h, ABC(OPC(PRINT), 1, 1, 0));
	callbi(&b, h, 0, 31, 0, 0);
	kb_op(&b, h, ABC(OPC(PRINT), 1, 1, 0));
	ret(&b, h);
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	expect(&b, NULL, 3, "exit ends the handler and the session", "1\nsummary lost=0 errors=0\n");
}

void test_interp(void)
{
	t_arith();
	t_errors_once_per_site();
	t_type_errors();
	t_strings_compare();
	t_tables_and_globals();
	t_ptable();
	t_calls();
	t_loops();
	t_iterate(0);
	t_iterate(1);
	t_budgets();
	t_event_and_context();
	t_exit_and_lost();
}
