/*
 * lock.c - a lock allocated in the session's arena, for an object made while handlers run
 * (each table has its own). Not in session.c, which makes the session's own locks from the
 * platform allocator at load: table.c needs this one, and session.c sits above the tables.
 */
#include "kvm.h"

struct ktap_lock *kvm_lock_new(struct ktap_session *s, enum ktap_lock_class c)
{
	struct ktap_lock *l = kvm_arena_alloc(s, ktap_plat_lock_size());
	if (l)
		ktap_plat_lock_init(l, c);
	return l;
}
