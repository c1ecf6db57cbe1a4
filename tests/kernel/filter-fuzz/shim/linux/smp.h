/* User-space stand-in for <linux/smp.h> (fuzzing only): a fixed CPU the test knows. */
#ifndef SHIM_LINUX_SMP_H
#define SHIM_LINUX_SMP_H
static int shim_cpu = 3;
#define raw_smp_processor_id() (shim_cpu)
#endif
