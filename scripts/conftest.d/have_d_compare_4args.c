// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 4.8 dropped the parent dentry argument of d_compare:
 * (dentry, len, str, name) instead of (parent, dentry, len, str, name).
 */
#include <linux/dcache.h>

static int probe_d_compare(const struct dentry *dentry, unsigned int len,
			   const char *str, const struct qstr *name)
{
	return 0;
}

const struct dentry_operations probe_dops = {
	.d_compare = probe_d_compare,
};
