/*
 * platform_user.c - ktap_platform.h for the user-space runner. Context values come from
 * the replay event being delivered (replay_ctx), so output is the same on every host.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "replay.h"
#include "../include/ktap_record_format.h"

struct replay_context replay_ctx = { .ncpus = 4, .max_records = -1 };

void *ktap_plat_alloc(size_t size)
{
	return calloc(1, size ? size : 1);
}

void ktap_plat_free(void *p)
{
	free(p);
}

struct ktap_lock {
	int held;
};

size_t ktap_plat_lock_size(void)
{
	return 8;
}

void ktap_plat_lock_init(struct ktap_lock *l, enum ktap_lock_class c)
{
	(void)c;
	l->held = 0;
}

unsigned long ktap_plat_lock(struct ktap_lock *l)
{
	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE))
		;
	return 0;
}

void ktap_plat_unlock(struct ktap_lock *l, unsigned long flags)
{
	(void)flags;
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

int ktap_plat_cpu(void)
{
	return replay_ctx.cpu;
}

int ktap_plat_num_possible_cpus(void)
{
	return replay_ctx.ncpus;
}

int ktap_plat_num_online_cpus(void)
{
	return replay_ctx.ncpus;
}

int ktap_plat_yield(void)
{
	/* the runner has no signals to honour (SIGINT simply ends the process); tests make
	 * it report one to check that the core stops */
	replay_ctx.yields++;
	return replay_ctx.stop_at_yield && replay_ctx.yields >= replay_ctx.stop_at_yield;
}

u64 ktap_plat_time_ns(void)
{
	return replay_ctx.now_ns;
}

u64 ktap_plat_clock_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000u + (u64)ts.tv_nsec;
}

s64 ktap_plat_wall_us(void)
{
	return (s64)(replay_ctx.now_ns / 1000);
}

void ktap_plat_current_task(struct ktap_task_info *out)
{
	const struct replay_event *e = replay_ctx.ev;
	memset(out, 0, sizeof(*out));
	if (e) {
		out->pid = e->pid;
		out->tid = e->tid;
		out->uid = e->uid;
		memcpy(out->comm, e->comm, sizeof(out->comm));
	} else {
		strcpy(out->comm, "ktapvm-run");
	}
}

int ktap_plat_in_interrupt(void)
{
	return replay_ctx.ev ? replay_ctx.ev->in_interrupt : 0;
}

int ktap_plat_in_iowait(void)
{
	return replay_ctx.ev ? replay_ctx.ev->in_iowait : 0;
}

int ktap_plat_curr_task_info(s64 offset, int size, s64 *out)
{
	(void)offset;
	(void)size;
	(void)out;
	return -KTAP_EFAULT; /* no task_struct in a replay */
}

/* Replay events may name the strings at addresses ("strings": {"4096": "text"}). */
static int read_string(u64 addr, char *buf, int max)
{
	const struct replay_event *e = replay_ctx.ev;
	int i;
	if (!e || max < 1)
		return -KTAP_EFAULT;
	for (i = 0; i < e->nstrings; i++)
		if (e->str_addr[i] == addr) {
			int n = (int)strlen(e->str_val[i]);
			if (n > max - 1)
				n = max - 1;
			memcpy(buf, e->str_val[i], (size_t)n);
			buf[n] = 0;
			return n;
		}
	return -KTAP_EFAULT;
}

int ktap_plat_read_user_string(u64 addr, char *buf, int max)
{
	return read_string(addr, buf, max);
}

int ktap_plat_read_kernel_string(u64 addr, char *buf, int max)
{
	return read_string(addr, buf, max);
}

int ktap_plat_stack(u64 *addrs, int max)
{
	const struct replay_event *e = replay_ctx.ev;
	int i, n = e ? e->nstack : 0;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		addrs[i] = e->stack[i];
	return n;
}

/* Replay events carry no user stack (docs/replay-format.md): ustack() is empty here. */
int ktap_plat_ustack(u64 *addrs, int max)
{
	(void)addrs;
	(void)max;
	return 0;
}

int ktap_plat_symbolize(u64 addr, char *buf, int max)
{
	const char *name = replay_symbol_name(addr);
	if (name)
		return snprintf(buf, (size_t)max, "%s", name) < max ? (int)strlen(buf) : max - 1;
	snprintf(buf, (size_t)max, "0x%llx", (unsigned long long)addr);
	return (int)strlen(buf);
}

const char *ktap_plat_arch_name(void)
{
	switch (replay_ctx.target ? replay_ctx.target->arch : 0) {
	case KTAP_ARCH_X86: return "x86";
	case KTAP_ARCH_X86_64: return "x86_64";
	case KTAP_ARCH_ARM_V7: return "arm";
	case KTAP_ARCH_POWERPC: return "powerpc";
	case KTAP_ARCH_ARM64: return "aarch64"; /* uname -m, as the module's arch() */
	}
	return "unknown";
}

const char *ktap_plat_kernel_release(void)
{
	return "replay";
}

int ktap_plat_emit(struct ktap_session *s, const void *bytes, u32 len)
{
	u16 kind;
	int summary;
	(void)s;
	memcpy(&kind, (const u8 *)bytes + KTAP_REC_HDR_KIND, sizeof(kind));
	/* the kind in either byte order */
	summary = kind == REC_SUMMARY || kind == (u16)(REC_SUMMARY << 8 | REC_SUMMARY >> 8);
	/* the end-of-session summary always gets through: it carries the lost count */
	if (!summary && replay_ctx.max_records >= 0 && replay_ctx.records >= replay_ctx.max_records)
		return -KTAP_ENOSPC;
	replay_ctx.records++;
	if (replay_ctx.discard)
		return 0;
	if (replay_ctx.capture) {
		/* like the summary's own bypass above: the last 256 bytes are the summary's, so
		 * a capture that other records filled still ends with it (found by fuzz_gen) */
		u32 keep = summary ? 0 : 256;
		if (replay_ctx.capture_cap - replay_ctx.capture_len < len + keep)
			return -KTAP_ENOSPC;
		memcpy(replay_ctx.capture + replay_ctx.capture_len, bytes, len);
		replay_ctx.capture_len += len;
		return 0;
	}
	return fwrite(bytes, 1, len, stdout) == len ? 0 : -KTAP_ENOSPC;
}

/* Standard output never makes a writer wait; the summary already always gets through. */
int ktap_plat_emit_process(struct ktap_session *s, const void *bytes, u32 len)
{
	return ktap_plat_emit(s, bytes, len);
}
