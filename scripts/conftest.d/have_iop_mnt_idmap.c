// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 6.3 replaced the struct user_namespace argument of the setattr,
 * getattr and permission inode operations, and of the generic helpers, with
 * a struct mnt_idmap.
 */
#include <linux/fs.h>

static int probe_permission(struct mnt_idmap *idmap, struct inode *inode, int mask)
{
	return generic_permission(idmap, inode, mask);
}

static int probe_setattr(struct mnt_idmap *idmap, struct dentry *dentry,
			 struct iattr *attr)
{
	return setattr_prepare(idmap, dentry, attr);
}

static int probe_getattr(struct mnt_idmap *idmap, const struct path *path,
			 struct kstat *stat, u32 request_mask, unsigned int flags)
{
	return 0;
}

const struct inode_operations probe_iops = {
	.permission = probe_permission,
	.setattr = probe_setattr,
	.getattr = probe_getattr,
};
