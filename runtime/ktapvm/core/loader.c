/*
 * loader.c - reads a bundle (docs/bundle-format.md) in its own byte order. Header fields
 * are checked in the documented order, each with its own message; then the section table
 * and every section's framing. Meaning-level checks (operands, jumps...) are verifier.c's.
 */
#include "kvm.h"

#define HEADER_SIZE 64
#define MAX_TOTAL (16u << 20)

struct rd {
	const u8 *p;
	int swap;
};
static u16 rd16(const struct rd *r, u32 off)
{
	u16 v;
	kvm_memcpy(&v, r->p + off, 2);
	return r->swap ? bswap16(v) : v;
}
static u32 rd32(const struct rd *r, u32 off)
{
	u32 v;
	kvm_memcpy(&v, r->p + off, 4);
	return r->swap ? bswap32(v) : v;
}
static u64 rd64(const struct rd *r, u32 off)
{
	u64 v;
	kvm_memcpy(&v, r->p + off, 8);
	return r->swap ? bswap64(v) : v;
}

#define FAIL(...) do { kvm_snprintf(msg, KTAP_ERRMSG_MAX, __VA_ARGS__); return -KTAP_EINVAL; } while (0)
#define FAILX(...) do { kvm_snprintf(msg, KTAP_ERRMSG_MAX, __VA_ARGS__); return -KTAP_ENOEXEC; } while (0)
#define KTAP_FORMAT_UNLINKED 2 /* format 1 + KSYMS: only the host reads it */
#define KTAP_FORMAT_UNLINKED_UPVALUES 4 /* format 3 + KSYMS: likewise */

const char *ktap_arch_name(int arch)
{
	switch (arch) {
	case KTAP_ARCH_X86: return "x86";
	case KTAP_ARCH_X86_64: return "x86_64";
	case KTAP_ARCH_ARM_V7: return "arm-v7";
	case KTAP_ARCH_POWERPC: return "powerpc";
	case KTAP_ARCH_ARM64: return "arm64";
	}
	return "unknown";
}

static const char *order_name(int o)
{
	return o == KTAP_BIG_ENDIAN ? "big-endian" : "little-endian";
}

static int arch_word(int arch)
{
	return arch == KTAP_ARCH_X86_64 || arch == KTAP_ARCH_ARM64 ? 8 : 4;
}

static int arch_order(int arch)
{
	return arch == KTAP_ARCH_POWERPC ? KTAP_BIG_ENDIAN : KTAP_LITTLE_ENDIAN;
}

