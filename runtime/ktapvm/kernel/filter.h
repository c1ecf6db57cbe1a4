/* SPDX-License-Identifier: GPL-2.0 */
/*
 * filter.h - the module's event filters (filter.c). Separate from kt.h so that the parser
 * also builds in user space, with a shim of the few kernel headers it uses, for the
 * fuzzer (tests/kernel/filter-fuzz).
 */
#ifndef KT_FILTER_H
#define KT_FILTER_H

#include "ktapvm.h"

#define KT_FILTER_TEXT_MAX 1024 /* bytes of filter text */
#define KT_FILTER_DEPTH_MAX 32  /* nested '(' and '!' */
#define KT_FILTER_NODES 64      /* comparisons, &&, || and ! together */

struct kt_filter;

/* [load] NULL-free: an ERR_PTR, with the reason in err, on refusal. */
struct kt_filter *kt_filter_compile(const char *text, char *err, int errmax);
/* [probe] No recursion, no allocation. */
bool kt_filter_match(const struct kt_filter *f, const struct ktap_event *ev);
void kt_filter_free(struct kt_filter *f);

#endif
