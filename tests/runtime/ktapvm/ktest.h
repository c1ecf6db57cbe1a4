/* ktest.h - the C tests' tiny harness: counted checks, one line per failure. */
#ifndef KTEST_H
#define KTEST_H

#include <stdio.h>
#include <string.h>
#include "kbuild.h"
#include "../../../runtime/ktapvm/include/ktapvm.h"

extern int kt_pass, kt_fail;
#define KT_CHECK(cond, ...) do { if (cond) kt_pass++; else { kt_fail++; \
	printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } } while (0)

/* Host ceilings kt_load passes to ktap_session_load (NULL: ktap_default_bounds). */
extern const struct ktap_bounds *kt_bounds;
/* Load bytes for the target of arch (1..4); NULL + msg on refusal. */
struct ktap_session *kt_load(const uint8_t *p, size_t len, int arch, const struct ktap_limits *l,
			     int *err, char *msg);
/* Run main and the first event handler (if any) `fires` times, trace_end, summary; the
 * output records decoded to text into out. Returns 0 or the load error. */
int kt_run(struct kb *b, const struct ktap_limits *l, int fires, char *out, size_t outsz, char *msg);

/* called by kt_run between load (and verification) and main, when set (tamper.c) */
extern void (*kt_after_load)(struct ktap_session *s);
extern void (*kt_after_main)(struct ktap_session *s); /* likewise, between main and the handler */
void tamper_upval_index(struct ktap_session *s);
void tamper_upval_count(struct ktap_session *s);
void tamper_upval_no_closure(struct ktap_session *s);
void tamper_upval_no_closure_nocount(struct ktap_session *s);

/* a fault's message of ktap_bundle_faults.def, formatted from its wording (test_corpus.c) */
void kt_fault_text(char *buf, size_t n, int fault, ...);
/* the base bundle of tests/corpus/damaged-bundles.tsv, for arch (test_corpus.c) */
void kt_corpus_base(struct kb *b, int arch);

void test_loader(void);
void test_verifier(void);
void test_interp(void);
void test_hostile(void);
void test_reclaim(void);

#endif
