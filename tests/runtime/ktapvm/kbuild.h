/* kbuild.h - a tiny bundle builder for the C tests: writes docs/bundle-format.md bundles
 * for any target byte order, so tests need no compiler. */
#ifndef KBUILD_H
#define KBUILD_H

#include <stddef.h>
#include <stdint.h>
#include "../../../runtime/ktapvm/include/ktap_bundle_format.h" /* the format's one definition */

#define KB_NONE ((uint32_t)KTAP_NONE)
#define KB_MAX 512

struct kb_func {
	uint32_t name, params, vararg, frame, flags;
	uint32_t code[KB_MAX], lines[KB_MAX], n;
	/* kb_func_layout: FUNCTIONS claims this code range instead of the function's own
	 * (for overlap and coverage tests); CODE still holds every function's code in order */
	uint32_t layout, start, count;
	uint32_t nup; /* upvalue count: any function with one makes the bundle format 3 */
};

struct kb {
	int arch, big;
	char *strs[KB_MAX]; unsigned nstr;
	struct { uint8_t kind; int64_t v; } consts[KB_MAX]; unsigned nconst;
	struct kb_func funcs[16]; unsigned nfunc;
	struct { uint16_t kind, nfetch; uint32_t handler, spec, target, filter, first; uint64_t value; } events[32]; unsigned nevent;
	struct { uint32_t name; uint8_t source, type; uint16_t reg; int64_t offset; } fetchargs[16]; unsigned nfetch;
	struct { uint16_t kind, argc; uint32_t fmt, line; } formats[64]; unsigned nfmt;
	uint32_t globals[64]; unsigned nglobal;
	uint32_t args[8]; unsigned nargs;
	struct { uint32_t key; uint64_t v; } limits[8]; unsigned nlimit;
	uint32_t main_fn;
};

void kb_init(struct kb *b, int arch); /* arch: 1 x86, 2 x86_64, 3 arm-v7, 4 powerpc, 5 arm64 */
uint32_t kb_str(struct kb *b, const char *s);
uint32_t kb_knum(struct kb *b, int64_t v);  /* constant index */
uint32_t kb_kstr(struct kb *b, const char *s);
uint32_t kb_kbool(struct kb *b, int v);
uint32_t kb_knil(struct kb *b);
uint32_t kb_func(struct kb *b, const char *name, int params, int vararg, int frame, int flags);
void kb_op(struct kb *b, uint32_t fn, uint32_t insn); /* line = 10 + index */
void kb_func_layout(struct kb *b, uint32_t fn, uint32_t start, uint32_t count);
void kb_func_upvalues(struct kb *b, uint32_t fn, uint32_t nup);
uint32_t kb_event(struct kb *b, int kind, uint32_t handler, const char *spec, const char *target, uint64_t value);
/* one more fetch-arg of event ev (an event's fetch-args are added together, in order) */
uint32_t kb_fetcharg(struct kb *b, uint32_t ev, const char *name, int source, int type, int reg, int64_t offset);
uint32_t kb_format(struct kb *b, int kind, int argc, const char *fmt);
uint32_t kb_global(struct kb *b, const char *name);
/* The bundle bytes (malloc'd). */
uint8_t *kb_finish(struct kb *b, size_t *len);
void kb_free(struct kb *b);
/* recompute the checksum after a test mutated the bytes */
void kb_fix_crc(uint8_t *p, size_t len, int big);

#define OPC(name) KOP_##name
enum {
#define KTAP_OP(name, num, fmt, meaning) KOP_##name = num,
#include "../../../runtime/ktapvm/ktap_opcodes.def"
#undef KTAP_OP
};
/* built-in numbers, and one past the last (KBI__COUNT), from ktap_builtins.def */
enum {
#define KTAP_BUILTIN(id, ident, name, mn, mx, flags, meaning) KBI_##ident = id,
#include "../../../runtime/ktapvm/ktap_builtins.def"
#undef KTAP_BUILTIN
	KBI__COUNT
};
#define ABC(op, a, b, c) ((uint32_t)(op) | ((uint32_t)(a) << 6) | ((uint32_t)(c) << 14) | ((uint32_t)(b) << 23))
#define ABX(op, a, bx) ((uint32_t)(op) | ((uint32_t)(a) << 6) | ((uint32_t)(bx) << 14))
#define ASBX(op, a, sbx) ABX(op, a, (uint32_t)((sbx) + 131071))
#define K(x) (256 + (x))

#endif
