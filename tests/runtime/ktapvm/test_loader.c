/*
 * test_loader.c - what the loader accepts: a valid bundle, one it hands to the verifier,
 * and which architecture's bundles each architecture's VM runs. Its refusals of damaged
 * bundles are the corpus's (tests/corpus/damaged-bundles.tsv, read by test_corpus.c).
 */
#include <stdlib.h>
#include "ktest.h"
#include "../../../runtime/ktapvm/include/ktap_bundle_faults.h"

struct loader_case {
	const char *name;
	void (*mutate)(uint8_t *p, size_t *len);
	const char *expect; /* exact message; NULL = loads */
};

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
/* offset of section id's data */
static size_t sec_data(const uint8_t *p, uint32_t id)
{
	uint32_t n = (uint32_t)(p[28] | p[29] << 8), i;
	for (i = 0; i < n; i++)
		if (le32(p + 64 + 16 * i) == id)
			return le32(p + 64 + 16 * i + 4);
	return 0;
}

static void m_none(uint8_t *p, size_t *len) { (void)p; (void)len; }
/* format 3 reads byte 28: main with an upvalue is loaded, then refused by the verifier */
static void m_fn_upvalues_main(uint8_t *p, size_t *len) { (void)len; p[4] = 3; p[sec_data(p, 3) + 28] = 2; }

/* The loader's refusals are the corpus's (tests/corpus/damaged-bundles.tsv, test_corpus.c);
 * these rows are about what it accepts and hands on to the verifier. */
static const struct loader_case cases[] = {
	{ "valid bundle", m_none, NULL },
	{ "function upvalues of main (format 3)", m_fn_upvalues_main,
	  "function layout: function 0: the main chunk or a handler has 2 upvalues" },
};

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
			kt_corpus_base(&b, bundle_arch);
			p = kb_finish(&b, &len);
			s = kt_load(p, len, vm_arch, NULL, &err, msg);
			if (bundle_arch == vm_arch) {
				KT_CHECK(s != NULL, "%s bundle on %s VM refused: %s", names[bundle_arch], names[vm_arch], msg);
			} else {
				/* the first difference is the fault (ktap_bundle_faults.def's wording) */
				if (strcmp(order[bundle_arch], order[vm_arch]))
					kt_fault_text(want, sizeof(want), KTAP_FAULT_VM_BYTE_ORDER, order[bundle_arch], order[vm_arch]);
				else if (words[bundle_arch] != words[vm_arch])
					kt_fault_text(want, sizeof(want), KTAP_FAULT_VM_WORD_SIZE, words[bundle_arch], words[vm_arch]);
				else
					kt_fault_text(want, sizeof(want), KTAP_FAULT_VM_ARCH, names[bundle_arch], names[vm_arch]);
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
		size_t len;
		uint8_t *p;
		char msg[KTAP_ERRMSG_MAX];
		int err;
		struct ktap_session *s;
		kt_corpus_base(&b, 2);
		p = kb_finish(&b, &len);
		c->mutate(p, &len);
		kb_fix_crc(p, len, 0);
		s = kt_load(p, len, 2, NULL, &err, msg);
		if (!c->expect)
			KT_CHECK(s != NULL, "loader case '%s': refused: %s", c->name, msg);
		else
			KT_CHECK(!s && !strcmp(msg, c->expect), "loader case '%s': got '%s' want '%s'", c->name,
				 s ? "(loaded)" : msg, c->expect);
		ktap_session_free(s);
		free(p);
		kb_free(&b);
	}
	matrix();
}