static int check_header(struct ktap_session *s, const u8 *p, u32 len, struct rd *r, char *msg)
{
	const struct ktap_target *t = &s->target;
	static const u8 magic[4] = { 0x1b, 'K', 'B', 'C' };
	static const u8 tail[4] = { 0x0d, 0x0a, 0x1a, 0x0a };
	u32 endian, total, i;
	u16 abi, hsize, nsec, flags;

	if (len < 4 || kvm_memcmp(p, magic, 4) != 0)
		FAIL("not a ktap bundle");
	if (len < HEADER_SIZE)
		FAIL("truncated (%u bytes, header needs %u)", len, HEADER_SIZE);
	/* Format 2 is format 1 plus a KSYMS section the host resolves and removes when it links
	 * the bundle for a board (docs/bundle-format.md): say so rather than "unsupported". */
	if (p[4] == KTAP_FORMAT_UNLINKED || p[4] == KTAP_FORMAT_UNLINKED_UPVALUES)
		FAILX("bundle has unresolved kernel symbol literals (format %u): link it for this board with ktap run", p[4]);
	if (p[4] != KTAP_FORMAT_VERSION && p[4] != KTAP_FORMAT_UPVALUES)
		FAILX("unsupported bundle format version %u (this reader: %u and %u)", p[4], KTAP_FORMAT_VERSION,
		      KTAP_FORMAT_UPVALUES);
	if (p[5] != KTAP_LITTLE_ENDIAN && p[5] != KTAP_BIG_ENDIAN)
		FAIL("bad byte order %u", p[5]);
	if (p[5] != t->byte_order)
		FAILX("bundle is %s, this VM is %s", order_name(p[5]), order_name(t->byte_order));
	if (p[6] != 4 && p[6] != 8)
		FAIL("bundle word size %u, this VM has %u", p[6], t->word_size);
	if (p[6] != t->word_size)
		FAILX("bundle word size %u, this VM has %u", p[6], t->word_size);
	if (p[7] < KTAP_ARCH_X86 || p[7] > KTAP_ARCH_ARM64)
		FAIL("bundle built for unknown architecture %u, this VM is %s", p[7], ktap_arch_name(t->arch));
	if (p[7] != t->arch)
		FAILX("bundle built for %s, this VM is %s", ktap_arch_name(p[7]), ktap_arch_name(t->arch));
	if (arch_word(p[7]) != p[6] || arch_order(p[7]) != p[5])
		FAIL("word size %u or byte order does not match architecture %s", p[6], ktap_arch_name(p[7]));
	r->p = p;
	r->swap = (p[5] == KTAP_BIG_ENDIAN) != kvm_host_big_endian();
	endian = rd32(r, 8);
	if (endian != 0x4B544150u)
		FAIL("byte order field disagrees with the data");
	abi = rd16(r, 12);
	if (abi != KTAP_RUNTIME_ABI)
		FAILX("bundle needs runtime ABI %u, this VM has %u", abi, KTAP_RUNTIME_ABI);
	hsize = rd16(r, 14);
	if (hsize != HEADER_SIZE)
		FAIL("bad header size %u", hsize);
	if (rd64(r, 16) != 0x0102030405060708ull)
		FAIL("64-bit integer check failed");
	total = rd32(r, 24);
	if (total > MAX_TOTAL)
		FAIL("bundle too large (%u bytes, limit %u)", total, MAX_TOTAL);
	if (len < total)
		FAIL("truncated (%u bytes, header says %u)", len, total);
	if (len > total)
		FAIL("trailing bytes (%u bytes, header says %u)", len, total);
	nsec = rd16(r, 28);
	if (nsec < 1 || nsec > 32)
		FAIL("bad section count %u", nsec);
	flags = rd16(r, 30);
	if (flags != 0)
		FAIL("unknown header flags 0x%x", flags);
	{
		u32 stored = rd32(r, 32), computed = kvm_crc32(p, len, 32);
		if (stored != computed)
			FAIL("checksum mismatch (stored %x, computed %x)", stored, computed);
	}
	/* main_function is range-checked once FUNCTIONS is known */
	if (rd32(r, 40) > 65536)
		FAIL("too many globals (%u, limit 65536)", rd32(r, 40));
	for (i = 52; i < 60; i++)
		if (p[i])
			FAIL("reserved header bytes not zero");
	if (kvm_memcmp(p + 60, tail, 4) != 0)
		FAIL("bundle damaged by a text transfer");
	return 0;
}

enum { SEC_STRINGS = 1, SEC_CONSTANTS, SEC_FUNCTIONS, SEC_CODE, SEC_LINES, SEC_EVENTS,
       SEC_FETCHARGS, SEC_FORMATS, SEC_GLOBALS, SEC_ARGS, SEC_LIMITS, SEC_MAX = SEC_LIMITS };
static const char *const sec_names[] = { "", "STRINGS", "CONSTANTS", "FUNCTIONS", "CODE",
	"LINES", "EVENTS", "FETCHARGS", "FORMATS", "GLOBALS", "ARGS", "LIMITS" };
/* fixed item sizes; 0 = variable */
static const u32 sec_item[] = { 0, 0, 16, 32, 4, 4, 32, 24, 16, 4, 4, 16 };

struct sec {
	u32 off, size, count;
	int present;
};

static int zero(const u8 *p, u32 n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static int load_strings(struct kvm_bundle *b, const struct rd *r, const struct sec *sc, char *msg)
{
	u32 pos = sc->off, end = sc->off + sc->size, i;
	b->nstr = sc->count;
	if (sc->count > 1048576)
		FAIL("section STRINGS: too many strings (%u)", sc->count);
	b->strs = ktap_plat_alloc(sizeof(*b->strs) * (sc->count ? sc->count : 1));
	if (!b->strs)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 slen, padded;
		struct kstr *ks;
		if (end - pos < 4)
			FAIL("section STRINGS: string %u runs past the section end", i);
		slen = rd32(r, pos);
		if (slen > 65535)
			FAIL("section STRINGS: string %u is %u bytes (limit 65535)", i, slen);
		padded = (slen + 1 + 3) & ~3u;
		if (end - pos - 4 < padded)
			FAIL("section STRINGS: string %u runs past the section end", i);
		if (r->p[pos + 4 + slen] != 0 || !zero(r->p + pos + 4 + slen + 1, padded - slen - 1))
			FAIL("section STRINGS: string %u is not NUL-terminated and zero-padded", i);
		ks = ktap_plat_alloc(sizeof(*ks) + slen + 1);
		if (!ks)
			return -KTAP_ENOMEM;
		ks->len = slen;
		kvm_memcpy(ks->data, r->p + pos + 4, slen);
		ks->hash = kvm_hash(ks->data, slen);
		b->strs[i] = ks;
		pos += 4 + padded;
	}
	if (pos != end)
		FAIL("section STRINGS: %u bytes after the last string", end - pos);
	return 0;
}

