/*
 * perf_events.c - the loader's check of software:/hardware: probes against
 * ktap_perf_events.def: a known name of the probe's kind and a PERIOD in the event's
 * range. The bundle is untrusted: the compiler's own checks are not relied on.
 */
#include "kvm.h"

struct kvm_perf_event {
	int kind;
	const char *name;
	u64 min_period;
};

#define SOFTWARE KTAP_PROBE_SOFTWARE
#define HARDWARE KTAP_PROBE_HARDWARE
static const struct kvm_perf_event kvm_perf_events[] = {
#define KTAP_PERF_EVENT(kind, name, config, min, meaning) { kind, name, min },
#include "../ktap_perf_events.def"
#undef KTAP_PERF_EVENT
};
#undef SOFTWARE
#undef HARDWARE

static int same(const char *a, const char *b)
{
	u32 n = kvm_strlen(a);

	return n == kvm_strlen(b) && !kvm_memcmp(a, b, n);
}

int kvm_perf_event_check(const struct ktap_probe *pr, u32 i, char *msg)
{
	const char *what = pr->kind == KTAP_PROBE_HARDWARE ? "hardware" : "software";
	u32 k;

	if (!pr->target) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: %s event without a name", i, what);
		return -KTAP_EINVAL;
	}
	if (pr->fetcharg_count) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: %s events take no fetch-args", i, what);
		return -KTAP_EINVAL;
	}
	for (k = 0; k < sizeof(kvm_perf_events) / sizeof(kvm_perf_events[0]); k++) {
		const struct kvm_perf_event *e = &kvm_perf_events[k];

		if (e->kind != pr->kind || !same(e->name, pr->target))
			continue;
		if (pr->value < e->min_period || pr->value > KTAP_PERF_PERIOD_MAX) {
			kvm_snprintf(msg, KTAP_ERRMSG_MAX,
				     "event %u: %s:%s period %llu outside %llu..%llu", i, what,
				     e->name, (unsigned long long)pr->value,
				     (unsigned long long)e->min_period, KTAP_PERF_PERIOD_MAX);
			return -KTAP_EINVAL;
		}
		return 0;
	}
	{
		/* the name is bundle text: its first 32 bytes (kvm_snprintf has no precision) */
		char name[33];
		u32 n = kvm_strlen(pr->target);

		if (n > 32)
			n = 32;
		kvm_memcpy(name, pr->target, n);
		name[n] = 0;
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: unknown %s event '%s'", i, what, name);
	}
	return -KTAP_EINVAL;
}
