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
static void at32(struct wbuf *w, size_t off, uint32_t v)
{
	int i;
	for (i = 0; i < 4; i++)
		w->p[off + (size_t)i] = (uint8_t)(v >> (8 * (w->big ? 3 - i : i)));
}

static uint32_t crc32(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	size_t i;
	int k;
	for (i = 0; i < n; i++) {
		c ^= (i >= 32 && i < 36) ? 0 : p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1)));
	}
	return ~c;
}

void kb_fix_crc(uint8_t *p, size_t len, int big)
{
	struct wbuf w = { p, len, len, big };
	at32(&w, 32, crc32(p, len));
}

uint8_t *kb_finish(struct kb *b, size_t *len)
{
	struct wbuf w = { 0, 0, 0, b->big };
	unsigned nsec = b->nargs ? 10 : 9, i, j, id;
	size_t table = 64, starts[12], counts[12];
	uint32_t code_total = 0;
	int version = 1; /* 3 when a function has upvalues, as ktapc writes */
	for (i = 0; i < b->nfunc; i++)
		if (b->funcs[i].nup)
			version = 3;
	if (b->nlimit)
		nsec++;
	/* header */
	put(&w, 0x1b, 1); put(&w, 'K', 1); put(&w, 'B', 1); put(&w, 'C', 1);
	put(&w, (uint64_t)version, 1);
	put(&w, b->big ? 2 : 1, 1);
	put(&w, b->arch == 2 || b->arch == 5 ? 8 : 4, 1);
	put(&w, (uint64_t)b->arch, 1);
	put(&w, 0x4B544150u, 4);
	put(&w, 1, 2);
	put(&w, 64, 2);
	put(&w, 0x0102030405060708ull, 8);
	put(&w, 0, 4); /* total */
	put(&w, nsec, 2);
	put(&w, 0, 2);
	put(&w, 0, 4); /* crc */
	put(&w, b->main_fn, 4);
	put(&w, b->nglobal, 4);
	put(&w, KB_NONE, 4);
	put(&w, 0x000100, 4);
	put(&w, 0, 8);
	put(&w, 0x0D, 1); put(&w, 0x0A, 1); put(&w, 0x1A, 1); put(&w, 0x0A, 1);
	for (i = 0; i < nsec * 16; i++)
		put(&w, 0, 1);
	for (id = 1; id <= 11; id++) {
		starts[id] = w.len;
		counts[id] = 0;
		switch (id) {
		case 1:
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
		case 2:
			for (i = 0; i < b->nconst; i++) {
				put(&w, b->consts[i].kind, 1);
				put(&w, 0, 7);
				if (b->consts[i].kind == 4) { put(&w, (uint64_t)b->consts[i].v, 4); put(&w, 0, 4); }
				else if (b->consts[i].kind == 3) put(&w, (uint64_t)b->consts[i].v, 8);
				else put(&w, 0, 8);
			}
			counts[id] = b->nconst;
			break;
		case 3:
			for (i = 0; i < b->nfunc; i++) {
				struct kb_func *f = &b->funcs[i];
				put(&w, f->name, 4);
				put(&w, f->layout ? f->start : code_total, 4);
				put(&w, f->layout ? f->count : f->n, 4);
				put(&w, f->params, 2); put(&w, f->vararg, 1); put(&w, f->frame, 1);
				put(&w, 10, 4); put(&w, 10 + f->n, 4); put(&w, f->flags, 4);
				put(&w, f->nup, 1); put(&w, 0, 3); /* format 3: upvalue count */
				code_total += f->n;
			}
			counts[id] = b->nfunc;
			break;
		case 4: case 5:
			for (i = 0; i < b->nfunc; i++)
				for (j = 0; j < b->funcs[i].n; j++)
					put(&w, id == 4 ? b->funcs[i].code[j] : b->funcs[i].lines[j], 4);
			counts[id] = code_total;
			break;
		case 6:
			for (i = 0; i < b->nevent; i++) {
				put(&w, b->events[i].kind, 2); put(&w, 0, 2); put(&w, b->events[i].handler, 4);
				put(&w, b->events[i].spec, 4); put(&w, b->events[i].target, 4);
				put(&w, b->events[i].filter, 4); put(&w, b->events[i].value, 8); put(&w, KB_NONE, 4);
			}
			counts[id] = b->nevent;
			break;
		case 7:
			break;
		case 8:
			for (i = 0; i < b->nfmt; i++) {
				put(&w, b->formats[i].kind, 2); put(&w, b->formats[i].argc, 2);
				put(&w, b->formats[i].fmt, 4); put(&w, b->formats[i].line, 4); put(&w, 0, 4);
			}
			counts[id] = b->nfmt;
			break;
		case 9:
			for (i = 0; i < b->nglobal; i++)
				put(&w, b->globals[i], 4);
			counts[id] = b->nglobal;
			break;
		case 10:
			for (i = 0; i < b->nargs; i++)
				put(&w, b->args[i], 4);
			counts[id] = b->nargs;
			break;
		case 11:
			for (i = 0; i < b->nlimit; i++) {
				put(&w, b->limits[i].key, 4); put(&w, 0, 4); put(&w, b->limits[i].v, 8);
			}
			counts[id] = b->nlimit;
			break;
		}
	}
	/* section table */
	for (id = 1, i = 0; id <= 11; id++) {
		if ((id == 10 && !b->nargs) || (id == 11 && !b->nlimit))
			continue;
		at32(&w, table + 16 * i, id);
		at32(&w, table + 16 * i + 4, (uint32_t)starts[id]);
		at32(&w, table + 16 * i + 8, (uint32_t)((id < 11 ? starts[id + 1] : w.len) - starts[id]));
		at32(&w, table + 16 * i + 12, (uint32_t)counts[id]);
		i++;
	}
	at32(&w, 24, (uint32_t)w.len);
	at32(&w, 32, crc32(w.p, w.len));
	*len = w.len;
	return w.p;
}

void kb_free(struct kb *b)
{
	unsigned i;
	for (i = 0; i < b->nstr; i++)
		free(b->strs[i]);
}
