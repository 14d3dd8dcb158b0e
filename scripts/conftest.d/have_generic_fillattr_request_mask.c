// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.6 added the STATX request mask to generic_fillattr(), which since
 * 6.3 takes a struct mnt_idmap first.
 */
#include <linux/fs.h>

static void probe_fillattr(struct mnt_idmap *idmap, struct inode *inode,
			   struct kstat *stat)
{
	generic_fillattr(idmap, STATX_BASIC_STATS, inode, stat);
}

void *probe_ref = probe_fillattr;
