/*
 * check.c - see check.h. Reads the session's internals (kvm.h): this is a test of the
 * core, it may look inside.
 *
 * A pointer leak is a number the script can see that is an address: FORLOOP adding a step
 * to a string's pointer, a table read as a number, a stale register of another type. It
 * shows up in the output as a number (PRINT values, statistics fields, histogram rows...)
 * close to a session object, so every number of every record is compared with the address
 * ranges of everything the session owns, with slack for pointer arithmetic. Strings are
 * scanned too (8-byte windows), for a forged string that points at pointers. A forged
 * pointer (a number used as an address) needs a leaked address first, or it faults under
 * ASan.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../../runtime/ktapvm/core/kvm.h"
#include "../../../runtime/ktapvm/user/replay.h"
#include "check.h"

#define SLACK (16u << 20) /* a leaked address plus or minus a script-chosen offset */

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void violation(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "INVARIANT: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* ---- the session's address ranges ---- */
struct range { uint64_t lo, hi; const char *what; };
static struct range ranges[1024];
static unsigned nranges;

/* The bundle's own number constants: a number the script computes from one of them (a
 * constant that happens to lie near the arena, plus an offset) is no leak. The first long
 * run of the generator found exactly that: LOADK 0x6310000a4e08; PRINT. */
static uint64_t kconsts[4096];
static unsigned nkconsts;

static int near_constant(uint64_t v)
{
	unsigned i;
	for (i = 0; i < nkconsts; i++)
		if (v + SLACK >= kconsts[i] && v < kconsts[i] + SLACK)
			return 1;
	return 0;
}

/* The bundle's own strings, read 8 bytes at a time: a string record that repeats bundle bytes
 * which happen to look like an address is no leak either. The fuzzer learns heap addresses
 * from the core's instrumented pointer comparisons and writes them into string constants:
 * a 5.6-million-run campaign never did, a new machine's ASan heap (0x6120...: bytes that are
 * mostly zero and ASCII) made it happen after 38,466 runs (a "\xbf\x82\0\0 a\0\0" in a
 * constant, printed). */
static const struct kvm_bundle *cur_bundle;

static int near_string_window(uint64_t v)
{
	u32 j, i;
	for (j = 0; cur_bundle && j < cur_bundle->nstr; j++) {
		const struct kstr *k = cur_bundle->strs[j];
		for (i = 0; k && i + 8 <= k->len; i++) {
			uint64_t w;
			memcpy(&w, k->data + i, 8);
			if (v + SLACK >= w && v < w + SLACK)
				return 1;
		}
	}
	return 0;
}

static void add(const void *p, uint64_t n, const char *what)
{
	if (!p || nranges >= sizeof(ranges) / sizeof(ranges[0]))
		return;
	ranges[nranges].lo = (uint64_t)(uintptr_t)p;
	ranges[nranges].hi = (uint64_t)(uintptr_t)p + n;
	ranges[nranges].what = what;
	nranges++;
}

static void collect(struct ktap_session *s, const struct replay_event *ev)
{
	const struct kvm_bundle *b = &s->b;
	int i;
	u32 j;
	nranges = 0;
	nkconsts = 0;
	cur_bundle = b;
	for (j = 0; j < b->nconst && nkconsts < sizeof(kconsts) / sizeof(kconsts[0]); j++)
		if (b->consts[j].t == KT_NUMBER)
			kconsts[nkconsts++] = (uint64_t)b->consts[j].u.n;
	add(s, sizeof(*s), "the session");
	add(s->arena.base, s->arena.size, "the arena");
	/* the execution slots: one per possible CPU and the process slot after them */
	add(s->cpus, sizeof(*s->cpus) * ((u64)s->ncpu + 1), "the slot array");
	for (i = 0; i <= s->ncpu; i++) {
		const struct kvm_cpu *c = &s->cpus[i];
		add(c->regs, sizeof(struct kv) * KVM_REGSTACK, "a register stack");
		add(c->frames, sizeof(struct kvm_frame) * (s->lim[KTAP_LIMIT_CALL_DEPTH] + 1), "a frame array");
		add(c->scratch, c->scratch_size, "a scratch area");
		add(c->out, c->out_size, "a record buffer");
		add(c->tmp, 512, "a message buffer");
		add(c->text, 512, "a text buffer");
	}
	add(s->globals, sizeof(struct kv) * (b->nglobal + 1), "the globals");
	add(s->site_errors, 4 * (u64)(b->ncode + 1), "the error sites");
	add(b->consts, sizeof(struct kv) * (b->nconst + 1), "the constants");
	add(b->funcs, sizeof(struct kvm_func) * b->nfunc, "the functions");
	add(b->code, 4 * (u64)(b->ncode + 1), "the code");
	add(b->lines, 4 * (u64)(b->ncode + 1), "the lines");
	add(b->strs, sizeof(*b->strs) * (b->nstr ? b->nstr : 1), "the string table");
	add(b->probes, sizeof(struct ktap_probe) * (b->nevent + 1), "the probes");
	add(b->formats, sizeof(struct kvm_format) * (b->nfmt + 1), "the formats");
	for (j = 0; j < b->nstr && nranges < 1000; j++)
		add(b->strs[j], sizeof(struct kstr) + b->strs[j]->len + 1, "a bundle string");
	if (ev)
		add(ev, sizeof(*ev), "the event");
	add(&replay_event_ops, sizeof(replay_event_ops), "the event ops");
	add(&replay_ctx, sizeof(replay_ctx), "the platform context");
}

static const struct range *near_session(uint64_t v)
{
	unsigned i;
	for (i = 0; i < nranges; i++)
		if (v + SLACK >= ranges[i].lo && v < ranges[i].hi + SLACK && v + SLACK > v)
			return &ranges[i];
	return 0;
}

static void number(uint64_t v, const char *where)
{
	const struct range *r = near_session(v);
	if (r && !near_constant(v) && !near_string_window(v))
		violation("pointer leak: %s 0x%llx is within 16 MiB of %s [0x%llx, 0x%llx)", where,
			  (unsigned long long)v, r->what, (unsigned long long)r->lo, (unsigned long long)r->hi);
}

static void bytes_scan(const uint8_t *p, uint32_t n, const char *where)
{
	uint32_t i;
	for (i = 0; i + 8 <= n; i++) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		/* user-space and ASan heap addresses have their top 16 bits clear, text rarely does */
		if (!(v >> 48) && v >> 40 && near_session(v))
			number(v, where);
	}
}

