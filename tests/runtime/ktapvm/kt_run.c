/* kt_run.c - load/run helpers and a minimal record-to-text decoder for assertions
 * (the real decoder is the host's, in C#: this one only shows values plainly). */
#include <stdlib.h>
#include "ktest.h"
#include "../../../runtime/ktapvm/user/replay.h"
#include "../../../runtime/ktapvm/include/ktap_record_format.h"

int kt_pass, kt_fail;
const struct ktap_bounds *kt_bounds; /* host ceilings for kt_load (NULL: the defaults) */

struct ktap_session *kt_load(const uint8_t *p, size_t len, int arch, const struct ktap_limits *l,
			     int *err, char *msg)
{
	struct ktap_target t;
	t.arch = (u8)arch;
	t.byte_order = arch == 4 ? KTAP_BIG_ENDIAN : KTAP_LITTLE_ENDIAN;
	t.word_size = arch == 2 || arch == 5 ? 8 : 4;
	return ktap_session_load(p, (u32)len, &t, l, kt_bounds, 0, err, msg);
}

static uint32_t g32(const uint8_t *p, int big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}
static uint64_t g64(const uint8_t *p, int big)
{
	return big ? (uint64_t)g32(p, 1) << 32 | g32(p + 4, 1) : (uint64_t)g32(p + 4, 0) << 32 | g32(p, 0);
}

static size_t value(const uint8_t *p, int big, char *out, size_t n)
{
	switch (p[0]) {
	case KTAP_TAG_NIL: snprintf(out, n, "nil"); return 1;
	case KTAP_TAG_FALSE: snprintf(out, n, "false"); return 1;
	case KTAP_TAG_TRUE: snprintf(out, n, "true"); return 1;
	case KTAP_TAG_NUMBER: snprintf(out, n, "%lld", (long long)g64(p + 1, big)); return 1 + KTAP_TAG_NUMBER_LEN;
	case KTAP_TAG_STRING: case KTAP_TAG_EVENT: {
		uint32_t l = g32(p + 1, big);
		snprintf(out, n, "%.*s", (int)l, (const char *)p + 1 + KTAP_TAG_STRING_LEN);
		return 1 + KTAP_TAG_STRING_LEN + l;
	}
	case KTAP_TAG_TABLE: case KTAP_TAG_PTABLE: snprintf(out, n, "table"); return 1 + KTAP_TAG_TABLE_LEN;
	case KTAP_TAG_STAT: snprintf(out, n, "stat(%lld,%lld,%lld,%lld)", (long long)g64(p + 1, big), (long long)g64(p + 9, big),
			 (long long)g64(p + 17, big), (long long)g64(p + 25, big)); return 1 + KTAP_TAG_STAT_LEN;
	case KTAP_TAG_FUNCTION: case KTAP_TAG_BUILTIN: snprintf(out, n, "function"); return 1 + KTAP_TAG_FUNCTION_LEN;
	}
	snprintf(out, n, "?");
	return 1;
}

