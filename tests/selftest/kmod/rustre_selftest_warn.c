// SPDX-License-Identifier: GPL-2.0
/* A broken module for tests/selftest: it warns when loaded. */
#include <linux/bug.h>
#include <linux/module.h>

static int __init selftest_warn_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit selftest_warn_exit(void)
{
}

module_init(selftest_warn_init);
module_exit(selftest_warn_exit);
MODULE_DESCRIPTION("Rustre self-test: WARN_ON(1) at load");
MODULE_LICENSE("GPL");
