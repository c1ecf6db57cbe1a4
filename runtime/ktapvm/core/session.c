/*
 * session.c - the public API (ktapvm.h): load, verify and preallocate a session, run
 * main, fire probes, trace_end, summary, free.
 */
#include "kvm.h"

#define SCRATCH_MIN (64u << 10)

void ktap_native_target(struct ktap_target *out)
{
#if defined(__x86_64__)
	out->arch = KTAP_ARCH_X86_64;
#elif defined(__i386__)
	out->arch = KTAP_ARCH_X86;
#elif defined(__arm__)
	out->arch = KTAP_ARCH_ARM_V7;
#elif defined(__aarch64__)
	out->arch = KTAP_ARCH_ARM64;
#elif defined(__powerpc__) && !defined(__powerpc64__)
	out->arch = KTAP_ARCH_POWERPC;
#else
#error "ktapvm: unsupported architecture"
#endif
	out->byte_order = kvm_host_big_endian() ? KTAP_BIG_ENDIAN : KTAP_LITTLE_ENDIAN;
	out->word_size = (u8)sizeof(void *);
}

void *ktap_session_host(const struct ktap_session *s)
{
	return s->host;
}

void ktap_session_set_workload(struct ktap_session *s, s64 pid)
{
	s->workload_pid = pid > 0 ? pid : 0;
}

static struct ktap_lock *plat_lock(enum ktap_lock_class c)
{
	struct ktap_lock *l = ktap_plat_alloc(ktap_plat_lock_size());
	if (l)
		ktap_plat_lock_init(l, c);
	return l;
}

/* The core's own ceilings: what any host gets when it sets none. */
void ktap_default_bounds(struct ktap_bounds *out)
{
	kvm_memset(out, 0, sizeof(*out));
	out->max[KTAP_LIMIT_INSNS] = 10000000;
	out->max[KTAP_LIMIT_CALL_DEPTH] = 200;
	out->max[KTAP_LIMIT_STRING_LEN] = 65535;
	out->max[KTAP_LIMIT_TABLE_ENTRIES] = 1u << 20;
	out->max[KTAP_LIMIT_MEMORY] = KTAP_MAX_MEMORY;
	out->run_ns = 100000000; /* 100 ms */
	out->process_insns = 100000000;
}

static void apply_bounds(struct ktap_session *s, const struct ktap_bounds *bounds)
{
	struct ktap_bounds d;
	int i;
	ktap_default_bounds(&d);
	s->bounds = d;
	if (!bounds)
		return;
	for (i = 1; i < KTAP_LIMIT_COUNT; i++)
		if (bounds->max[i] && bounds->max[i] < d.max[i])
			s->bounds.max[i] = bounds->max[i];
	if (bounds->run_ns)
		s->bounds.run_ns = bounds->run_ns;
	if (bounds->process_insns)
		s->bounds.process_insns = bounds->process_insns;
}

static void apply_limits(struct ktap_session *s, const struct ktap_limits *over)
{
	static const u64 defaults[KTAP_LIMIT_COUNT] = { 0, KTAP_DEFAULT_INSNS, KTAP_DEFAULT_CALL_DEPTH,
		KTAP_DEFAULT_STRING_LEN, KTAP_DEFAULT_TABLE_ENTRIES, KTAP_DEFAULT_MEMORY };
	int i;
	for (i = 1; i < KTAP_LIMIT_COUNT; i++) {
		s->lim[i] = defaults[i];
		if (s->b.limits[i])
			s->lim[i] = s->b.limits[i];
		if (over && over->value[i])
			s->lim[i] = over->value[i];
		if (s->lim[i] > s->bounds.max[i]) /* a bundle may only lower the host's ceiling */
			s->lim[i] = s->bounds.max[i];
	}
}

