// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - ktapvm.ko: registers /dev/ktap. The fops' owner pins the module while any
 * session (open file) exists, so rmmod is refused until every session has closed.
 */
#include <linux/module.h>
#include <linux/miscdevice.h>
#include "kt.h"
#include "ktap_arch.h"

extern struct miscdevice kt_miscdev;

static int __init kt_init(void)
{
	int ret = misc_register(&kt_miscdev);

	if (ret)
		pr_err("ktapvm: cannot register /dev/ktap (error %d)\n", ret);
	else
		pr_info("ktapvm: /dev/ktap ready (%s, runtime ABI %d)\n", KTAP_ARCH_LABEL,
			KTAP_RUNTIME_ABI);
	return ret;
}

static void __exit kt_exit(void)
{
	misc_deregister(&kt_miscdev);
}

module_init(kt_init);
module_exit(kt_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktap: a scripting dynamic tracer's virtual machine");
