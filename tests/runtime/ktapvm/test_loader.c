/*
 * test_loader.c - header and section checks: a table of (mutation, expected message), in
 * the style of the BPF verifier selftests. The base bundle is valid for x86_64; each row
 * changes it (optionally re-sealing the checksum) and names the one message expected.
 */
#include <stdlib.h>
#include "ktest.h"

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void set32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
/* offset of section id's entry in the table */
static size_t sec_entry(const uint8_t *p, uint32_t id)
{
	uint32_t n = (uint32_t)(p[28] | p[29] << 8), i;
	for (i = 0; i < n; i++)
		if (le32(p + 64 + 16 * i) == id)
			return 64 + 16 * i;
	return 0;
}
static size_t sec_data(const uint8_t *p, uint32_t id) { return le32(p + sec_entry(p, id) + 4); }

enum fix { SEAL, RAW };
struct loader_case {
	const char *name;
	void (*mutate)(uint8_t *p, size_t *len);
	enum fix fix;
	const char *expect; /* exact message; NULL = loads */
};

static void m_none(uint8_t *p, size_t *len) { (void)p; (void)len; }
static void m_magic(uint8_t *p, size_t *len) { (void)len; p[1] = 'X'; }
static void m_short(uint8_t *p, size_t *len) { (void)p; *len = 40; }
static void m_version(uint8_t *p, size_t *len) { (void)len; p[4] = 5; }
/* format 4 (format 3 + KSYMS) is unlinked too */
static void m_version_unlinked3(uint8_t *p, size_t *len) { (void)len; p[4] = 4; }
/* format 2 (kernel symbol literals the host has not resolved) gets its own message */
static void m_version_unlinked(uint8_t *p, size_t *len) { (void)len; p[4] = 2; }
static void m_order(uint8_t *p, size_t *len) { (void)len; p[5] = 3; }
static void m_word_bad(uint8_t *p, size_t *len) { (void)len; p[6] = 5; }
static void m_word(uint8_t *p, size_t *len) { (void)len; p[6] = 4; }
static void m_arch_bad(uint8_t *p, size_t *len) { (void)len; p[7] = 9; }
static void m_arch_next(uint8_t *p, size_t *len) { (void)len; p[7] = 6; } /* one past arm64 */
static void m_endian(uint8_t *p, size_t *len) { (void)len; set32(p + 8, 0x50544B41); }
static void m_abi(uint8_t *p, size_t *len) { (void)len; p[12] = 2; }
static void m_hsize(uint8_t *p, size_t *len) { (void)len; p[14] = 60; }
static void m_int(uint8_t *p, size_t *len) { (void)len; p[16] = 9; }
static void m_trunc(uint8_t *p, size_t *len) { (void)p; *len -= 4; }
static void m_trail(uint8_t *p, size_t *len) { p[*len] = 0; p[*len + 1] = 0; p[*len + 2] = 0; p[*len + 3] = 0; *len += 4; }
static void m_nsec(uint8_t *p, size_t *len) { (void)len; p[28] = 0; }
static void m_flags(uint8_t *p, size_t *len) { (void)len; p[30] = 1; }
static void m_crc(uint8_t *p, size_t *len) { p[*len - 1] ^= 0x40; }
static void m_main(uint8_t *p, size_t *len) { (void)len; set32(p + 36, 7); }
static void m_globals(uint8_t *p, size_t *len) { (void)len; set32(p + 40, 70000); }
static void m_reserved(uint8_t *p, size_t *len) { (void)len; p[55] = 1; }
static void m_tail(uint8_t *p, size_t *len) { (void)len; p[61] = 0x0d; }
static void m_sec_id(uint8_t *p, size_t *len) { (void)len; set32(p + sec_entry(p, 9), 12); }
static void m_sec_align(uint8_t *p, size_t *len) { size_t e = sec_entry(p, 9); (void)len; set32(p + e + 4, le32(p + e + 4) + 2); }
static void m_sec_out(uint8_t *p, size_t *len) { size_t e = sec_entry(p, 9); (void)len; set32(p + e + 8, 4096); }
static void m_sec_count(uint8_t *p, size_t *len) { size_t e = sec_entry(p, 2); (void)len; set32(p + e + 12, le32(p + e + 12) + 1); }
static void m_sec_order(uint8_t *p, size_t *len) { uint8_t t[16]; (void)len; memcpy(t, p + 64, 16); memcpy(p + 64, p + 80, 16); memcpy(p + 80, t, 16); }
static void m_str_nul(uint8_t *p, size_t *len) { size_t d = sec_data(p, 1); (void)len; p[d + 4 + le32(p + d)] = 'x'; }
static void m_str_len(uint8_t *p, size_t *len) { size_t d = sec_data(p, 1); (void)len; set32(p + d, 70000); }
static void m_const_kind(uint8_t *p, size_t *len) { (void)len; p[sec_data(p, 2)] = 9; }
static void m_const_str(uint8_t *p, size_t *len) { size_t d = sec_data(p, 2) + 16; (void)len; set32(p + d + 8, 999); }
static void m_event_kind(uint8_t *p, size_t *len) { (void)len; p[sec_data(p, 6)] = 14; } /* one past watchpoint */
static void m_event_handler(uint8_t *p, size_t *len) { (void)len; set32(p + sec_data(p, 6) + 4, 9); }
static void m_format_kind(uint8_t *p, size_t *len) { (void)len; p[sec_data(p, 8)] = 3; }
static void m_fn_reserved(uint8_t *p, size_t *len) { (void)len; p[sec_data(p, 3) + 28] = 1; }
/* format 3: byte 28 is the upvalue count, bytes 29..31 stay reserved */
static void m_fn_reserved3(uint8_t *p, size_t *len) { (void)len; p[4] = 3; p[sec_data(p, 3) + 29] = 1; }
/* format 3 reads byte 28: main with an upvalue is loaded, then refused by the verifier */
static void m_fn_upvalues_main(uint8_t *p, size_t *len) { (void)len; p[4] = 3; p[sec_data(p, 3) + 28] = 2; }

