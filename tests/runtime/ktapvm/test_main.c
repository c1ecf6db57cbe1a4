/* test_main.c - runs the C unit tests of the VM core; last line "RESULT passed=N failed=M". */
#include "ktest.h"

void test_verifier_table(void); /* verifier_table.c */
void test_perf_events(void);    /* test_perf_events.c */
void test_watchpoint(void);     /* test_watchpoint.c */
void test_corpus(void);         /* test_corpus.c: tests/corpus/damaged-bundles.tsv */

int main(void)
{
	test_loader();
	test_corpus();
	test_perf_events();
	test_watchpoint();
	test_verifier();
	test_verifier_table();
	test_interp();
	test_hostile();
	test_reclaim();
	printf("RESULT passed=%d failed=%d\n", kt_pass, kt_fail);
	return kt_fail ? 1 : 0;
}
