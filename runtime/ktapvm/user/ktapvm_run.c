/*
 * ktapvm_run.c - the user-space runner: load and verify a bundle, run main, feed the
 * replay file's events to matching handlers, fire tick/profile handlers on the virtual
 * clock, run trace_end, write the binary record stream to stdout (docs/replay-format.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "replay.h"
#include "replay_stream.h"
#include <linux/err.h> /* kshim/: the kernel filter code's ERR_PTR results */
#include "../kernel/filter.h"
#include "exit_codes.h"

int replay_probe_matches(const struct ktap_probe *p, const char *ev);

static const char *prog = "ktapvm-run";

static void usage(void)
{
	fprintf(stderr,
		"usage: %s BUNDLE --events STREAM [--limit KEY=N]... [--target ARCH] [--cpus N]\n"
		"       [--max-limit KEY=N]... [--max-records N] [--bench N] [--cpid PID]\n"
		"  --limit insns|depth|string|table|memory=N   override a session budget\n"
		"  --cpid PID   what cpid() returns (the board's workload pid; default 0: none)\n"
		"  --max-limit insns|depth|string|table|memory|run_ns|process_insns=N\n"
		"                    the host's ceiling (as the module's parameters): budgets never exceed\n"
		"                    it; run_ns bounds a handler run in wall-clock time, process_insns\n"
		"                    the instructions of main and trace_end\n"
		"  --target x86|x86_64|arm-v7|powerpc           pretend to be this VM (default: this build's)\n"
		"  --cpus N          possible CPUs of the replay (default 4)\n"
		"  --max-records N   the transport takes N records, then is full (tests lost records)\n"
		"  --bench N         fire the first probe N times with the first event, print ns/event\n",
		prog);
	exit(KTAP_EXIT_Usage);
}