static const struct loader_case cases[] = {
	{ "valid bundle", m_none, SEAL, NULL },
	{ "magic", m_magic, SEAL, "not a ktap bundle" },
	{ "shorter than a header", m_short, RAW, "truncated (40 bytes, header needs 64)" },
	{ "format version", m_version, SEAL, "unsupported bundle format version 5 (this reader: 1 and 3)" },
	{ "format 4: unresolved symbol literals", m_version_unlinked3, SEAL,
	  "bundle has unresolved kernel symbol literals (format 4): link it for this board with ktap run" },
	{ "format 2: unresolved symbol literals", m_version_unlinked, SEAL,
	  "bundle has unresolved kernel symbol literals (format 2): link it for this board with ktap run" },
	{ "byte order value", m_order, SEAL, "bad byte order 3" },
	{ "word size value", m_word_bad, SEAL, "bundle word size 5, this VM has 8" },
	{ "word size", m_word, SEAL, "bundle word size 4, this VM has 8" },
	{ "arch value", m_arch_bad, SEAL, "bundle built for unknown architecture 9, this VM is x86_64" },
	{ "arch one past the last", m_arch_next, SEAL, "bundle built for unknown architecture 6, this VM is x86_64" },
	{ "endian check", m_endian, SEAL, "byte order field disagrees with the data" },
	{ "runtime abi", m_abi, SEAL, "bundle needs runtime ABI 2, this VM has 1" },
	{ "header size", m_hsize, SEAL, "bad header size 60" },
	{ "int check", m_int, SEAL, "64-bit integer check failed" },
	{ "truncated", m_trunc, RAW, NULL /* computed below */ },
	{ "trailing", m_trail, RAW, NULL },
	{ "section count", m_nsec, SEAL, "bad section count 0" },
	{ "flags", m_flags, SEAL, "unknown header flags 0x1" },
	{ "checksum", m_crc, RAW, NULL },
	{ "main function", m_main, SEAL, "main function index out of range (7, 2 functions)" },
	{ "globals", m_globals, SEAL, "too many globals (70000, limit 65536)" },
	{ "reserved", m_reserved, SEAL, "reserved header bytes not zero" },
	{ "tail", m_tail, SEAL, "bundle damaged by a text transfer" },
	{ "unknown section", m_sec_id, SEAL, "section 8: unknown section id 12" },
	{ "section alignment", m_sec_align, SEAL, NULL },
	{ "section outside", m_sec_out, SEAL, NULL },
	{ "section count/size", m_sec_count, SEAL, NULL },
	{ "section order", m_sec_order, SEAL, "section table not sorted by id (STRINGS after CONSTANTS)" },
	{ "string terminator", m_str_nul, SEAL, "section STRINGS: string 0 is not NUL-terminated and zero-padded" },
	{ "string length", m_str_len, SEAL, "section STRINGS: string 0 is 70000 bytes (limit 65535)" },
	{ "constant kind", m_const_kind, SEAL, "constant 0: unknown kind 9" },
	{ "constant string", m_const_str, SEAL, NULL },
	{ "event kind", m_event_kind, SEAL, "event 0: unknown kind 14" },
	{ "event handler", m_event_handler, SEAL, "event 0: handler 9 out of range (2 functions)" },
	{ "format kind", m_format_kind, SEAL, "format 0: unknown kind 3" },
	{ "function reserved", m_fn_reserved, SEAL, "function 0: reserved field not zero" },
	{ "function reserved (format 3)", m_fn_reserved3, SEAL, "function 0: reserved field not zero" },
	{ "function upvalues of main (format 3)", m_fn_upvalues_main, SEAL,
	  "function layout: function 0: the main chunk or a handler has 2 upvalues" },
};

