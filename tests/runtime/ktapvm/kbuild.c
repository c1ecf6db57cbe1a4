/* kbuild.c - see kbuild.h */
#include <stdlib.h>
#include <string.h>
#include "kbuild.h"

void kb_init(struct kb *b, int arch)
{
	memset(b, 0, sizeof(*b));
	b->arch = arch;
	b->big = arch == 4;
}

uint32_t kb_str(struct kb *b, const char *s)
{
	unsigned i;
	for (i = 0; i < b->nstr; i++)
		if (!strcmp(b->strs[i], s))
			return i;
	b->strs[b->nstr] = strdup(s);
	return b->nstr++;
}

static uint32_t kconst(struct kb *b, uint8_t kind, int64_t v)
{
	b->consts[b->nconst].kind = kind;
	b->consts[b->nconst].v = v;
	return b->nconst++;
}
uint32_t kb_knum(struct kb *b, int64_t v) { return kconst(b, 3, v); }
uint32_t kb_kstr(struct kb *b, const char *s) { return kconst(b, 4, kb_str(b, s)); }
uint32_t kb_kbool(struct kb *b, int v) { return kconst(b, v ? 2 : 1, 0); }
uint32_t kb_knil(struct kb *b) { return kconst(b, 0, 0); }

uint32_t kb_func(struct kb *b, const char *name, int params, int vararg, int frame, int flags)
{
	struct kb_func *f = &b->funcs[b->nfunc];
	memset(f, 0, sizeof(*f));
	f->name = name ? kb_str(b, name) : KB_NONE;
	f->params = (uint32_t)params;
	f->vararg = (uint32_t)vararg;
	f->frame = (uint32_t)frame;
	f->flags = (uint32_t)flags;
	if (flags & 1)
		b->main_fn = b->nfunc;
	return b->nfunc++;
}

void kb_op(struct kb *b, uint32_t fn, uint32_t insn)
{
	struct kb_func *f = &b->funcs[fn];
	f->lines[f->n] = 10 + f->n;
	f->code[f->n++] = insn;
}

void kb_func_layout(struct kb *b, uint32_t fn, uint32_t start, uint32_t count)
{
	b->funcs[fn].layout = 1;
	b->funcs[fn].start = start;
	b->funcs[fn].count = count;
}

void kb_func_upvalues(struct kb *b, uint32_t fn, uint32_t nup)
{
	b->funcs[fn].nup = nup;
}

uint32_t kb_event(struct kb *b, int kind, uint32_t handler, const char *spec, const char *target, uint64_t value)
{
	unsigned i = b->nevent++;
	b->events[i].kind = (uint16_t)kind;
	b->events[i].handler = handler;
	b->events[i].spec = kb_str(b, spec);
	b->events[i].target = target ? kb_str(b, target) : KB_NONE;
	b->events[i].filter = KB_NONE;
	b->events[i].value = value;
	b->events[i].first = KB_NONE;
	b->events[i].nfetch = 0;
	return i;
}

uint32_t kb_fetcharg(struct kb *b, uint32_t ev, const char *name, int source, int type, int reg, int64_t offset)
{
	unsigned i = b->nfetch++;
	b->fetchargs[i].name = kb_str(b, name);
	b->fetchargs[i].source = (uint8_t)source;
	b->fetchargs[i].type = (uint8_t)type;
	b->fetchargs[i].reg = (uint16_t)reg;
	b->fetchargs[i].offset = offset;
	if (!b->events[ev].nfetch++)
		b->events[ev].first = i;
	return i;
}

uint32_t kb_format(struct kb *b, int kind, int argc, const char *fmt)
{
	unsigned i = b->nfmt++;
	b->formats[i].kind = (uint16_t)kind;
	b->formats[i].argc = (uint16_t)argc;
	b->formats[i].fmt = fmt ? kb_str(b, fmt) : KB_NONE;
	b->formats[i].line = 1;
	return i;
}

