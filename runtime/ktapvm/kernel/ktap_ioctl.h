/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ktap_ioctl.h - the ioctls of /dev/ktap (a POSIX shell needs none of them: writing
 * "stop" does what KTAP_IOC_STOP does).
 */
#ifndef KTAP_IOCTL_H
#define KTAP_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* End the session in order: disarm, trace_end, summary record, then EOF for readers. */
#define KTAP_IOC_STOP _IO('k', 1)

struct ktap_ioc_stats {
	__u32 state;          /* 0 collecting, 1 running, 2 stopped, 3 failed */
	__u32 probes;         /* armed event sources (a glob counts each match) */
	__u64 lost_records;   /* refused by a full ring buffer */
	__u64 reentry_skips;  /* handlers skipped by the recursion guard */
	__u64 handler_runs;
	__u64 runtime_errors;
	__u64 memory_used;
	__u64 nmi_skips;      /* handlers not run: NMI context (docs/kernel-module.md) */
	__u64 lock_skips;     /* handlers not run: their CPU held a VM lock */
};
#define KTAP_IOC_STATS _IOR('k', 2, struct ktap_ioc_stats)

#endif
