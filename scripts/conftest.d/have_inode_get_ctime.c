// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.6 put inode->i_ctime behind accessors (inode_get_ctime(),
 * inode_set_ctime_current()) and renamed the field away.
 */
#include <linux/fs.h>

static struct timespec64 probe_ctime(struct inode *inode)
{
	inode_set_ctime_current(inode);
	return inode_get_ctime(inode);
}

void *probe_ref = probe_ctime;
