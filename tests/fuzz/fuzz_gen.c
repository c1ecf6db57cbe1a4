/*
 * fuzz_gen.c - libFuzzer harness that GENERATES bundles the verifier accepts (gen/gen.c
 * reads the input as a stream of choices) and runs them under ASan+UBSan like a session:
 * main, every probe fired twice on alternating CPUs (tick/profile without an event,
 * the others with a synthetic sched_switch), trace_end, the summary. After every run the
 * invariants of gen/check.c are checked (arena within budget, no scratch pointer kept, no
 * CPU left running, well-formed records with no pointer in them, reclamation's lists and
 * counts consistent, and at the end everything given back); a violation aborts.
 *
 * An input that starts with the bundle magic is taken as a bundle as it is
 * (regressions are stored that way: the .kbc files of tests/fuzz/regressions), with its own
 * LIMITS (or the defaults) under the same host bounds.
 *
 * Environment:
 *   KTAP_GEN_DUMP=FILE   write the generated bundle to FILE (turns a crash input into a .kbc)
 *   KTAP_GEN_STATS=1     count accepted bundles and rejection reasons; print them at exit
 *   KTAP_GEN_VERBOSE=1   print the verifier's message for every rejected bundle
 *   KTAP_GEN_DETERMINISM=1  run every accepted bundle twice (the second session at other
 *                        addresses) and require byte-identical records
 * Build: make -C tests/fuzz (out/runtime/fuzzgen/fuzz_gen).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../runtime/ktapvm/user/replay.h"
#include "gen/gen.h"
#include "gen/check.h"

static struct replay_event fuzz_event = { .event = "sched:sched_switch", .name = "sched_switch", .ts = 1000,
	.cpu = 1, .pid = 42, .tid = 43, .uid = 7, .comm = "fuzz", .nfields = 3,
	.fields = { { "prev_comm", KTAP_EV_STRING, 0, "bash", 4 }, { "prev_pid", KTAP_EV_NUMBER, 42, 0, 0 },
		    { "next_comm", KTAP_EV_STRING, 0, "swapper/0", 9 } },
	.nstack = 2, .stack = { REPLAY_SYM_BASE, REPLAY_SYM_BASE + 16 } };

static unsigned char capture[1u << 20];

/* acceptance statistics (KTAP_GEN_STATS) */
static unsigned long long n_inputs, n_accepted;
#define NREASONS 32
static struct { char check[48]; unsigned long long n; } reasons[NREASONS];
static int stats_on = -1, verbose, determinism;

static unsigned long long op_count[64], bi_count[64];
/* sessions whose arena was checked empty at the end (no cycle was possible), and those of
 * them whose bundle makes upvalue cells or closures */
static unsigned long long n_reclaimed, n_reclaimed_cells, n_sessions;
static int has_cells;
static const char *const op_names[64] = {
#define KTAP_OP(name, num, fmt, meaning) [num] = #name,
#include "../../runtime/ktapvm/ktap_opcodes.def"
#undef KTAP_OP
};

/* what the generator emitted: every opcode and every built-in should show up */
static void tally(const struct kb *b)
{
	unsigned f, j;
	for (f = 0; f < b->nfunc; f++)
		for (j = 0; j < b->funcs[f].n; j++) {
			uint32_t i = b->funcs[f].code[j];
			op_count[i & 63]++;
			if ((i & 63) == KOP_BOX || (i & 63) == KOP_CLOSURE)
				has_cells = 1;
			if ((i & 63) == KOP_LOADBUILTIN && (i >> 14) < 64)
				bi_count[i >> 14]++;
		}
}

static void print_stats(void)
{
	int i;
	fprintf(stderr, "fuzz_gen: opcodes emitted:");
	for (i = 0; i < 64; i++)
		if (op_names[i])
			fprintf(stderr, " %s=%llu", op_names[i], op_count[i]);
	fprintf(stderr, "\nfuzz_gen: built-ins loaded:");
	for (i = 0; i < KBI__COUNT; i++)
		fprintf(stderr, " %d=%llu", i, bi_count[i]);
	fprintf(stderr, "\n");
	fprintf(stderr, "fuzz_gen: %llu sessions ran, %llu checked all reclaimed at the end (%llu of them make cells or closures)\n",
		n_sessions, n_reclaimed, n_reclaimed_cells);
	fprintf(stderr, "fuzz_gen: %llu generated, %llu accepted by the verifier (%.2f%%)\n", n_inputs, n_accepted,
		n_inputs ? 100.0 * (double)n_accepted / (double)n_inputs : 0.0);
	for (i = 0; i < NREASONS && reasons[i].n; i++)
		fprintf(stderr, "  rejected %llu: %s\n", reasons[i].n, reasons[i].check);
}