static const char *sidx(const struct kvm_bundle *b, u32 i)
{
	return i < b->nstr ? b->strs[i]->data : 0;
}

#define CHECK_STR(idx, what, i) do { if ((idx) >= b->nstr) \
	FAIL("%s %u: string index %u out of range (%u strings)", what, i, idx, b->nstr); } while (0)
#define CHECK_STR_OPT(idx, what, i) do { if ((idx) != KVM_NONE) CHECK_STR(idx, what, i); } while (0)

static int load_items(struct ktap_session *s, const struct rd *r, struct sec *sec, char *msg)
{
	struct kvm_bundle *b = &s->b;
	u32 i;
	const struct sec *sc;

	sc = &sec[SEC_CONSTANTS];
	b->nconst = sc->count;
	b->consts = ktap_plat_alloc(sizeof(struct kv) * (sc->count + 1));
	if (!b->consts)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * 16;
		u8 kind = r->p[o];
		struct kv *k = &b->consts[i];
		if (!zero(r->p + o + 1, 7))
			FAIL("constant %u: padding bytes not zero", i);
		switch (kind) {
		case 0: case 1: case 2:
			if (!zero(r->p + o + 8, 8))
				FAIL("constant %u: value bytes of nil/boolean not zero", i);
			k->t = kind == 0 ? KT_NIL : kind == 1 ? KT_FALSE : KT_TRUE;
			break;
		case 3:
			k->t = KT_NUMBER;
			k->u.n = (s64)rd64(r, o + 8);
			break;
		case 4: {
			u32 si = rd32(r, o + 8);
			CHECK_STR(si, "constant", i);
			if (!zero(r->p + o + 12, 4))
				FAIL("constant %u: padding bytes not zero", i);
			k->t = KT_STRING;
			k->u.s = b->strs[si];
			break;
		}
		default:
			FAIL("constant %u: unknown kind %u", i, kind);
		}
	}

	sc = &sec[SEC_FUNCTIONS];
	b->nfunc = sc->count;
	if (sc->count == 0)
		FAIL("section FUNCTIONS: no functions");
	b->funcs = ktap_plat_alloc(sizeof(struct kvm_func) * sc->count);
	if (!b->funcs)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * 32;
		struct kvm_func *f = &b->funcs[i];
		f->name = rd32(r, o);
		CHECK_STR_OPT(f->name, "function", i);
		f->code_start = rd32(r, o + 4);
		f->code_count = rd32(r, o + 8);
		f->params = rd16(r, o + 12);
		f->vararg = r->p[o + 14];
		f->frame = r->p[o + 15];
		f->first_line = rd32(r, o + 16);
		f->last_line = rd32(r, o + 20);
		f->flags = rd32(r, o + 24);
		/* format 3: byte 28 is the upvalue count; format 1 has none (reserved, zero) */
		f->nup = r->p[4] == KTAP_FORMAT_UPVALUES ? r->p[o + 28] : 0;
		if (r->p[o + 29] || r->p[o + 30] || r->p[o + 31] || (r->p[4] != KTAP_FORMAT_UPVALUES && r->p[o + 28]))
			FAIL("function %u: reserved field not zero", i);
	}

	b->ncode = sec[SEC_CODE].count;
	b->code = ktap_plat_alloc(4 * (b->ncode + 1));
	b->lines = ktap_plat_alloc(4 * (b->ncode + 1));
	if (!b->code || !b->lines)
		return -KTAP_ENOMEM;
	if (sec[SEC_LINES].count != b->ncode)
		FAIL("section LINES: %u lines for %u instructions", sec[SEC_LINES].count, b->ncode);
	for (i = 0; i < b->ncode; i++) {
		b->code[i] = rd32(r, sec[SEC_CODE].off + 4 * i);
		b->lines[i] = rd32(r, sec[SEC_LINES].off + 4 * i);
	}

	sc = &sec[SEC_FETCHARGS];
	b->nfetch = sc->count;
	b->fetchargs = ktap_plat_alloc(sizeof(struct ktap_fetcharg) * (sc->count + 1));
	if (!b->fetchargs)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * 24;
		struct ktap_fetcharg *fa = &b->fetchargs[i];
		u32 name = rd32(r, o);
		CHECK_STR(name, "fetcharg", i);
		fa->name = sidx(b, name);
		fa->source = r->p[o + 4];
		fa->type = r->p[o + 5];
		fa->reg = rd16(r, o + 6);
		fa->offset = (s64)rd64(r, o + 8);
		if (fa->source < 1 || fa->source > 5)
			FAIL("fetcharg %u: unknown source %u", i, fa->source);
		if (fa->type < 1 || fa->type > 9)
			FAIL("fetcharg %u: unknown type %u", i, fa->type);
		if (!zero(r->p + o + 16, 8))
			FAIL("fetcharg %u: reserved bytes not zero", i);
	}

	sc = &sec[SEC_EVENTS];
	b->nevent = sc->count;
	b->probes = ktap_plat_alloc(sizeof(struct ktap_probe) * (sc->count + 1));
	if (!b->probes)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * 32, spec, target, filter, first;
		struct ktap_probe *pr = &b->probes[i];
		pr->kind = rd16(r, o);
		pr->fetcharg_count = rd16(r, o + 2);
		pr->handler = rd32(r, o + 4);
		spec = rd32(r, o + 8);
		target = rd32(r, o + 12);
		filter = rd32(r, o + 16);
		pr->value = rd64(r, o + 20);
		first = rd32(r, o + 28);
		if (pr->kind < KTAP_PROBE_TRACEPOINT || pr->kind > KTAP_PROBE_WATCHPOINT)
			FAIL("event %u: unknown kind %u", i, pr->kind);
		if (pr->handler >= b->nfunc)
			FAIL("event %u: handler %u out of range (%u functions)", i, pr->handler, b->nfunc);
		CHECK_STR(spec, "event", i);
		CHECK_STR_OPT(target, "event", i);
		CHECK_STR_OPT(filter, "event", i);
		pr->spec = sidx(b, spec);
		pr->target = target == KVM_NONE ? 0 : sidx(b, target);
		pr->filter = filter == KVM_NONE ? 0 : sidx(b, filter);
		if (pr->fetcharg_count == 0) {
			if (first != KVM_NONE)
				FAIL("event %u: first_fetcharg must be NONE without fetchargs", i);
			pr->fetchargs = 0;
		} else {
			if (first >= b->nfetch || b->nfetch - first < pr->fetcharg_count)
				FAIL("event %u: fetchargs %u..+%u out of range (%u)", i, first,
				     pr->fetcharg_count, b->nfetch);
			pr->fetchargs = &b->fetchargs[first];
		}
		if ((pr->kind == KTAP_PROBE_TICK || pr->kind == KTAP_PROBE_PROFILE) && pr->value == 0)
			FAIL("event %u: %s interval is zero", i, pr->spec);
		if (pr->kind == KTAP_PROBE_SOFTWARE || pr->kind == KTAP_PROBE_HARDWARE) {
			int err = kvm_perf_event_check(pr, i, msg);

			if (err)
				return err;
		}
		if (pr->kind == KTAP_PROBE_WATCHPOINT) {
			int err = kvm_watchpoint_check(pr, i, msg);

			if (err)
				return err;
		}
	}

	sc = &sec[SEC_FORMATS];
	b->nfmt = sc->count;
	b->formats = ktap_plat_alloc(sizeof(struct kvm_format) * (sc->count + 1));
	if (!b->formats)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * 16;
		struct kvm_format *f = &b->formats[i];
		f->kind = rd16(r, o);
		f->argc = rd16(r, o + 2);
		f->fmt = rd32(r, o + 4);
		f->line = rd32(r, o + 8);
		if (f->kind != 1 && f->kind != 2)
			FAIL("format %u: unknown kind %u", i, f->kind);
		if (f->kind == 1)
			CHECK_STR(f->fmt, "format", i);
		else if (f->fmt != KVM_NONE)
			FAIL("format %u: print format must be NONE", i);
		if (rd32(r, o + 12) != 0)
			FAIL("format %u: reserved field not zero", i);
	}

	sc = &sec[SEC_GLOBALS];
	if (sc->count != b->nglobal)
		FAIL("section GLOBALS: %u names for %u globals", sc->count, b->nglobal);
	for (i = 0; i < sc->count; i++)
		CHECK_STR(rd32(r, sc->off + 4 * i), "global", i);

	sc = &sec[SEC_ARGS];
	b->nargs = sc->count;
	b->args = ktap_plat_alloc(4 * (sc->count + 1));
	if (!b->args)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		b->args[i] = rd32(r, sc->off + 4 * i);
		CHECK_STR(b->args[i], "argument", i);
	}

	sc = &sec[SEC_LIMITS];
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * 16, key = rd32(r, o);
		if (key < 1 || key >= KTAP_LIMIT_COUNT)
			FAIL("limit %u: unknown key %u", i, key);
		if (rd32(r, o + 4) != 0)
			FAIL("limit %u: reserved field not zero", i);
		b->limits[key] = rd64(r, o + 8);
	}
	return 0;
}

