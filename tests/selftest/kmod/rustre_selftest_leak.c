// SPDX-License-Identifier: GPL-2.0
/* A broken module for tests/selftest: it leaks an allocation when loaded. */
#include <linux/module.h>
#include <linux/slab.h>

static int __init selftest_leak_init(void)
{
	void *p = kmalloc(1024, GFP_KERNEL);

	/* Lose the only reference, so that kmemleak can tell. */
	pr_info("rustre_selftest_leak: leaking %s\n", p ? "1 KiB" : "nothing");
	return 0;
}

static void __exit selftest_leak_exit(void)
{
}

module_init(selftest_leak_init);
module_exit(selftest_leak_exit);
MODULE_DESCRIPTION("Rustre self-test: leaks 1 KiB at load");
MODULE_LICENSE("GPL");
