/*
 * test_reclaim.c - memory reclamation (core/reclaim.c, docs/vm.md "Reclamation"): the
 * memory budget bounds what is live, not what was ever made. Sessions are driven by hand
 * (main, then probes fired on chosen CPUs) and inspected through the core's own types, so
 * each test can say which objects are live, what the arena holds, and interleave two
 * slots: one "running" (holding a value as a register would) while the other deletes it.
 */
#include <stdlib.h>
#include <string.h>
#include "ktest.h"
#include "../../../runtime/ktapvm/user/replay.h"
#include "../../../runtime/ktapvm/core/kvm.h"

static char msg[KTAP_ERRMSG_MAX];
static unsigned char cap[1 << 20];
static struct replay_event ev_data = { .event = "sched:sched_switch", .name = "sched_switch", .ts = 1000,
	.cpu = 1, .pid = 42, .tid = 43, .uid = 7, .comm = "bash" };
static struct ktap_event ev = { &replay_event_ops, &ev_data };

static void ret(struct kb *b, uint32_t f) { kb_op(b, f, ABC(OPC(RETURN), 0, 1, 0)); }
static void ks(struct kb *b, uint32_t f, int r, const char *s) { kb_op(b, f, ABX(OPC(LOADK), r, kb_kstr(b, s))); }
static void kn(struct kb *b, uint32_t f, int r, int64_t v) { kb_op(b, f, ABX(OPC(LOADK), r, kb_knum(b, v))); }

/* Load with a memory budget on 2 CPUs and run main; records go to cap (discarded). */
static struct ktap_session *start(struct kb *b, u64 memory)
{
	struct ktap_limits l;
	size_t len;
	uint8_t *p = kb_finish(b, &len);
	struct ktap_session *s;
	int err;
	memset(&l, 0, sizeof(l));
	l.value[KTAP_LIMIT_MEMORY] = memory;
	replay_ctx.ncpus = 2;
	s = kt_load(p, len, b->arch, &l, &err, msg);
	free(p);
	kb_free(b);
	replay_ctx.ncpus = 4;
	if (!s) {
		KT_CHECK(0, "load: %s", msg);
		return 0;
	}
	replay_ctx.capture = cap;
	replay_ctx.capture_cap = sizeof(cap);
	replay_ctx.capture_len = 0;
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
	ktap_session_run_main(s);
	return s;
}

static void fire(struct ktap_session *s, u32 probe, int cpu, long times)
{
	long i;
	replay_ctx.ev = &ev_data;
	replay_ctx.cpu = cpu;
	for (i = 0; i < times; i++) {
		replay_ctx.capture_len = 0; /* only the stream's bounds matter here */
		ktap_session_fire(s, probe, &ev);
	}
	replay_ctx.ev = 0;
	replay_ctx.cpu = 0;
}

static u64 errors(struct ktap_session *s)
{
	struct ktap_stats st;
	ktap_session_stats(s, &st);
	return st.runtime_errors;
}

/* bytes the arena takes for a block of n bytes (arena.c's classes) */
static u64 block_bytes(u64 n)
{
	u64 b = 16;
	if (n + 8 > (64u << 10))
		return (n + 8 + 4095) & ~(u64)4095;
	while (b < n + 8)
		b <<= 1;
	return b;
}

/* Let go of every global (as trace_end's end would) and reclaim all: what is left in the
 * arena must be the intern set's array alone. */
static void check_all_freed(struct ktap_session *s, const char *name)
{
	u32 i;
	for (i = 0; i < s->b.nglobal; i++) {
		struct kv old = s->globals[i];
		s->globals[i].t = KT_NIL;
		kvm_kv_release(s, &old);
	}
	kvm_reclaim_all(s);
	KT_CHECK(s->rc.live == 0 && s->rc.pending == 0 && s->intern_count == 0,
		 "%s: after releasing the globals: %llu objects live, %u pending, %u interned", name,
		 (unsigned long long)s->rc.live, s->rc.pending, s->intern_count);
	KT_CHECK(s->arena.used == (s->intern_cap ? block_bytes(sizeof(struct kstr *) * (u64)s->intern_cap) : 0),
		 "%s: arena holds %llu bytes, the intern array %llu", name, (unsigned long long)s->arena.used,
		 (unsigned long long)(s->intern_cap ? block_bytes(sizeof(struct kstr *) * (u64)s->intern_cap) : 0));
	KT_CHECK(s->rc.anomalies == 0, "%s: %llu unrefs of a zero count", name, (unsigned long long)s->rc.anomalies);
}

