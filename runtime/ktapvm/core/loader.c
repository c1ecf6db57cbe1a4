/*
 * loader.c - reads a bundle (docs/bundle-format.md) in its own byte order. Header fields
 * are checked in the documented order, each with its own fault; then the section table
 * and every section's framing. Meaning-level checks (operands, jumps...) are verifier.c's.
 * The faults and their wording are ktap_bundle_faults.def's, shared with the host reader.
 */
#include "kvm.h"
#include "../include/ktap_bundle_faults.h"


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

static int zero(const u8 *p, u32 n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* A fault's wording, and whether it is a sound bundle for another VM: -KTAP_ENOEXEC, which
 * ktapvm-run and /dev/ktap report as a target mismatch, rather than a damaged one. */
enum { DAMAGED, FOREIGN };
static const struct {
	const char *wording;
	u8 kind;
} faults[KTAP_FAULT_COUNT] = {
#define KTAP_BUNDLE_FAULT(name, cs, kind, wording, params) [KTAP_FAULT_##name] = { wording, kind },
#include "../ktap_bundle_faults.def"
};

/* Arguments follow the wording: u32 for %u and %x, a string for %s. */
static int fault(char *msg, int f, ...)
{
	__builtin_va_list ap;

	__builtin_va_start(ap, f);
	kvm_vsnprintf(msg, KTAP_ERRMSG_MAX, faults[f].wording, ap);
	__builtin_va_end(ap);
	return faults[f].kind == FOREIGN ? -KTAP_ENOEXEC : -KTAP_EINVAL;
}
#define FAIL(name, ...) return fault(msg, KTAP_FAULT_##name, ##__VA_ARGS__)

/* offset of the first non-zero byte of p[from..to), or to */
static u32 nonzero_at(const u8 *p, u32 from, u32 to)
{
	while (from < to && !p[from])
		from++;
	return from;
}
/* The architectures of ktap_bundle_format.def: spelling, word size, byte order. */
static const struct {
	const char *name;
	u8 word, order;
} arches[] = {
#define KTAP_ARCH(id, name, cs, spelling, word_size, byte_order) [id] = { spelling, word_size, byte_order },
#include "../ktap_bundle_format.def"
};
#define ARCH_COUNT (sizeof(arches) / sizeof(arches[0]))

static const char *const order_names[] = {
#define KTAP_BYTE_ORDER(id, name, cs, spelling) [id] = spelling,
#include "../ktap_bundle_format.def"
};

static int arch_known(u32 arch)
{
	return arch < ARCH_COUNT && arches[arch].name;
}

const char *ktap_arch_name(int arch)
{
	return arch >= 0 && arch_known((u32)arch) ? arches[arch].name : "unknown";
}

static const char *order_name(int o)
{
	return o == KTAP_BIG_ENDIAN ? order_names[KTAP_BIG_ENDIAN] : order_names[KTAP_LITTLE_ENDIAN];
}

static int check_header(struct ktap_session *s, const u8 *p, u32 len, struct rd *r, char *msg)
{
	const struct ktap_target *t = &s->target;
	static const u8 magic[4] = KTAP_BYTES_OF(MAGIC);
	static const u8 tail[4] = KTAP_BYTES_OF(TAIL);
	u32 endian, total;
	u16 abi, hsize, nsec, flags;
	u8 version, order, word, arch;

	if (len < 4 || kvm_memcmp(p, magic, 4) != 0)
		FAIL(NOT_A_BUNDLE);
	if (len < KTAP_HEADER_SIZE)
		FAIL(TRUNCATED_HEADER, len, (u32)KTAP_HEADER_SIZE);
	version = p[KTAP_HDR_FORMAT_VERSION];
	order = p[KTAP_HDR_BYTE_ORDER];
	word = p[KTAP_HDR_WORD_SIZE];
	arch = p[KTAP_HDR_ARCH];
	/* Format 2 is format 1 plus a KSYMS section the host resolves and removes when it links
	 * the bundle for a board (docs/bundle-format.md): say so rather than "unsupported". */
	if (version == KTAP_FORMAT_VERSION_UNLINKED || version == KTAP_FORMAT_VERSION_UNLINKED_UPVALUES)
		FAIL(UNLINKED, (u32)version);
	/* the formats this reader knows are 1 to 4; 2 and 4 were refused just above */
	if (version != KTAP_FORMAT_VERSION && version != KTAP_FORMAT_VERSION_UPVALUES)
		FAIL(VERSION, (u32)version, (u32)KTAP_FORMAT_VERSION, (u32)KTAP_FORMAT_VERSION_UNLINKED_UPVALUES);
	if (order != KTAP_LITTLE_ENDIAN && order != KTAP_BIG_ENDIAN)
		FAIL(BYTE_ORDER, (u32)order);
	if (word != 4 && word != 8)
		FAIL(WORD_SIZE, (u32)word);
	if (!arch_known(arch))
		FAIL(ARCH, (u32)arch);
	/* a header that contradicts itself is damaged, whatever VM reads it; one that is
	 * consistent but for another target is foreign */
	if (arches[arch].word != word)
		FAIL(ARCH_WORD_SIZE, (u32)word, ktap_arch_name(arch), (u32)arches[arch].word);
	if (arches[arch].order != order)
		FAIL(ARCH_BYTE_ORDER, order_name(order), ktap_arch_name(arch), order_name(arches[arch].order));
	if (order != t->byte_order)
		FAIL(VM_BYTE_ORDER, order_name(order), order_name(t->byte_order));
	if (word != t->word_size)
		FAIL(VM_WORD_SIZE, (u32)word, (u32)t->word_size);
	if (arch != t->arch)
		FAIL(VM_ARCH, ktap_arch_name(arch), ktap_arch_name(t->arch));
	r->p = p;
	r->swap = (order == KTAP_BIG_ENDIAN) != kvm_host_big_endian();
	endian = rd32(r, KTAP_HDR_ENDIAN_CHECK);
	if (endian != KTAP_ENDIAN_CHECK)
		FAIL(ENDIAN_CHECK);
	abi = rd16(r, KTAP_HDR_RUNTIME_ABI);
	if (abi != KTAP_RUNTIME_ABI)
		FAIL(RUNTIME_ABI, (u32)abi, (u32)KTAP_RUNTIME_ABI);
	hsize = rd16(r, KTAP_HDR_HEADER_SIZE);
	if (hsize != KTAP_HEADER_SIZE)
		FAIL(HEADER_SIZE, (u32)hsize);
	if (rd64(r, KTAP_HDR_INT_CHECK) != KTAP_INT_CHECK)
		FAIL(INT_CHECK);
	total = rd32(r, KTAP_HDR_TOTAL_SIZE);
	if (total > KTAP_MAX_TOTAL_SIZE)
		FAIL(TOO_LARGE, total, (u32)KTAP_MAX_TOTAL_SIZE);
	if (len < total)
		FAIL(TRUNCATED, len, total);
	if (len > total)
		FAIL(TRAILING, len, total);
	nsec = rd16(r, KTAP_HDR_SECTION_COUNT);
	if (nsec < 1 || nsec > KTAP_MAX_SECTIONS)
		FAIL(SECTION_COUNT, (u32)nsec);
	flags = rd16(r, KTAP_HDR_FLAGS);
	if (flags != 0)
		FAIL(FLAGS, (u32)flags);
	{
		u32 stored = rd32(r, KTAP_HDR_CHECKSUM), computed = kvm_crc32(p, len, KTAP_HDR_CHECKSUM);
		if (stored != computed)
			FAIL(CHECKSUM, stored, computed);
	}
	/* main_function is range-checked once FUNCTIONS is known */
	if (rd32(r, KTAP_HDR_GLOBAL_COUNT) > KTAP_MAX_GLOBALS)
		FAIL(TOO_MANY_GLOBALS, rd32(r, KTAP_HDR_GLOBAL_COUNT), (u32)KTAP_MAX_GLOBALS);
	if (!zero(p + KTAP_HDR_RESERVED, KTAP_HDR_RESERVED_LEN))
		FAIL(RESERVED_HEADER);
	if (kvm_memcmp(p + KTAP_HDR_TAIL, tail, KTAP_HDR_TAIL_LEN) != 0)
		FAIL(TEXT_TRANSFER);
	return 0;
}

/* The sections of ktap_bundle_format.def. One the VM does not read (KSYMS, which only a
 * format-2 bundle has and the host removes) is refused like an unknown id. */
static const struct {
	const char *name;
	u32 item;       /* fixed item size; 0 = variable */
	u8 required, vm_reads;
} sections[] = {
#define KTAP_SECTION(id, name, cs, item_size, required, vm_reads) [id] = { #name, item_size, required, vm_reads },
#include "../ktap_bundle_format.def"
};
#define SEC_COUNT (sizeof(sections) / sizeof(sections[0]))

/* offset of section table entry i */
static u32 entry(u32 i)
{
	return KTAP_HEADER_SIZE + KTAP_SECTION_ENTRY_SIZE * i;
}

struct sec {
	u32 off, size, count;
	int present;
};

/* the most items a section may hold (docs/bundle-format.md, Limits a reader enforces) */
static u32 item_limit(u32 id)
{
	switch (id) {
	case KTAP_SEC_STRINGS:
		return KTAP_MAX_STRINGS;
	case KTAP_SEC_FUNCTIONS: case KTAP_SEC_CONSTANTS: case KTAP_SEC_EVENTS: case KTAP_SEC_FORMATS:
		return KTAP_MAX_TABLE_ITEMS;
	case KTAP_SEC_CODE:
		return KTAP_MAX_INSTRUCTIONS;
	default:
		return 0xffffffffu;
	}
}


static int load_strings(struct kvm_bundle *b, const struct rd *r, const struct sec *sc, char *msg)
{
	u32 pos = sc->off, end = sc->off + sc->size, i;
	b->nstr = sc->count;
	b->strs = ktap_plat_alloc(sizeof(*b->strs) * (sc->count ? sc->count : 1));
	if (!b->strs)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 slen, padded;
		struct kstr *ks;
		if (end - pos < 4)
			FAIL(STRING_OVERRUN, i);
		slen = rd32(r, pos);
		if (slen > KTAP_MAX_STRING_LENGTH)
			FAIL(STRING_TOO_LONG, i, slen, (u32)KTAP_MAX_STRING_LENGTH);
		padded = (slen + 1 + 3) & ~3u;
		if (end - pos - 4 < padded)
			FAIL(STRING_OVERRUN, i);
		if (r->p[pos + 4 + slen] != 0 || !zero(r->p + pos + 4 + slen + 1, padded - slen - 1))
			FAIL(STRING_END, i);
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
		FAIL(STRINGS_LEFTOVER, end - pos);
	return 0;
}

static const char *sidx(const struct kvm_bundle *b, u32 i)
{
	return i < b->nstr ? b->strs[i]->data : 0;
}

#define CHECK_STR(idx, what, i) do { if ((idx) >= b->nstr) \
	FAIL(STRING_INDEX, what, i, idx, b->nstr); } while (0)
