// SPDX-License-Identifier: GPL-2.0
/* The debug board's positive control. Each load commits one bug of a kind the board's
 * detectors exist for, so that tests/ci.d/39-debug-board.sh proves such a bug reaches the
 * kernel log and that its own log check finds it: a clean log then means something.
 *   bug=kasan    reads a byte past a kmalloc'ed object (KASAN: slab-out-of-bounds)
 *   bug=sleep    might_sleep() under a spinlock (DEBUG_ATOMIC_SLEEP)
 *   bug=list     deletes a list entry twice (DEBUG_LIST: list_del corruption)
 *   bug=lockdep  takes two mutexes in both orders (lockdep: circular dependency)
 * Only reports, never a real fault: the read lands in the object's own slab slot, nothing
 * sleeps, DEBUG_LIST refuses the second delete instead of following the poisoned links,
 * and one thread cannot deadlock on the two mutexes. The module never stays
 * loaded (its init fails with -EAGAIN), so there is nothing to unload.
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/list.h>

static char *bug = "";
module_param(bug, charp, 0);
MODULE_PARM_DESC(bug, "kasan, sleep, list or lockdep");

static DEFINE_SPINLOCK(canary_spin);
static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);

static void canary_kasan(void)
{
	/* 13 bytes live in a 16-byte slot: KASAN poisons the last 3. */
	size_t size = 13;
	char *p = kmalloc(size, GFP_KERNEL);

	if (!p)
		return;
	OPTIMIZER_HIDE_VAR(size);	/* no compile-time bounds warning */
	pr_info("ktap_canary: read past the object: %d\n", READ_ONCE(p[size]));
	kfree(p);
}

static void canary_sleep(void)
{
	spin_lock(&canary_spin);
	might_sleep();
	spin_unlock(&canary_spin);
}

static void canary_list(void)
{
	LIST_HEAD(head);
	struct list_head entry;

	list_add(&entry, &head);
	list_del(&entry);
	list_del(&entry);	/* entry.next is LIST_POISON1 now */
}

static void canary_lockdep(void)
{
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);
	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static int __init ktap_canary_init(void)
{
	if (!strcmp(bug, "kasan"))
		canary_kasan();
	else if (!strcmp(bug, "sleep"))
		canary_sleep();
	else if (!strcmp(bug, "list"))
		canary_list();
	else if (!strcmp(bug, "lockdep"))
		canary_lockdep();
	else
		return -EINVAL;
	return -EAGAIN;
}

module_init(ktap_canary_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktap debug board: commits one detectable bug per load");
