/*
 * test_verifier.c - verifier tables in the style of the BPF selftests: each row is a main
 * function (instructions, frame size, an optional printf format) and the exact verdict.
 * Unless noret is set, "RETURN 0 1" is appended. Constants: K(0)=1, K(1)="s".
 */
#include <stdlib.h>
#include "ktest.h"

struct vcase {
	const char *name;
	int frame;
	uint32_t ins[4];
	int nins;
	int noret;
	const char *fmt; /* printf format 0, with fmt_argc */
	int fmt_argc;
	const char *expect; /* NULL: accepted */
};

#define M "function 0 'main' instruction "
static const struct vcase cases[] = {
	{ "accepts a valid program", 4, { ABX(OPC(LOADK), 0, 0), ABC(OPC(ADD), 1, 0, K(0)), ABC(OPC(PRINT), 0, 2, 0) }, 3, 0, 0, 0, NULL },
	{ "unknown opcode", 4, { 63 }, 1, 0, 0, 0, "known opcode: " M "0 (?): opcode 63 is not defined" },
	{ "register A outside frame", 4, { ABC(OPC(MOVE), 4, 0, 0) }, 1, 0, 0, 0, "register operand: " M "0 (MOVE): A=4 outside the frame of 4 registers" },
	{ "register B outside frame", 4, { ABC(OPC(MOVE), 0, 200, 0) }, 1, 0, 0, 0, "register operand: " M "0 (MOVE): B=200 outside the frame of 4 registers" },
	{ "constant index", 4, { ABX(OPC(LOADK), 0, 99) }, 1, 0, 0, 0, "constant index: " M "0 (LOADK): K(99) out of range (2 constants)" },
	{ "RK constant index", 4, { ABC(OPC(ADD), 0, 0, K(99)) }, 1, 0, 0, 0, "constant index: " M "0 (ADD): C=K(99) out of range (2 constants)" },
	{ "RK register", 4, { ABC(OPC(SUB), 0, 7, 0) }, 1, 0, 0, 0, "register operand: " M "0 (SUB): B=7 outside the frame of 4 registers" },
	{ "global index", 4, { ABX(OPC(GETGLOBAL), 0, 5) }, 1, 0, 0, 0, "global index: " M "0 (GETGLOBAL): G(5) out of range (1 globals)" },
	{ "function index", 4, { ABX(OPC(LOADFN), 0, 9) }, 1, 0, 0, 0, "function index: " M "0 (LOADFN): F(9) out of range (1 functions)" },
	{ "function value of main", 4, { ABX(OPC(LOADFN), 0, 0) }, 1, 0, 0, 0, "function index: " M "0 (LOADFN): F(0) is the main chunk or a handler" },
	{ "string index", 4, { ABX(OPC(EVFIELD), 0, 999) }, 1, 0, 0, 0, NULL /* computed */ },
	{ "built-in index", 4, { ABX(OPC(LOADBUILTIN), 0, KBI__COUNT) }, 1, 0, 0, 0, NULL /* computed: one past ktap_builtins.def */ },
	{ "jump past the end", 4, { ASBX(OPC(JMP), 0, 5) }, 1, 0, 0, 0, "jump target: " M "0 (JMP): target 6 outside the function's 2 instructions" },
	{ "jump before the start", 4, { ASBX(OPC(JMP), 0, -2) }, 1, 0, 0, 0, "jump target: " M "0 (JMP): target -1 outside the function's 2 instructions" },
	{ "FORLOOP registers", 4, { ASBX(OPC(FORPREP), 1, 0) }, 1, 0, 0, 0, "register operand: " M "0 (FORPREP): A+3=4 outside the frame of 4 registers" },
	{ "EQ flag", 4, { ABC(OPC(EQ), 2, 0, 0) }, 1, 0, 0, 0, "flag operand: " M "0 (EQ): A=2 must be 0 or 1" },
	/* A of a comparison is a flag, not a register: 1 is fine in a one-register frame */
	{ "comparison flag is not a register", 1, { ABC(OPC(LT), 1, K(0), K(1)), ASBX(OPC(JMP), 0, 0) }, 2, 0, 0, 0, NULL },
	{ "skip past the end", 4, { ABC(OPC(LT), 0, 0, 1) }, 1, 1, 0, 0, "jump target: " M "0 (LT): skip past the end of the function" },
	{ "skip over the last RETURN", 4, { ABC(OPC(TEST), 0, 0, 1) }, 1, 0, 0, 0, "jump target: " M "0 (TEST): skip past the end of the function" },
	{ "missing RETURN", 4, { ABC(OPC(MOVE), 0, 1, 0) }, 1, 1, 0, 0, "function end: " M "0 (MOVE): last instruction is not RETURN, TAILCALL or JMP" },
	{ "printf count vs call", 4, { ABC(OPC(PRINTF), 0, 1, 0) }, 1, 0, "%d %d\n", 2, "printf format: " M "0 (PRINTF): call passes 1 values, format P(0) expects 2" },
	{ "printf bad conversion", 4, { ABC(OPC(PRINTF), 0, 1, 0) }, 1, 0, "x%q", 1, "printf format: " M "0 (PRINTF): format P(0) has a bad conversion at byte 2" },
	{ "printf conversions vs values", 4, { ABC(OPC(PRINTF), 0, 1, 0) }, 1, 0, "%d %s %%", 1, "printf format: " M "0 (PRINTF): format P(0) has 2 conversions for 1 values" },
	{ "printf format index", 4, { ABC(OPC(PRINTF), 0, 1, 3) }, 1, 0, "%d", 1, "format index: " M "0 (PRINTF): P(3) out of range (1 formats)" },
	{ "printf accepted", 10, { ABC(OPC(PRINTF), 0, 9, 0) }, 1, 0, "%-5d|%05x|%+i %c %s %p %u %o %X %%\n", 9, NULL },
	{ "open CALL range", 4, { ABC(OPC(CALL), 0, 0, 1) }, 1, 0, 0, 0, "open range: " M "0 (CALL): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "CALL results outside frame", 4, { ABC(OPC(CALL), 2, 1, 4) }, 1, 0, 0, 0, "register operand: " M "0 (CALL): C=R(2)..R(4) outside the frame of 4 registers" },
	{ "VARARG outside vararg function", 4, { ABC(OPC(VARARG), 0, 2, 0) }, 1, 0, 0, 0, "vararg: " M "0 (VARARG): VARARG in a function that is not vararg" },
	{ "event field number", 4, { ABC(OPC(EVARG), 0, 10, 0) }, 1, 0, 0, 0, "event field: " M "0 (EVARG): field B=10 must be 1..9 (C=0 must be 0)" },
	{ "EVINFO selector", 4, { ABC(OPC(EVINFO), 0, 2, 0) }, 1, 0, 0, 0, "event field: " M "0 (EVINFO): B=2 must be 0 or 1 (C=0 must be 0)" },
	{ "LOADNIL of nothing", 4, { ABC(OPC(LOADNIL), 0, 0, 0) }, 1, 0, 0, 0, "register operand: " M "0 (LOADNIL): LOADNIL of 0 registers" },
	{ "CONCAT range", 4, { ABC(OPC(CONCAT), 0, 2, 1) }, 1, 0, 0, 0, "register operand: " M "0 (CONCAT): CONCAT range B=2 > C=1" },
	{ "PRINT range", 4, { ABC(OPC(PRINT), 2, 3, 0) }, 1, 0, 0, 0, "register operand: " M "0 (PRINT): B=R(2)..R(4) outside the frame of 4 registers" },
	{ "LOADBOOL flag", 4, { ABC(OPC(LOADBOOL), 0, 2, 0) }, 1, 0, 0, 0, "flag operand: " M "0 (LOADBOOL): B=2 C=0 must be 0 or 1" },
	{ "TFORCALL results", 4, { ABC(OPC(TFORCALL), 0, 0, 0) }, 1, 0, 0, 0, "register operand: " M "0 (TFORCALL): TFORCALL wants at least 1 result" },
	{ "TESTSET flag", 4, { ABC(OPC(TESTSET), 0, 1, 2) }, 1, 0, 0, 0, "flag operand: " M "0 (TESTSET): C=2 must be 0 or 1" },
	{ "frame size zero", 0, { 0 }, 0, 0, 0, 0, "function layout: function 0: frame size 0 must be 1..250 and >= 0 parameters" },
	{ "frame size too big", 251, { 0 }, 0, 0, 0, 0, "function layout: function 0: frame size 251 must be 1..250 and >= 0 parameters" },
};

void test_verifier(void)
{
	unsigned i;
	int j;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct vcase *c = &cases[i];
		struct kb b;
		uint32_t m;
		size_t len;
		uint8_t *p;
		char msg[KTAP_ERRMSG_MAX], want[KTAP_ERRMSG_MAX];
		int err;
		struct ktap_session *s;
		kb_init(&b, 2);
		m = kb_func(&b, "main", 0, 0, c->frame, 1);
		kb_knum(&b, 1);
		kb_kstr(&b, "s");
		kb_global(&b, "g");
		for (j = 0; j < c->nins; j++)
			kb_op(&b, m, c->ins[j]);
		if (!c->noret)
			kb_op(&b, m, ABC(OPC(RETURN), 0, 1, 0));
		if (c->fmt)
			kb_format(&b, 1, c->fmt_argc, c->fmt);
		p = kb_finish(&b, &len);
		snprintf(want, sizeof(want), "%s", c->expect ? c->expect : "");
		if (!strcmp(c->name, "string index"))
			snprintf(want, sizeof(want), "string index: " M "0 (EVFIELD): S(999) out of range (%u strings)", b.nstr);
		if (!strcmp(c->name, "built-in index"))
			snprintf(want, sizeof(want), "built-in index: " M "0 (LOADBUILTIN): built-in %d is not defined (%d built-ins)",
				 KBI__COUNT, KBI__COUNT);
		s = kt_load(p, len, 2, NULL, &err, msg);
		if (!want[0])
			KT_CHECK(s != NULL, "verifier case '%s': refused: %s", c->name, msg);
		else
			KT_CHECK(!s && err == -KTAP_EINVAL && !strcmp(msg, want), "verifier case '%s':\n  got  '%s'\n  want '%s'",
				 c->name, s ? "(accepted)" : msg, want);
		ktap_session_free(s);
		free(p);
		kb_free(&b);
	}
	/* cross-function rules */
	{
		struct kb b;
		size_t len;
		uint8_t *p;
		char msg[KTAP_ERRMSG_MAX];
		int err;
		struct ktap_session *s;
		uint32_t m;
		kb_init(&b, 2);
		m = kb_func(&b, "main", 0, 0, 1, 1);
		kb_op(&b, m, ABC(OPC(RETURN), 0, 1, 0));
		kb_event(&b, 1, m, "sched:x", "sched:x", 0);
		p = kb_finish(&b, &len);
		s = kt_load(p, len, 2, NULL, &err, msg);
		KT_CHECK(!s && !strcmp(msg, "event handler: event 0 'sched:x': function 0 is not a handler without parameters"),
			 "handler flag: got '%s'", s ? "(accepted)" : msg);
		ktap_session_free(s);
		free(p);
		kb_free(&b);
	}
}
