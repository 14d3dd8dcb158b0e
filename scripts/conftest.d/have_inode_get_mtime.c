// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.7 put i_atime and i_mtime behind accessors (inode_get_mtime(),
 * inode_set_mtime()) and renamed the fields away.
 */
#include <linux/fs.h>

static struct timespec64 probe_mtime(struct inode *inode)
{
	inode_set_mtime(inode, 0, 0);
	return inode_get_mtime(inode);
}

void *probe_ref = probe_mtime;
