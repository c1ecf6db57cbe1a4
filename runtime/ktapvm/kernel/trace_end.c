// SPDX-License-Identifier: GPL-2.0
/*
 * trace_end.c - the trace_end probe: nothing to arm. The session runs its handler in
 * process context when it stops (session.c, ktap_session_run_trace_end), after every
 * other probe is disarmed.
 */
#include "provider.h"

static const u8 kt_trace_end_kinds[] = { KTAP_PROBE_TRACE_END, 0 };

const struct kt_provider kt_trace_end_provider = {
	.name = "trace_end",
	.kinds = kt_trace_end_kinds,
};
