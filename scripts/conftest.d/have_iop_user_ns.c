// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 5.12 (idmapped mounts) added a struct user_namespace argument to the
 * setattr, getattr and permission inode operations and to the generic
 * helpers; 6.3 replaced it with struct mnt_idmap (have_iop_mnt_idmap.c).
 */
#include <linux/fs.h>

static int probe_permission(struct user_namespace *userns, struct inode *inode,
			    int mask)
{
	return generic_permission(userns, inode, mask);
}

static int probe_setattr(struct user_namespace *userns, struct dentry *dentry,
			 struct iattr *attr)
{
	return setattr_prepare(userns, dentry, attr);
}

static int probe_getattr(struct user_namespace *userns, const struct path *path,
			 struct kstat *stat, u32 request_mask, unsigned int flags)
{
	return 0;
}

const struct inode_operations probe_iops = {
	.permission = probe_permission,
	.setattr = probe_setattr,
	.getattr = probe_getattr,
};
