/*
 * watchpoint.c - the loader's check of watchpoint: probes (EVENTS kind 13). A crafted
 * bundle may put any string in target and any number in value; only the twelve
 * LEN:ACCESS texts below, no fetch-args, and an address that is non-zero, fits the VM's
 * word and is a multiple of LEN are accepted, so the module hands the kernel nothing the
 * compiler could not have written. Whether the CPU can watch it is the kernel's answer.
 */
#include "kvm.h"

struct kvm_watch_attr {
	const char *text;
	u8 len;
	u8 access;
};

#define R KTAP_WATCH_READ
#define W KTAP_WATCH_WRITE
static const struct kvm_watch_attr kvm_watch_attrs[] = {
	{ "1:r", 1, R }, { "1:w", 1, W }, { "1:rw", 1, R | W },
	{ "2:r", 2, R }, { "2:w", 2, W }, { "2:rw", 2, R | W },
	{ "4:r", 4, R }, { "4:w", 4, W }, { "4:rw", 4, R | W },
	{ "8:r", 8, R }, { "8:w", 8, W }, { "8:rw", 8, R | W },
};
#undef R
#undef W

static const struct kvm_watch_attr *kvm_watch_find(const char *target)
{
	u32 k, n;

	if (!target)
		return 0;
	n = kvm_strlen(target);
	for (k = 0; k < sizeof(kvm_watch_attrs) / sizeof(kvm_watch_attrs[0]); k++)
		if (n == kvm_strlen(kvm_watch_attrs[k].text) &&
		    !kvm_memcmp(target, kvm_watch_attrs[k].text, n))
			return &kvm_watch_attrs[k];
	return 0;
}

int ktap_watch_decode(const char *target, u32 *len, u32 *access)
{
	const struct kvm_watch_attr *a = kvm_watch_find(target);

	if (!a)
		return -KTAP_EINVAL;
	*len = a->len;
	*access = a->access;
	return 0;
}

int kvm_watchpoint_check(const struct ktap_probe *pr, u32 i, char *msg)
{
	const struct kvm_watch_attr *a = kvm_watch_find(pr->target);

	if (!pr->target) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: watchpoint without LEN:ACCESS", i);
		return -KTAP_EINVAL;
	}
	if (!a) {
		/* bundle text: its first 16 bytes (kvm_snprintf has no precision) */
		char text[17];
		u32 n = kvm_strlen(pr->target);

		if (n > 16)
			n = 16;
		kvm_memcpy(text, pr->target, n);
		text[n] = 0;
		kvm_snprintf(msg, KTAP_ERRMSG_MAX,
			     "event %u: bad watchpoint LEN:ACCESS '%s' (LEN 1, 2, 4 or 8; ACCESS r, w or rw)",
			     i, text);
		return -KTAP_EINVAL;
	}
	if (pr->fetcharg_count) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: watchpoints take no fetch-args", i);
		return -KTAP_EINVAL;
	}
	if (pr->value == 0) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: watchpoint address is 0 (unresolved symbol)", i);
		return -KTAP_EINVAL;
	}
	/* a 32-bit kernel's address is a word: a wider one would be cut, watching elsewhere */
	if (sizeof(void *) < 8 && (pr->value >> 32) != 0) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: watchpoint address 0x%llx wider than this VM's word",
			     i, (unsigned long long)pr->value);
		return -KTAP_EINVAL;
	}
	if (pr->value % a->len) {
		kvm_snprintf(msg, KTAP_ERRMSG_MAX, "event %u: watchpoint address 0x%llx not a multiple of its length %u",
			     i, (unsigned long long)pr->value, a->len);
		return -KTAP_EINVAL;
	}
	return 0;
}