static unsigned char *read_file(const char *path, long *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	if (!f)
		return 0;
	if (fseek(f, 0, SEEK_END) || (*len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return 0;
	}
	buf = malloc((size_t)*len + 1);
	if (buf && fread(buf, 1, (size_t)*len, f) != (size_t)*len) {
		free(buf);
		buf = 0;
	}
	if (buf)
		buf[*len] = 0;
	fclose(f);
	return buf;
}

static int parse_limit(const char *arg, struct ktap_limits *l)
{
	static const char *const keys[KTAP_LIMIT_COUNT] = { /* --limit's words: ktap_bundle_format.def */
#define KTAP_LIMIT_KEY(id, name, cs, spelling, summary, meaning) [id] = spelling,
#include "../ktap_bundle_format.def"
	};
	const char *eq = strchr(arg, '=');
	char *end;
	int k;
	unsigned long long v;
	if (!eq)
		return -1;
	v = strtoull(eq + 1, &end, 10);
	if (*end || eq[1] == 0 || v == 0)
		return -1;
	for (k = 1; k < KTAP_LIMIT_COUNT; k++)
		if ((size_t)(eq - arg) == strlen(keys[k]) && !strncmp(arg, keys[k], (size_t)(eq - arg))) {
			l->value[k] = v;
			return 0;
		}
	return -1;
}

/* --max-limit: the limit keys, run_ns and process_insns */
static int parse_bound(const char *arg, struct ktap_bounds *b)
{
	struct ktap_limits l;
	const char *eq = strchr(arg, '=');
	char *end;
	unsigned long long v;
	int k;
	memset(&l, 0, sizeof(l));
	if (parse_limit(arg, &l) == 0) {
		for (k = 1; k < KTAP_LIMIT_COUNT; k++)
			if (l.value[k])
				b->max[k] = l.value[k];
		return 0;
	}
	if (!eq || eq[1] == 0)
		return -1;
	v = strtoull(eq + 1, &end, 10);
	if (*end || v == 0)
		return -1;
	if ((size_t)(eq - arg) == 6 && !strncmp(arg, "run_ns", 6))
		b->run_ns = v;
	else if ((size_t)(eq - arg) == 13 && !strncmp(arg, "process_insns", 13))
		b->process_insns = v;
	else
		return -1;
	return 0;
}

static int parse_target(const char *name, struct ktap_target *t)
{
	if (!strcmp(name, "x86")) { t->arch = KTAP_ARCH_X86; t->byte_order = KTAP_LITTLE_ENDIAN; t->word_size = 4; }
	else if (!strcmp(name, "x86_64")) { t->arch = KTAP_ARCH_X86_64; t->byte_order = KTAP_LITTLE_ENDIAN; t->word_size = 8; }
	else if (!strcmp(name, "arm-v7")) { t->arch = KTAP_ARCH_ARM_V7; t->byte_order = KTAP_LITTLE_ENDIAN; t->word_size = 4; }
	else if (!strcmp(name, "powerpc")) { t->arch = KTAP_ARCH_POWERPC; t->byte_order = KTAP_BIG_ENDIAN; t->word_size = 4; }
	else if (!strcmp(name, "arm64")) { t->arch = KTAP_ARCH_ARM64; t->byte_order = KTAP_LITTLE_ENDIAN; t->word_size = 8; }
	else return -1;
	return 0;
}

struct timer {
	u32 probe;
	u64 interval, next;
	int profile;
};

static void fire_timers(struct ktap_session *s, struct timer *tm, int ntm, u64 until)
{
	for (;;) {
		int i, best = -1;
		for (i = 0; i < ntm; i++)
			if (tm[i].next <= until && (best < 0 || tm[i].next < tm[best].next))
				best = i;
		if (best < 0 || ktap_session_stopped(s))
			return;
		replay_ctx.now_ns = tm[best].next;
		replay_ctx.ev = 0;
		if (tm[best].profile) {
			int c;
			for (c = 0; c < replay_ctx.ncpus && !ktap_session_stopped(s); c++) {
				replay_ctx.cpu = c;
				ktap_session_fire(s, tm[best].probe, 0);
			}
		} else {
			replay_ctx.cpu = 0;
			ktap_session_fire(s, tm[best].probe, 0);
		}
		tm[best].next += tm[best].interval;
	}
}

static int bench(struct ktap_session *s, struct replay_event *e, long n)
{
	struct ktap_event ev = { &replay_event_ops, e };
	struct timespec a, b;
	long i;
	double ns;
	replay_ctx.discard = 1;
	replay_ctx.ev = e;
	replay_ctx.cpu = e->cpu;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a); /* CPU time, as lua's os.clock: the host is shared */
	for (i = 0; i < n; i++)
		ktap_session_fire(s, 0, &ev);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	{
		struct ktap_stats st;
		ktap_session_stats(s, &st);
		fprintf(stderr, "bench: %ld runs, %.1f ns/event, errors %llu, memory %llu bytes\n", n, ns / (double)n,
			(unsigned long long)st.runtime_errors, (unsigned long long)st.memory_used);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *bundle_path = 0, *events_path = 0;
	struct ktap_limits limits;
	struct ktap_bounds bounds;
	struct ktap_target target;
	long blen = 0, elen = 0, bench_n = 0;
	long long cpid = 0; /* --cpid: what cpid() returns */
	unsigned char *bundle, *events;
	char msg[KTAP_ERRMSG_MAX];
	struct ktap_session *s;
	struct timer *tm;
	struct kt_filter **filters;
	int err, i, ntm = 0, rc = 0, started = 0;
	u32 p, nprobe;
	struct replay_stream rs;

	memset(&limits, 0, sizeof(limits));
	memset(&bounds, 0, sizeof(bounds));
	ktap_native_target(&target);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--events") && i + 1 < argc)
			events_path = argv[++i];
		else if (!strcmp(argv[i], "--limit") && i + 1 < argc) {
			if (parse_limit(argv[++i], &limits)) {
				fprintf(stderr, "%s: bad --limit '%s' (insns|depth|string|table|memory=N, N > 0)\n", prog, argv[i]);
				return KTAP_EXIT_Usage;
			}
		} else if (!strcmp(argv[i], "--max-limit") && i + 1 < argc) {
			if (parse_bound(argv[++i], &bounds)) {
				fprintf(stderr, "%s: bad --max-limit '%s' (insns|depth|string|table|memory|run_ns|process_insns=N, N > 0)\n",
					prog, argv[i]);
				return KTAP_EXIT_Usage;
			}
		} else if (!strcmp(argv[i], "--target") && i + 1 < argc) {
			if (parse_target(argv[++i], &target)) {
				fprintf(stderr, "%s: unknown --target '%s' (x86, x86_64, arm-v7, powerpc)\n", prog, argv[i]);
				return KTAP_EXIT_Usage;
			}
		} else if (!strcmp(argv[i], "--cpus") && i + 1 < argc) {
			replay_ctx.ncpus = atoi(argv[++i]);
			if (replay_ctx.ncpus < 1 || replay_ctx.ncpus > 256) {
				fprintf(stderr, "%s: --cpus must be 1..256\n", prog);
				return KTAP_EXIT_Usage;
			}
		} else if (!strcmp(argv[i], "--max-records") && i + 1 < argc)
			replay_ctx.max_records = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--cpid") && i + 1 < argc) {
			char *end;

			cpid = strtoll(argv[++i], &end, 10);
			if (*end || end == argv[i] || cpid < 0 || cpid > 0x7fffffff) {
				fprintf(stderr, "%s: bad --cpid '%s' (a pid, 0..2147483647)\n", prog, argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--bench") && i + 1 < argc)
			bench_n = atol(argv[++i]);
		else if (argv[i][0] == '-')
			usage();
		else if (!bundle_path)
			bundle_path = argv[i];
		else
			usage();
	}
	if (!bundle_path || !events_path)
		usage();
	replay_ctx.target = &target;
	bundle = read_file(bundle_path, &blen);
	if (!bundle) {
		fprintf(stderr, "%s: cannot read bundle %s\n", prog, bundle_path);
		return KTAP_EXIT_Usage;
	}
	events = read_file(events_path, &elen);
	if (!events) {
		fprintf(stderr, "%s: cannot read events %s\n", prog, events_path);
		return KTAP_EXIT_Usage;
	}
	s = ktap_session_load(bundle, (u32)blen, &target, &limits, &bounds, 0, &err, msg);
	free(bundle);
	if (s)
		ktap_session_set_workload(s, cpid);
	if (!s) {
		fprintf(stderr, "%s: %s: %s\n", prog, bundle_path, msg);
		free(events);
		return KTAP_EXIT_ScriptError;
	}
	nprobe = ktap_session_probe_count(s);
	tm = calloc(nprobe + 1, sizeof(*tm));
	filters = calloc(nprobe + 1, sizeof(*filters));
	if (!tm || !filters) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return KTAP_EXIT_Failure;
	}
	for (p = 0; p < nprobe; p++) {
		struct ktap_probe pr;
		ktap_session_probe(s, p, &pr);
		if (pr.filter && pr.kind == KTAP_PROBE_FTRACE) {
			/* On a board ftrace itself picks the functions by name (kernel/ftrace.c); a
			 * replayed ftrace:function event carries addresses, not names. Refused, not
			 * ignored: every event would reach the handler. */
			fprintf(stderr, "%s: %s: probe '%s' has the filter /%s/: ftrace picks the functions by name on the board, and a replay's ftrace:function events carry no names; test args.ip in the handler instead\n",
				prog, bundle_path, pr.spec, pr.filter);
			rc = KTAP_EXIT_ScriptError;
			break;
		}
		if (pr.filter) {
			/* The kernel's own parser and evaluator (kernel/filter.c), with the kernel's
			 * message for a filter it refuses (kernel/probes.c). */
			char ferr[160];
			filters[p] = kt_filter_compile(pr.filter, ferr, sizeof(ferr));
			if (IS_ERR(filters[p])) {
				filters[p] = 0;
				fprintf(stderr, "%s: %s: probe %s: bad filter: %s (filter \"%.40s%s\")\n", prog, bundle_path,
					pr.spec, ferr, pr.filter, strlen(pr.filter) > 40 ? "..." : "");
				rc = KTAP_EXIT_ScriptError;
				break;
			}
		}
		if (pr.kind == KTAP_PROBE_TICK || pr.kind == KTAP_PROBE_PROFILE) {
			tm[ntm].probe = p;
			tm[ntm].interval = pr.value;
			tm[ntm].profile = pr.kind == KTAP_PROBE_PROFILE;
			ntm++;
		}
	}
	if (rc) {
		for (p = 0; p < nprobe; p++)
			kt_filter_free(filters[p]);
		ktap_session_free(s);
		free(events);
		free(tm);
		free(filters);
		return rc;
	}
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	ktap_session_run_main(s);

	if (replay_stream_open(&rs, events, (size_t)elen, msg, sizeof(msg))) {
		fprintf(stderr, "%s: %s\n", events_path, msg);
		rc = KTAP_EXIT_EventsInvalid;
	}
	while (!rc && !ktap_session_stopped(s)) {
		struct replay_event e;
		struct ktap_event ev = { &replay_event_ops, &e };
		unsigned lineno = 0;
		int got = replay_stream_next(&rs, &e, &lineno, msg, sizeof(msg));
		if (got == 0)
			break;
		if (got < 0) {
			fprintf(stderr, "%s: %s\n", events_path, msg);
			rc = KTAP_EXIT_EventsInvalid;
			break;
		}
		if (e.cpu >= replay_ctx.ncpus) {
			fprintf(stderr, "%s:%u: cpu %d outside the replay's %d CPUs (--cpus)\n", events_path, lineno,
				e.cpu, replay_ctx.ncpus);
			rc = KTAP_EXIT_EventsInvalid;
			break;
		}
		if (started && e.ts < replay_ctx.now_ns) {
			fprintf(stderr, "%s:%u: ts %llu goes back in time (previous %llu)\n", events_path, lineno,
				e.ts, replay_ctx.now_ns);
			rc = KTAP_EXIT_EventsInvalid;
			break;
		}
		if (!started) {
			started = 1;
			for (i = 0; i < ntm; i++)
				tm[i].next = e.ts + tm[i].interval;
		}
		if (bench_n) {
			rc = bench(s, &e, bench_n);
			break;
		}
		fire_timers(s, tm, ntm, e.ts);
		replay_ctx.now_ns = e.ts;
		replay_ctx.ev = &e;
		replay_ctx.cpu = e.cpu;
		for (p = 0; p < nprobe && !ktap_session_stopped(s); p++) {
			struct ktap_probe pr;
			ktap_session_probe(s, p, &pr);
			/* the kernel's order (kernel/fire.c): the filter, then the handler */
			if (replay_probe_matches(&pr, e.event) && (!filters[p] || kt_filter_match(filters[p], &ev)))
				ktap_session_fire(s, p, &ev);
		}
		replay_ctx.ev = 0;
	}
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	replay_ctx.discard = bench_n != 0;
	ktap_session_run_trace_end(s);
	ktap_session_finish(s);
	fflush(stdout);
	if (!rc) {
		/* the script's exit(code), as a shell maps a status: its low 8 bits (-1 is 255);
		 * docs/ktap.md "Exit codes". The code is in the summary record too, for ktap. */
		struct ktap_stats st;
		ktap_session_stats(s, &st);
		if (st.exit_called)
			rc = (int)((unsigned long long)st.exit_code & 0xff);
	}
	ktap_session_free(s);
	for (p = 0; p < nprobe; p++)
		kt_filter_free(filters[p]);
	free(events);
	free(tm);
	free(filters);
	return rc;
}