static void count_reject(const char *msg)
{
	char check[48];
	size_t n = strcspn(msg, ":");
	int i;
	if (n >= sizeof(check))
		n = sizeof(check) - 1;
	memcpy(check, msg, n);
	check[n] = 0;
	for (i = 0; i < NREASONS; i++) {
		if (!reasons[i].n)
			snprintf(reasons[i].check, sizeof(reasons[i].check), "%s", check);
		if (!strcmp(reasons[i].check, check)) {
			reasons[i].n++;
			return;
		}
	}
}

static void dump(const uint8_t *p, size_t len)
{
	const char *path = getenv("KTAP_GEN_DUMP");
	FILE *f;
	if (!path || !(f = fopen(path, "wb")))
		return;
	fwrite(p, 1, len, f);
	fclose(f);
}

/* Load and run one bundle as a session would be run; the records end up in capture.
 * Returns 0 when the bundle was refused. */
static int run_session(const uint8_t *bytes, size_t len, const struct ktap_limits *limits,
		       const struct ktap_bounds *bounds, int raw)
{
	struct ktap_target target;
	struct ktap_event ev = { &replay_event_ops, &fuzz_event };
	char msg[KTAP_ERRMSG_MAX];
	struct ktap_session *s;
	int err, round;
	u32 i, n;

	ktap_native_target(&target);
	memset(&replay_ctx, 0, sizeof(replay_ctx));
	replay_ctx.target = &target;
	replay_ctx.ncpus = 2;
	replay_ctx.max_records = -1;
	replay_ctx.capture = capture;
	replay_ctx.capture_cap = sizeof(capture);
	replay_ctx.now_ns = 1000000;

	s = ktap_session_load(bytes, (u32)len, &target, limits, bounds, 0, &err, msg);
	if (!s) {
		if (stats_on && !raw)
			count_reject(msg);
		if (verbose)
			fprintf(stderr, "rejected: %s\n", msg);
		return 0;
	}
	check_session(s, bounds, "after load");
	ktap_session_run_main(s);
	check_session(s, bounds, "after main");
	n = ktap_session_probe_count(s);
	for (round = 0; round < 2; round++)
		for (i = 0; i < n && !ktap_session_stopped(s); i++) {
			struct ktap_probe pr;
			int timer;
			if (ktap_session_probe(s, i, &pr) || pr.kind == KTAP_PROBE_TRACE_END)
				continue;
			timer = pr.kind == KTAP_PROBE_TICK || pr.kind == KTAP_PROBE_PROFILE;
			replay_ctx.cpu = (int)((i + (u32)round) & 1);
			replay_ctx.ev = timer ? 0 : &fuzz_event;
			replay_ctx.now_ns += 1000000;
			ktap_session_fire(s, i, timer ? 0 : &ev);
			check_session(s, bounds, "after a handler");
		}
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	ktap_session_run_trace_end(s);
	check_session(s, bounds, "after trace_end");
	ktap_session_finish(s);
	check_records(s, capture, replay_ctx.capture_len, &fuzz_event, 1);
	n_sessions++;
	if (check_reclaimed(s)) {
		n_reclaimed++;
		n_reclaimed_cells += has_cells;
	}
	ktap_session_free(s);
	replay_ctx.capture = 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t magic[] = KTAP_BYTES_OF(MAGIC); /* a stored bundle starts with it */
	static struct kb b;
	static unsigned char first[sizeof(capture)];
	struct gen_budget bud;
	struct ktap_limits limits;
	struct ktap_bounds bounds;
	uint8_t *bytes;
	size_t len, first_len;
	int raw = 0, ran;

	if (stats_on < 0) {
		stats_on = getenv("KTAP_GEN_STATS") != 0;
		verbose = getenv("KTAP_GEN_VERBOSE") != 0;
		determinism = getenv("KTAP_GEN_DETERMINISM") != 0;
		if (stats_on)
			atexit(print_stats);
	}
	if (size > (1u << 16))
		return 0;
	has_cells = 0; /* set by tally: a stored bundle's are not counted */
	if (size >= sizeof(magic) && !memcmp(data, magic, sizeof(magic))) {
		/* a stored bundle: the regression corpus */
		bytes = malloc(size);
		if (!bytes)
			return 0;
		memcpy(bytes, data, size);
		len = size;
		/* a stored bundle mutated by libFuzzer gets its checksum recomputed (kbuild's
		 * kb_fix_crc), so mutations reach the verifier and the interpreter; the checksum
		 * check has its own loader tests */
		if (len >= KTAP_HEADER_SIZE)
			kb_fix_crc(bytes, len, bytes[KTAP_HDR_BYTE_ORDER] == KTAP_BIG_ENDIAN);
		raw = 1;
	} else {
		gen_bundle(data, size, &b, &bud);
		if (getenv("KTAP_GEN_DUMP")) {
			/* the dumped bundle carries the budgets in its LIMITS section, so replaying
			 * it as a stored bundle (no caller limits) runs it the same way */
			const uint64_t v[6] = { 0, bud.insns, bud.depth, bud.string_len, bud.table_entries, bud.memory };
			int k;
			for (k = 1; k <= 5; k++) {
				b.limits[k - 1].key = (uint32_t)k;
				b.limits[k - 1].v = v[k];
			}
			b.nlimit = 5;
		}
		if (stats_on)
			tally(&b);
		bytes = kb_finish(&b, &len);
		kb_free(&b);
	}
	dump(bytes, len);

	memset(&limits, 0, sizeof(limits));
	if (!raw) {
		limits.value[KTAP_LIMIT_INSNS] = bud.insns;
		limits.value[KTAP_LIMIT_CALL_DEPTH] = bud.depth;
		limits.value[KTAP_LIMIT_STRING_LEN] = bud.string_len;
		limits.value[KTAP_LIMIT_TABLE_ENTRIES] = bud.table_entries;
		limits.value[KTAP_LIMIT_MEMORY] = bud.memory;
	}
	/* the host's ceilings: the caller's limits and the bundle's LIMITS may only lower them */
	memset(&bounds, 0, sizeof(bounds));
	bounds.max[KTAP_LIMIT_INSNS] = 10000;
	bounds.max[KTAP_LIMIT_CALL_DEPTH] = 32;
	bounds.max[KTAP_LIMIT_STRING_LEN] = 4096;
	bounds.max[KTAP_LIMIT_TABLE_ENTRIES] = 1000;
	bounds.max[KTAP_LIMIT_MEMORY] = 1u << 20;
	bounds.process_insns = 20000;
	/* the wall-clock bound would make a finding depend on the machine's load; libFuzzer's
	 * -timeout catches hangs, the instruction budgets bound the work */
	bounds.run_ns = 30ull * 1000000000u;

	n_inputs += !raw;
	ran = run_session(bytes, len, &limits, &bounds, raw);
	n_accepted += ran && !raw;
	if (ran && determinism) {
		/* Same bundle, same events, a session at other addresses: the output must be the
		 * same byte for byte, or the script saw something of where its objects live. */
		void *spacer = malloc(3u << 20); /* keeps the second arena away from the first */
		first_len = replay_ctx.capture_len;
		memcpy(first, capture, first_len);
		run_session(bytes, len, &limits, &bounds, raw);
		free(spacer);
		if (replay_ctx.capture_len != first_len || memcmp(first, capture, first_len)) {
			size_t k = 0;
			while (k < first_len && k < replay_ctx.capture_len && first[k] == capture[k])
				k++;
			fprintf(stderr, "INVARIANT: determinism: the same bundle run twice wrote different records "
				"(%zu and %zu bytes, first difference at byte %zu): output depends on addresses\n",
				first_len, replay_ctx.capture_len, k);
			abort();
		}
	}
	free(bytes);
	return 0;
}