uint32_t kb_global(struct kb *b, const char *name)
{
	b->globals[b->nglobal] = kb_str(b, name);
	return b->nglobal++;
}

struct wbuf {
	uint8_t *p;
	size_t len, cap;
	int big;
};

static void put(struct wbuf *w, uint64_t v, int n)
{
	int i;
	if (w->len + (size_t)n > w->cap) {
		w->cap = (w->cap + (size_t)n) * 2;
		w->p = realloc(w->p, w->cap);
	}
	for (i = 0; i < n; i++)
		w->p[w->len + (size_t)i] = (uint8_t)(v >> (8 * (w->big ? n - 1 - i : i)));
	w->len += (size_t)n;
}
static void pad4(struct wbuf *w) { while (w->len & 3) put(w, 0, 1); }
/* a field of n bytes at off, in the bundle's byte order */
static void at(struct wbuf *w, size_t off, uint64_t v, int n)
{
	int i;
	for (i = 0; i < n; i++)
		w->p[off + (size_t)i] = (uint8_t)(v >> (8 * (w->big ? n - 1 - i : i)));
}
static void at32(struct wbuf *w, size_t off, uint32_t v) { at(w, off, v, 4); }
/* a zeroed item of n bytes; returns its offset (fields are written with at()) */
static size_t item(struct wbuf *w, size_t n)
{
	size_t o = w->len;
	while (w->len < o + n)
		put(w, 0, 1);
	return o;
}
/* header field NAME (ktap_bundle_format.def) */
#define HDR(w, NAME, v) at(w, KTAP_HDR_##NAME, (uint64_t)(v), KTAP_HDR_##NAME##_LEN)

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	size_t i;
	int k;
	for (i = 0; i < n; i++) {
		c ^= (i >= KTAP_HDR_CHECKSUM && i < KTAP_HDR_CHECKSUM + KTAP_HDR_CHECKSUM_LEN) ? 0 : p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

void kb_fix_crc(uint8_t *p, size_t len, int big)
{
	struct wbuf w = { p, len, len, big };
	at32(&w, KTAP_HDR_CHECKSUM, crc32(p, len));
}

/* The architectures' word sizes, from the definition. */
static const uint8_t arch_word[] = {
#define KTAP_ARCH(id, name, cs, spelling, word_size, byte_order) [id] = word_size,
#include "../../../runtime/ktapvm/ktap_bundle_format.def"
};

uint8_t *kb_finish(struct kb *b, size_t *len)
{
	static const uint8_t magic[] = KTAP_BYTES_OF(MAGIC), tail[] = KTAP_BYTES_OF(TAIL);
	struct wbuf w = { 0, 0, 0, b->big };
	unsigned nsec = b->nargs ? 10 : 9, i, j, id;
	size_t starts[KTAP_SEC_LIMITS + 2], counts[KTAP_SEC_LIMITS + 2], o;
	uint32_t code_total = 0;
	int version = KTAP_FORMAT_VERSION; /* format 3 when a function has upvalues, as ktapc writes */
	for (i = 0; i < b->nfunc; i++)
		if (b->funcs[i].nup)
			version = KTAP_FORMAT_VERSION_UPVALUES;
	if (b->nlimit)
		nsec++;
	/* header */
	item(&w, KTAP_HEADER_SIZE + KTAP_SECTION_ENTRY_SIZE * nsec);
	for (i = 0; i < 4; i++) {
		w.p[KTAP_HDR_MAGIC + i] = magic[i];
		w.p[KTAP_HDR_TAIL + i] = tail[i];
	}
	HDR(&w, FORMAT_VERSION, version);
	HDR(&w, BYTE_ORDER, b->big ? KTAP_BIG_ENDIAN : KTAP_LITTLE_ENDIAN);
	HDR(&w, WORD_SIZE, arch_word[b->arch]);
	HDR(&w, ARCH, b->arch);
	HDR(&w, ENDIAN_CHECK, KTAP_ENDIAN_CHECK);
	HDR(&w, RUNTIME_ABI, KTAP_RUNTIME_ABI);
	HDR(&w, HEADER_SIZE, KTAP_HEADER_SIZE);
	HDR(&w, INT_CHECK, KTAP_INT_CHECK);
	HDR(&w, SECTION_COUNT, nsec);
	HDR(&w, MAIN_FUNCTION, b->main_fn);
	HDR(&w, GLOBAL_COUNT, b->nglobal);
	HDR(&w, SOURCE_NAME, KB_NONE);
	HDR(&w, COMPILER_VERSION, 0x000100);
	for (id = KTAP_SEC_STRINGS; id <= KTAP_SEC_LIMITS; id++) {
		starts[id] = w.len;
		counts[id] = 0;
		switch (id) {
		case KTAP_SEC_STRINGS:
			for (i = 0; i < b->nstr; i++) {
				size_t n = strlen(b->strs[i]);
				put(&w, n, 4);
				for (j = 0; j < n; j++)
					put(&w, (uint8_t)b->strs[i][j], 1);
				put(&w, 0, 1);
				pad4(&w);
			}
			counts[id] = b->nstr;
			break;
		case KTAP_SEC_CONSTANTS:
			for (i = 0; i < b->nconst; i++) {
				o = item(&w, KTAP_SEC_CONSTANTS_ITEM);
				at(&w, o + KTAP_CONSTANTS_KIND, b->consts[i].kind, 1);
				if (b->consts[i].kind == KTAP_CONST_STRING)
					at(&w, o + KTAP_CONSTANTS_VALUE, (uint64_t)b->consts[i].v, 4);
				else if (b->consts[i].kind == KTAP_CONST_NUMBER)
					at(&w, o + KTAP_CONSTANTS_VALUE, (uint64_t)b->consts[i].v, 8);
			}
			counts[id] = b->nconst;
			break;
		case KTAP_SEC_FUNCTIONS:
			for (i = 0; i < b->nfunc; i++) {
				struct kb_func *f = &b->funcs[i];
				o = item(&w, KTAP_SEC_FUNCTIONS_ITEM);
				at(&w, o + KTAP_FUNCTIONS_NAME, f->name, 4);
				at(&w, o + KTAP_FUNCTIONS_CODE_START, f->layout ? f->start : code_total, 4);
				at(&w, o + KTAP_FUNCTIONS_CODE_COUNT, f->layout ? f->count : f->n, 4);
				at(&w, o + KTAP_FUNCTIONS_PARAMS, f->params, 2);
				at(&w, o + KTAP_FUNCTIONS_VARARG, f->vararg, 1);
				at(&w, o + KTAP_FUNCTIONS_FRAME, f->frame, 1);
				at(&w, o + KTAP_FUNCTIONS_FIRST_LINE, 10, 4);
				at(&w, o + KTAP_FUNCTIONS_LAST_LINE, 10 + f->n, 4);
				at(&w, o + KTAP_FUNCTIONS_FLAGS, f->flags, 4);
				at(&w, o + KTAP_FUNCTIONS_UPVALUES, f->nup, 1);
				code_total += f->n;
			}
			counts[id] = b->nfunc;
			break;
		case KTAP_SEC_CODE: case KTAP_SEC_LINES:
			for (i = 0; i < b->nfunc; i++)
				for (j = 0; j < b->funcs[i].n; j++)
					put(&w, id == KTAP_SEC_CODE ? b->funcs[i].code[j] : b->funcs[i].lines[j], 4);
			counts[id] = code_total;
			break;
		case KTAP_SEC_EVENTS:
			for (i = 0; i < b->nevent; i++) {
				o = item(&w, KTAP_SEC_EVENTS_ITEM);
				at(&w, o + KTAP_EVENTS_KIND, b->events[i].kind, 2);
				at(&w, o + KTAP_EVENTS_HANDLER, b->events[i].handler, 4);
				at(&w, o + KTAP_EVENTS_SPEC, b->events[i].spec, 4);
				at(&w, o + KTAP_EVENTS_TARGET, b->events[i].target, 4);
				at(&w, o + KTAP_EVENTS_FILTER, b->events[i].filter, 4);
				at(&w, o + KTAP_EVENTS_VALUE, b->events[i].value, 8);
				at(&w, o + KTAP_EVENTS_FETCHARG_COUNT, b->events[i].nfetch, 2);
				at(&w, o + KTAP_EVENTS_FIRST_FETCHARG, b->events[i].first, 4);
			}
			counts[id] = b->nevent;
			break;
		case KTAP_SEC_FETCHARGS:
			for (i = 0; i < b->nfetch; i++) {
				o = item(&w, KTAP_SEC_FETCHARGS_ITEM);
				at(&w, o + KTAP_FETCHARGS_NAME, b->fetchargs[i].name, 4);
				at(&w, o + KTAP_FETCHARGS_SOURCE, b->fetchargs[i].source, 1);
				at(&w, o + KTAP_FETCHARGS_TYPE, b->fetchargs[i].type, 1);
				at(&w, o + KTAP_FETCHARGS_REG, b->fetchargs[i].reg, 2);
				at(&w, o + KTAP_FETCHARGS_OFFSET, (uint64_t)b->fetchargs[i].offset, 8);
			}
			counts[id] = b->nfetch;
			break;
		case KTAP_SEC_FORMATS:
			for (i = 0; i < b->nfmt; i++) {
				o = item(&w, KTAP_SEC_FORMATS_ITEM);
				at(&w, o + KTAP_FORMATS_KIND, b->formats[i].kind, 2);
				at(&w, o + KTAP_FORMATS_ARGC, b->formats[i].argc, 2);
				at(&w, o + KTAP_FORMATS_FMT, b->formats[i].fmt, 4);
				at(&w, o + KTAP_FORMATS_LINE, b->formats[i].line, 4);
			}
			counts[id] = b->nfmt;
			break;
		case KTAP_SEC_GLOBALS:
			for (i = 0; i < b->nglobal; i++)
				put(&w, b->globals[i], KTAP_SEC_GLOBALS_ITEM);
			counts[id] = b->nglobal;
			break;
		case KTAP_SEC_ARGS:
			for (i = 0; i < b->nargs; i++)
				put(&w, b->args[i], KTAP_SEC_ARGS_ITEM);
			counts[id] = b->nargs;
			break;
		case KTAP_SEC_LIMITS:
			for (i = 0; i < b->nlimit; i++) {
				o = item(&w, KTAP_SEC_LIMITS_ITEM);
				at(&w, o + KTAP_LIMITS_KEY, b->limits[i].key, 4);
				at(&w, o + KTAP_LIMITS_VALUE, b->limits[i].v, 8);
			}
			counts[id] = b->nlimit;
			break;
		}
	}
	/* section table */
	for (id = KTAP_SEC_STRINGS, i = 0; id <= KTAP_SEC_LIMITS; id++) {
		if ((id == KTAP_SEC_ARGS && !b->nargs) || (id == KTAP_SEC_LIMITS && !b->nlimit))
			continue;
		o = KTAP_HEADER_SIZE + KTAP_SECTION_ENTRY_SIZE * i;
		at32(&w, o + KTAP_SECTION_TABLE_ID, id);
		at32(&w, o + KTAP_SECTION_TABLE_OFFSET, (uint32_t)starts[id]);
		at32(&w, o + KTAP_SECTION_TABLE_SIZE,
		     (uint32_t)((id < KTAP_SEC_LIMITS ? starts[id + 1] : w.len) - starts[id]));
		at32(&w, o + KTAP_SECTION_TABLE_COUNT, (uint32_t)counts[id]);
		i++;
	}
	HDR(&w, TOTAL_SIZE, w.len);
	HDR(&w, CHECKSUM, crc32(w.p, w.len));
	*len = w.len;
	return w.p;
}

void kb_free(struct kb *b)
{
	unsigned i;
	for (i = 0; i < b->nstr; i++)
		free(b->strs[i]);
}
