/* User-space stand-in for <linux/smp.h>: the CPU its includer says (the replayed event's
 * in the runner, a fixed one in the filter fuzzer). */
#ifndef SHIM_LINUX_SMP_H
#define SHIM_LINUX_SMP_H
int kshim_cpu(void);
#define raw_smp_processor_id() (kshim_cpu())
#endif
