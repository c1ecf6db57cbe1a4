/* placeholder replaced below */
#include "ktest.h"
void test_interp(void) {}