static int check_limits(struct ktap_session *s, char *msg)
{
	if (s->lim[KTAP_LIMIT_CALL_DEPTH] > 200) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "limit call depth %llu too large (at most 200)",
			     (unsigned long long)s->lim[KTAP_LIMIT_CALL_DEPTH]);
		return -KTAP_EINVAL;
	}
	if (s->lim[KTAP_LIMIT_STRING_LEN] > 65535) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "limit string length %llu too large (at most 65535)",
			     (unsigned long long)s->lim[KTAP_LIMIT_STRING_LEN]);
		return -KTAP_EINVAL;
	}
	if (s->lim[KTAP_LIMIT_MEMORY] < (64u << 10) || s->lim[KTAP_LIMIT_MEMORY] > KTAP_MAX_MEMORY) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "limit session memory %llu outside 65536..%u",
			     (unsigned long long)s->lim[KTAP_LIMIT_MEMORY], KTAP_MAX_MEMORY);
		return -KTAP_EINVAL;
	}
	return 0;
}

static int setup(struct ktap_session *s, char *msg)
{
	u32 scratch = 4 * (u32)s->lim[KTAP_LIMIT_STRING_LEN] + SCRATCH_MIN;
	int i, ncpu = ktap_plat_num_possible_cpus();
	s->arena.size = s->lim[KTAP_LIMIT_MEMORY];
	s->arena.base = ktap_plat_alloc((size_t)s->arena.size);
	s->arena.lock = plat_lock(KTAP_LOCK_ARENA);
	s->global_lock = plat_lock(KTAP_LOCK_GLOBALS);
	s->intern_lock = plat_lock(KTAP_LOCK_INTERN);
	/* one slot per possible CPU, sized from the platform without a cap (a shared slot
	 * would be two CPUs on one register stack), plus the process slot */
	if (ncpu < 1 || ncpu > (1 << 20)) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "cannot size per-CPU state for %d possible CPUs", ncpu);
		return -KTAP_EINVAL;
	}
	s->cpus = ktap_plat_alloc(sizeof(*s->cpus) * ((size_t)ncpu + 1));
	if (s->cpus)
		s->ncpu = ncpu;
	s->globals = ktap_plat_alloc(sizeof(struct kv) * (s->b.nglobal + 1));
	s->site_errors = ktap_plat_alloc(4 * (size_t)(s->b.ncode + 1));
	if (!s->arena.base || !s->arena.lock || !s->global_lock || !s->intern_lock ||
	    !s->cpus || !s->globals || !s->site_errors || kvm_reclaim_setup(s))
		goto nomem;
	for (i = 0; i <= s->ncpu; i++) {
		struct kvm_cpu *c = &s->cpus[i];
		c->process = i == s->ncpu;
		c->regs = ktap_plat_alloc(sizeof(struct kv) * KVM_REGSTACK);
		c->frames = ktap_plat_alloc(sizeof(struct kvm_frame) * (s->lim[KTAP_LIMIT_CALL_DEPTH] + 1));
		c->scratch = ktap_plat_alloc(scratch);
		c->scratch_size = scratch;
		c->tmp = ktap_plat_alloc(512);
		c->text = ktap_plat_alloc(512);
		c->out_size = scratch;
		c->out = ktap_plat_alloc(scratch);
		if (!c->regs || !c->frames || !c->scratch || !c->tmp || !c->text || !c->out)
			goto nomem;
	}
	return 0;
nomem:
	kvm_snprintf(msg, KTAP_ERRMSG_MAX, "out of memory preallocating the session (%llu bytes of arena, %d CPUs)",
		     (unsigned long long)s->arena.size, ncpu);
	return -KTAP_ENOMEM;
}

struct ktap_session *ktap_session_load(const void *bundle, u32 len, const struct ktap_target *target,
				       const struct ktap_limits *limits, const struct ktap_bounds *bounds,
				       void *host, int *err, char *errmsg)
{
	struct ktap_session *s = ktap_plat_alloc(sizeof(*s));
	int e;
	errmsg[0] = 0;
	if (!s) {
		*err = -KTAP_ENOMEM;
		kvm_snprintf(errmsg, KTAP_ERRMSG_MAX, "out of memory");
		return 0;
	}
	s->host = host;
	if (target)
		s->target = *target;
	else
		ktap_native_target(&s->target);
	e = kvm_load(s, bundle, len, errmsg);
	if (!e)
		e = kvm_verify(s, errmsg);
	if (!e) {
		apply_bounds(s, bounds);
		apply_limits(s, limits);
		e = check_limits(s, errmsg);
	}
	if (!e)
		e = setup(s, errmsg);
	if (e) {
		if (!errmsg[0])
			kvm_snprintf(errmsg, KTAP_ERRMSG_MAX, "out of memory loading the bundle");
		*err = e;
		ktap_session_free(s);
		return 0;
	}
	*err = 0;
	return s;
}

