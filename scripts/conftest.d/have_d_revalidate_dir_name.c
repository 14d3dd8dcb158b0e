// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.14 gave d_revalidate the parent directory inode and the name being
 * looked up: (dir, name, dentry, flags) instead of (dentry, flags).
 */
#include <linux/dcache.h>

static int probe_d_revalidate(struct inode *dir, const struct qstr *name,
			      struct dentry *dentry, unsigned int flags)
{
	return 1;
}

const struct dentry_operations probe_dops = {
	.d_revalidate = probe_d_revalidate,
};