static void base(struct kb *b, int arch)
{
	uint32_t m, h;
	kb_init(b, arch);
	m = kb_func(b, "main", 0, 0, 2, 1);
	kb_op(b, m, ABX(OPC(LOADK), 0, kb_knum(b, 5)));
	kb_op(b, m, ABX(OPC(LOADK), 1, kb_kstr(b, "hello")));
	kb_op(b, m, ABC(OPC(RETURN), 0, 1, 0));
	h = kb_func(b, NULL, 0, 0, 1, 2);
	kb_op(b, h, ABC(OPC(RETURN), 0, 1, 0));
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	kb_format(b, 1, 0, "hi\n");
	kb_global(b, "g");
}

static void matrix(void)
{
	static const char *const names[] = { "", "x86", "x86_64", "arm-v7", "powerpc", "arm64" };
	static const char *const order[] = { "", "little-endian", "little-endian", "little-endian", "big-endian", "little-endian" };
	static const int words[] = { 0, 4, 8, 4, 4, 8 };
	int bundle_arch, vm_arch;
	for (bundle_arch = 1; bundle_arch <= 5; bundle_arch++)
		for (vm_arch = 1; vm_arch <= 5; vm_arch++) {
			struct kb b;
			size_t len;
			uint8_t *p;
			char msg[KTAP_ERRMSG_MAX], want[KTAP_ERRMSG_MAX];
			int err;
			struct ktap_session *s;
			base(&b, bundle_arch);
			p = kb_finish(&b, &len);
			s = kt_load(p, len, vm_arch, NULL, &err, msg);
			if (bundle_arch == vm_arch) {
				KT_CHECK(s != NULL, "%s bundle on %s VM refused: %s", names[bundle_arch], names[vm_arch], msg);
			} else {
				if (strcmp(order[bundle_arch], order[vm_arch]))
					snprintf(want, sizeof(want), "bundle is %s, this VM is %s", order[bundle_arch], order[vm_arch]);
				else if (words[bundle_arch] != words[vm_arch])
					snprintf(want, sizeof(want), "bundle word size %d, this VM has %d", words[bundle_arch], words[vm_arch]);
				else
					snprintf(want, sizeof(want), "bundle built for %s, this VM is %s", names[bundle_arch], names[vm_arch]);
				KT_CHECK(!s && err == -KTAP_ENOEXEC && !strcmp(msg, want), "%s on %s: got '%s' want '%s'",
					 names[bundle_arch], names[vm_arch], s ? "(loaded)" : msg, want);
			}
			ktap_session_free(s);
			free(p);
			kb_free(&b);
		}
}

void test_loader(void)
{
	unsigned i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct loader_case *c = &cases[i];
		struct kb b;
		size_t len, orig;
		uint8_t *p0, *p;
		char msg[KTAP_ERRMSG_MAX], want[KTAP_ERRMSG_MAX];
		int err;
		struct ktap_session *s;
		base(&b, 2);
		p0 = kb_finish(&b, &len);
		p = calloc(1, len + 64);
		memcpy(p, p0, len);
		orig = len;
		c->mutate(p, &len);
		if (c->fix == SEAL)
			kb_fix_crc(p, len, 0);
		snprintf(want, sizeof(want), "%s", c->expect ? c->expect : "");
		if (c->mutate == m_trunc)
			snprintf(want, sizeof(want), "truncated (%zu bytes, header says %zu)", len, orig);
		else if (c->mutate == m_trail)
			snprintf(want, sizeof(want), "trailing bytes (%zu bytes, header says %zu)", len, orig);
		else if (c->mutate == m_crc) {
			uint32_t stored = le32(p + 32);
			kb_fix_crc(p, len, 0);
			snprintf(want, sizeof(want), "checksum mismatch (stored %x, computed %x)", stored, le32(p + 32));
			set32(p + 32, stored);
		} else if (c->mutate == m_sec_align)
			snprintf(want, sizeof(want), "section GLOBALS: offset %u not a multiple of 4", le32(p + sec_entry(p, 9) + 4));
		else if (c->mutate == m_sec_out) {
			uint32_t off = le32(p + sec_entry(p, 9) + 4);
			snprintf(want, sizeof(want), "section GLOBALS: bytes %u..%u outside the file (%zu bytes)", off, off + 4096, len);
		} else if (c->mutate == m_sec_count)
			snprintf(want, sizeof(want), "section CONSTANTS: count 3 does not match size 32");
		else if (c->mutate == m_const_str)
			snprintf(want, sizeof(want), "constant 1: string index 999 out of range (%u strings)", b.nstr);
		s = kt_load(p, len, 2, NULL, &err, msg);
		if (!want[0])
			KT_CHECK(s != NULL, "loader case '%s': refused: %s", c->name, msg);
		else
			KT_CHECK(!s && !strcmp(msg, want), "loader case '%s': got '%s' want '%s'", c->name,
				 s ? "(loaded)" : msg, want);
		ktap_session_free(s);
		free(p);
		free(p0);
		kb_free(&b);
	}
	matrix();
}
