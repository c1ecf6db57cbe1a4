/*
 * reclaim_list.h - the links of the deferred lists (struct kvm_reclaim, under the intern
 * lock): refs.c lists an object whose count reached zero, reclaim.c moves the lists on and
 * takes dead objects off them. Two files, so the kinds that count (value.c, table.c) stay
 * below the reclaimer that tears them down.
 */
#ifndef KVM_RECLAIM_LIST_H
#define KVM_RECLAIM_LIST_H

#include "kvm.h"

static inline void list_init(struct kobj *h)
{
	h->next = h->prev = h;
}

static inline int list_empty(const struct kobj *h)
{
	return h->next == h;
}

static inline void list_add(struct kobj *h, struct kobj *o)
{
	o->prev = h->prev;
	o->next = h;
	h->prev->next = o;
	h->prev = o;
}

static inline void list_del(struct kobj *o)
{
	o->prev->next = o->next;
	o->next->prev = o->prev;
	o->next = o->prev = 0;
}

#endif