void ktap_session_free(struct ktap_session *s)
{
	struct kvm_bundle *b;
	u32 i;
	if (!s)
		return;
	b = &s->b;
	if (b->strs)
		for (i = 0; i < b->nstr; i++)
			ktap_plat_free(b->strs[i]);
	ktap_plat_free(b->strs);
	ktap_plat_free(b->consts);
	ktap_plat_free(b->funcs);
	ktap_plat_free(b->code);
	ktap_plat_free(b->lines);
	ktap_plat_free(b->probes);
	ktap_plat_free(b->fetchargs);
	ktap_plat_free(b->formats);
	ktap_plat_free(b->args);
	if (s->cpus)
		for (i = 0; i <= (u32)s->ncpu; i++) {
			struct kvm_cpu *c = &s->cpus[i];
			ktap_plat_free(c->regs);
			ktap_plat_free(c->frames);
			ktap_plat_free(c->scratch);
			ktap_plat_free(c->tmp);
			ktap_plat_free(c->text);
			ktap_plat_free(c->out);
		}
	ktap_plat_free(s->cpus);
	ktap_plat_free(s->globals);
	ktap_plat_free(s->site_errors);
	ktap_plat_free(s->rc.snap);
	ktap_plat_free(s->arena.base);
	ktap_plat_free(s->arena.lock);
	ktap_plat_free(s->global_lock);
	ktap_plat_free(s->intern_lock);
	ktap_plat_free(s);
}

/* The main chunk and trace_end: process context, the process slot, its own budget. The
 * host calls these one at a time for a session (never concurrently with each other). */
int ktap_session_run_main(struct ktap_session *s)
{
	return kvm_execute(s, kvm_process_slot(s), s->b.main_fn, 0);
}

u32 ktap_session_probe_count(const struct ktap_session *s)
{
	return s->b.nevent;
}

int ktap_session_probe(const struct ktap_session *s, u32 i, struct ktap_probe *out)
{
	if (i >= s->b.nevent)
		return -KTAP_EINVAL;
	*out = s->b.probes[i];
	return 0;
}

/* Here, beside its one caller (probe context only); the slots are made in setup(). */
struct kvm_cpu *kvm_this_cpu(struct ktap_session *s)
{
	int cpu = ktap_plat_cpu();
	/* the platform's CPU is below its possible count; the check keeps memory safe and
	 * never hands two CPUs one slot */
	return (unsigned)cpu < (unsigned)s->ncpu ? &s->cpus[cpu] : 0;
}

int ktap_session_fire(struct ktap_session *s, u32 probe, const struct ktap_event *ev)
{
	struct kvm_cpu *c;
	if (probe >= s->b.nevent || s->stopped)
		return -KTAP_EINVAL;
	c = kvm_this_cpu(s);
	if (!c) /* a CPU number the platform did not count as possible: never share a slot */
		return -KTAP_EINVAL;
	return kvm_execute(s, c, s->b.probes[probe].handler, ev);
}

int ktap_session_run_trace_end(struct ktap_session *s)
{
	u32 i;
	int ret = 0;
	if (s->trace_end_done)
		return 0;
	s->trace_end_done = 1;
	for (i = 0; i < s->b.nevent; i++)
		if (s->b.probes[i].kind == KTAP_PROBE_TRACE_END) {
			int e = kvm_execute(s, kvm_process_slot(s), s->b.probes[i].handler, 0);
			if (e && !ret)
				ret = e;
		}
	return ret;
}

void ktap_session_finish(struct ktap_session *s)
{
	kvm_rec_summary(s, kvm_process_slot(s));
}

int ktap_session_stopped(const struct ktap_session *s)
{
	return s->stopped;
}