static void decode(const uint8_t *p, size_t len, int big, char *out, size_t outsz)
{
	size_t pos = 0, o = 0;
	out[0] = 0;
	while (pos + KTAP_REC_HEADER_SIZE <= len && o < outsz - 1) {
		const uint8_t *h = p + pos, *k = h + KTAP_REC_HDR_KIND;
		uint32_t rl = g32(h + KTAP_REC_HDR_LENGTH, big), a = g32(h + KTAP_REC_HDR_A, big), i, n;
		unsigned kind = big ? (unsigned)(k[0] << 8 | k[1]) : (unsigned)(k[1] << 8 | k[0]);
		const uint8_t *b = h + KTAP_REC_HEADER_SIZE;
		char v[256];
		if (rl < KTAP_REC_HEADER_SIZE || pos + rl > len) {
			o += (size_t)snprintf(out + o, outsz - o, "<bad record>\n");
			break;
		}
		switch (kind) {
		case REC_PRINT: case REC_PRINTF: case REC_PRINTF_DYN: case REC_ANSI:
			n = kind == REC_PRINTF ? g32(b, big) : a;
			if (kind == REC_PRINTF)
				b += 4;
			o += (size_t)snprintf(out + o, outsz - o, "%s", kind == REC_PRINT ? "" : kind == REC_PRINTF ? "printf:" : kind == REC_PRINTF_DYN ? "printf*:" : "ansi:");
			for (i = 0; i < n && o < outsz; i++) {
				b += value(b, big, v, sizeof(v));
				o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? "\t" : "", v);
			}
			o += (size_t)snprintf(out + o, outsz - o, "\n");
			break;
		case REC_ERROR:
			o += (size_t)snprintf(out + o, outsz - o, "error %u line %u: %.*s\n", a, g32(b + 8, big),
					      (int)g32(b + 12, big), (const char *)b + 16);
			break;
		case REC_HISTOGRAM:
			o += (size_t)snprintf(out + o, outsz - o, "histogram sum=%lld total=%u rows=%u\n",
					      (long long)g64(b, big), g32(b + 8, big), g32(b + 12, big));
			break;
		case REC_HIST: case REC_LHIST: { /* [key,] lo, hi, step, buckets and the non-zero counts */
			size_t kl = 0;
			o += (size_t)snprintf(out + o, outsz - o, "%s", kind == REC_HIST ? "hist" : "lhist");
			if (a == 1) { /* a ptable key's distribution: the key first */
				kl = value(b, big, v, sizeof(v));
				o += (size_t)snprintf(out + o, outsz - o, "[%s]", v);
			} else if (a) {
				o += (size_t)snprintf(out + o, outsz - o, " a=%u\n", a);
				break;
			}
			b += kl;
			n = g32(b + 24, big);
			o += (size_t)snprintf(out + o, outsz - o, " %lld %lld %lld n=%u", (long long)g64(b, big),
					      (long long)g64(b + 8, big), (long long)g64(b + 16, big), n);
			for (i = 0; i < n && kl + 28 + 8 * (size_t)i + 8 <= rl - KTAP_REC_HEADER_SIZE && o < outsz; i++)
				if (g64(b + 28 + 8 * i, big))
					o += (size_t)snprintf(out + o, outsz - o, " %u:%llu", i,
							      (unsigned long long)g64(b + 28 + 8 * i, big));
			o += (size_t)snprintf(out + o, outsz - o, "\n");
			break;
		}
		case REC_SUMMARY:
			o += (size_t)snprintf(out + o, outsz - o, "summary lost=%llu errors=%llu",
					      (unsigned long long)g64(b + KTAP_SUMMARY_LOST, big),
					      (unsigned long long)g64(b + KTAP_SUMMARY_RUNTIME_ERRORS, big));
			/* a = 1: the script's exit code follows the ten u64 of the v1 body */
			if (a == 1 && rl >= KTAP_REC_HEADER_SIZE + KTAP_SUMMARY_BYTES_A1)
				o += (size_t)snprintf(out + o, outsz - o, " exit=%lld", (long long)g64(b + KTAP_SUMMARY_EXIT_CODE, big));
			else if (a)
				o += (size_t)snprintf(out + o, outsz - o, " a=%u", a);
			o += (size_t)snprintf(out + o, outsz - o, "\n");
			break;
		default:
			o += (size_t)snprintf(out + o, outsz - o, "record %u\n", kind);
		}
		pos += rl;
	}
}

static struct replay_event kt_event = { .event = "sched:sched_switch", .name = "sched_switch", .ts = 1000,
	.cpu = 1, .pid = 42, .tid = 43, .uid = 7, .comm = "bash", .nfields = 3,
	.fields = { { "prev_comm", 2, 0, "bash", 4 }, { "prev_pid", 1, 42, 0, 0 }, { "next_comm", 2, 0, "swapper/0", 9 } } };

int kt_run(struct kb *b, const struct ktap_limits *l, int fires, char *out, size_t outsz, char *msg)
{
	size_t len;
	uint8_t *p = kb_finish(b, &len);
	int err, i;
	struct ktap_session *s = kt_load(p, len, b->arch, l, &err, msg);
	static unsigned char cap[1 << 20];
	struct ktap_event ev = { &replay_event_ops, &kt_event };
	struct ktap_target t;
	free(p);
	out[0] = 0;
	if (!s)
		return err;
	if (kt_after_load)
		kt_after_load(s);
	t.arch = (u8)b->arch;
	replay_ctx.target = &t;
	replay_ctx.capture = cap;
	replay_ctx.capture_cap = sizeof(cap);
	replay_ctx.capture_len = 0;
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	ktap_session_run_main(s);
	if (kt_after_main)
		kt_after_main(s);
	for (i = 0; i < fires && ktap_session_probe_count(s) > 0; i++) {
		replay_ctx.ev = &kt_event;
		replay_ctx.cpu = kt_event.cpu;
		ktap_session_fire(s, 0, &ev);
	}
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	ktap_session_run_trace_end(s);
	ktap_session_finish(s);
	decode(cap, replay_ctx.capture_len, b->big, out, outsz);
	replay_ctx.capture = 0;
	ktap_session_free(s);
	return 0;
}
