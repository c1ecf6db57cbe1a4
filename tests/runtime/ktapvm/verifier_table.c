/*
 * verifier_table.c - the verifier's rejection table, in the style of the BPF verifier
 * selftests: each row is a program (up to three functions, written instruction by
 * instruction), its verdict and the exact message. Accepted rows are also run (main, then
 * the handler once, then trace_end) under a small instruction budget, so an accepted row
 * that the interpreter cannot survive fails too (under ASan/UBSan in CI).
 *
 * Every row's bundle has the same pools: constants K(0)=1 K(1)="s" K(2)=0 K(3)=-1 (4
 * constants), globals g and h (2 globals), function 0 "main", 1 "f1", 2 "f2". In an
 * expected message "$NSTR" is the bundle's string count and "$NBI" the number of
 * built-ins; EVFIELD Bx SLAST/SPAST become the last string index and one past it.
 */
#include <stdlib.h>
#include "ktest.h"

#define SLAST 0x3FFFE
#define SPAST 0x3FFFF

struct vfn {
	int frame, params, vararg, flags;
	int n;
	uint32_t code[14];
	int lay; /* FUNCTIONS claims start/count instead of the real layout */
	uint32_t start, count;
	int nup; /* upvalue count (the bundle becomes format 3) */
};

struct vrow {
	const char *name;
	struct vfn f[3];
	const char *fmt;   /* printf format 0 ... */
	int fmt_argc;
	int fmt_print;     /* ... or format 0 is a print format */
	int ev;            /* 1 + the function that handles event 0 'sched:x'; 0: no event */
	const char *expect; /* NULL: accepted */
};

#define CODE(...) .n = (int)(sizeof((uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t)), .code = { __VA_ARGS__ }
/* a function: flags (1 main, 2 handler), frame, code */
#define FN(fl, fr, ...) { .frame = (fr), .flags = (fl), CODE(__VA_ARGS__) }
/* with parameters and the vararg flag */
#define FNP(fl, fr, np, va, ...) { .frame = (fr), .params = (np), .vararg = (va), .flags = (fl), CODE(__VA_ARGS__) }
#define MAIN(fr, ...) .f = { FN(1, fr, __VA_ARGS__) }
/* a function with nu upvalues */
#define FNU(fl, fr, nu, ...) { .frame = (fr), .flags = (fl), .nup = (nu), CODE(__VA_ARGS__) }

#define RET ABC(OPC(RETURN), 0, 1, 0)
#define M0 "function 0 'main' instruction "
#define M1 "function 1 'f1' instruction "
#define REG "register operand: "
#define OPEN "open range: "
#define PAIR "loop pairing: "