/* a handler (the next probe) that sets global g to nil: a place drops its value */
static void nil_global_handler(struct kb *b, uint32_t g)
{
	uint32_t h = kb_func(b, NULL, 0, 0, 2, 2);
	kb_op(b, h, ABC(OPC(LOADNIL), 0, 1, 0));
	kb_op(b, h, ABX(OPC(SETGLOBAL), 0, g));
	ret(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
}

/* Slot 0 starts a run that stays in progress (what it reads stands for its registers), or
 * ends it: the grace periods follow its seq as they follow a real run's. */
static void slot0_running(struct ktap_session *s, int on)
{
	if (on) {
		kvm_reclaim_enter(&s->cpus[0]);
		s->cpus[0].running = 1;
	} else {
		s->cpus[0].running = 0;
		kvm_reclaim_leave(&s->cpus[0]);
	}
}

/* Slot 0's run ends: within runs more runs of slot 1 at least gone of the objects live
 * while it held them are freed; then everything is, and the session goes. */
static void slot0_ends(struct ktap_session *s, long runs, u64 live_held, u64 gone, const char *name)
{
	slot0_running(s, 0);
	fire(s, 0, 1, runs);
	KT_CHECK(s->rc.live + gone <= live_held, "%s: %llu objects live after slot 0 ended (%llu while held)", name,
		 (unsigned long long)s->rc.live, (unsigned long long)live_held);
	check_all_freed(s, name);
	ktap_session_free(s);
}

/* 200,000 runs of probe 0: the arena's fresh end stops moving once the live set is reached
 * (by 20,000: memory is reused) and what is in use stays there, the peak below peak. */
static void steady(struct ktap_session *s, u64 peak, const char *name)
{
	u64 bump_early, used_early;
	fire(s, 0, 1, 20000);
	bump_early = s->arena.bump;
	used_early = s->arena.used;
	fire(s, 0, 1, 180000);
	KT_CHECK(s->arena.bump == bump_early, "%s: bump %llu after 20000 events, %llu after 200000", name,
		 (unsigned long long)bump_early, (unsigned long long)s->arena.bump);
	KT_CHECK(s->arena.used <= used_early + 1024 && s->arena.peak < peak, "%s: used %llu (%llu at 20000), peak %llu",
		 name, (unsigned long long)s->arena.used, (unsigned long long)used_early,
		 (unsigned long long)s->arena.peak);
}

/* h ends and becomes the bundle's last probe; the session (64 KiB) runs main, then
 * events runs of probe 0 */
static struct ktap_session *events_of(struct kb *b, uint32_t h, long events)
{
	struct ktap_session *s;
	ret(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	if ((s = start(b, 64 << 10)))
		fire(s, 0, 1, events);
	return s;
}

/* handler h: R(1) = n += 1, the event's number */
static void count_event(struct kb *b, uint32_t h, uint32_t gn)
{
	kn(b, h, 1, 1);
	kb_op(b, h, ABX(OPC(ADDGLOBAL), 1, gn));
	kb_op(b, h, ABX(OPC(GETGLOBAL), 1, gn));
}

/* t["k"..n] = "v"..n, then t["k"..(n-50)] = nil: a distinct string key and value per
 * event, at most 50 entries live (the openat/exit pattern of issue 12). */
static void churn_handler(struct kb *b, uint32_t gt, uint32_t gn)
{
	uint32_t h = kb_func(b, NULL, 0, 0, 8, 2);
	kn(b, h, 1, 1);
	kb_op(b, h, ABX(OPC(ADDGLOBAL), 1, gn));
	kb_op(b, h, ABX(OPC(GETGLOBAL), 0, gt));
	kb_op(b, h, ABX(OPC(GETGLOBAL), 1, gn));
	ks(b, h, 2, "k");
	kb_op(b, h, ABC(OPC(MOVE), 3, 1, 0));
	kb_op(b, h, ABC(OPC(CONCAT), 2, 2, 3));
	ks(b, h, 4, "v");
	kb_op(b, h, ABC(OPC(MOVE), 5, 1, 0));
	kb_op(b, h, ABC(OPC(CONCAT), 4, 4, 5));
	kb_op(b, h, ABC(OPC(SETTABLE), 0, 2, 4));
	kb_op(b, h, ABC(OPC(SUB), 3, 1, K(kb_knum(b, 50))));
	ks(b, h, 2, "k");
	kb_op(b, h, ABC(OPC(CONCAT), 2, 2, 3));
	kb_op(b, h, ABC(OPC(SETTABLE), 0, 2, K(kb_knil(b))));
	ret(b, h);
	kb_event(b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
}

static uint32_t churn_main(struct kb *b, uint32_t *gt, uint32_t *gn)
{
	uint32_t m;
	*gt = kb_global(b, "t");
	*gn = kb_global(b, "n");
	m = kb_func(b, "main", 0, 0, 4, 1);
	kb_op(b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(b, m, ABX(OPC(SETGLOBAL), 0, *gt));
	kn(b, m, 0, 0);
	kb_op(b, m, ABX(OPC(SETGLOBAL), 0, *gn));
	return m;
}

static void t_live_set_bounded(void)
{
	struct kb b;
	uint32_t m, gt, gn;
	struct ktap_session *s;
	kb_init(&b, 2);
	m = churn_main(&b, &gt, &gn);
	ret(&b, m);
	churn_handler(&b, gt, gn);
	/* 64 KiB: before reclamation this budget held about 400 such events */
	if (!(s = start(&b, 64 << 10)))
		return;
	steady(s, 32u << 10, "churn"); /* the reuse of the arena */
	KT_CHECK(errors(s) == 0, "churn: %llu runtime errors in 200000 events", (unsigned long long)errors(s));
	KT_CHECK(s->globals[gn].t == KT_NUMBER && s->globals[gn].u.n == 200000, "churn: n = %lld",
		 (long long)s->globals[gn].u.n);
	KT_CHECK(s->globals[gt].t == KT_TABLE && s->globals[gt].u.tab->count == 50, "churn: %u entries live",
		 s->globals[gt].t == KT_TABLE ? s->globals[gt].u.tab->count : 0);
	/* 50 keys, 50 values, the table, and the last run's deletions waiting */
	KT_CHECK(s->rc.live <= 110 && s->intern_count <= 110, "churn: %llu objects live, %u strings interned",
		 (unsigned long long)s->rc.live, s->intern_count);
	KT_CHECK(s->rc.freed >= 2 * 199900, "churn: only %llu objects freed", (unsigned long long)s->rc.freed);
	check_all_freed(s, "churn");
	ktap_session_free(s);
}

/* g = { inner = { "in"..n }, ["in"..n] = "in"..n } every event: a table (with a nested
 * table, strings as keys and values) replaced per event. */
static void t_table_replaced(void)
{
	struct kb b;
	uint32_t m, h, gg, gn;
	struct ktap_session *s;
	kb_init(&b, 2);
	gg = kb_global(&b, "g");
	gn = kb_global(&b, "n");
	m = kb_func(&b, "main", 0, 0, 2, 1);
	kn(&b, m, 0, 0);
	kb_op(&b, m, ABX(OPC(SETGLOBAL), 0, gn));
	ret(&b, m);
	h = kb_func(&b, NULL, 0, 0, 8, 2);
	count_event(&b, h, gn);
	kb_op(&b, h, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(&b, h, ABC(OPC(NEWTABLE), 2, 0, 0));
	ks(&b, h, 3, "in");
	kb_op(&b, h, ABC(OPC(MOVE), 4, 1, 0));
	kb_op(&b, h, ABC(OPC(CONCAT), 3, 3, 4));
	kb_op(&b, h, ABC(OPC(SETTABLE), 2, K(kb_knum(&b, 1)), 3));
	kb_op(&b, h, ABC(OPC(SETTABLE), 0, K(kb_kstr(&b, "inner")), 2));
	kb_op(&b, h, ABC(OPC(SETTABLE), 0, 3, 3));
	kb_op(&b, h, ABX(OPC(SETGLOBAL), 0, gg));
	if (!(s = events_of(&b, h, 100000)))
		return;
	KT_CHECK(errors(s) == 0, "replaced: %llu runtime errors in 100000 events", (unsigned long long)errors(s));
	KT_CHECK(s->arena.peak < (48u << 10), "replaced: peak %llu", (unsigned long long)s->arena.peak);
	KT_CHECK(s->rc.live <= 16, "replaced: %llu objects live", (unsigned long long)s->rc.live);
	{
		/* the last table is whole: g["in100000"] and g.inner[1] */
		struct kv key, out;
		struct kstat cell;
		struct ktab *g = s->globals[gg].u.tab;
		char want[] = "in100000";
		key.t = KT_STRING;
		key.u.s = kvm_str_intern(s, want, 8, KT_STRING);
		kvm_tab_get(g, &key, &out, &cell);
		KT_CHECK(out.t == KT_STRING && out.u.s == key.u.s, "replaced: g[\"in100000\"] is not the interned string");
		kvm_kv_release(s, &key);
	}
	check_all_freed(s, "replaced");
	ktap_session_free(s);
}

/* The chain sessions: main (begun here, R(1) the chain so far) loops for i = 1, n over
 * R(2..5) with a body of len instructions (added by the caller), then stores R(1) in
 * global root (the only global: 0); probe 0 sets root = nil. */
static uint32_t chain_main(struct kb *b, uint32_t *gr, int64_t n, int len)
{
	uint32_t m;
	kb_init(b, 2);
	*gr = kb_global(b, "root");
	m = kb_func(b, "main", 0, 0, 10, 1);
	kb_op(b, m, ABC(OPC(LOADNIL), 1, 1, 0));
	kn(b, m, 2, 1);
	kn(b, m, 3, n);
	kn(b, m, 4, 1);
	kb_op(b, m, ASBX(OPC(FORPREP), 2, len));
	return m;
}

static struct ktap_session *chain_session(struct kb *b, uint32_t m, uint32_t gr, int len)
{
	kb_op(b, m, ASBX(OPC(FORLOOP), 2, -(len + 1)));
	kb_op(b, m, ABX(OPC(SETGLOBAL), 1, gr));
	ret(b, m);
	nil_global_handler(b, gr);
	return start(b, 4 << 20);
}

/* main made made objects, root a value of type t; root is dropped: one bounded drain frees
 * at most its budget's worth, and runs of probe 0 free the whole chain */
static void chain_dropped(struct ktap_session *s, u32 t, u64 made, long runs, const char *name)
{
	u64 freed0;
	KT_CHECK(errors(s) == 0 && s->rc.live == made && s->globals[0].t == t, "%s: main made %llu objects (errors %llu)",
		 name, (unsigned long long)s->rc.live, (unsigned long long)errors(s));
	fire(s, 0, 1, 1);
	freed0 = s->rc.freed;
	kvm_reclaim_drain(s, 10);
	KT_CHECK(s->rc.freed - freed0 <= 10, "%s: a drain of 10 units freed %llu objects", name,
		 (unsigned long long)(s->rc.freed - freed0));
	fire(s, 0, 1, runs);
	KT_CHECK(s->rc.live == 0, "%s: %llu objects still live after %ld runs", name, (unsigned long long)s->rc.live,
		 runs);
	check_all_freed(s, name);
	ktap_session_free(s);
}

/* A chain of 3000 nested tables made by main and dropped by a handler: freed without C
 * recursion, a bounded step per drain, down to nothing. */
static void t_nested_chain(void)
{
	struct kb b;
	uint32_t m, gr;
	struct ktap_session *s;
	/* for i = 1, 3000: t = { [1] = chain }; chain = t */
	m = chain_main(&b, &gr, 3000, 3);
	kb_op(&b, m, ABC(OPC(NEWTABLE), 6, 0, 0));
	kb_op(&b, m, ABC(OPC(SETTABLE), 6, K(kb_knum(&b, 1)), 1));
	kb_op(&b, m, ABC(OPC(MOVE), 1, 6, 0));
	if (!(s = chain_session(&b, m, gr, 3)))
		return;
	chain_dropped(s, KT_TABLE, 3000, 7000, "chain");
}

/* The two-slot sessions: main (m, begun by churn_main, g set by the caller) ends; probe 0
 * churns, probe 1 sets g = nil. R(r) of main gets "payload7", a string of the arena's. */
static void payload(struct kb *b, uint32_t m, int r)
{
	ks(b, m, r, "payload");
	kn(b, m, r + 1, 7);
	kb_op(b, m, ABC(OPC(CONCAT), r, r, r + 1));
}

static struct ktap_session *held_session(struct kb *b, uint32_t m, uint32_t gt, uint32_t gn, uint32_t gg)
{
	ret(b, m);
	churn_handler(b, gt, gn); /* probe 0 */
	nil_global_handler(b, gg); /* probe 1 */
	return start(b, 64 << 10);
}

/*
 * The race of the design: slot 0 "runs" and holds the global table and its string in
 * registers; slot 1 deletes the global and churns hundreds of runs (each ending with a
 * drain). Nothing slot 0 holds may be freed (its content must stay intact) until slot 0's
 * run ends; then both go.
 */
static void t_register_held_across_delete(void)
{
	struct kb b;
	uint32_t m, gg, gt, gn;
	struct ktap_session *s;
	struct ktab *held;
	struct kstr *hs;
	struct kv key, out;
	struct kstat cell;
	u64 live_held;
	kb_init(&b, 2);
	m = churn_main(&b, &gt, &gn);
	gg = kb_global(&b, "g");
	kb_op(&b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	payload(&b, m, 1);
	kb_op(&b, m, ABC(OPC(SETTABLE), 0, K(kb_knum(&b, 1)), 1));
	kb_op(&b, m, ABX(OPC(SETGLOBAL), 0, gg));
	if (!(s = held_session(&b, m, gt, gn, gg)))
		return;
	/* slot 0's run starts and reads g and g[1] into "registers" */
	slot0_running(s, 1);
	held = s->globals[gg].u.tab;
	key.t = KT_NUMBER;
	key.u.n = 1;
	kvm_tab_get(held, &key, &out, &cell);
	hs = out.u.s;
	KT_CHECK(out.t == KT_STRING && hs->home == KSTR_ARENA, "held: g[1] is not an interned string");
	fire(s, 1, 1, 1); /* slot 1: g = nil: the last count of the table */
	KT_CHECK(s->globals[gg].t == KT_NIL && held->o.refs == 0 && held->o.where != KOBJ_NONE,
		 "held: g was not dropped and listed (refs %u, where %u)", held->o.refs, held->o.where);
	/* slot 1 churns: run ends, each draining. While slot 0 runs no grace period ends, so
	 * all garbage waits (a real run is bounded by its budget and run_ns): 100 fit */
	fire(s, 0, 1, 100);
	live_held = s->rc.live;
	KT_CHECK(held->o.where != KOBJ_DYING && held->count == 1 && held->o.kind == KOBJ_TAB,
		 "held: the table slot 0 holds was torn down (where %u, count %u)", held->o.where, held->count);
	KT_CHECK(hs->len == 8 && !memcmp(hs->data, "payload7", 8) && kvm_str_obj(hs)->refs == 1,
		 "held: the string slot 0 holds changed: %.*s (refs %u)", (int)hs->len, hs->data, kvm_str_obj(hs)->refs);
	KT_CHECK(errors(s) == 0 && s->arena.peak < (48u << 10), "held: errors %llu, peak %llu",
		 (unsigned long long)errors(s), (unsigned long long)s->arena.peak);
	/* slot 0's run ends: the next grace period frees the table and its string */
	slot0_ends(s, 4, live_held, 2, "held");
}

/* A string found again by the intern set (not through any place) after its last holder
 * let it go: the lookup's count keeps it; a freed string's content is interned afresh. */
static void t_intern_resurrection(void)
{
	struct kb b;
	uint32_t m, gt, gn;
	struct ktap_session *s;
	struct kstr *a, *a2;
	kb_init(&b, 2);
	m = churn_main(&b, &gt, &gn);
	ret(&b, m);
	churn_handler(&b, gt, gn);
	if (!(s = start(&b, 64 << 10)))
		return;
	a = kvm_str_intern(s, "zzz", 3, KT_STRING);
	KT_CHECK(a && kvm_str_obj(a)->refs == 1, "intern: a new string has one count");
	kvm_obj_unref(s, kvm_str_obj(a)); /* listed: no place holds it */
	a2 = kvm_str_intern(s, "zzz", 3, KT_STRING); /* found again before the grace period */
	KT_CHECK(a2 == a && kvm_str_obj(a)->refs == 1, "intern: a listed string was not found again");
	fire(s, 0, 1, 50); /* grace periods pass: it has a count, so it stays */
	KT_CHECK(kvm_str_obj(a)->refs == 1 && !memcmp(a->data, "zzz", 3) && kvm_str_obj(a)->where == KOBJ_NONE,
		 "intern: a counted string left the lists wrongly (where %u)", kvm_str_obj(a)->where);
	kvm_obj_unref(s, kvm_str_obj(a));
	fire(s, 0, 1, 50);
	a2 = kvm_str_intern(s, "zzz", 3, KT_STRING);
	KT_CHECK(a2 && a2->len == 3 && !memcmp(a2->data, "zzz", 3) && kvm_str_obj(a2)->refs == 1,
		 "intern: a string interned again after it was freed is wrong");
	kvm_obj_unref(s, kvm_str_obj(a2));
	check_all_freed(s, "intern");
	ktap_session_free(s);
}

/* A bundle begun with an empty main; h, the caller's handler, makes a cycle and drops it
 * per event: 5000 events end at the memory budget, reported, never a wrong count. */
static void empty_main(struct kb *b)
{
	kb_init(b, 2);
	ret(b, kb_func(b, "main", 0, 0, 2, 1));
}

static void cycles_end_at_budget(struct kb *b, uint32_t h, const char *name)
{
	struct ktap_session *s = events_of(b, h, 5000);
	struct ktap_stats st;
	if (!s)
		return;
	ktap_session_stats(s, &st);
	KT_CHECK(st.budget_hits[KTAP_LIMIT_MEMORY] > 0 && s->arena.used <= s->arena.size && s->rc.anomalies == 0,
		 "%s: %llu memory budget hits, used %llu, anomalies %llu", name,
		 (unsigned long long)st.budget_hits[KTAP_LIMIT_MEMORY], (unsigned long long)s->arena.used,
		 (unsigned long long)s->rc.anomalies);
	ktap_session_free(s);
}

/*
 * Hostile rows: a script can still make garbage that counts cannot free (a table that
 * holds itself, dropped): it ends at the memory budget, reported, never a crash; iteration
 * and ptables keep working while their entries are deleted under them.
 */
static void t_hostile(void)
{
	struct kb b;
	uint32_t m, h;
	struct ktap_session *s;
	empty_main(&b);
	h = kb_func(&b, NULL, 0, 0, 4, 2); /* t = {}; t.self = t; dropped */
	kb_op(&b, h, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(&b, h, ABC(OPC(SETTABLE), 0, K(kb_kstr(&b, "self")), 0));
	cycles_end_at_budget(&b, h, "cycles");

	/* pairs over a table whose entries the loop body deletes, strings freed meanwhile by
	 * another slot's runs: the walk ends cleanly ("key not in the table" or its end) */
	{
		uint32_t gt, gn, w;
		kb_init(&b, 2);
		m = churn_main(&b, &gt, &gn);
		ret(&b, m);
		churn_handler(&b, gt, gn); /* probe 0 */
		w = kb_func(&b, NULL, 0, 0, 10, 2); /* probe 1: for k, v in pairs(t) do t[k] = nil end */
		kb_op(&b, w, ABX(OPC(GETGLOBAL), 1, gt));
		kb_op(&b, w, ABX(OPC(LOADBUILTIN), 0, KBI_PAIRS));
		kb_op(&b, w, ABC(OPC(CALL), 0, 2, 4));
		kb_op(&b, w, ASBX(OPC(JMP), 0, 1));
		kb_op(&b, w, ABC(OPC(SETTABLE), 1, 3, K(kb_knil(&b))));
		kb_op(&b, w, ABC(OPC(TFORCALL), 0, 0, 2));
		kb_op(&b, w, ASBX(OPC(TFORLOOP), 2, -3));
		ret(&b, w);
		kb_event(&b, 1, w, "sched:sched_switch", "sched:sched_switch", 0);
		if (!(s = start(&b, 64 << 10)))
			return;
		fire(s, 0, 1, 300);
		fire(s, 1, 0, 1);
		fire(s, 0, 1, 3000);
		fire(s, 1, 0, 1);
		KT_CHECK(s->globals[gt].u.tab->count == 0 || errors(s) > 0, "pairs delete: %u entries left",
			 s->globals[gt].u.tab->count);
		KT_CHECK(s->rc.anomalies == 0 && s->arena.peak < (48u << 10), "pairs delete: anomalies %llu, peak %llu",
			 (unsigned long long)s->rc.anomalies, (unsigned long long)s->arena.peak);
		check_all_freed(s, "pairs delete");
		ktap_session_free(s);
	}
}

/* ==== closures and upvalue cells (docs/vm.md "Closures", "Reclamation") ==== */

/* F (one upvalue): return its upvalue */
static uint32_t getter_fn(struct kb *b)
{
	uint32_t f = kb_func(b, "get", 0, 0, 2, 0);
	kb_func_upvalues(b, f, 1);
	kb_op(b, f, ABC(OPC(GETUPVAL), 0, 0, 0));
	kb_op(b, f, ABC(OPC(RETURN), 0, 2, 0));
	return f;
}

/* r1 = n += 1; r2 = cell of "c"..n; r1 = a closure of F over it */
static void closure_of_event(struct kb *b, uint32_t h, uint32_t f, uint32_t gn)
{
	count_event(b, h, gn);
	ks(b, h, 2, "c");
	kb_op(b, h, ABC(OPC(MOVE), 3, 1, 0));
	kb_op(b, h, ABC(OPC(CONCAT), 2, 2, 3));
	kb_op(b, h, ABC(OPC(BOX), 2, 0, 0));
	kb_op(b, h, ABX(OPC(CLOSURE), 1, f));
}

/* main sets global n = 0 (the caller adds to it and ends it); the bundle is begun here */
static uint32_t counter_main(struct kb *b, uint32_t *gn)
{
	uint32_t m;
	kb_init(b, 2);
	*gn = kb_global(b, "n");
	m = kb_func(b, "main", 0, 0, 2, 1);
	kn(b, m, 0, 0);
	kb_op(b, m, ABX(OPC(SETGLOBAL), 0, *gn));
	return m;
}

/* after the events: no runtime error, a small peak, few objects live */
static void bounded(struct ktap_session *s, u64 peak, u64 live, const char *name)
{
	KT_CHECK(errors(s) == 0 && s->arena.peak < peak && s->rc.live <= live, "%s: errors %llu, peak %llu, %llu live",
		 name, (unsigned long long)errors(s), (unsigned long long)s->arena.peak, (unsigned long long)s->rc.live);
}

static int is_str(const struct kv *v, const char *want)
{
	u32 n = (u32)strlen(want);
	return v->t == KT_STRING && v->u.s->len == n && !memcmp(v->u.s->data, want, n);
}

/* A closure (and the cell and string it captured) made per event and dropped, with
 * its result kept: nothing of it is held by a place once the run ends. Probe 1 makes one
 * and then fails (arithmetic on it), probe 2 tail-calls it: an error or a tail call in
 * the middle of a run leaves nothing behind either. */
static void t_closure_dropped(void)
{
	struct kb b;
	uint32_t m, h, f, gn, gl;
	struct ktap_session *s;
	m = counter_main(&b, &gn);
	gl = kb_global(&b, "last");
	ret(&b, m);
	f = getter_fn(&b);
	h = kb_func(&b, NULL, 0, 0, 8, 2); /* last = (function() return "c"..n end)() */
	closure_of_event(&b, h, f, gn);
	kb_op(&b, h, ABC(OPC(CALL), 1, 1, 2));
	kb_op(&b, h, ABX(OPC(SETGLOBAL), 1, gl));
	ret(&b, h);
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	h = kb_func(&b, NULL, 0, 0, 8, 2); /* the closure + 1: an error */
	closure_of_event(&b, h, f, gn);
	kb_op(&b, h, ABC(OPC(ADD), 1, 1, K(kb_knum(&b, 1))));
	ret(&b, h);
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	h = kb_func(&b, NULL, 0, 0, 8, 2); /* return closure() */
	closure_of_event(&b, h, f, gn);
	kb_op(&b, h, ABC(OPC(TAILCALL), 1, 1, 0));
	kb_event(&b, 1, h, "sched:sched_switch", "sched:sched_switch", 0);
	/* 64 KiB: before closures were reclaimed, about 600 such events */
	if (!(s = start(&b, 64 << 10)))
		return;
	steady(s, 16u << 10, "closure dropped");
	KT_CHECK(errors(s) == 0 && is_str(&s->globals[gl], "c200000"), "closure dropped: %llu errors, last is not c200000",
		 (unsigned long long)errors(s));
	/* each event: a closure, a cell, a string; the last string is held by a global */
	KT_CHECK(s->rc.live <= 16 && s->rc.freed >= 3 * 199990, "closure dropped: %llu live, %llu freed",
		 (unsigned long long)s->rc.live, (unsigned long long)s->rc.freed);
	fire(s, 1, 1, 50000);
	KT_CHECK(errors(s) == 50000, "closure error: %llu errors of 50000", (unsigned long long)errors(s));
	fire(s, 2, 1, 50000);
	KT_CHECK(errors(s) == 50000 && s->arena.peak < (16u << 10) && s->rc.live <= 16,
		 "closure tail call: errors %llu, peak %llu, %llu live", (unsigned long long)errors(s),
		 (unsigned long long)s->arena.peak, (unsigned long long)s->rc.live);
	check_all_freed(s, "closure dropped");
	ktap_session_free(s);
}

/* g = a closure over a cell holding "c"..n, replaced every event: the global's old
 * closure, its cell and the cell's string go. */
static void t_closure_in_global(void)
{
	struct kb b;
	uint32_t m, h, f, gn, gg;
	struct ktap_session *s;
	struct kclosure *cl;
	m = counter_main(&b, &gn);
	gg = kb_global(&b, "g");
	ret(&b, m);
	f = getter_fn(&b);
	h = kb_func(&b, NULL, 0, 0, 8, 2);
	closure_of_event(&b, h, f, gn);
	kb_op(&b, h, ABX(OPC(SETGLOBAL), 1, gg));
	if (!(s = events_of(&b, h, 100000)))
		return;
	bounded(s, 16u << 10, 16, "closure global");
	cl = s->globals[gg].t == KT_CLOSURE ? s->globals[gg].u.cl : 0;
	KT_CHECK(cl && cl->o.refs == 1 && cl->up[0]->o.refs == 1 && is_str(&cl->up[0]->v, "c100000"),
		 "closure global: g is not the last closure, counted once, over c100000");
	check_all_freed(s, "closure global");
	ktap_session_free(s);
}

/* A captured local per event, shared by two closures (t[1] and g), and a cell never
 * captured: both closures count the one cell; replacing them frees it. */
static void t_captured_local(void)
{
	struct kb b;
	uint32_t m, h, f, gn, gg, gt;
	struct ktap_session *s;
	struct kv key, out;
	struct kstat cell;
	m = counter_main(&b, &gn);
	gg = kb_global(&b, "g");
	gt = kb_global(&b, "t");
	kb_op(&b, m, ABC(OPC(NEWTABLE), 0, 0, 0));
	kb_op(&b, m, ABX(OPC(SETGLOBAL), 0, gt));
	ret(&b, m);
	f = getter_fn(&b);
	h = kb_func(&b, NULL, 0, 0, 10, 2);
	count_event(&b, h, gn);
	kb_op(&b, h, ABC(OPC(BOX), 1, 0, 0));
	kb_op(&b, h, ABC(OPC(MOVE), 3, 1, 0));
	kb_op(&b, h, ABX(OPC(CLOSURE), 2, f));
	kb_op(&b, h, ABC(OPC(MOVE), 5, 1, 0));
	kb_op(&b, h, ABX(OPC(CLOSURE), 4, f));
	kb_op(&b, h, ABX(OPC(GETGLOBAL), 6, gt));
	kb_op(&b, h, ABC(OPC(SETTABLE), 6, K(kb_knum(&b, 1)), 2));
	kb_op(&b, h, ABX(OPC(SETGLOBAL), 4, gg));
	kn(&b, h, 7, 5); /* a cell never captured, read and written */
	kb_op(&b, h, ABC(OPC(BOX), 7, 0, 0));
	kb_op(&b, h, ABC(OPC(SETCELL), 7, 6, 0));
	kb_op(&b, h, ABC(OPC(GETCELL), 8, 7, 0));
	if (!(s = events_of(&b, h, 100000)))
		return;
	bounded(s, 16u << 10, 24, "captured local");
	key.t = KT_NUMBER;
	key.u.n = 1;
	kvm_tab_get(s->globals[gt].u.tab, &key, &out, &cell);
	KT_CHECK(out.t == KT_CLOSURE && s->globals[gg].t == KT_CLOSURE && out.u.cl != s->globals[gg].u.cl &&
			 out.u.cl->up[0] == s->globals[gg].u.cl->up[0] && out.u.cl->up[0]->o.refs == 2 &&
			 out.u.cl->up[0]->v.t == KT_NUMBER && out.u.cl->up[0]->v.u.n == 100000,
		 "captured local: t[1] and g do not share one cell counted twice holding 100000");
	check_all_freed(s, "captured local");
	ktap_session_free(s);
}

/*
 * The race of the design, for closures: slot 0 "runs" holding the closure of global g,
 * its cell and the cell's string, as registers would (a GETGLOBAL, a call, a GETUPVAL);
 * slot 1 drops g's last count and churns. Nothing slot 0 holds may be torn down until its
 * run ends; then all three go.
 */
static void t_closure_held_across_delete(void)
{
	struct kb b;
	uint32_t m, f, gg, gt, gn;
	struct ktap_session *s;
	struct kclosure *held;
	struct kupval *hu;
	struct kstr *hs;
	u64 live_held;
	kb_init(&b, 2);
	m = churn_main(&b, &gt, &gn);
	gg = kb_global(&b, "g");
	f = getter_fn(&b);
	payload(&b, m, 2);
	kb_op(&b, m, ABC(OPC(BOX), 2, 0, 0));
	kb_op(&b, m, ABX(OPC(CLOSURE), 1, f));
	kb_op(&b, m, ABX(OPC(SETGLOBAL), 1, gg));
	if (!(s = held_session(&b, m, gt, gn, gg)))
		return;
	slot0_running(s, 1);
	held = s->globals[gg].t == KT_CLOSURE ? s->globals[gg].u.cl : 0;
	if (!held) {
		KT_CHECK(0, "closure held: main did not store a closure in g");
		return;
	}
	hu = held->up[0];
	hs = hu->v.u.s;
	KT_CHECK(hu->v.t == KT_STRING && hs->home == KSTR_ARENA, "closure held: the cell does not hold an interned string");
	fire(s, 1, 1, 1); /* slot 1: g = nil, the closure's last count */
	KT_CHECK(s->globals[gg].t == KT_NIL && held->o.refs == 0 && held->o.where == KOBJ_LISTED,
		 "closure held: g was not dropped and listed (refs %u, where %u)", held->o.refs, held->o.where);
	fire(s, 0, 1, 100);
	live_held = s->rc.live;
	KT_CHECK(held->o.kind == KOBJ_CLOSURE && held->o.where != KOBJ_DYING && held->reap == 0 && held->n == 1 &&
			 held->up[0] == hu,
		 "closure held: the closure slot 0 holds was torn down (where %u, reap %u)", held->o.where, held->reap);
	KT_CHECK(hu->o.kind == KOBJ_UPVAL && hu->o.refs == 1 && hu->v.t == KT_STRING && hu->v.u.s == hs,
		 "closure held: its cell changed (kind %u, refs %u)", hu->o.kind, hu->o.refs);
	KT_CHECK(hs->len == 8 && !memcmp(hs->data, "payload7", 8) && kvm_str_obj(hs)->refs == 1,
		 "closure held: the cell's string changed: %.*s (refs %u)", (int)hs->len, hs->data, kvm_str_obj(hs)->refs);
	KT_CHECK(errors(s) == 0, "closure held: %llu errors", (unsigned long long)errors(s));
	slot0_ends(s, 8, live_held, 3, "closure held"); /* a grace period each: the closure, its cell, the string */
}

/* A chain of 1000 closures, each captured by the next through a cell, made by main and
 * dropped by a handler: torn down without recursion, an object (a closure or a cell) per
 * grace period, which takes two runs here (what one teardown lists waits for the next
 * closing). */
static void t_closure_chain(void)
{
	struct kb b;
	uint32_t m, f, gr;
	struct ktap_session *s;
	/* for i = 1, 1000: local c = chain; chain = function() return c end */
	m = chain_main(&b, &gr, 1000, 4);
	f = getter_fn(&b);
	kb_op(&b, m, ABC(OPC(MOVE), 7, 1, 0));
	kb_op(&b, m, ABC(OPC(BOX), 7, 0, 0));
	kb_op(&b, m, ABX(OPC(CLOSURE), 6, f));
	kb_op(&b, m, ABC(OPC(MOVE), 1, 6, 0));
	if (!(s = chain_session(&b, m, gr, 4)))
		return;
	chain_dropped(s, KT_CLOSURE, 2000, 4500, "closure chain");
}

/* A cycle the counts cannot free (docs/vm.md): a closure stored in its own cell, made and
 * dropped per event (`local function f` calling itself), ends at the memory budget with
 * its error, never a crash or a wrong count. */
static void t_closure_cycle(void)
{
	struct kb b;
	uint32_t h, f;
	empty_main(&b);
	f = getter_fn(&b);
	h = kb_func(&b, NULL, 0, 0, 4, 2); /* local c; c = function() return c end; dropped */
	kb_op(&b, h, ABC(OPC(BOX), 1, 0, 0));
	kb_op(&b, h, ABX(OPC(CLOSURE), 0, f));
	kb_op(&b, h, ABC(OPC(SETCELL), 1, 0, 0));
	cycles_end_at_budget(&b, h, "closure cycle");
}

void test_reclaim(void)
{
	t_live_set_bounded();
	t_table_replaced();
	t_nested_chain();
	t_register_held_across_delete();
	t_intern_resurrection();
	t_hostile();
	t_closure_dropped();
	t_closure_in_global();
	t_captured_local();
	t_closure_held_across_delete();
	t_closure_chain();
	t_closure_cycle();
}