/* ---- records ---- */
struct cur {
	const uint8_t *p, *end;
	int big;
};

static uint32_t g32(struct cur *c, const char *what)
{
	uint32_t v;
	if (c->end - c->p < 4)
		violation("record: %s runs past the record", what);
	v = c->big ? (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 | c->p[3]
		   : (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 | c->p[0];
	c->p += 4;
	return v;
}
static uint64_t g64(struct cur *c, const char *what)
{
	uint64_t hi, lo;
	if (c->end - c->p < 8)
		violation("record: %s runs past the record", what);
	if (c->big) {
		hi = g32(c, what);
		lo = g32(c, what);
	} else {
		lo = g32(c, what);
		hi = g32(c, what);
	}
	return hi << 32 | lo;
}
static const uint8_t *gbytes(struct cur *c, uint32_t n, const char *what)
{
	const uint8_t *p = c->p;
	if ((uint64_t)(c->end - c->p) < n)
		violation("record: %s of %u bytes runs past the record", what, n);
	c->p += n;
	return p;
}

static void value(struct ktap_session *s, struct cur *c, const struct replay_event *ev, const char *where)
{
	uint8_t tag;
	uint32_t n, i;
	if (c->end - c->p < 1)
		violation("record: value of %s runs past the record", where);
	tag = *c->p++;
	switch (tag) {
	case KTAP_TAG_NIL: case KTAP_TAG_FALSE: case KTAP_TAG_TRUE:
		return;
	case KTAP_TAG_NUMBER:
		number(g64(c, where), where);
		return;
	case KTAP_TAG_STRING: case KTAP_TAG_EVENT:
		n = g32(c, "string length");
		if (tag == KTAP_TAG_STRING && n > s->lim[KTAP_LIMIT_STRING_LEN] && n > 256)
			violation("record: %s string of %u bytes, string budget %llu", where, n,
				  (unsigned long long)s->lim[KTAP_LIMIT_STRING_LEN]);
		if (tag == KTAP_TAG_EVENT && n > KTAP_REC_EVENT_TEXT_MAX)
			violation("record: %s event text of %u bytes", where, n);
		bytes_scan(gbytes(c, n, "string"), n, where);
		return;
	case KTAP_TAG_TABLE: case KTAP_TAG_PTABLE:
		n = g32(c, "table id");
		if (n == 0 || n > s->next_id)
			violation("record: %s table id %u, the session made %u", where, n, s->next_id);
		return;
	case KTAP_TAG_STAT:
		for (i = 0; i < KTAP_TAG_STAT_LEN / 8; i++)
			number(g64(c, "statistics"), where);
		return;
	case KTAP_TAG_FUNCTION:
		n = g32(c, "function index");
		if (n >= s->b.nfunc)
			violation("record: %s function index %u of %u", where, n, s->b.nfunc);
		if (s->b.funcs[n].flags & (KTAP_FUNC_MAIN | KTAP_FUNC_HANDLER))
			violation("record: %s function value of the main chunk or a handler (%u): no instruction makes one",
				  where, n);
		return;
	case KTAP_TAG_BUILTIN:
		n = g32(c, "built-in number");
		if (n >= BI__COUNT)
			violation("record: %s built-in %u of %u", where, n, BI__COUNT);
		return;
	case KTAP_TAG_STACK:
		n = g32(c, "stack depth");
		if (n > KTAP_STACK_DEPTH)
			violation("record: %s stack of %u frames", where, n);
		for (i = 0; i < n; i++) {
			uint64_t addr = g64(c, "stack address");
			int k, ok = 0;
			for (k = 0; ev && k < ev->nstack; k++)
				ok |= ev->stack[k] == addr;
			if (!ok)
				violation("record: %s stack address 0x%llx is not one of the event's", where,
					  (unsigned long long)addr);
			gbytes(c, g32(c, "symbol length"), "symbol");
		}
		return;
	case KTAP_TAG_USTACK:
		/* a user stack: bare addresses; replay events carry none (docs/replay-format.md),
		 * so here any frame came from somewhere it must not */
		n = g32(c, "user stack depth");
		if (n)
			violation("record: %s user stack of %u frames from an event with none", where, n);
		return;
	}
	violation("record: %s has value tag %u", where, tag);
}

static int valid_error(uint32_t code)
{
	return (code >= 1 && code < RT_ERROR_END) || (code >= RT_BUDGET_INSNS && code <= RT_BUDGET_MEMORY);
}

void check_records(struct ktap_session *s, const uint8_t *p, size_t len, const struct replay_event *ev, int final)
{
	size_t pos = 0;
	unsigned summaries = 0, errors = 0;
	int big = s->b.swap ? !kvm_host_big_endian() : kvm_host_big_endian();
	collect(s, ev);
	while (pos < len) {
		struct cur c = { p + pos, p + len, big };
		uint32_t rl, kind, a, i, n;
		const uint8_t *body_end;
		char where[48];
		if (len - pos < KTAP_REC_HEADER_SIZE)
			violation("record at %zu: %zu bytes left, a header needs %d", pos, len - pos,
				  KTAP_REC_HEADER_SIZE);
		rl = g32(&c, "length");
		if (rl < KTAP_REC_HEADER_SIZE || rl % KTAP_REC_ALIGN || rl > len - pos)
			violation("record at %zu: length %u (stream has %zu bytes left)", pos, rl, len - pos);
		c.end = p + pos + rl;
		body_end = c.end;
		n = g32(&c, "kind");
		kind = big ? n >> 16 : n & 0xffff;
		if ((big ? n & 0xffff : n >> 16) != 0)
			violation("record at %zu: reserved u16 not zero", pos);
		a = g32(&c, "a");
		if (summaries)
			violation("record at %zu: kind %u after the SUMMARY", pos, kind);
		snprintf(where, sizeof(where), "record kind %u at %zu", kind, pos);
		switch (kind) {
		case REC_PRINT:
			for (i = 0; i < a; i++)
				value(s, &c, ev, where);
			break;
		case REC_PRINTF:
			if (a >= s->b.nfmt || s->b.formats[a].kind != KTAP_FORMAT_PRINTF)
				violation("%s: format %u is not a printf format (%u formats)", where, a, s->b.nfmt);
			n = g32(&c, "count");
			if (n != s->b.formats[a].argc)
				violation("%s: %u values for format %u of %u", where, n, a, s->b.formats[a].argc);
			for (i = 0; i < n; i++)
				value(s, &c, ev, where);
			break;
		case REC_PRINTF_DYN:
			if (a < 1 || c.end - c.p < 1 || *c.p != KTAP_TAG_STRING)
				violation("%s: dynamic printf without a format string", where);
			for (i = 0; i < a; i++)
				value(s, &c, ev, where);
			break;
		case REC_ERROR: {
			uint32_t fn = g32(&c, "function"), pc = g32(&c, "instruction"), line = g32(&c, "line");
			const struct kvm_func *f;
			errors++;
			if (!valid_error(a))
				violation("%s: error code %u", where, a);
			if (fn >= s->b.nfunc || pc >= s->b.ncode)
				violation("%s: error at function %u instruction %u (%u functions, %u instructions)",
					  where, fn, pc, s->b.nfunc, s->b.ncode);
			f = &s->b.funcs[fn];
			if (pc < f->code_start || pc >= f->code_start + f->code_count)
				violation("%s: error at instruction %u, outside function %u [%u, +%u)", where, pc, fn,
					  f->code_start, f->code_count);
			if (line != s->b.lines[pc])
				violation("%s: error line %u, instruction %u has line %u", where, line, pc, s->b.lines[pc]);
			n = g32(&c, "message length");
			bytes_scan(gbytes(&c, n, "message"), n, where);
			break;
		}
		case REC_HISTOGRAM: {
			uint32_t total, rows;
			number(g64(&c, "sum"), where);
			total = g32(&c, "entries");
			rows = g32(&c, "rows");
			if (a || rows > KTAP_REC_HISTOGRAM_ROWS || rows > total)
				violation("%s: a=%u, %u rows of %u entries", where, a, rows, total);
			for (i = 0; i < rows; i++) {
				value(s, &c, ev, where);
				number(g64(&c, "row"), where);
			}
			break;
		}
		case REC_HIST: case REC_LHIST: {
			int64_t lo, hi, step;
			uint64_t any = 0;
			/* a = 1: one ptable key's distribution, the key first (docs/record-format.md) */
			if (a > 1)
				violation("%s: a=%u", where, a);
			if (a == 1)
				value(s, &c, ev, where);
			lo = (int64_t)g64(&c, "min");
			hi = (int64_t)g64(&c, "max");
			step = (int64_t)g64(&c, "step");
			n = g32(&c, "buckets");
			/* docs/record-format.md: three zero fields (builtins.c wrote step 1 until interp abdaf7c) */
			if (kind == REC_HIST && (lo || hi || step || n != KTAP_REC_HIST_BUCKETS))
				violation("%s: hist header %lld %lld %lld, %u buckets", where, (long long)lo,
					  (long long)hi, (long long)step, n);
			if (kind == REC_LHIST) {
				uint64_t want;
				if (step <= 0 || hi <= lo)
					violation("%s: lhist min %lld max %lld step %lld", where, (long long)lo,
						  (long long)hi, (long long)step);
				/* ceil(range / step) + 2, without overflowing range + step - 1 */
				want = ((uint64_t)hi - (uint64_t)lo) / (uint64_t)step +
				       (((uint64_t)hi - (uint64_t)lo) % (uint64_t)step != 0) + 2;
				if (n != want || n > KTAP_REC_LHIST_BUCKETS_MAX)
					violation("%s: lhist of %u buckets, [%lld, %lld) by %lld needs %llu", where, n,
						  (long long)lo, (long long)hi, (long long)step, (unsigned long long)want);
			}
			for (i = 0; i < n; i++) {
				uint64_t cnt = g64(&c, "bucket");
				number(cnt, where);
				any |= cnt;
			}
			/* a key is sent only with a sample in it (deleted keys are skipped) */
			if (a == 1 && !any)
				violation("%s: a key's distribution with no sample", where);
			break;
		}
		case REC_BACKTRACE:
			if (a || c.end - c.p < 1 || (*c.p != KTAP_TAG_STACK && *c.p != KTAP_TAG_USTACK))
				violation("%s: a=%u or not a stack value", where, a);
			value(s, &c, ev, where);
			break;
		case REC_ANSI:
			if (a < 1 || a > 4)
				violation("%s: ansi code %u", where, a);
			while (c.end - c.p >= 1 + KTAP_TAG_NUMBER_LEN && *c.p == KTAP_TAG_NUMBER)
				value(s, &c, ev, where);
			break;
		case REC_SUMMARY: {
			/* the body is u64 fields: v[KTAP_SUMMARY_X / 8] is field X */
			uint64_t v[KTAP_SUMMARY_BYTES_A1 / 8];
			summaries++;
			if (a > 1) /* a = 1: the script's exit code follows */
				violation("%s: a=%u", where, a);
			for (i = 0; i < (a ? KTAP_SUMMARY_BYTES_A1 : KTAP_SUMMARY_BYTES_A0) / 8; i++)
				number(v[i] = g64(&c, "summary field"), where);
			if (v[KTAP_SUMMARY_MEMORY_PEAK / 8] > s->arena.size)
				violation("%s: peak memory %llu above the arena's %llu", where,
					  (unsigned long long)v[KTAP_SUMMARY_MEMORY_PEAK / 8],
					  (unsigned long long)s->arena.size);
			if (v[KTAP_SUMMARY_RUNTIME_ERRORS / 8] < errors)
				violation("%s: %llu runtime errors counted, %u ERROR records", where,
					  (unsigned long long)v[KTAP_SUMMARY_RUNTIME_ERRORS / 8], errors);
			break;
		}
		default:
			violation("record at %zu: kind %u", pos, kind);
		}
		/* what is left is padding: fewer than 4 zero bytes */
		if (body_end - c.p >= 4)
			violation("%s: %ld bytes after the body", where, (long)(body_end - c.p));
		for (; c.p < body_end; c.p++)
			if (*c.p)
				violation("%s: non-zero padding", where);
		pos += rl;
	}
	if (final && summaries != 1)
		violation("record stream: %u SUMMARY records, want exactly one at the end", summaries);
}

/* ---- session state ---- */
static int in_arena(const struct ktap_session *s, const void *p, uint64_t n)
{
	uint64_t a = (uint64_t)(uintptr_t)p, base = (uint64_t)(uintptr_t)s->arena.base;
	return a >= base && a + n <= base + s->arena.size && a + n >= a;
}

static int bundle_string(const struct ktap_session *s, const struct kstr *k)
{
	u32 i;
	for (i = 0; i < s->b.nstr; i++)
		if (s->b.strs[i] == k)
			return 1;
	return 0;
}

/* A counted object a place holds (reclaim.c): its count covers that place, and it is
 * neither torn down nor being torn down. */
static void counted(const struct ktap_session *s, const struct kobj *o, const char *where)
{
	static const char *const kinds[] = { "?", "string", "table", "ptable", "closure", "upvalue cell" };
	if (o->refs == 0)
		violation("%s: a %s held by a place has no count", where, kinds[o->kind <= KOBJ_UPVAL ? o->kind : 0]);
	if (o->where == KOBJ_DYING || o->kind < KOBJ_STR || o->kind > KOBJ_UPVAL)
		violation("%s: a held object is dying or of kind %u", where, o->kind);
	if (o->refs > s->arena.size / 16 + s->b.nglobal)
		violation("%s: count %u above every place the arena can hold", where, o->refs);
}

/* The deferred lists: links both ways, each object marked with its list, and pending the
 * sum of their lengths; every interned string is counted and not dying. */
static void reclaim_lists(const struct ktap_session *s, const char *when)
{
	const struct kvm_reclaim *r = &s->rc;
	const struct kobj *heads[2] = { &r->waiting, &r->grace }, *o;
	u64 n = 0, limit = s->arena.size / 16;
	u32 i, interned = 0;
	int h;
	for (h = 0; h < 2; h++)
		for (o = heads[h]->next; o != heads[h]; o = o->next) {
			if (++n > limit || !in_arena(s, o, sizeof(*o)))
				violation("%s: a deferred list runs outside the arena or loops", when);
			if (o->next->prev != o || o->where != KOBJ_LISTED)
				violation("%s: a deferred list's links or marks are broken", when);
		}
	for (o = r->dying; o; o = o->next) {
		if (++n > limit || !in_arena(s, o, sizeof(*o)) || o->where != KOBJ_DYING)
			violation("%s: the dying list is broken", when);
	}
	if (n != r->pending)
		violation("%s: %llu objects on the deferred lists, pending says %u", when, (unsigned long long)n, r->pending);
	if (r->anomalies)
		violation("%s: %llu unrefs of a zero count", when, (unsigned long long)r->anomalies);
	for (i = 0; i < s->intern_cap; i++) {
		const struct kstr *k = s->intern[i];
		if (!k)
			continue;
		interned++;
		if (!in_arena(s, kvm_str_obj(k), sizeof(struct kobj) + sizeof(*k)) || k->home != KSTR_ARENA ||
		    kvm_str_obj(k)->kind != KOBJ_STR || kvm_str_obj(k)->where == KOBJ_DYING)
			violation("%s: intern slot %u holds a string that is not a live interned one", when, i);
	}
	if (interned != s->intern_count)
		violation("%s: %u interned strings, the count says %u", when, interned, s->intern_count);
}

/* At the session's end, with every global let go and everything reclaimed: nothing is left
 * on the lists and, unless a table was stored in a table or a table or closure in a cell (a
 * cycle may hold itself: docs/vm.md), the arena holds nothing but the intern set's array:
 * every string, table, ptable, closure and cell made went back. */
int check_reclaimed(struct ktap_session *s)
{
	u32 g;
	u64 intern_bytes = 0;
	for (g = 0; g < s->b.nglobal; g++) {
		struct kv old = s->globals[g];
		s->globals[g].t = KT_NIL;
		kvm_kv_release(s, &old);
	}
	kvm_reclaim_all(s);
	reclaim_lists(s, "after reclaiming everything");
	if (s->rc.pending)
		violation("after reclaiming everything: %u objects still deferred", s->rc.pending);
	if (s->rc.nested)
		return 0;
	if (s->intern_cap) {
		intern_bytes = 16;
		while (intern_bytes < sizeof(struct kstr *) * (u64)s->intern_cap + 8)
			intern_bytes <<= 1;
		if (intern_bytes > (64u << 10))
			intern_bytes = (sizeof(struct kstr *) * (u64)s->intern_cap + 8 + 4095) & ~(u64)4095;
	}
	if (s->rc.live || s->intern_count || s->arena.used != intern_bytes)
		violation("after reclaiming everything: %llu objects live, %u interned, arena holds %llu bytes (intern array %llu)",
			  (unsigned long long)s->rc.live, s->intern_count, (unsigned long long)s->arena.used,
			  (unsigned long long)intern_bytes);
	return 1;
}

/* A value kept past the handler that made it: nothing in scratch, nothing outside the session,
 * counted. A closure's cells (counted by it) are followed one level (a closure may hold
 * itself through a cell). */
static void persistent_at(const struct ktap_session *s, const struct kv *v, const char *where, int depth);
static void persistent(const struct ktap_session *s, const struct kv *v, const char *where)
{
	persistent_at(s, v, where, 0);
}
static void persistent_at(const struct ktap_session *s, const struct kv *v, const char *where, int depth)
{
	switch (v->t) {
	case KT_CLOSURE: {
		const struct kclosure *cl = v->u.cl;
		u32 j;
		if (!in_arena(s, cl, sizeof(*cl)) || !in_arena(s, cl, sizeof(*cl) + sizeof(cl->up[0]) * (u64)cl->n))
			violation("%s: a closure at %p outside the arena", where, (void *)cl);
		if (cl->fn != v->aux || cl->fn >= s->b.nfunc || s->b.funcs[cl->fn].nup != cl->n || !cl->n)
			violation("%s: closure of function %u with %u cells (value says %u)", where, cl->fn, cl->n, v->aux);
		if (cl->o.kind != KOBJ_CLOSURE || cl->reap)
			violation("%s: a closure of kind %u, torn down to cell %u", where, cl->o.kind, cl->reap);
		counted(s, &cl->o, where);
		for (j = 0; j < cl->n; j++) {
			if (!in_arena(s, cl->up[j], sizeof(*cl->up[j])))
				violation("%s: closure cell %u at %p outside the arena", where, j, (void *)cl->up[j]);
			if (cl->up[j]->o.kind != KOBJ_UPVAL)
				violation("%s: closure cell %u of kind %u", where, j, cl->up[j]->o.kind);
			counted(s, &cl->up[j]->o, where); /* the closure's own count of it */
			if (depth < 1)
				persistent_at(s, &cl->up[j]->v, where, depth + 1);
		}
		return;
	}
	case KT_NIL: case KT_FALSE: case KT_TRUE: case KT_NUMBER:
		return;
	case KT_STRING: case KT_STACK: case KT_USTACK:
		/* interned (in the arena, the common case: checked first) or a bundle string */
		if (!in_arena(s, v->u.s, sizeof(struct kstr))) {
			if (bundle_string(s, v->u.s))
				return;
			violation("%s: a string at %p outside the arena (scratch or freed memory?)", where, (void *)v->u.s);
		}
		if (!in_arena(s, v->u.s, sizeof(struct kstr) + v->u.s->len + 1))
			violation("%s: a string of %u bytes runs past the arena", where, v->u.s->len);
		if (v->u.s->home == KSTR_SCRATCH)
			violation("%s: a scratch string kept past its handler", where);
		counted(s, kvm_str_obj(v->u.s), where);
		return;
	case KT_TABLE:
		if (!in_arena(s, v->u.tab, sizeof(struct ktab)))
			violation("%s: a table at %p outside the arena", where, (void *)v->u.tab);
		counted(s, &v->u.tab->o, where);
		return;
	case KT_PTABLE:
		if (!in_arena(s, v->u.ptab, sizeof(struct kptab)))
			violation("%s: a ptable at %p outside the arena", where, (void *)v->u.ptab);
		counted(s, &v->u.ptab->o, where);
		return;
	case KT_STAT:
		if (!in_arena(s, v->u.st, sizeof(struct kstat)))
			violation("%s: a statistics cell at %p outside the arena (scratch?)", where, (void *)v->u.st);
		return;
	case KT_FUNCTION:
		if (v->aux >= s->b.nfunc || (s->b.funcs[v->aux].flags & 3))
			violation("%s: function value %u", where, v->aux);
		return;
	case KT_BUILTIN:
		if (v->aux >= BI__COUNT)
			violation("%s: built-in value %u", where, v->aux);
		return;
	}
	violation("%s: a value of type %u kept past its handler", where, v->t);
}

static void table(const struct ktap_session *s, const struct ktab *t, const char *where)
{
	u32 j, live = 0;
	if (t->cap & (t->cap - 1))
		violation("%s: table capacity %u is not a power of two", where, t->cap);
	if (t->cap && !in_arena(s, t->nodes, sizeof(struct knode) * (u64)t->cap))
		violation("%s: node array of %u outside the arena", where, t->cap);
	if (t->count > s->lim[KTAP_LIMIT_TABLE_ENTRIES])
		violation("%s: %u entries, budget %llu", where, t->count,
			  (unsigned long long)s->lim[KTAP_LIMIT_TABLE_ENTRIES]);
	for (j = 0; j < t->cap; j++) {
		const struct knode *nd = &t->nodes[j];
		if (nd->key.t == KT_NIL || (nd->key.t == KT_FALSE && nd->key.aux == 1))
			continue;
		live++;
		persistent(s, &nd->key, where);
		persistent(s, &nd->val, where);
	}
	if (live != t->count)
		violation("%s: %u live nodes, count says %u", where, live, t->count);
}

void check_session(struct ktap_session *s, const struct ktap_bounds *bounds, const char *when)
{
	const struct kvm_arena *a = &s->arena;
	char where[64];
	int i;
	u32 g;
	if (a->used > a->size || a->peak > a->size || a->bump > a->size)
		violation("%s: arena used %llu peak %llu bump %llu over its %llu bytes", when,
			  (unsigned long long)a->used, (unsigned long long)a->peak, (unsigned long long)a->bump,
			  (unsigned long long)a->size);
	if (a->size != s->lim[KTAP_LIMIT_MEMORY])
		violation("%s: arena of %llu bytes, memory budget %llu", when, (unsigned long long)a->size,
			  (unsigned long long)s->lim[KTAP_LIMIT_MEMORY]);
	for (i = 1; i < KTAP_LIMIT_COUNT; i++)
		if (bounds && bounds->max[i] && s->lim[i] > bounds->max[i])
			violation("%s: limit %d is %llu, the host's bound %llu", when, i,
				  (unsigned long long)s->lim[i], (unsigned long long)bounds->max[i]);
	for (i = 0; i <= s->ncpu; i++) {
		const struct kvm_cpu *c = &s->cpus[i];
		if (c->running)
			violation("%s: slot %d still marked running", when, i);
		if (c->snaps)
			violation("%s: slot %d keeps ptable snapshots after its run", when, i);
		if (c->scratch_used > c->scratch_size)
			violation("%s: slot %d scratch used %u of %u", when, i, c->scratch_used, c->scratch_size);
	}
	reclaim_lists(s, when);
	for (g = 0; g < s->b.nglobal; g++) {
		const struct kv *v = &s->globals[g];
		snprintf(where, sizeof(where), "%s: global %u", when, g);
		persistent(s, v, where);
		if (v->t == KT_TABLE)
			table(s, v->u.tab, where);
		if (v->t == KT_PTABLE) {
			const struct kptab *p = v->u.ptab;
			int k;
			if (!in_arena(s, p->percpu, sizeof(*p->percpu) * ((u64)s->ncpu + 1)))
				violation("%s: per-slot tables outside the arena", where);
			for (k = 0; k <= s->ncpu; k++) {
				if (!in_arena(s, p->percpu[k], sizeof(struct ktab)))
					violation("%s: slot %d's table outside the arena", where, k);
				table(s, p->percpu[k], where);
			}
		}
	}
}
