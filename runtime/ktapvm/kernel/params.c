// SPDX-License-Identifier: GPL-2.0
/*
 * params.c - the ceilings this module imposes on every session (module parameters, read
 * once when a bundle is loaded). A bundle's LIMITS section may only lower them; the core
 * also caps each by its own ceiling (ktap_default_bounds()), so a parameter above that
 * has no effect. 0 means "the core's ceiling". docs/kernel-module.md lists them.
 */
#include <linux/moduleparam.h>
#include "kt.h"

static ulong max_insns = 1000000;
module_param(max_insns, ulong, 0644);
MODULE_PARM_DESC(max_insns, "instructions per probe handler run (ceiling)");

static ulong max_call_depth = 64;
module_param(max_call_depth, ulong, 0644);
MODULE_PARM_DESC(max_call_depth, "script call depth (ceiling)");

static ulong max_string = 16384;
module_param(max_string, ulong, 0644);
MODULE_PARM_DESC(max_string, "bytes of one string (ceiling)");

static ulong max_table_entries = 1 << 18;
module_param(max_table_entries, ulong, 0644);
MODULE_PARM_DESC(max_table_entries, "entries of one table (ceiling)");

static ulong max_memory = 64 << 20;
module_param(max_memory, ulong, 0644);
MODULE_PARM_DESC(max_memory, "session arena bytes (ceiling)");

static ulong run_ns = 20000000;
module_param(run_ns, ulong, 0644);
MODULE_PARM_DESC(run_ns, "wall-clock nanoseconds of one probe handler run");

static ulong process_insns = 20000000;
module_param(process_insns, ulong, 0644);
MODULE_PARM_DESC(process_insns, "instructions of the main chunk and of trace_end (each run)");

void kt_bounds(struct ktap_bounds *b)
{
	memset(b, 0, sizeof(*b));
	b->max[KTAP_LIMIT_INSNS] = READ_ONCE(max_insns);
	b->max[KTAP_LIMIT_CALL_DEPTH] = READ_ONCE(max_call_depth);
	b->max[KTAP_LIMIT_STRING_LEN] = READ_ONCE(max_string);
	b->max[KTAP_LIMIT_TABLE_ENTRIES] = READ_ONCE(max_table_entries);
	b->max[KTAP_LIMIT_MEMORY] = READ_ONCE(max_memory);
	b->run_ns = READ_ONCE(run_ns);
	b->process_insns = READ_ONCE(process_insns);
}
