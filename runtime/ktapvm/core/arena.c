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
/* Blocks above BIG_MIN (table node arrays) are sized to the page, not to a power of two:
 * a power-of-two node array plus its header would otherwise take twice its size. */
#define BIG_MIN (64u << 10)
#define PAGE 4096u
#define BIG_CLASS 0x80000000u

struct big_free {
	struct big_free *next;
	u64 bytes;
};

/* With the lock held: take a reused block h, or else carve fresh bytes off the unused end;
 * count what was taken. Returns 0 when the budget has no room. */
static struct blk_hdr *take_locked(struct kvm_arena *a, struct blk_hdr *h, u64 bytes)
{
	if (!h && a->size - a->bump >= bytes) {
		h = (struct blk_hdr *)(a->base + a->bump);
		a->bump += bytes;
	}
	if (h) {
		a->used += bytes;
		if (a->used > a->peak)
			a->peak = a->used;
	}
	return h;
}

/* Outside the lock: stamp the header and hand out zeroed memory. */
static void *block_init(struct blk_hdr *h, u32 cls, u64 bytes)
{
	h->cls = cls;
	h->magic = BLK_MAGIC;
	kvm_memset(h + 1, 0, bytes - HDR);
	return h + 1;
}

static void *big_alloc(struct kvm_arena *a, u64 size)
{
	u64 bytes = (size + HDR + PAGE - 1) & ~(u64)(PAGE - 1);
	struct big_free **pp, *best = 0, **bestp = 0;
	struct blk_hdr *h = 0;
	unsigned long fl = ktap_plat_lock(a->lock);
	/* best fit among freed big blocks, no splitting: wasted space stays below 2x */
	for (pp = (struct big_free **)&a->big; *pp; pp = &(*pp)->next)
		if ((*pp)->bytes >= bytes && (*pp)->bytes < 2 * bytes && (!best || (*pp)->bytes < best->bytes)) {
			best = *pp;
			bestp = pp;
		}
	if (best) {
		*bestp = best->next;
		bytes = best->bytes;
		h = (struct blk_hdr *)best;
	}
	h = take_locked(a, h, bytes);
	ktap_plat_unlock(a->lock, fl);
	return h ? block_init(h, BIG_CLASS | (u32)(bytes / PAGE), bytes) : 0;
}

static void big_free(struct kvm_arena *a, struct blk_hdr *h)
{
	u64 bytes = (u64)(h->cls & ~BIG_CLASS) * PAGE;
	struct big_free *f = (struct big_free *)h;
	unsigned long fl = ktap_plat_lock(a->lock);
	f->bytes = bytes; /* overwrites the header: the block is off every live list */
	f->next = a->big;
	a->big = f;
	a->used -= bytes;
	ktap_plat_unlock(a->lock, fl);
}

void *kvm_arena_alloc(struct ktap_session *s, u64 size)
{
	struct kvm_arena *a = &s->arena;
	u32 cls = 0;
	u64 bytes = 1u << MIN_SHIFT;
	unsigned long fl;
	struct blk_hdr *h = 0;

	if (size + HDR > BIG_MIN)
		return size > a->size ? 0 : big_alloc(a, size);
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
	}
	h = take_locked(a, h, bytes);
	ktap_plat_unlock(a->lock, fl);
	return h ? block_init(h, cls, bytes) : 0;
}

void kvm_arena_free(struct ktap_session *s, void *p)
{
	struct kvm_arena *a = &s->arena;
	struct blk_hdr *h;
	unsigned long fl;
	if (!p)
		return;
	h = (struct blk_hdr *)p - 1;
	if (h->magic == BLK_MAGIC && (h->cls & BIG_CLASS)) {
		big_free(a, h);
		return;
	}
	if (h->magic != BLK_MAGIC || h->cls >= ARENA_CLASSES)
		return; /* not ours: never corrupt the free lists */
	fl = ktap_plat_lock(a->lock);
	h->magic = BLK_FREE; /* a second free of the same block is ignored above */
	*(void **)(h + 1) = a->free_list[h->cls];
	a->free_list[h->cls] = h;
	a->used -= (u64)1 << (h->cls + MIN_SHIFT);
	ktap_plat_unlock(a->lock, fl);
}
