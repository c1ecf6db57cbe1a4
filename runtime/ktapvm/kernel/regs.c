// SPDX-License-Identifier: GPL-2.0
/*
 * regs.c - fetch-args: read a register by its ktap_regs.def number from pt_regs, then
 * apply the fetch-arg's source (register, stack, stack slot, return value, memory) and
 * type. Every memory read is fault-safe; a bad address gives nil, never an oops.
 */
#include <linux/kernel.h>
#include <linux/uaccess.h>
#include <linux/ptrace.h>
#include <linux/thread_info.h>
#include <asm/ptrace.h>
#include "kt.h"
#include "ktap_arch.h"

int kt_reg_read(struct pt_regs *regs, unsigned int number, unsigned long *out)
{
	switch (number) {
#define KTAP_REG(num, name, field) \
	case num: *out = (unsigned long)regs->field; return 0;
#define KTAP_ARG_REG(n, name)
#define KTAP_RET_REG(name)
#define KTAP_SP_REG(name)
#include "ktap_regs.def"
#undef KTAP_REG
#undef KTAP_ARG_REG
#undef KTAP_RET_REG
#undef KTAP_SP_REG
	}
	return -EINVAL;
}

bool kt_reg_valid(unsigned int number)
{
	switch (number) {
#define KTAP_REG(num, name, field) case num: return true;
#define KTAP_ARG_REG(n, name)
#define KTAP_RET_REG(name)
#define KTAP_SP_REG(name)
#include "ktap_regs.def"
#undef KTAP_REG
#undef KTAP_ARG_REG
#undef KTAP_RET_REG
#undef KTAP_SP_REG
	}
	return false;
}

/* Sources and types: enum ktap_fetch_source and ktap_fetch_type (ktap_bundle_format.def). */
static int kt_type_size(u8 type)
{
	switch (type) {
	case KTAP_FT_S64: case KTAP_FT_U64: return 8;
	case KTAP_FT_S32: case KTAP_FT_U32: return 4;
	case KTAP_FT_S16: case KTAP_FT_U16: return 2;
	case KTAP_FT_S8: case KTAP_FT_U8: return 1;
	}
	return sizeof(unsigned long);
}

/* Narrow a raw value to the fetch-arg's type, sign-extending the signed ones. */
static s64 kt_narrow(u64 raw, u8 type)
{
	switch (type) {
	case KTAP_FT_S32: return (s32)raw;
	case KTAP_FT_U32: return (u32)raw;
	case KTAP_FT_S16: return (s16)raw;
	case KTAP_FT_U16: return (u16)raw;
	case KTAP_FT_S8: return (s8)raw;
	case KTAP_FT_U8: return (u8)raw;
	}
	return (s64)raw;
}

/*
 * [probe] Copy a NUL-terminated string of at most max-1 bytes, never faulting. The
 * kernel's strncpy_from_*_nofault are not exported, so read in chunks that never cross
 * a page the string does not reach. Returns the length, or -EFAULT.
 */
long kt_strncpy_nofault(char *dst, unsigned long src, int max, bool user)
{
	int done = 0;

	if (max <= 0)
		return -EFAULT;
	while (done < max - 1) {
		int chunk = min_t(int, max - 1 - done,
				  PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1)));
		char *nul;

		chunk = min(chunk, 32);
		if (user ? copy_from_user_nofault(dst + done, (const void __user *)(src + done),
						   chunk)
			 : copy_from_kernel_nofault(dst + done, (const void *)(src + done), chunk)) {
			if (!done)
				return -EFAULT;
			break;
		}
		nul = memchr(dst + done, 0, chunk);
		if (nul)
			return nul - dst;
		done += chunk;
	}
	dst[done] = 0;
	return done;
}

/*
 * addr..addr+word lies in the THREAD_SIZE-aligned kernel stack that regs' stack pointer
 * is on: the test of the kernel's regs_within_kernel_stack(), which arm does not export.
 */