int kvm_load(struct ktap_session *s, const u8 *p, u32 len, char *msg)
{
	struct kvm_bundle *b = &s->b;
	struct rd r;
	struct sec sec[SEC_MAX + 1];
	u32 i, nsec, prev_end = 0, table_end;
	int err;

	kvm_memset(sec, 0, sizeof(sec));
	err = check_header(s, p, len, &r, msg);
	if (err)
		return err;
	b->swap = r.swap;
	nsec = rd16(&r, 28);
	table_end = HEADER_SIZE + 16 * nsec;
	if (table_end > len)
		FAIL("section table runs past the end of the file");
	prev_end = table_end;
	/* ids first: unknown, repeated or unsorted entries are reported as such */
	for (i = 0; i < nsec; i++) {
		u32 id = rd32(&r, HEADER_SIZE + 16 * i);
		if (id < 1 || id > SEC_MAX)
			FAIL("section %u: unknown section id %u", i, id);
		if (sec[id].present)
			FAIL("section %s appears twice", sec_names[id]);
		sec[id].present = 1;
		if (i > 0 && id < rd32(&r, HEADER_SIZE + 16 * (i - 1)))
			FAIL("section table not sorted by id (%s after %s)", sec_names[id],
			     sec_names[rd32(&r, HEADER_SIZE + 16 * (i - 1))]);
	}
	for (i = 0; i < nsec; i++) {
		u32 o = HEADER_SIZE + 16 * i;
		u32 id = rd32(&r, o), off = rd32(&r, o + 4), size = rd32(&r, o + 8), cnt = rd32(&r, o + 12);
		struct sec *sc = &sec[id];
		if (off & 3)
			FAIL("section %s: offset %u not a multiple of 4", sec_names[id], off);
		if (off > len || size > len - off)
			FAIL("section %s: bytes %u..%u outside the file (%u bytes)", sec_names[id], off,
			     off + size, len);
		if (off < prev_end)
			FAIL("section %s overlaps the header, the section table or another section",
			     sec_names[id]);
		if (!zero(p + prev_end, off - prev_end))
			FAIL("section %s: padding before it not zero", sec_names[id]);
		if (sec_item[id] && (u64)cnt * sec_item[id] != size)
			FAIL("section %s: count %u does not match size %u", sec_names[id], cnt, size);
		prev_end = off + size;
		sc->off = off;
		sc->size = size;
		sc->count = cnt;
		sc->present = 1;
	}
	if (prev_end != len)
		FAIL("trailing bytes after the last section (%u)", len - prev_end);
	for (i = SEC_STRINGS; i <= SEC_GLOBALS; i++)
		if (!sec[i].present)
			FAIL("required section %s missing", sec_names[i]);
	if (sec[SEC_FUNCTIONS].count > 65536 || sec[SEC_CONSTANTS].count > 65536 ||
	    sec[SEC_EVENTS].count > 65536 || sec[SEC_FORMATS].count > 65536)
		FAIL("too many functions, constants, events or formats (limit 65536)");
	if (sec[SEC_CODE].count > 1048576)
		FAIL("too many instructions (%u, limit 1048576)", sec[SEC_CODE].count);
	b->nglobal = rd32(&r, 40);
	b->main_fn = rd32(&r, 36);
	b->source_name = rd32(&r, 44);
	err = load_strings(b, &r, &sec[SEC_STRINGS], msg);
	if (err)
		return err;
	if (b->source_name != KVM_NONE && b->source_name >= b->nstr)
		FAIL("source name: string index %u out of range (%u strings)", b->source_name, b->nstr);
	err = load_items(s, &r, sec, msg);
	if (err)
		return err;
	if (b->main_fn >= b->nfunc)
		FAIL("main function index out of range (%u, %u functions)", b->main_fn, b->nfunc);
	return 0;
}
