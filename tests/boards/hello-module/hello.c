// SPDX-License-Identifier: GPL-2.0
/* The smallest module the board tests load: proves that a module built against the
 * unpacked headers links and runs on the board's kernel (taint and all).
 */
#include <linux/module.h>
#include <linux/init.h>
#include <linux/utsname.h>

static int __init ktap_hello_init(void)
{
	pr_info("ktap_hello: loaded on %s, kprobes %s\n", init_utsname()->release,
		IS_ENABLED(CONFIG_KPROBES) ? "on" : "off");
	return 0;
}

static void __exit ktap_hello_exit(void)
{
	pr_info("ktap_hello: unloaded\n");
}

module_init(ktap_hello_init);
module_exit(ktap_hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("ktap board smoke-test module");
