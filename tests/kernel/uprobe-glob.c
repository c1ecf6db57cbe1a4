/*
 * uprobe-glob.c - the target of `trace probe:/tmp/uprobe-glob:ktapg_*` (tests/boards/ktap-e2e.sh):
 * `uprobe-glob N` calls ktapg_alpha N times, ktapg_beta 2N, ktapg_gamma 3N, ktapg_delta 4N,
 * and other_fn 5N (which the glob must leave out), so each symbol's count is known exactly.
 * ktapm_1000 .. ktapm_3099 are 2100 functions never called: `ktapm_*` is more than the
 * 2048 functions one definition may arm (the link error's test).
 * Built -O0 and static; the functions are noinline with distinct bodies, so none is folded
 * into its caller or merged with another.
 */
#include <stdlib.h>

static volatile long sink;

#define KTAPG(name, k) __attribute__((noinline)) void name(void) { sink += k; }
KTAPG(ktapg_alpha, 1)
KTAPG(ktapg_beta, 2)
KTAPG(ktapg_gamma, 3)
KTAPG(ktapg_delta, 4)
KTAPG(other_fn, 5)

#define M1(p) __attribute__((noinline)) void ktapm_##p(void) { sink += 7; }
#define M10(p) M1(p##0) M1(p##1) M1(p##2) M1(p##3) M1(p##4) M1(p##5) M1(p##6) M1(p##7) M1(p##8) M1(p##9)
#define M100(p) M10(p##0) M10(p##1) M10(p##2) M10(p##3) M10(p##4) M10(p##5) M10(p##6) M10(p##7) M10(p##8) M10(p##9)
#define M1000(p) M100(p##0) M100(p##1) M100(p##2) M100(p##3) M100(p##4) M100(p##5) M100(p##6) M100(p##7) M100(p##8) M100(p##9)
M1000(1)
M1000(2)
M100(30)

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1, i;

	for (i = 0; i < n; i++) {
		int k;

		ktapg_alpha();
		for (k = 0; k < 2; k++)
			ktapg_beta();
		for (k = 0; k < 3; k++)
			ktapg_gamma();
		for (k = 0; k < 4; k++)
			ktapg_delta();
		for (k = 0; k < 5; k++)
			other_fn();
	}
	return 0;
}