static const struct vrow rows[] = {
	/* ---- opcodes ---- */
	{ "first undefined opcode", MAIN(4, 53, RET), .expect = "known opcode: " M0 "0 (?): opcode 53 is not defined" },
	{ "undefined opcode 60", MAIN(4, RET, 60), .expect = "known opcode: " M0 "1 (?): opcode 60 is not defined" },

	/* ---- format A ---- */
	{ "NEWTABLE A = frame", MAIN(4, ABC(OPC(NEWTABLE), 4, 0, 0), RET), .expect = REG M0 "0 (NEWTABLE): A=4 outside the frame of 4 registers" },
	{ "NEWTABLE A = frame-1", MAIN(4, ABC(OPC(NEWTABLE), 3, 0, 0), RET) },
	{ "NEWPTABLE A = 255", MAIN(4, ABC(OPC(NEWPTABLE), 255, 0, 0), RET), .expect = REG M0 "0 (NEWPTABLE): A=255 outside the frame of 4 registers" },

	/* ---- format AB ---- */
	{ "UNM B = frame", MAIN(4, ABC(OPC(UNM), 0, 4, 0), RET), .expect = REG M0 "0 (UNM): B=4 outside the frame of 4 registers" },
	{ "NOT A = frame", MAIN(4, ABC(OPC(NOT), 4, 0, 0), RET), .expect = REG M0 "0 (NOT): A=4 outside the frame of 4 registers" },
	{ "LEN B = 511 (a constant bit is no constant here)", MAIN(4, ABC(OPC(LEN), 0, 511, 0), RET), .expect = REG M0 "0 (LEN): B=511 outside the frame of 4 registers" },
	{ "MOVE of the last register", MAIN(4, ABC(OPC(MOVE), 3, 3, 0), RET) },
	{ "MOVE in a 250-register frame", MAIN(250, ABC(OPC(MOVE), 249, 0, 0), RET) },

	/* ---- format ABC ---- */
	{ "CONCAT C = frame", MAIN(4, ABC(OPC(CONCAT), 0, 1, 4), RET), .expect = REG M0 "0 (CONCAT): C=4 outside the frame of 4 registers" },
	{ "CONCAT of one register", MAIN(4, ABX(OPC(LOADK), 1, 1), ABC(OPC(CONCAT), 0, 1, 1), RET) },
	{ "TESTSET B = frame", MAIN(4, ABC(OPC(TESTSET), 0, 4, 0), ASBX(OPC(JMP), 0, 0), RET), .expect = REG M0 "0 (TESTSET): B=4 outside the frame of 4 registers" },
	{ "TESTSET skips past the end", MAIN(4, ABC(OPC(TESTSET), 0, 1, 0), RET), .expect = "jump target: " M0 "0 (TESTSET): skip past the end of the function" },
	{ "TESTSET skipping onto the last RETURN", MAIN(4, ABC(OPC(TESTSET), 0, 1, 1), ASBX(OPC(JMP), 0, 0), RET) },
	/* fuzz F4: C is a flag, so C=1 in a one-register frame is no register operand */
	{ "TESTSET flag 1 in a one-register frame", MAIN(1, ABC(OPC(TESTSET), 0, 0, 1), ASBX(OPC(JMP), 0, 0), RET) },

	/* ---- format ABRC ---- */
	{ "GETTABLE C = K(n)", MAIN(4, ABC(OPC(GETTABLE), 0, 1, K(4)), RET), .expect = "constant index: " M0 "0 (GETTABLE): C=K(4) out of range (4 constants)" },
	{ "GETTABLE C = K(n-1)", MAIN(4, ABC(OPC(NEWTABLE), 1, 0, 0), ABC(OPC(GETTABLE), 0, 1, K(3)), RET) },
	{ "GETTABLE B = 256 is a register", MAIN(4, ABC(OPC(GETTABLE), 0, 256, 0), RET), .expect = REG M0 "0 (GETTABLE): B=256 outside the frame of 4 registers" },
	{ "SELF A+1 = frame", MAIN(4, ABC(OPC(SELF), 3, 0, K(1)), RET), .expect = REG M0 "0 (SELF): A+1=4 outside the frame of 4 registers" },
	{ "SELF A+1 = frame-1", MAIN(4, ABC(OPC(NEWTABLE), 0, 0, 0), ABC(OPC(SELF), 2, 0, K(1)), RET) },

	/* ---- format ARBRC ---- */
	{ "SETTABLE B = K(n)", MAIN(4, ABC(OPC(SETTABLE), 0, K(4), K(0)), RET), .expect = "constant index: " M0 "0 (SETTABLE): B=K(4) out of range (4 constants)" },
	{ "INCRTABLE C = frame+1", MAIN(4, ABC(OPC(INCRTABLE), 0, K(0), 5), RET), .expect = REG M0 "0 (INCRTABLE): C=5 outside the frame of 4 registers" },
	{ "AGGREGATE A = frame", MAIN(4, ABC(OPC(AGGREGATE), 4, K(0), K(0)), RET), .expect = REG M0 "0 (AGGREGATE): A=4 outside the frame of 4 registers" },
	{ "POW B = K(255)", MAIN(4, ABC(OPC(POW), 0, K(255), K(0)), RET), .expect = "constant index: " M0 "0 (POW): B=K(255) out of range (4 constants)" },
	{ "DIV C = K(n)", MAIN(4, ABC(OPC(DIV), 0, K(0), K(4)), RET), .expect = "constant index: " M0 "0 (DIV): C=K(4) out of range (4 constants)" },
	{ "MOD of two constants", MAIN(4, ABC(OPC(MOD), 0, K(3), K(0)), RET) },
	{ "ADD A = 255", MAIN(4, ABC(OPC(ADD), 255, K(0), K(0)), RET), .expect = REG M0 "0 (ADD): A=255 outside the frame of 4 registers" },

	/* ---- format FRKRK ---- */
	{ "LE flag 3", MAIN(4, ABC(OPC(LE), 3, K(0), K(0)), ASBX(OPC(JMP), 0, 0), RET), .expect = "flag operand: " M0 "0 (LE): A=3 must be 0 or 1" },
	{ "EQ B = K(n)", MAIN(4, ABC(OPC(EQ), 0, K(4), K(0)), ASBX(OPC(JMP), 0, 0), RET), .expect = "constant index: " M0 "0 (EQ): B=K(4) out of range (4 constants)" },
	{ "LT C = frame", MAIN(4, ABC(OPC(LT), 0, K(0), 4), ASBX(OPC(JMP), 0, 0), RET), .expect = REG M0 "0 (LT): C=4 outside the frame of 4 registers" },
	{ "EQ then JMP", MAIN(4, ABC(OPC(EQ), 1, K(0), K(1)), ASBX(OPC(JMP), 0, 0), RET) },
	{ "LE skips past the end", MAIN(4, ABC(OPC(LE), 0, K(0), K(0)), RET), .expect = "jump target: " M0 "0 (LE): skip past the end of the function" },
	{ "EQ skip over a non-JMP is allowed", MAIN(4, ABC(OPC(EQ), 0, K(0), K(0)), ABC(OPC(MOVE), 0, 1, 0), RET) },

	/* ---- format ABxK ---- */
	{ "LOADK K(n-1)", MAIN(4, ABX(OPC(LOADK), 0, 3), RET) },
	{ "LOADK K(n)", MAIN(4, ABX(OPC(LOADK), 0, 4), RET), .expect = "constant index: " M0 "0 (LOADK): K(4) out of range (4 constants)" },
	{ "LOADK A = frame", MAIN(4, ABX(OPC(LOADK), 4, 0), RET), .expect = REG M0 "0 (LOADK): A=4 outside the frame of 4 registers" },
	{ "LOADK Bx = max", MAIN(4, ABX(OPC(LOADK), 0, 0x3FFFF), RET), .expect = "constant index: " M0 "0 (LOADK): K(262143) out of range (4 constants)" },

	/* ---- format ABxG ---- */
	{ "GETGLOBAL G(n-1)", MAIN(4, ABX(OPC(GETGLOBAL), 0, 1), RET) },
	{ "SETGLOBAL G(n)", MAIN(4, ABX(OPC(SETGLOBAL), 0, 2), RET), .expect = "global index: " M0 "0 (SETGLOBAL): G(2) out of range (2 globals)" },
	{ "ADDGLOBAL Bx = max", MAIN(4, ABX(OPC(ADDGLOBAL), 0, 0x3FFFF), RET), .expect = "global index: " M0 "0 (ADDGLOBAL): G(262143) out of range (2 globals)" },
	{ "GETGLOBAL A = frame", MAIN(4, ABX(OPC(GETGLOBAL), 4, 0), RET), .expect = REG M0 "0 (GETGLOBAL): A=4 outside the frame of 4 registers" },

	/* ---- format ABxF ---- */
	{ "LOADFN F(n) with one function", MAIN(4, ABX(OPC(LOADFN), 0, 1), RET), .expect = "function index: " M0 "0 (LOADFN): F(1) out of range (1 functions)" },
	{ "LOADFN F(n-1) and a call of it", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABC(OPC(CALL), 0, 1, 2), RET), FN(0, 1, ABC(OPC(RETURN), 0, 2, 0)) } },
	{ "LOADFN of a handler", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), RET), FN(2, 1, RET) }, .expect = "function index: " M0 "0 (LOADFN): F(1) is the main chunk or a handler" },
	{ "LOADFN A = frame", .f = { FN(1, 4, ABX(OPC(LOADFN), 4, 1), RET), FN(0, 1, RET) }, .expect = REG M0 "0 (LOADFN): A=4 outside the frame of 4 registers" },
	{ "LOADFN F(n) with two functions", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 2), RET), FN(0, 1, RET) }, .expect = "function index: " M0 "0 (LOADFN): F(2) out of range (2 functions)" },

	/* ---- closures: BOX (A), GETCELL/SETCELL (AB), CLOSURE (ABxC), GETUPVAL/SETUPVAL/UPCELL (ABU) ---- */
	{ "BOX A = frame", MAIN(4, ABC(OPC(BOX), 4, 0, 0), RET), .expect = REG M0 "0 (BOX): A=4 outside the frame of 4 registers" },
	{ "GETCELL B = frame", MAIN(4, ABC(OPC(BOX), 0, 0, 0), ABC(OPC(GETCELL), 1, 4, 0), RET), .expect = REG M0 "1 (GETCELL): B=4 outside the frame of 4 registers" },
	{ "SETCELL A = frame", MAIN(4, ABC(OPC(SETCELL), 4, 0, 0), RET), .expect = REG M0 "0 (SETCELL): A=4 outside the frame of 4 registers" },
	{ "BOX, SETCELL, GETCELL in main", MAIN(4, ABC(OPC(BOX), 0, 0, 0), ABX(OPC(LOADK), 1, 0), ABC(OPC(SETCELL), 0, 1, 0), ABC(OPC(GETCELL), 2, 0, 0), RET) },
	{ "CLOSURE F(n)", MAIN(4, ABX(OPC(CLOSURE), 0, 1), RET), .expect = "function index: " M0 "0 (CLOSURE): F(1) out of range (1 functions)" },
	{ "CLOSURE of main", MAIN(4, ABX(OPC(CLOSURE), 0, 0), RET), .expect = "function index: " M0 "0 (CLOSURE): F(0) is the main chunk or a handler" },
	{ "CLOSURE of a function without upvalues", .f = { FN(1, 4, ABX(OPC(CLOSURE), 0, 1), RET), FN(0, 1, RET) },
	  .expect = "function index: " M0 "0 (CLOSURE): F(1) has no upvalues: it is loaded with LOADFN" },
	{ "LOADFN of a function with upvalues", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), RET), FNU(0, 1, 1, RET) },
	  .expect = "function index: " M0 "0 (LOADFN): F(1) has 1 upvalues: it needs CLOSURE" },
	{ "CLOSURE cells past the frame", .f = { FN(1, 4, ABX(OPC(CLOSURE), 1, 1), RET), FNU(0, 1, 3, RET) },
	  .expect = REG M0 "0 (CLOSURE): upvalue cells=R(2)..R(4) outside the frame of 4 registers" },
	{ "CLOSURE A = frame", .f = { FN(1, 4, ABX(OPC(CLOSURE), 4, 1), RET), FNU(0, 1, 1, RET) },
	  .expect = REG M0 "0 (CLOSURE): A=4 outside the frame of 4 registers" },
	{ "CLOSURE cells up to the last register, called", .f = { FN(1, 4, ABC(OPC(BOX), 1, 0, 0), ABC(OPC(BOX), 2, 0, 0), ABC(OPC(BOX), 3, 0, 0),
	  ABX(OPC(CLOSURE), 0, 1), ABC(OPC(CALL), 0, 1, 1), RET), FNU(0, 2, 3, ABC(OPC(GETUPVAL), 0, 2, 0), ABC(OPC(SETUPVAL), 0, 0, 0), ABC(OPC(UPCELL), 1, 1, 0), RET) } },
	{ "GETUPVAL in a function without upvalues", MAIN(4, ABC(OPC(GETUPVAL), 0, 0, 0), RET), .expect = "upvalue index: " M0 "0 (GETUPVAL): B=0 but the function has 0 upvalues" },
	{ "SETUPVAL B = nup", .f = { FN(1, 4, RET), FNU(0, 2, 2, ABC(OPC(SETUPVAL), 0, 2, 0), RET) }, .expect = "upvalue index: " M1 "0 (SETUPVAL): B=2 but the function has 2 upvalues" },
	{ "UPCELL B = 511", .f = { FN(1, 4, RET), FNU(0, 2, 2, ABC(OPC(UPCELL), 0, 511, 0), RET) }, .expect = "upvalue index: " M1 "0 (UPCELL): B=511 but the function has 2 upvalues" },
	{ "GETUPVAL C != 0", .f = { FN(1, 4, RET), FNU(0, 2, 1, ABC(OPC(GETUPVAL), 0, 0, 1), RET) }, .expect = "upvalue index: " M1 "0 (GETUPVAL): C=1 must be 0" },
	{ "GETUPVAL A = frame", .f = { FN(1, 4, RET), FNU(0, 2, 1, ABC(OPC(GETUPVAL), 2, 0, 0), RET) }, .expect = REG M1 "0 (GETUPVAL): A=2 outside the frame of 2 registers" },
	{ "a handler with upvalues", .f = { FN(1, 4, RET), FNU(2, 2, 1, RET) }, .ev = 2, .expect = "function layout: function 1: the main chunk or a handler has 1 upvalues" },

	/* ---- format ABxS ---- */
	{ "EVFIELD S(n-1)", .f = { FN(1, 4, RET), FN(2, 4, ABX(OPC(EVFIELD), 0, SLAST), RET) }, .ev = 2 },
	{ "EVFIELD S(n)", MAIN(4, ABX(OPC(EVFIELD), 0, SPAST), RET), .expect = "string index: " M0 "0 (EVFIELD): S($NSTR) out of range ($NSTR strings)" },
	{ "EVFIELD A = frame", MAIN(4, ABX(OPC(EVFIELD), 4, 0), RET), .expect = REG M0 "0 (EVFIELD): A=4 outside the frame of 4 registers" },

	/* ---- format ABxN ---- */
	{ "LOADBUILTIN the last built-in", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI__COUNT - 1), RET) },
	{ "LOADBUILTIN one past the last", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI__COUNT), RET), .expect = "built-in index: " M0 "0 (LOADBUILTIN): built-in $NBI is not defined ($NBI built-ins)" },
	{ "LOADBUILTIN Bx = max", MAIN(4, ABX(OPC(LOADBUILTIN), 0, 0x3FFFF), RET), .expect = "built-in index: " M0 "0 (LOADBUILTIN): built-in 262143 is not defined ($NBI built-ins)" },
	{ "call of a built-in with a wrong count is a run-time matter", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_LEN), ABC(OPC(CALL), 0, 1, 2), RET) },

	/* ---- format AsBx: jumps ---- */
	{ "JMP to one past the end", MAIN(4, ASBX(OPC(JMP), 0, 1), RET), .expect = "jump target: " M0 "0 (JMP): target 2 outside the function's 2 instructions" },
	{ "JMP to the next instruction", MAIN(4, ASBX(OPC(JMP), 0, 0), RET) },
	{ "JMP to itself (the budget stops it)", MAIN(4, ASBX(OPC(JMP), 0, -1), RET) },
	{ "JMP to -1", MAIN(4, RET, ASBX(OPC(JMP), 0, -3)), .expect = "jump target: " M0 "1 (JMP): target -1 outside the function's 2 instructions" },
	{ "JMP sBx = max", MAIN(4, ABX(OPC(JMP), 0, 0x3FFFF), RET), .expect = "jump target: " M0 "0 (JMP): target 131073 outside the function's 2 instructions" },
	{ "JMP sBx = min", MAIN(4, ABX(OPC(JMP), 0, 0), RET), .expect = "jump target: " M0 "0 (JMP): target -131070 outside the function's 2 instructions" },
	{ "JMP into the next function", .f = { FN(1, 4, ASBX(OPC(JMP), 0, 1), RET), FN(0, 1, RET) }, .expect = "jump target: " M0 "0 (JMP): target 2 outside the function's 2 instructions" },
	{ "FORPREP target out of range", MAIN(4, ASBX(OPC(FORPREP), 0, 5), RET), .expect = "jump target: " M0 "0 (FORPREP): target 6 outside the function's 2 instructions" },
	{ "TFORLOOP A+1 = frame", MAIN(4, ASBX(OPC(TFORLOOP), 3, -1), RET), .expect = REG M0 "0 (TFORLOOP): A+1=4 outside the frame of 4 registers" },
	{ "FORLOOP A+3 = frame", MAIN(4, ASBX(OPC(FORLOOP), 1, -1), RET), .expect = REG M0 "0 (FORLOOP): A+3=4 outside the frame of 4 registers" },

	/* ---- format ABn ---- */
	{ "LOADNIL of the whole frame", MAIN(4, ABC(OPC(LOADNIL), 0, 4, 0), RET) },
	{ "LOADNIL one past the frame", MAIN(4, ABC(OPC(LOADNIL), 2, 3, 0), RET), .expect = REG M0 "0 (LOADNIL): B=R(2)..R(4) outside the frame of 4 registers" },
	{ "LOADNIL B = 511", MAIN(4, ABC(OPC(LOADNIL), 0, 511, 0), RET), .expect = REG M0 "0 (LOADNIL): B=R(0)..R(510) outside the frame of 4 registers" },
	{ "PRINT of nothing at the last register", MAIN(4, ABC(OPC(PRINT), 3, 0, 0), RET) },
	{ "PRINT one past the frame", MAIN(4, ABC(OPC(PRINT), 0, 5, 0), RET), .expect = REG M0 "0 (PRINT): B=R(0)..R(4) outside the frame of 4 registers" },
	{ "PRINT A = frame", MAIN(4, ABC(OPC(PRINT), 4, 0, 0), RET), .expect = REG M0 "0 (PRINT): A=4 outside the frame of 4 registers" },

	/* ---- format ABnCP: printf formats ---- */
	{ "printf P(n)", MAIN(4, ABC(OPC(PRINTF), 0, 1, 1), RET), .fmt = "%d", .fmt_argc = 1, .expect = "format index: " M0 "0 (PRINTF): P(1) out of range (1 formats)" },
	{ "printf P(n-1)", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "%d\n", .fmt_argc = 1 },
	{ "printf with a print format", MAIN(4, ABC(OPC(PRINTF), 0, 0, 0), RET), .fmt_print = 1, .expect = "printf format: " M0 "0 (PRINTF): P(0) is not a printf format" },
	{ "printf with no formats at all", MAIN(4, ABC(OPC(PRINTF), 0, 0, 0), RET), .expect = "format index: " M0 "0 (PRINTF): P(0) out of range (0 formats)" },
	{ "printf '%' alone", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "%", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has a bad conversion at byte 1" },
	{ "printf '%5' without a conversion", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "%5", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has a bad conversion at byte 2" },
	{ "printf '%l' without a conversion", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "%l", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has a bad conversion at byte 2" },
	{ "printf 'abc%' at the end", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "abc%", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has a bad conversion at byte 4" },
	{ "printf '%%' takes no value", MAIN(4, ABC(OPC(PRINTF), 0, 0, 0), RET), .fmt = "%%", .fmt_argc = 0 },
	{ "printf '%%' given a value", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "%%", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has 0 conversions for 1 values" },
	{ "printf '%*d' (a star would take a value)", MAIN(4, ABC(OPC(PRINTF), 0, 2, 0), RET), .fmt = "%*d", .fmt_argc = 2, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has a bad conversion at byte 1" },
	{ "printf '%n'", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "%n", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has a bad conversion at byte 1" },
	{ "printf '%f'", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "x=%f", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): format P(0) has a bad conversion at byte 3" },
	{ "printf length modifiers, flags, width, precision", MAIN(4, ABC(OPC(PRINTF), 0, 3, 0), RET), .fmt = "%lld %hhx %-08.3s", .fmt_argc = 3 },
	{ "printf '100%% %d'", MAIN(4, ABC(OPC(PRINTF), 0, 1, 0), RET), .fmt = "100%% %d", .fmt_argc = 1 },
	{ "printf format argc differs from B", MAIN(4, ABC(OPC(PRINTF), 0, 2, 0), RET), .fmt = "%d", .fmt_argc = 1, .expect = "printf format: " M0 "0 (PRINTF): call passes 2 values, format P(0) expects 1" },
	{ "printf values past the frame", MAIN(4, ABC(OPC(PRINTF), 2, 3, 0), RET), .fmt = "%d%d%d", .fmt_argc = 3, .expect = REG M0 "0 (PRINTF): B=R(2)..R(4) outside the frame of 4 registers" },

	/* ---- format AnBnC ---- */
	{ "LOADBOOL C = 2", MAIN(4, ABC(OPC(LOADBOOL), 0, 1, 2), RET), .expect = "flag operand: " M0 "0 (LOADBOOL): B=1 C=2 must be 0 or 1" },
	{ "LOADBOOL C=1 skips past the end", MAIN(4, ABC(OPC(LOADBOOL), 0, 1, 1), RET), .expect = "jump target: " M0 "0 (LOADBOOL): skip past the end of the function" },
	{ "LOADBOOL C=1 skips onto the RETURN", MAIN(4, ABC(OPC(LOADBOOL), 0, 1, 1), ABC(OPC(LOADBOOL), 0, 0, 0), RET) },
	{ "TEST B = 1", MAIN(4, ABC(OPC(TEST), 0, 1, 0), ASBX(OPC(JMP), 0, 0), RET), .expect = "flag operand: " M0 "0 (TEST): C=0 must be 0 or 1, B=1 must be 0" },
	{ "TEST A = frame", MAIN(4, ABC(OPC(TEST), 4, 0, 0), ASBX(OPC(JMP), 0, 0), RET), .expect = REG M0 "0 (TEST): A=4 outside the frame of 4 registers" },
	{ "CALL A = frame", MAIN(4, ABC(OPC(CALL), 4, 1, 1), RET), .expect = REG M0 "0 (CALL): A=4 outside the frame of 4 registers" },
	{ "CALL arguments past the frame", MAIN(4, ABC(OPC(CALL), 2, 3, 1), RET), .expect = REG M0 "0 (CALL): B=R(2)..R(4) outside the frame of 4 registers" },
	{ "CALL arguments up to the frame end", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PRINT), ABC(OPC(CALL), 0, 4, 1), RET) },
	{ "CALL one result in the last register", MAIN(4, ABX(OPC(LOADBUILTIN), 3, KBI_PID), ABC(OPC(CALL), 3, 1, 2), RET) },
	{ "RETURN values past the frame", MAIN(4, ABC(OPC(RETURN), 3, 3, 0)), .expect = REG M0 "0 (RETURN): B=R(3)..R(4) outside the frame of 4 registers" },
	{ "RETURN the last register", MAIN(4, ABC(OPC(RETURN), 3, 2, 0)) },
	{ "TFORCALL results past the frame", MAIN(4, ABC(OPC(TFORCALL), 0, 0, 2), ASBX(OPC(TFORLOOP), 2, -2), RET), .expect = REG M0 "0 (TFORCALL): C=R(0)..R(4) outside the frame of 4 registers" },
	{ "VARARG in a function that is not vararg", .f = { FN(1, 4, RET), FNP(0, 4, 0, 0, ABC(OPC(VARARG), 0, 0, 0), ABC(OPC(RETURN), 0, 0, 0)) }, .expect = "vararg: " M1 "0 (VARARG): VARARG in a function that is not vararg" },
	{ "VARARG of two in a vararg function", .f = { FN(1, 4, RET), FNP(0, 4, 0, 1, ABC(OPC(VARARG), 0, 3, 0), RET) } },
	{ "VARARG past the frame", .f = { FN(1, 4, RET), FNP(0, 4, 0, 1, ABC(OPC(VARARG), 3, 3, 0), RET) }, .expect = REG M1 "0 (VARARG): B=R(3)..R(4) outside the frame of 4 registers" },
	{ "EVARG field 0", MAIN(4, ABC(OPC(EVARG), 0, 0, 0), RET), .expect = "event field: " M0 "0 (EVARG): field B=0 must be 1..9 (C=0 must be 0)" },
	{ "EVARG field 9", MAIN(4, ABC(OPC(EVARG), 0, 9, 0), RET) },
	{ "EVARG C = 1", MAIN(4, ABC(OPC(EVARG), 0, 1, 1), RET), .expect = "event field: " M0 "0 (EVARG): field B=1 must be 1..9 (C=1 must be 0)" },
	{ "EVINFO C = 1", MAIN(4, ABC(OPC(EVINFO), 0, 0, 1), RET), .expect = "event field: " M0 "0 (EVINFO): B=0 must be 0 or 1 (C=1 must be 0)" },
	{ "EVINFO name", MAIN(4, ABC(OPC(EVINFO), 0, 1, 0), RET) },

	/* ---- SETLIST: a table constructor's last field, R(A)[C+i] := R(A+i) ---- */
	{ "SETLIST B=3 up to the last register", MAIN(4, ABC(OPC(NEWTABLE), 0, 0, 0), ABC(OPC(SETLIST), 0, 3, 0), RET) },
	{ "SETLIST B=3 one past the frame", MAIN(4, ABC(OPC(NEWTABLE), 1, 0, 0), ABC(OPC(SETLIST), 1, 3, 5), RET), .expect = REG M0 "1 (SETLIST): B=R(1)..R(4) outside the frame of 4 registers" },
	{ "SETLIST A = frame", MAIN(4, ABC(OPC(SETLIST), 4, 1, 0), RET), .expect = REG M0 "0 (SETLIST): A=4 outside the frame of 4 registers" },
	{ "SETLIST on a non-table is a runtime error, not a verdict", MAIN(4, ABC(OPC(SETLIST), 0, 1, 511), RET) },

	/* ---- open ranges: B=0 consumers and their producers ---- */
	{ "{f()}: SETLIST B=0 after CALL C=0 one above", MAIN(4, ABC(OPC(NEWTABLE), 0, 0, 0), ABX(OPC(LOADBUILTIN), 1, KBI_PID), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(SETLIST), 0, 0, 2), RET) },
	{ "{...}: SETLIST B=0 after VARARG B=0 one above", .f = { FN(1, 4, RET), FNP(0, 4, 0, 1, ABC(OPC(NEWTABLE), 0, 0, 0), ABC(OPC(VARARG), 1, 0, 0), ABC(OPC(SETLIST), 0, 0, 0), RET) } },
	{ "SETLIST B=0 after a producer at its own A", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PID), ABC(OPC(CALL), 0, 1, 0), ABC(OPC(SETLIST), 0, 0, 0), RET), .expect = OPEN M0 "2 (SETLIST): B=0 takes values up to top from R(1), but the CALL before it puts them from R(0)" },
	{ "SETLIST B=0 with no producer", MAIN(4, ABC(OPC(NEWTABLE), 0, 0, 0), ABC(OPC(SETLIST), 0, 0, 0), RET), .expect = OPEN M0 "1 (SETLIST): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "SETLIST B=0 also entered by a TEST skip", MAIN(4, ABC(OPC(TEST), 0, 0, 0), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(SETLIST), 0, 0, 0), RET), .expect = OPEN M0 "2 (SETLIST): B=0 is also reached from instruction 0, a jump or skip that does not set top" },
	{ "SETLIST B=0 after a fixed-count CALL", MAIN(4, ABC(OPC(NEWTABLE), 0, 0, 0), ABX(OPC(LOADBUILTIN), 1, KBI_PID), ABC(OPC(CALL), 1, 1, 2), ABC(OPC(SETLIST), 0, 0, 0), RET), .expect = OPEN M0 "3 (SETLIST): B=0 needs a preceding multi-result CALL or VARARG" },

	/* ---- TAILCALL: return R(A)(R(A+1)..R(A+B-1)) in place of the frame; CALL's operands, C=0 ---- */
	{ "TAILCALL A = frame", MAIN(4, ABC(OPC(TAILCALL), 4, 1, 0)), .expect = REG M0 "0 (TAILCALL): A=4 outside the frame of 4 registers" },
	{ "TAILCALL A = 255", MAIN(4, ABC(OPC(TAILCALL), 255, 1, 0)), .expect = REG M0 "0 (TAILCALL): A=255 outside the frame of 4 registers" },
	{ "TAILCALL arguments past the frame", MAIN(4, ABC(OPC(TAILCALL), 2, 3, 0)), .expect = REG M0 "0 (TAILCALL): B=R(2)..R(4) outside the frame of 4 registers" },
	{ "TAILCALL B = 511 arguments", MAIN(4, ABC(OPC(TAILCALL), 0, 511, 0)), .expect = REG M0 "0 (TAILCALL): B=R(0)..R(510) outside the frame of 4 registers" },
	{ "TAILCALL C = 1 (a result count)", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABC(OPC(TAILCALL), 0, 1, 1)), FN(0, 1, RET) }, .expect = "flag operand: " M0 "1 (TAILCALL): TAILCALL C=1 must be 0 (the caller takes all results)" },
	{ "TAILCALL arguments up to the frame end", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABX(OPC(LOADK), 1, 0), ABX(OPC(LOADK), 2, 1), ABX(OPC(LOADK), 3, 2), ABC(OPC(TAILCALL), 0, 4, 0)), FNP(0, 3, 3, 0, ABC(OPC(RETURN), 0, 4, 0)) } },
	{ "TAILCALL is a function end", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABC(OPC(TAILCALL), 0, 1, 0)), FN(0, 1, RET) } },
	{ "TAILCALL does not fall through into B=0", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PID), ABC(OPC(TAILCALL), 0, 1, 0), ABC(OPC(RETURN), 0, 0, 0)), .expect = OPEN M0 "2 (RETURN): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "TAILCALL B=0 without a producer", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PID), ABC(OPC(TAILCALL), 0, 0, 0)), .expect = OPEN M0 "1 (TAILCALL): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "TAILCALL B=0 first in the function", MAIN(4, ABC(OPC(TAILCALL), 0, 0, 0)), .expect = OPEN M0 "0 (TAILCALL): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "TAILCALL B=0 after a producer at its own A", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PID), ABC(OPC(CALL), 0, 1, 0), ABC(OPC(TAILCALL), 0, 0, 0)), .expect = OPEN M0 "2 (TAILCALL): B=0 takes values up to top from R(1), but the CALL before it puts them from R(0)" },
	{ "TAILCALL B=0 after a fixed-count CALL", MAIN(4, ABX(OPC(LOADBUILTIN), 1, KBI_PID), ABC(OPC(CALL), 1, 1, 2), ABC(OPC(TAILCALL), 0, 0, 0)), .expect = OPEN M0 "2 (TAILCALL): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "TAILCALL B=0 also reached by a JMP", MAIN(4, ABC(OPC(TEST), 0, 0, 0), ASBX(OPC(JMP), 0, 1), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(TAILCALL), 0, 0, 0)), .expect = OPEN M0 "3 (TAILCALL): B=0 is also reached from instruction 1, a jump or skip that does not set top" },
	{ "TAILCALL B=0 also reached by a TEST skip", MAIN(4, ABC(OPC(TEST), 0, 0, 0), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(TAILCALL), 0, 0, 0)), .expect = OPEN M0 "2 (TAILCALL): B=0 is also reached from instruction 0, a jump or skip that does not set top" },
	{ "return f(g()): TAILCALL B=0 after CALL C=0 one above", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABX(OPC(LOADBUILTIN), 1, KBI_PID), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(TAILCALL), 0, 0, 0)), FNP(0, 2, 1, 0, ABC(OPC(RETURN), 0, 2, 0)) } },
	{ "return f(...): TAILCALL B=0 after VARARG B=0", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABX(OPC(LOADK), 1, 0), ABC(OPC(CALL), 0, 2, 1), RET), FNP(0, 4, 0, 1, ABX(OPC(LOADBUILTIN), 1, KBI_PRINT), ABC(OPC(VARARG), 2, 0, 0), ABC(OPC(TAILCALL), 1, 0, 0)) } },
	{ "TAILCALL of a number is a runtime error, not a verdict", MAIN(4, ABX(OPC(LOADK), 0, 0), ABC(OPC(TAILCALL), 0, 1, 0)) },
	{ "TAILCALL of a built-in", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PID), ABC(OPC(TAILCALL), 0, 1, 0)) },
	{ "endless tail recursion ends at the instruction budget", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABC(OPC(CALL), 0, 1, 1), RET), FN(0, 2, ABX(OPC(LOADFN), 0, 1), ABC(OPC(TAILCALL), 0, 1, 0)) } },
	{ "a handler's tail call", .f = { FN(1, 4, RET), FN(2, 4, ABX(OPC(LOADFN), 0, 2), ABC(OPC(EVARG), 1, 1, 0), ABC(OPC(TAILCALL), 0, 2, 0)), FNP(0, 2, 1, 0, ABC(OPC(PRINT), 0, 1, 0), RET) }, .ev = 2 },

	/* ---- open ranges: B=0 consumers and their producers ---- */
	{ "f(g()): producer one above the consumer", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PRINT), ABX(OPC(LOADBUILTIN), 1, KBI_PID), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(CALL), 0, 0, 1), RET) },
	{ "CALL B=0 after a producer at its own A", MAIN(4, ABC(OPC(CALL), 1, 1, 0), ABC(OPC(CALL), 1, 0, 1), RET), .expect = OPEN M0 "1 (CALL): B=0 takes values up to top from R(2), but the CALL before it puts them from R(1)" },
	{ "CALL B=0 after a producer below it", MAIN(4, ABC(OPC(CALL), 0, 1, 0), ABC(OPC(CALL), 1, 0, 1), RET), .expect = OPEN M0 "1 (CALL): B=0 takes values up to top from R(2), but the CALL before it puts them from R(0)" },
	{ "return f(): producer at the consumer's A", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PID), ABC(OPC(CALL), 0, 1, 0), ABC(OPC(RETURN), 0, 0, 0)) },
	{ "RETURN B=0 above its producer", MAIN(4, ABC(OPC(CALL), 0, 1, 0), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "1 (RETURN): B=0 takes values up to top from R(1), but the CALL before it puts them from R(0)" },
	{ "return x, f(): producer above the consumer", MAIN(4, ABX(OPC(LOADK), 0, 0), ABX(OPC(LOADBUILTIN), 1, KBI_PID), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(RETURN), 0, 0, 0)) },
	{ "VARARG A=5 B=0; RETURN A=10 B=0 (the issue's underflow)", .f = { FN(1, 4, RET), FNP(0, 11, 0, 1, ABC(OPC(VARARG), 5, 0, 0), ABC(OPC(RETURN), 10, 0, 0)) }, .expect = OPEN M1 "1 (RETURN): B=0 takes values up to top from R(10), but the VARARG before it puts them from R(5)" },
	{ "return ...", .f = { FN(1, 4, ABX(OPC(LOADFN), 0, 1), ABX(OPC(LOADK), 1, 0), ABC(OPC(CALL), 0, 2, 1), RET), FNP(0, 2, 0, 1, ABC(OPC(VARARG), 1, 0, 0), ABC(OPC(RETURN), 1, 0, 0)) } },
	{ "f(...)", .f = { FN(1, 4, RET), FNP(0, 4, 0, 1, ABX(OPC(LOADBUILTIN), 1, KBI_PRINT), ABC(OPC(VARARG), 2, 0, 0), ABC(OPC(CALL), 1, 0, 1), RET) } },
	{ "VARARG B=0 below CALL B=0", .f = { FN(1, 4, RET), FNP(0, 4, 0, 1, ABC(OPC(VARARG), 1, 0, 0), ABC(OPC(CALL), 1, 0, 1), RET) }, .expect = OPEN M1 "1 (CALL): B=0 takes values up to top from R(2), but the VARARG before it puts them from R(1)" },
	{ "consumer also entered by a JMP", MAIN(4, ABC(OPC(LOADBOOL), 0, 0, 0), ABC(OPC(TEST), 0, 0, 0), ASBX(OPC(JMP), 0, 1), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "4 (RETURN): B=0 is also reached from instruction 2, a jump or skip that does not set top" },
	{ "consumer also entered by a TEST skip", MAIN(4, ABC(OPC(TEST), 0, 0, 0), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "2 (RETURN): B=0 is also reached from instruction 0, a jump or skip that does not set top" },
	{ "consumer only entered by a LOADBOOL skip", MAIN(4, ABC(OPC(LOADBOOL), 0, 1, 1), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "2 (RETURN): B=0 is also reached from instruction 0, a jump or skip that does not set top" },
	{ "consumer also entered by an EQ skip", MAIN(4, ABC(OPC(EQ), 0, K(0), K(0)), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(CALL), 0, 0, 1), RET), .expect = OPEN M0 "2 (CALL): B=0 is also reached from instruction 0, a jump or skip that does not set top" },
	{ "consumer also entered by a TESTSET skip", MAIN(4, ABC(OPC(TESTSET), 2, 3, 0), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "2 (RETURN): B=0 is also reached from instruction 0, a jump or skip that does not set top" },
	{ "consumer re-entered by a backward JMP", MAIN(4, ABC(OPC(CALL), 1, 1, 0), ABC(OPC(CALL), 0, 0, 1), ASBX(OPC(JMP), 0, -2), RET), .expect = OPEN M0 "1 (CALL): B=0 is also reached from instruction 2, a jump or skip that does not set top" },
	{ "consumer re-entered by a TFORLOOP", MAIN(6, ABC(OPC(CALL), 4, 1, 0), ABC(OPC(RETURN), 4, 0, 0), ABC(OPC(TFORCALL), 0, 0, 1), ASBX(OPC(TFORLOOP), 2, -3), RET), .expect = OPEN M0 "1 (RETURN): B=0 is also reached from instruction 3, a jump or skip that does not set top" },
	{ "one instruction between producer and consumer", MAIN(4, ABC(OPC(CALL), 1, 1, 0), ABC(OPC(MOVE), 0, 0, 0), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "2 (RETURN): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "consumer first in the function", MAIN(4, ABC(OPC(RETURN), 0, 0, 0)), .expect = OPEN M0 "0 (RETURN): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "CALL with a fixed result count is no producer", MAIN(4, ABC(OPC(CALL), 1, 1, 2), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "1 (RETURN): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "VARARG of a fixed count is no producer", .f = { FN(1, 4, RET), FNP(0, 4, 0, 1, ABC(OPC(VARARG), 1, 2, 0), ABC(OPC(RETURN), 1, 0, 0)) }, .expect = OPEN M1 "1 (RETURN): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "consumer as a loop body's first instruction", MAIN(8, ASBX(OPC(FORPREP), 0, 1), ABC(OPC(CALL), 4, 0, 1), ASBX(OPC(FORLOOP), 0, -2), RET), .expect = OPEN M0 "1 (CALL): B=0 needs a preceding multi-result CALL or VARARG" },
	{ "f(g(h())): a chain of producers", MAIN(4, ABX(OPC(LOADBUILTIN), 0, KBI_PRINT), ABX(OPC(LOADBUILTIN), 1, KBI_LEN), ABX(OPC(LOADBUILTIN), 2, KBI_EXECNAME), ABC(OPC(CALL), 2, 1, 0), ABC(OPC(CALL), 1, 0, 0), ABC(OPC(CALL), 0, 0, 1), RET) },
	{ "a chain whose last base is wrong", MAIN(4, ABC(OPC(CALL), 2, 1, 0), ABC(OPC(CALL), 1, 0, 0), ABC(OPC(CALL), 1, 0, 1), RET), .expect = OPEN M0 "2 (CALL): B=0 takes values up to top from R(2), but the CALL before it puts them from R(1)" },
	{ "producer whose results are kept, not consumed", MAIN(4, ABX(OPC(LOADBUILTIN), 1, KBI_PID), ABC(OPC(CALL), 1, 1, 0), ABC(OPC(PRINT), 0, 3, 0), RET) },
	{ "producer, JMP, consumer", MAIN(4, ABC(OPC(CALL), 1, 1, 0), ASBX(OPC(JMP), 0, 0), ABC(OPC(RETURN), 1, 0, 0)), .expect = OPEN M0 "2 (RETURN): B=0 needs a preceding multi-result CALL or VARARG" },

	/* ---- loop pairing ---- */
	{ "numeric for", MAIN(4, ABX(OPC(LOADK), 0, 0), ABX(OPC(LOADK), 1, 0), ABX(OPC(LOADK), 2, 0), ASBX(OPC(FORPREP), 0, 1), ABC(OPC(PRINT), 3, 1, 0), ASBX(OPC(FORLOOP), 0, -2), RET) },
	{ "FORPREP to a RETURN", MAIN(4, ASBX(OPC(FORPREP), 0, 0), RET), .expect = PAIR M0 "0 (FORPREP): FORPREP jumps to instruction 1 (RETURN), not to a FORLOOP" },
	{ "FORPREP and FORLOOP of different A", MAIN(8, ASBX(OPC(FORPREP), 0, 1), ABC(OPC(MOVE), 0, 0, 0), ASBX(OPC(FORLOOP), 1, -2), RET), .expect = PAIR M0 "0 (FORPREP): FORPREP A=0 jumps to the FORLOOP at instruction 2 with A=1" },
	{ "FORLOOP back to the FORPREP itself", MAIN(4, ASBX(OPC(FORPREP), 0, 1), ABC(OPC(MOVE), 0, 0, 0), ASBX(OPC(FORLOOP), 0, -3), RET), .expect = PAIR M0 "0 (FORPREP): the FORLOOP at instruction 2 loops back to 0, not to 1 after this FORPREP" },
	{ "FORLOOP without a FORPREP", MAIN(4, ABC(OPC(MOVE), 0, 0, 0), ASBX(OPC(FORLOOP), 0, -2), RET), .expect = PAIR M0 "1 (FORLOOP): FORLOOP loops back to instruction 0, which does not follow a FORPREP" },
	{ "FORLOOP to instruction 0", MAIN(4, ASBX(OPC(FORLOOP), 0, -1), RET), .expect = PAIR M0 "0 (FORLOOP): FORLOOP loops back to instruction 0, which does not follow a FORPREP" },
	{ "two FORLOOPs for one FORPREP", MAIN(4, ASBX(OPC(FORPREP), 0, 1), ASBX(OPC(FORLOOP), 0, -1), ASBX(OPC(FORLOOP), 0, -2), RET), .expect = PAIR M0 "1 (FORLOOP): the FORPREP at instruction 0 jumps to 2, not to this FORLOOP" },
	{ "FORLOOP of another A after a FORPREP", MAIN(5, ASBX(OPC(FORPREP), 0, 1), ASBX(OPC(FORLOOP), 1, -1), ASBX(OPC(FORLOOP), 0, -2), RET), .expect = PAIR M0 "1 (FORLOOP): FORLOOP A=1, its FORPREP at instruction 0 has A=0" },
	{ "FORLOOP last falls off the end", MAIN(4, ASBX(OPC(FORPREP), 0, 0), ASBX(OPC(FORLOOP), 0, -1)), .expect = "function end: " M0 "1 (FORLOOP): last instruction is not RETURN, TAILCALL or JMP" },
	{ "nested numeric fors", MAIN(8, ABX(OPC(LOADK), 0, 0), ABX(OPC(LOADK), 1, 0), ABX(OPC(LOADK), 2, 0), ASBX(OPC(FORPREP), 0, 5),
				       ABX(OPC(LOADK), 4, 0), ABX(OPC(LOADK), 5, 0), ABX(OPC(LOADK), 6, 0), ASBX(OPC(FORPREP), 4, 0), ASBX(OPC(FORLOOP), 4, -1),
				       ASBX(OPC(FORLOOP), 0, -6), RET) },
	{ "goto to the FORLOOP (continue)", MAIN(4, ABX(OPC(LOADK), 0, 0), ABX(OPC(LOADK), 1, 0), ABX(OPC(LOADK), 2, 0), ASBX(OPC(FORPREP), 0, 2),
					       ABC(OPC(TEST), 3, 0, 0), ASBX(OPC(JMP), 0, 0), ASBX(OPC(FORLOOP), 0, -3), RET) },
	{ "generic for in ktapc's shape", MAIN(8, ABX(OPC(LOADBUILTIN), 0, KBI_NEXT), ABC(OPC(NEWTABLE), 1, 0, 0), ABC(OPC(LOADNIL), 2, 1, 0), ASBX(OPC(JMP), 0, 1),
					     ABC(OPC(PRINT), 3, 2, 0), ABC(OPC(TFORCALL), 0, 0, 2), ASBX(OPC(TFORLOOP), 2, -3), RET) },
	{ "TFORCALL then RETURN", MAIN(4, ABC(OPC(TFORCALL), 0, 0, 1), RET), .expect = PAIR M0 "0 (TFORCALL): TFORCALL must be followed by its TFORLOOP, not by RETURN" },
	{ "TFORCALL and TFORLOOP of the same A", MAIN(4, ABC(OPC(TFORCALL), 0, 0, 1), ASBX(OPC(TFORLOOP), 0, -2), RET), .expect = PAIR M0 "0 (TFORCALL): TFORCALL A=0 is followed by TFORLOOP A=0, must be A+2=2" },
	{ "TFORLOOP alone", MAIN(4, ASBX(OPC(TFORLOOP), 0, -1), RET), .expect = PAIR M0 "0 (TFORLOOP): TFORLOOP must follow its TFORCALL" },
	{ "TFORLOOP also entered by a JMP", MAIN(6, ASBX(OPC(JMP), 0, 1), ABC(OPC(TFORCALL), 0, 0, 1), ASBX(OPC(TFORLOOP), 2, -2), RET), .expect = PAIR M0 "2 (TFORLOOP): TFORLOOP is also reached from instruction 0; only its TFORCALL may precede it" },
	{ "TFORLOOP also entered by a skip", MAIN(6, ABC(OPC(TEST), 0, 0, 0), ABC(OPC(TFORCALL), 0, 0, 1), ASBX(OPC(TFORLOOP), 2, -2), RET), .expect = PAIR M0 "2 (TFORLOOP): TFORLOOP is also reached from instruction 0; only its TFORCALL may precede it" },
	{ "TFORCALL last", MAIN(4, RET, ABC(OPC(TFORCALL), 0, 0, 1)), .expect = "function end: " M0 "1 (TFORCALL): last instruction is not RETURN, TAILCALL or JMP" },

	/* ---- function end ---- */
	{ "CALL last", MAIN(4, ABC(OPC(CALL), 0, 1, 1)), .expect = "function end: " M0 "0 (CALL): last instruction is not RETURN, TAILCALL or JMP" },
	{ "only a JMP to itself (no RETURN anywhere)", MAIN(4, ASBX(OPC(JMP), 0, -1)) },
	{ "a JMP over the end of a loop", MAIN(4, ABC(OPC(EQ), 0, K(0), K(0)), ASBX(OPC(JMP), 0, 1), RET, RET) },
	{ "unreachable code after RETURN is checked too", MAIN(4, RET, ABC(OPC(MOVE), 9, 0, 0), RET), .expect = REG M0 "1 (MOVE): A=9 outside the frame of 4 registers" },
	{ "unreachable valid code after RETURN", MAIN(4, RET, ABC(OPC(MOVE), 1, 0, 0), RET) },
	{ "second function falls off", .f = { FN(1, 4, RET), FN(0, 2, ABC(OPC(MOVE), 0, 1, 0)) }, .expect = "function end: " M1 "0 (MOVE): last instruction is not RETURN, TAILCALL or JMP" },

	/* ---- function layout ---- */
	{ "functions overlap", .f = { FN(1, 4, RET, RET), { .frame = 1, CODE(RET), .lay = 1, .start = 1, .count = 2 } }, .expect = "function layout: function 1: code overlaps function 0" },
	{ "the third overlaps both: the first one is named", .f = { FN(1, 4, RET), FN(0, 1, RET), { .frame = 1, CODE(RET), .lay = 1, .start = 0, .count = 2 } }, .expect = "function layout: function 2: code overlaps function 0" },
	{ "the third overlaps the second", .f = { FN(1, 4, RET), FN(0, 1, RET, RET), { .frame = 1, CODE(RET), .lay = 1, .start = 2, .count = 1 } }, .expect = "function layout: function 2: code overlaps function 1" },
	{ "a gap in CODE", .f = { FN(1, 4, RET), { .frame = 1, CODE(RET, RET), .lay = 1, .start = 1, .count = 1 } }, .expect = "function layout: functions cover 2 of 3 instructions" },
	{ "code outside CODE", .f = { FN(1, 4, RET), { .frame = 1, CODE(RET), .lay = 1, .start = 2, .count = 1 } }, .expect = "function layout: function 1: code 2..+1 outside CODE (2 instructions)" },
	{ "code count runs past CODE", .f = { FN(1, 4, RET), { .frame = 1, CODE(RET), .lay = 1, .start = 1, .count = 0xFFFFFFFF } }, .expect = "function layout: function 1: code 1..+4294967295 outside CODE (2 instructions)" },
	{ "a function of no instructions", .f = { FN(1, 4, RET), { .frame = 1, CODE(RET), .lay = 1, .start = 1, .count = 0 } }, .expect = "function layout: function 1: no instructions" },
	{ "two main functions", .f = { FN(1, 4, RET), FN(1, 1, RET) }, .expect = "function layout: main function 0 must be the one function flagged main, without parameters" },
	{ "main with a parameter", .f = { FNP(1, 4, 1, 0, RET) }, .expect = "function layout: main function 0 must be the one function flagged main, without parameters" },
	{ "main not flagged", .f = { FN(0, 4, RET) }, .expect = "function layout: main function 0 must be the one function flagged main, without parameters" },
	{ "handler with a parameter", .f = { FN(1, 4, RET), FNP(2, 4, 1, 0, RET) }, .ev = 2, .expect = "event handler: event 0 'sched:x': function 1 is not a handler without parameters" },
	{ "handler not flagged handler", .f = { FN(1, 4, RET), FN(0, 4, RET) }, .ev = 2, .expect = "event handler: event 0 'sched:x': function 1 is not a handler without parameters" },
	{ "main as a handler", .f = { FN(1, 4, RET) }, .ev = 1, .expect = "event handler: event 0 'sched:x': function 0 is not a handler without parameters" },
	{ "a handler", .f = { FN(1, 4, RET), FN(2, 4, ABC(OPC(EVARG), 0, 1, 0), ABC(OPC(PRINT), 0, 1, 0), RET) }, .ev = 2 },
	{ "frame smaller than the parameters", .f = { FN(1, 4, RET), FNP(0, 2, 3, 0, RET) }, .expect = "function layout: function 1: frame size 2 must be 1..250 and >= 3 parameters" },
	{ "frame equal to the parameters", .f = { FN(1, 4, RET), FNP(0, 3, 3, 0, ABC(OPC(RETURN), 2, 2, 0)) } },
	{ "unknown function flag", .f = { FN(1, 4, RET), FN(4, 1, RET) }, .expect = "function layout: function 1: bad is_vararg 0 or flags 0x4" },
	{ "is_vararg 2", .f = { FN(1, 4, RET), FNP(0, 1, 0, 2, RET) }, .expect = "function layout: function 1: bad is_vararg 2 or flags 0x0" },
	{ "frame of 250", MAIN(250, ABC(OPC(LOADNIL), 0, 250, 0), RET) },
	{ "frame of 0 in a second function", .f = { FN(1, 4, RET), FN(0, 0, RET) }, .expect = "function layout: function 1: frame size 0 must be 1..250 and >= 0 parameters" },
	{ "layout is checked before instructions", .f = { FN(1, 4, 63, RET), FN(0, 0, RET) }, .expect = "function layout: function 1: frame size 0 must be 1..250 and >= 0 parameters" },
};

static void subst(char *out, size_t n, const char *in, unsigned nstr)
{
	size_t o = 0;
	while (*in && o + 12 < n) {
		if (!strncmp(in, "$NSTR", 5)) {
			o += (size_t)snprintf(out + o, n - o, "%u", nstr);
			in += 5;
		} else if (!strncmp(in, "$NBI", 4)) {
			o += (size_t)snprintf(out + o, n - o, "%d", KBI__COUNT);
			in += 4;
		} else {
			out[o++] = *in++;
		}
	}
	out[o] = 0;
}

static const char *const fnames[3] = { "main", "f1", "f2" };

void test_verifier_table(void);
void test_verifier_table(void)
{
	unsigned i, accepted = 0, rejected = 0;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct vrow *r = &rows[i];
		struct kb b;
		struct ktap_limits l;
		char msg[KTAP_ERRMSG_MAX], want[KTAP_ERRMSG_MAX];
		static char out[1 << 16];
		unsigned f, j;
		int err;

		kb_init(&b, 2);
		for (f = 0; f < 3; f++) {
			const struct vfn *v = &r->f[f];
			uint32_t fn;
			if (f > 0 && !v->n && !v->frame && !v->lay)
				break;
			fn = kb_func(&b, fnames[f], v->params, v->vararg, v->frame, v->flags);
			for (j = 0; j < (unsigned)v->n; j++)
				kb_op(&b, fn, v->code[j]);
			if (v->lay)
				kb_func_layout(&b, fn, v->start, v->count);
			if (v->nup)
				kb_func_upvalues(&b, fn, (uint32_t)v->nup);
		}
		b.main_fn = 0;
		kb_knum(&b, 1);
		kb_kstr(&b, "s");
		kb_knum(&b, 0);
		kb_knum(&b, -1);
		kb_global(&b, "g");
		kb_global(&b, "h");
		if (r->fmt)
			kb_format(&b, 1, r->fmt_argc, r->fmt);
		else if (r->fmt_print)
			kb_format(&b, 2, 0, NULL);
		if (r->ev)
			kb_event(&b, 1, (uint32_t)(r->ev - 1), "sched:x", "sched:x", 0);
		/* string indexes relative to the final string table */
		for (f = 0; f < b.nfunc; f++)
			for (j = 0; j < b.funcs[f].n; j++) {
				uint32_t *c = &b.funcs[f].code[j];
				if ((*c & 0x3f) == OPC(EVFIELD) && (*c >> 14) >= SLAST)
					*c = ABX(OPC(EVFIELD), (*c >> 6) & 0xff, (*c >> 14) == SLAST ? b.nstr - 1 : b.nstr);
			}
		subst(want, sizeof(want), r->expect ? r->expect : "", b.nstr);
		memset(&l, 0, sizeof(l));
		l.value[KTAP_LIMIT_INSNS] = 10000;
		msg[0] = 0;
		/* kt_run: load and verify; if accepted, run main, the handler once, trace_end */
		err = kt_run(&b, &l, 1, out, sizeof(out), msg);
		if (!r->expect) {
			accepted++;
			KT_CHECK(err == 0, "verifier table '%s': refused: %s", r->name, msg);
		} else {
			rejected++;
			KT_CHECK(err == -KTAP_EINVAL && !strcmp(msg, want), "verifier table '%s':\n  got  %d '%s'\n  want '%s'",
				 r->name, err, err ? msg : "(accepted)", want);
		}
		kb_free(&b);
	}
	printf("verifier table: %u rows, %u accepted, %u rejected\n", accepted + rejected, accepted, rejected);
}