#define CHECK_STR_OPT(idx, what, i) do { if ((idx) != KVM_NONE) CHECK_STR(idx, what, i); } while (0)

static int load_items(struct ktap_session *s, const struct rd *r, struct sec *sec, char *msg)
{
	struct kvm_bundle *b = &s->b;
	int upvalues = r->p[KTAP_HDR_FORMAT_VERSION] == KTAP_FORMAT_VERSION_UPVALUES;
	u32 i;
	const struct sec *sc;

	sc = &sec[KTAP_SEC_CONSTANTS];
	b->nconst = sc->count;
	b->consts = ktap_plat_alloc(sizeof(struct kv) * (sc->count + 1));
	if (!b->consts)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * KTAP_SEC_CONSTANTS_ITEM;
		u8 kind = r->p[o + KTAP_CONSTANTS_KIND];
		struct kv *k = &b->consts[i];
		if (!zero(r->p + o + KTAP_CONSTANTS_PAD, KTAP_CONSTANTS_VALUE - KTAP_CONSTANTS_PAD))
			FAIL(ITEM_RESERVED, "constant", i);
		switch (kind) {
		case KTAP_CONST_NIL: case KTAP_CONST_FALSE: case KTAP_CONST_TRUE:
			if (!zero(r->p + o + KTAP_CONSTANTS_VALUE, 8))
				FAIL(ITEM_RESERVED, "constant", i);
			k->t = kind == KTAP_CONST_NIL ? KT_NIL : kind == KTAP_CONST_FALSE ? KT_FALSE : KT_TRUE;
			break;
		case KTAP_CONST_NUMBER:
			k->t = KT_NUMBER;
			k->u.n = (s64)rd64(r, o + KTAP_CONSTANTS_VALUE);
			break;
		case KTAP_CONST_STRING: {
			u32 si = rd32(r, o + KTAP_CONSTANTS_VALUE);
			CHECK_STR(si, "constant", i);
			if (!zero(r->p + o + KTAP_CONSTANTS_VALUE + 4, 4))
				FAIL(ITEM_RESERVED, "constant", i);
			k->t = KT_STRING;
			k->u.s = b->strs[si];
			break;
		}
		default:
			FAIL(CONSTANT_KIND, i, (u32)kind);
		}
	}

	sc = &sec[KTAP_SEC_FUNCTIONS];
	b->nfunc = sc->count;
	/* no function at all: no main either */
	if (sc->count == 0)
		FAIL(MAIN_FUNCTION, b->main_fn, 0u);
	b->funcs = ktap_plat_alloc(sizeof(struct kvm_func) * sc->count);
	if (!b->funcs)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * KTAP_SEC_FUNCTIONS_ITEM;
		struct kvm_func *f = &b->funcs[i];
		f->name = rd32(r, o + KTAP_FUNCTIONS_NAME);
		CHECK_STR_OPT(f->name, "function", i);
		f->code_start = rd32(r, o + KTAP_FUNCTIONS_CODE_START);
		f->code_count = rd32(r, o + KTAP_FUNCTIONS_CODE_COUNT);
		f->params = rd16(r, o + KTAP_FUNCTIONS_PARAMS);
		f->vararg = r->p[o + KTAP_FUNCTIONS_VARARG];
		f->frame = r->p[o + KTAP_FUNCTIONS_FRAME];
		f->first_line = rd32(r, o + KTAP_FUNCTIONS_FIRST_LINE);
		f->last_line = rd32(r, o + KTAP_FUNCTIONS_LAST_LINE);
		f->flags = rd32(r, o + KTAP_FUNCTIONS_FLAGS);
		/* format 3: the upvalue count; format 1 has none (the byte is zero) */
		f->nup = upvalues ? r->p[o + KTAP_FUNCTIONS_UPVALUES] : 0;
		if (!zero(r->p + o + KTAP_FUNCTIONS_RESERVED, KTAP_SEC_FUNCTIONS_ITEM - KTAP_FUNCTIONS_RESERVED) ||
		    (!upvalues && r->p[o + KTAP_FUNCTIONS_UPVALUES]))
			FAIL(ITEM_RESERVED, "function", i);
	}

	b->ncode = sec[KTAP_SEC_CODE].count;
	b->code = ktap_plat_alloc(sizeof(*b->code) * (b->ncode + 1));
	b->lines = ktap_plat_alloc(sizeof(*b->lines) * (b->ncode + 1));
	if (!b->code || !b->lines)
		return -KTAP_ENOMEM;
	if (sec[KTAP_SEC_LINES].count != b->ncode)
		FAIL(LINES_COUNT, sec[KTAP_SEC_LINES].count, b->ncode);
	for (i = 0; i < b->ncode; i++) {
		b->code[i] = rd32(r, sec[KTAP_SEC_CODE].off + KTAP_SEC_CODE_ITEM * i);
		b->lines[i] = rd32(r, sec[KTAP_SEC_LINES].off + KTAP_SEC_LINES_ITEM * i);
	}

	sc = &sec[KTAP_SEC_FETCHARGS];
	b->nfetch = sc->count;
	b->fetchargs = ktap_plat_alloc(sizeof(struct ktap_fetcharg) * (sc->count + 1));
	if (!b->fetchargs)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * KTAP_SEC_FETCHARGS_ITEM;
		struct ktap_fetcharg *fa = &b->fetchargs[i];
		u32 name = rd32(r, o + KTAP_FETCHARGS_NAME);
		CHECK_STR(name, "fetcharg", i);
		fa->name = sidx(b, name);
		fa->source = r->p[o + KTAP_FETCHARGS_SOURCE];
		fa->type = r->p[o + KTAP_FETCHARGS_TYPE];
		fa->reg = rd16(r, o + KTAP_FETCHARGS_REG);
		fa->offset = (s64)rd64(r, o + KTAP_FETCHARGS_OFFSET);
		if (fa->source < 1 || fa->source > KTAP_FETCH_SOURCE_MAX)
			FAIL(FETCH_SOURCE, i, (u32)fa->source);
		if (fa->type < 1 || fa->type > KTAP_FETCH_TYPE_MAX)
			FAIL(FETCH_TYPE, i, (u32)fa->type);
		if (!zero(r->p + o + KTAP_FETCHARGS_RESERVED, KTAP_SEC_FETCHARGS_ITEM - KTAP_FETCHARGS_RESERVED))
			FAIL(ITEM_RESERVED, "fetcharg", i);
	}

	sc = &sec[KTAP_SEC_EVENTS];
	b->nevent = sc->count;
	b->probes = ktap_plat_alloc(sizeof(struct ktap_probe) * (sc->count + 1));
	if (!b->probes)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * KTAP_SEC_EVENTS_ITEM, spec, target, filter, first;
		struct ktap_probe *pr = &b->probes[i];
		pr->kind = rd16(r, o + KTAP_EVENTS_KIND);
		pr->fetcharg_count = rd16(r, o + KTAP_EVENTS_FETCHARG_COUNT);
		pr->handler = rd32(r, o + KTAP_EVENTS_HANDLER);
		spec = rd32(r, o + KTAP_EVENTS_SPEC);
		target = rd32(r, o + KTAP_EVENTS_TARGET);
		filter = rd32(r, o + KTAP_EVENTS_FILTER);
		pr->value = rd64(r, o + KTAP_EVENTS_VALUE);
		first = rd32(r, o + KTAP_EVENTS_FIRST_FETCHARG);
		if (pr->kind < 1 || pr->kind > KTAP_PROBE_KIND_MAX)
			FAIL(EVENT_KIND, i, (u32)pr->kind);
		if (pr->handler >= b->nfunc)
			FAIL(EVENT_HANDLER, i, pr->handler, b->nfunc);
		CHECK_STR(spec, "event", i);
		CHECK_STR_OPT(target, "event", i);
		CHECK_STR_OPT(filter, "event", i);
		pr->spec = sidx(b, spec);
		pr->target = target == KVM_NONE ? 0 : sidx(b, target);
		pr->filter = filter == KVM_NONE ? 0 : sidx(b, filter);
		if (pr->fetcharg_count == 0) {
			if (first != KVM_NONE)
				FAIL(EVENT_NO_FETCHARGS, i);
			pr->fetchargs = 0;
		} else {
			if (first >= b->nfetch || b->nfetch - first < pr->fetcharg_count)
				FAIL(EVENT_FETCHARGS, i, first, (u32)pr->fetcharg_count, b->nfetch);
			pr->fetchargs = &b->fetchargs[first];
		}
		if ((pr->kind == KTAP_PROBE_TICK || pr->kind == KTAP_PROBE_PROFILE) && pr->value == 0)
			FAIL(EVENT_INTERVAL, i, pr->spec);
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

	sc = &sec[KTAP_SEC_FORMATS];
	b->nfmt = sc->count;
	b->formats = ktap_plat_alloc(sizeof(struct kvm_format) * (sc->count + 1));
	if (!b->formats)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * KTAP_SEC_FORMATS_ITEM;
		struct kvm_format *f = &b->formats[i];
		f->kind = rd16(r, o + KTAP_FORMATS_KIND);
		f->argc = rd16(r, o + KTAP_FORMATS_ARGC);
		f->fmt = rd32(r, o + KTAP_FORMATS_FMT);
		f->line = rd32(r, o + KTAP_FORMATS_LINE);
		if (f->kind != KTAP_FORMAT_PRINTF && f->kind != KTAP_FORMAT_PRINT)
			FAIL(FORMAT_KIND, i, (u32)f->kind);
		if (f->kind == KTAP_FORMAT_PRINTF)
			CHECK_STR(f->fmt, "format", i);
		else if (f->fmt != KVM_NONE)
			FAIL(FORMAT_PRINT, i);
		if (rd32(r, o + KTAP_FORMATS_RESERVED) != 0)
			FAIL(ITEM_RESERVED, "format", i);
	}

	sc = &sec[KTAP_SEC_GLOBALS];
	if (sc->count != b->nglobal)
		FAIL(GLOBALS_COUNT, sc->count, b->nglobal);
	for (i = 0; i < sc->count; i++)
		CHECK_STR(rd32(r, sc->off + KTAP_SEC_GLOBALS_ITEM * i), "global", i);

	sc = &sec[KTAP_SEC_ARGS];
	b->nargs = sc->count;
	b->args = ktap_plat_alloc(4 * (sc->count + 1));
	if (!b->args)
		return -KTAP_ENOMEM;
	for (i = 0; i < sc->count; i++) {
		b->args[i] = rd32(r, sc->off + KTAP_SEC_ARGS_ITEM * i);
		CHECK_STR(b->args[i], "argument", i);
	}

	sc = &sec[KTAP_SEC_LIMITS];
	for (i = 0; i < sc->count; i++) {
		u32 o = sc->off + i * KTAP_SEC_LIMITS_ITEM, key = rd32(r, o + KTAP_LIMITS_KEY);
		if (key < 1 || key >= KTAP_LIMIT_COUNT)
			FAIL(LIMIT_KEY, i, key);
		if (rd32(r, o + KTAP_LIMITS_RESERVED) != 0)
			FAIL(ITEM_RESERVED, "limit", i);
		b->limits[key] = rd64(r, o + KTAP_LIMITS_VALUE);
	}
	return 0;
}