static bool kt_on_kernel_stack(struct pt_regs *regs, unsigned long addr)
{
	unsigned long base = kernel_stack_pointer(regs) & ~(THREAD_SIZE - 1);

	return addr >= kernel_stack_pointer(regs) && (addr & ~(THREAD_SIZE - 1)) == base &&
	       ((addr + sizeof(long) - 1) & ~(THREAD_SIZE - 1)) == base;
}

static int kt_read_mem(unsigned long addr, void *dst, int size, bool user)
{
	if (user)
		return copy_from_user_nofault(dst, (const void __user *)addr, size);
	return copy_from_kernel_nofault(dst, (const void *)addr, size);
}

/* Load size bytes at addr as the type's integer (native byte order). */
static int kt_load(unsigned long addr, u8 type, bool user, u64 *out)
{
	union { u64 u64; u32 u32; u16 u16; u8 u8; } v = { 0 };
	int size = kt_type_size(type);

	if (kt_read_mem(addr, &v, size, user))
		return -EFAULT;
	switch (size) {
	case 8: *out = v.u64; break;
	case 4: *out = v.u32; break;
	case 2: *out = v.u16; break;
	default: *out = v.u8; break;
	}
	return 0;
}

/* The address (KTAP_FETCH_MEM, :string) or value (the rest) the source names. */
static int kt_fetch_base(const struct ktap_fetcharg *fa, struct pt_regs *regs, bool user,
			 unsigned long *out)
{
	unsigned long reg;

	switch (fa->source) {
	case KTAP_FETCH_REG:
		return kt_reg_read(regs, fa->reg, out);
	case KTAP_FETCH_STACK:
		*out = user ? user_stack_pointer(regs) : kernel_stack_pointer(regs);
		return 0;
	case KTAP_FETCH_STACKN: {
		unsigned long at;

		if (fa->offset < 0 || fa->offset > 4096)
			return -EINVAL;
		if (user) /* any user address is read fault-safe */
			return kt_read_mem(user_stack_pointer(regs) + fa->offset * sizeof(long),
					   out, sizeof(long), true);
		/* A kernel stack slot must lie on the stack the registers were saved on: not
		 * past its end into whatever memory follows. */
		at = kernel_stack_pointer(regs) + fa->offset * sizeof(long);
		if (!kt_on_kernel_stack(regs, at))
			return -EFAULT;
		return kt_read_mem(at, out, sizeof(long), false);
	}
	case KTAP_FETCH_RETVAL:
		*out = regs_return_value(regs);
		return 0;
	case KTAP_FETCH_MEM:
		if (kt_reg_read(regs, fa->reg, &reg))
			return -EINVAL;
		*out = reg + (long)fa->offset;
		return 0;
	}
	return -EINVAL;
}

/*
 * [probe] Evaluate one fetch-arg. :string values are copied into strbuf (KT_STRING_MAX
 * bytes, owned by the caller's guard slot); a fault yields nil.
 */
void kt_fetch(const struct ktap_fetcharg *fa, struct pt_regs *regs, bool user,
	      char *strbuf, struct ktap_evval *out)
{
	unsigned long base;
	u64 raw;
	long n;

	out->kind = KTAP_EV_NIL;
	if (!regs || kt_fetch_base(fa, regs, user, &base))
		return;
	if (fa->type == KTAP_FT_STRING) {
		n = kt_strncpy_nofault(strbuf, base, KT_STRING_MAX, user);
		if (n < 0)
			return;
		out->kind = KTAP_EV_STRING;
		out->str = strbuf;
		out->len = n;
		return;
	}
	if (fa->source == KTAP_FETCH_MEM) {
		if (kt_load(base, fa->type, user, &raw))
			return;
	} else {
		raw = base;
	}
	out->kind = KTAP_EV_NUMBER;
	out->number = kt_narrow(raw, fa->type);
}
