/* test_main.c - runs the C unit tests of the VM core; last line "RESULT passed=N failed=M". */
#include "ktest.h"

int main(void)
{
	test_loader();
	test_verifier();
	test_interp();
	test_hostile();
	printf("RESULT passed=%d failed=%d\n", kt_pass, kt_fail);
	return kt_fail ? 1 : 0;
}
