/*
 * loader.c - reads a bundle (docs/bundle-format.md) in its own byte order. Header fields
 * are checked in the documented order, each with its own message; then the section table
 * and every section's framing. Meaning-level checks (operands, jumps...) are verifier.c's.
 */
#include "kvm.h"


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

#define FAIL(...) do { kvm_snprintf(msg, KTAP_ERRMSG_MAX, __VA_ARGS__); return -KTAP_EINVAL; } while (0)
#define FAILX(...) do { kvm_snprintf(msg, KTAP_ERRMSG_MAX, __VA_ARGS__); return -KTAP_ENOEXEC; } while (0)
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
		FAIL("not a ktap bundle");
	if (len < KTAP_HEADER_SIZE)
		FAIL("truncated (%u bytes, header needs %u)", len, KTAP_HEADER_SIZE);
	/* Format 2 is format 1 plus a KSYMS section the host resolves and removes when it links
	 * the bundle for a board (docs/bundle-format.md): say so rather than "unsupported". */
	version = p[KTAP_HDR_FORMAT_VERSION];
	order = p[KTAP_HDR_BYTE_ORDER];
	word = p[KTAP_HDR_WORD_SIZE];
	arch = p[KTAP_HDR_ARCH];
	/* Format 2 is format 1 plus a KSYMS section the host resolves and removes when it links
	 * the bundle for a board (docs/bundle-format.md): say so rather than "unsupported". */
	if (version == KTAP_FORMAT_VERSION_UNLINKED || version == KTAP_FORMAT_VERSION_UNLINKED_UPVALUES)
		FAILX("bundle has unresolved kernel symbol literals (format %u): link it for this board with ktap run", version);
	if (version != KTAP_FORMAT_VERSION && version != KTAP_FORMAT_VERSION_UPVALUES)
		FAILX("unsupported bundle format version %u (this reader: %u and %u)", version, KTAP_FORMAT_VERSION,
		      KTAP_FORMAT_VERSION_UPVALUES);
	if (order != KTAP_LITTLE_ENDIAN && order != KTAP_BIG_ENDIAN)
		FAIL("bad byte order %u", order);
	if (order != t->byte_order)
		FAILX("bundle is %s, this VM is %s", order_name(order), order_name(t->byte_order));
	if (word != 4 && word != 8)
		FAIL("bundle word size %u, this VM has %u", word, t->word_size);
	if (word != t->word_size)
		FAILX("bundle word size %u, this VM has %u", word, t->word_size);
	if (!arch_known(arch))
		FAIL("bundle built for unknown architecture %u, this VM is %s", arch, ktap_arch_name(t->arch));
	if (arch != t->arch)
		FAILX("bundle built for %s, this VM is %s", ktap_arch_name(arch), ktap_arch_name(t->arch));
	if (arches[arch].word != word || arches[arch].order != order)
		FAIL("word size %u or byte order does not match architecture %s", word, ktap_arch_name(arch));
	r->p = p;
	r->swap = (order == KTAP_BIG_ENDIAN) != kvm_host_big_endian();
	endian = rd32(r, KTAP_HDR_ENDIAN_CHECK);
	if (endian != KTAP_ENDIAN_CHECK)
		FAIL("byte order field disagrees with the data");
	abi = rd16(r, KTAP_HDR_RUNTIME_ABI);
	if (abi != KTAP_RUNTIME_ABI)
		FAILX("bundle needs runtime ABI %u, this VM has %u", abi, KTAP_RUNTIME_ABI);
	hsize = rd16(r, KTAP_HDR_HEADER_SIZE);
	if (hsize != KTAP_HEADER_SIZE)
		FAIL("bad header size %u", hsize);
	if (rd64(r, KTAP_HDR_INT_CHECK) != KTAP_INT_CHECK)
		FAIL("64-bit integer check failed");
	total = rd32(r, KTAP_HDR_TOTAL_SIZE);
	if (total > KTAP_MAX_TOTAL_SIZE)
		FAIL("bundle too large (%u bytes, limit %u)", total, KTAP_MAX_TOTAL_SIZE);
	if (len < total)
		FAIL("truncated (%u bytes, header says %u)", len, total);
	if (len > total)
		FAIL("trailing bytes (%u bytes, header says %u)", len, total);
	nsec = rd16(r, KTAP_HDR_SECTION_COUNT);
	if (nsec < 1 || nsec > KTAP_MAX_SECTIONS)
		FAIL("bad section count %u", nsec);
	flags = rd16(r, KTAP_HDR_FLAGS);
	if (flags != 0)
		FAIL("unknown header flags 0x%x", flags);
	{
		u32 stored = rd32(r, KTAP_HDR_CHECKSUM), computed = kvm_crc32(p, len, KTAP_HDR_CHECKSUM);
		if (stored != computed)
			FAIL("checksum mismatch (stored %x, computed %x)", stored, computed);
	}
	/* main_function is range-checked once FUNCTIONS is known */
	if (rd32(r, KTAP_HDR_GLOBAL_COUNT) > KTAP_MAX_GLOBALS)
		FAIL("too many globals (%u, limit %u)", rd32(r, KTAP_HDR_GLOBAL_COUNT), KTAP_MAX_GLOBALS);
	if (!zero(p + KTAP_HDR_RESERVED, KTAP_HDR_RESERVED_LEN))
		FAIL("reserved header bytes not zero");
	if (kvm_memcmp(p + KTAP_HDR_TAIL, tail, KTAP_HDR_TAIL_LEN) != 0)
		FAIL("bundle damaged by a text transfer");
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