int kvm_load(struct ktap_session *s, const u8 *p, u32 len, char *msg)
{
	struct kvm_bundle *b = &s->b;
	struct rd r;
	struct sec sec[SEC_COUNT];
	u32 i, nsec, prev_end = 0, table_end;
	int err;

	kvm_memset(sec, 0, sizeof(sec));
	err = check_header(s, p, len, &r, msg);
	if (err)
		return err;
	b->swap = r.swap;
	nsec = rd16(&r, KTAP_HDR_SECTION_COUNT);
	table_end = KTAP_HEADER_SIZE + KTAP_SECTION_ENTRY_SIZE * nsec;
	if (table_end > len)
		FAIL(TABLE_OUTSIDE, nsec);
	prev_end = table_end;
	/* ids first: unknown, repeated or unsorted entries are reported as such */
	for (i = 0; i < nsec; i++) {
		u32 id = rd32(&r, entry(i) + KTAP_SECTION_TABLE_ID);
		if (id >= SEC_COUNT || !sections[id].name || !sections[id].vm_reads)
			FAIL(UNKNOWN_SECTION, i, id);
		if (sec[id].present)
			FAIL(DUPLICATE_SECTION, sections[id].name);
		sec[id].present = 1;
		if (i > 0 && id < rd32(&r, entry(i - 1) + KTAP_SECTION_TABLE_ID))
			FAIL(UNSORTED_SECTIONS, sections[id].name,
			     sections[rd32(&r, entry(i - 1) + KTAP_SECTION_TABLE_ID)].name);
	}
	/* then where they lie: in the file, in id order, none over another (the host reader
	 * makes its checks in this order too, so both report the same fault first) */
	for (i = 0; i < nsec; i++) {
		u32 o = entry(i);
		u32 id = rd32(&r, o + KTAP_SECTION_TABLE_ID), off = rd32(&r, o + KTAP_SECTION_TABLE_OFFSET);
		u32 size = rd32(&r, o + KTAP_SECTION_TABLE_SIZE);
		struct sec *sc = &sec[id];
		if (off & 3)
			FAIL(SECTION_ALIGN, sections[id].name, off);
		if (off > len || size > len - off)
			FAIL(SECTION_OUTSIDE, sections[id].name, off, size, len);
		if (off < table_end)
			FAIL(SECTION_OVER_TABLE, sections[id].name);
		/* in id order, the section before is the one it overlaps */
		if (off < prev_end)
			FAIL(SECTIONS_OVERLAP, sections[rd32(&r, entry(i - 1) + KTAP_SECTION_TABLE_ID)].name,
			     sections[id].name);
		prev_end = off + size;
		sc->off = off;
		sc->size = size;
		sc->count = rd32(&r, o + KTAP_SECTION_TABLE_COUNT);
	}
	for (i = 0; i < SEC_COUNT; i++)
		if (sections[i].required && !sec[i].present)
			FAIL(MISSING_SECTION, sections[i].name);
	/* every byte that is not header, table or section is zero padding, and only up to
	 * the next multiple of 4 after the last section */
	for (i = 0, prev_end = table_end; i < nsec; i++) {
		const struct sec *sc = &sec[rd32(&r, entry(i) + KTAP_SECTION_TABLE_ID)];
		if (nonzero_at(p, prev_end, sc->off) < sc->off)
			FAIL(PADDING, nonzero_at(p, prev_end, sc->off));
		prev_end = sc->off + sc->size;
	}
	if (nonzero_at(p, prev_end, len) < len)
		FAIL(PADDING, nonzero_at(p, prev_end, len));
	if (prev_end != len)
		FAIL(AFTER_SECTIONS, len - prev_end);
	for (i = 0; i < SEC_COUNT; i++) {
		if (sec[i].present && sections[i].item && (u64)sec[i].count * sections[i].item != sec[i].size)
			FAIL(COUNT_SIZE, sections[i].name, sec[i].size, sec[i].count, sections[i].item);
		if (sec[i].count > item_limit(i))
			FAIL(TOO_MANY_ITEMS, sections[i].name, sec[i].count, item_limit(i));
	}
	b->nglobal = rd32(&r, KTAP_HDR_GLOBAL_COUNT);
	b->main_fn = rd32(&r, KTAP_HDR_MAIN_FUNCTION);
	b->source_name = rd32(&r, KTAP_HDR_SOURCE_NAME);
	err = load_strings(b, &r, &sec[KTAP_SEC_STRINGS], msg);
	if (err)
		return err;
	if (b->source_name != KVM_NONE && b->source_name >= b->nstr)
		FAIL(SOURCE_NAME, b->source_name, b->nstr);
	err = load_items(s, &r, sec, msg);
	if (err)
		return err;
	if (b->main_fn >= b->nfunc)
		FAIL(MAIN_FUNCTION, b->main_fn, b->nfunc);
	return 0;
}
