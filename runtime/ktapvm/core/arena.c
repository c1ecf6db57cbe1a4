/*
 * arena.c - the session's memory: one block of the session memory budget, allocated at
 * load, carved into power-of-two size classes with free lists. Probe-context code
 * allocates only here, so handlers never call the platform allocator and a session can
 * never use more than its budget. Everything is released with the block at session end.
 */
#include "kvm.h"

#define HDR 8u
#define MIN_SHIFT 4

struct blk_hdr {
	u32 cls;
	u32 magic;
};
#define BLK_MAGIC 0x6b61726eu
#define BLK_FREE 0x66726565u

void *arena_alloc(struct ktap_session *s, u64 size)
{
	struct kvm_arena *a = &s->arena;
	u32 cls = 0;
	u64 bytes = 1u << MIN_SHIFT;
	unsigned long fl;
	struct blk_hdr *h = 0;

	while (bytes < size + HDR) {
		bytes <<= 1;
		cls++;
		if (cls >= ARENA_CLASSES)
			return 0;
	}
	fl = ktap_plat_lock(a->lock);
	if (a->free_list[cls]) {
		h = a->free_list[cls];
		a->free_list[cls] = *(void **)(h + 1);
	} else if (a->size - a->bump >= bytes) {
		h = (struct blk_hdr *)(a->base + a->bump);
		a->bump += bytes;
	}
	if (h) {
		a->used += bytes;
		if (a->used > a->peak)
			a->peak = a->used;
	}
	ktap_plat_unlock(a->lock, fl);
	if (!h)
		return 0;
	h->cls = cls;
	h->magic = BLK_MAGIC;
	kvm_memset(h + 1, 0, bytes - HDR);
	return h + 1;
}

void arena_free(struct ktap_session *s, void *p)
{
	struct kvm_arena *a = &s->arena;
	struct blk_hdr *h;
	unsigned long fl;
	if (!p)
		return;
	h = (struct blk_hdr *)p - 1;
	if (h->magic != BLK_MAGIC || h->cls >= ARENA_CLASSES)
		return; /* not ours: never corrupt the free lists */
	fl = ktap_plat_lock(a->lock);
	h->magic = BLK_FREE; /* a second free of the same block is ignored above */
	*(void **)(h + 1) = a->free_list[h->cls];
	a->free_list[h->cls] = h;
	a->used -= (u64)1 << (h->cls + MIN_SHIFT);
	ktap_plat_unlock(a->lock, fl);
}