static int load_strings(struct kvm_bundle *b, const struct rd *r, const struct sec *sc, char *msg)
{
	u32 pos = sc->off, end = sc->off + sc->size, i;
	b->nstr = sc->count;
	if (sc->count > KTAP_MAX_STRINGS)
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
		if (slen > KTAP_MAX_STRING_LENGTH)
			FAIL("section STRINGS: string %u is %u bytes (limit %u)", i, slen, KTAP_MAX_STRING_LENGTH);
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
			FAIL("constant %u: padding bytes not zero", i);
		switch (kind) {
		case KTAP_CONST_NIL: case KTAP_CONST_FALSE: case KTAP_CONST_TRUE:
			if (!zero(r->p + o + KTAP_CONSTANTS_VALUE, 8))
				FAIL("constant %u: value bytes of nil/boolean not zero", i);
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
				FAIL("constant %u: padding bytes not zero", i);
			k->t = KT_STRING;
			k->u.s = b->strs[si];
			break;
		}
		default:
			FAIL("constant %u: unknown kind %u", i, kind);
		}
	}

	sc = &sec[KTAP_SEC_FUNCTIONS];
	b->nfunc = sc->count;
	if (sc->count == 0)
		FAIL("section FUNCTIONS: no functions");
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
			FAIL("function %u: reserved field not zero", i);
	}

	b->ncode = sec[KTAP_SEC_CODE].count;
	b->code = ktap_plat_alloc(sizeof(*b->code) * (b->ncode + 1));
	b->lines = ktap_plat_alloc(sizeof(*b->lines) * (b->ncode + 1));
	if (!b->code || !b->lines)
		return -KTAP_ENOMEM;
	if (sec[KTAP_SEC_LINES].count != b->ncode)
		FAIL("section LINES: %u lines for %u instructions", sec[KTAP_SEC_LINES].count, b->ncode);
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
			FAIL("fetcharg %u: unknown source %u", i, fa->source);
		if (fa->type < 1 || fa->type > KTAP_FETCH_TYPE_MAX)
			FAIL("fetcharg %u: unknown type %u", i, fa->type);
		if (!zero(r->p + o + KTAP_FETCHARGS_RESERVED, KTAP_SEC_FETCHARGS_ITEM - KTAP_FETCHARGS_RESERVED))
			FAIL("fetcharg %u: reserved bytes not zero", i);
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
			FAIL("format %u: unknown kind %u", i, f->kind);
		if (f->kind == KTAP_FORMAT_PRINTF)
			CHECK_STR(f->fmt, "format", i);
		else if (f->fmt != KVM_NONE)
			FAIL("format %u: print format must be NONE", i);
		if (rd32(r, o + KTAP_FORMATS_RESERVED) != 0)
			FAIL("format %u: reserved field not zero", i);
	}

	sc = &sec[KTAP_SEC_GLOBALS];
	if (sc->count != b->nglobal)
		FAIL("section GLOBALS: %u names for %u globals", sc->count, b->nglobal);
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
			FAIL("limit %u: unknown key %u", i, key);
		if (rd32(r, o + KTAP_LIMITS_RESERVED) != 0)
			FAIL("limit %u: reserved field not zero", i);
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
		FAIL("section table runs past the end of the file");
	prev_end = table_end;
	/* ids first: unknown, repeated or unsorted entries are reported as such */
	for (i = 0; i < nsec; i++) {
		u32 id = rd32(&r, entry(i) + KTAP_SECTION_TABLE_ID);
		if (id >= SEC_COUNT || !sections[id].name || !sections[id].vm_reads)
			FAIL("section %u: unknown section id %u", i, id);
		if (sec[id].present)
			FAIL("section %s appears twice", sections[id].name);
		sec[id].present = 1;
		if (i > 0 && id < rd32(&r, entry(i - 1) + KTAP_SECTION_TABLE_ID))
			FAIL("section table not sorted by id (%s after %s)", sections[id].name,
			     sections[rd32(&r, entry(i - 1) + KTAP_SECTION_TABLE_ID)].name);
	}
	for (i = 0; i < nsec; i++) {
		u32 o = entry(i);
		u32 id = rd32(&r, o + KTAP_SECTION_TABLE_ID), off = rd32(&r, o + KTAP_SECTION_TABLE_OFFSET);
		u32 size = rd32(&r, o + KTAP_SECTION_TABLE_SIZE), cnt = rd32(&r, o + KTAP_SECTION_TABLE_COUNT);
		struct sec *sc = &sec[id];
		if (off & 3)
			FAIL("section %s: offset %u not a multiple of 4", sections[id].name, off);
		if (off > len || size > len - off)
			FAIL("section %s: bytes %u..%u outside the file (%u bytes)", sections[id].name, off,
			     off + size, len);
		if (off < prev_end)
			FAIL("section %s overlaps the header, the section table or another section",
			     sections[id].name);
		if (!zero(p + prev_end, off - prev_end))
			FAIL("section %s: padding before it not zero", sections[id].name);
		if (sections[id].item && (u64)cnt * sections[id].item != size)
			FAIL("section %s: count %u does not match size %u", sections[id].name, cnt, size);
		prev_end = off + size;
		sc->off = off;
		sc->size = size;
		sc->count = cnt;
		sc->present = 1;
	}
	if (prev_end != len)
		FAIL("trailing bytes after the last section (%u)", len - prev_end);
	for (i = 0; i < SEC_COUNT; i++)
		if (sections[i].required && !sec[i].present)
			FAIL("required section %s missing", sections[i].name);
	if (sec[KTAP_SEC_FUNCTIONS].count > KTAP_MAX_TABLE_ITEMS || sec[KTAP_SEC_CONSTANTS].count > KTAP_MAX_TABLE_ITEMS ||
	    sec[KTAP_SEC_EVENTS].count > KTAP_MAX_TABLE_ITEMS || sec[KTAP_SEC_FORMATS].count > KTAP_MAX_TABLE_ITEMS)
		FAIL("too many functions, constants, events or formats (limit %u)", KTAP_MAX_TABLE_ITEMS);
	if (sec[KTAP_SEC_CODE].count > KTAP_MAX_INSTRUCTIONS)
		FAIL("too many instructions (%u, limit %u)", sec[KTAP_SEC_CODE].count, KTAP_MAX_INSTRUCTIONS);
	b->nglobal = rd32(&r, KTAP_HDR_GLOBAL_COUNT);
	b->main_fn = rd32(&r, KTAP_HDR_MAIN_FUNCTION);
	b->source_name = rd32(&r, KTAP_HDR_SOURCE_NAME);
	err = load_strings(b, &r, &sec[KTAP_SEC_STRINGS], msg);
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
