/*
 * fuzz_bundle.c - libFuzzer harness over the loader, the verifier and the interpreter: each
 * input is a bundle for this host's target; when it loads, its main chunk, every probe
 * (with a synthetic event) and trace_end run under tight budgets. Records are discarded.
 * Build: make -C runtime/ktapvm/user VARIANT=fuzz; seeds: tests/fuzz/corpus.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdlib.h>
#include "../../runtime/ktapvm/user/replay.h"

u32 kvm_crc32(const u8 *p, u32 n, u32 skip_off);

/* Reseal the checksum so mutations reach the sections, the verifier and the interpreter
 * (the checksum check itself is covered by the loader tables). */
static void reseal(u8 *p, size_t n)
{
	u32 c;
	if (n < 64)
		return;
	c = kvm_crc32(p, (u32)n, 32);
	if (p[5] == 2) {
		p[32] = (u8)(c >> 24); p[33] = (u8)(c >> 16); p[34] = (u8)(c >> 8); p[35] = (u8)c;
	} else {
		p[32] = (u8)c; p[33] = (u8)(c >> 8); p[34] = (u8)(c >> 16); p[35] = (u8)(c >> 24);
	}
}

static struct replay_event fuzz_event = { .event = "sched:sched_switch", .name = "sched_switch", .ts = 1000,
	.cpu = 1, .pid = 42, .tid = 42, .comm = "fuzz", .nfields = 2,
	.fields = { { "prev_comm", KTAP_EV_STRING, 0, "bash", 4 }, { "prev_pid", KTAP_EV_NUMBER, 42, 0, 0 } },
	.nstack = 1, .stack = { REPLAY_SYM_BASE } };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktap_target target;
	struct ktap_limits limits;
	struct ktap_bounds bounds;
	struct ktap_event ev = { &replay_event_ops, &fuzz_event };
	char msg[KTAP_ERRMSG_MAX];
	struct ktap_session *s;
	int err;
	u32 i, n;

	u8 *copy;
	if (size > (1u << 20))
		return 0;
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	reseal(copy, size);
	ktap_native_target(&target);
	memset(&limits, 0, sizeof(limits));
	limits.value[KTAP_LIMIT_INSNS] = 20000;
	limits.value[KTAP_LIMIT_MEMORY] = 1u << 20;
	limits.value[KTAP_LIMIT_TABLE_ENTRIES] = 1000;
	/* The main chunk and trace_end run on the process budget, 10^8 instructions by default:
	 * seconds per input under ASan, reported as timeouts. Small ceilings keep each input
	 * fast; the wall-clock bound is out of the way so results do not depend on load. */
	memset(&bounds, 0, sizeof(bounds));
	bounds.process_insns = 200000;
	bounds.run_ns = 30ull * 1000000000u;
	replay_ctx.target = &target;
	replay_ctx.discard = 1;
	replay_ctx.ncpus = 2;
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	s = ktap_session_load(copy, (u32)size, &target, &limits, &bounds, 0, &err, msg);
	free(copy);
	if (!s)
		return 0;
	ktap_session_run_main(s);
	n = ktap_session_probe_count(s);
	replay_ctx.ev = &fuzz_event;
	replay_ctx.cpu = 1;
	for (i = 0; i < n && !ktap_session_stopped(s); i++)
		ktap_session_fire(s, i, &ev);
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	ktap_session_run_trace_end(s);
	ktap_session_finish(s);
	ktap_session_free(s);
	return 0;
}
