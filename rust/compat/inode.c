// SPDX-License-Identifier: GPL-2.0
/*
 * Inode attributes: the timestamp accessors (6.6 moved ctime behind
 * inode_get_ctime()/inode_set_ctime_current(), 6.7 did the same for atime and
 * mtime), and the inode operations and generic helpers that take an
 * idmapping (see RUSTRE_IDMAP_TYPE).
 */
#include <linux/fs.h>
#include <linux/mnt_idmapping.h>
#include <linux/stat.h>

#include "compat_internal.h"

static void to_rustre_ts(struct timespec64 t, struct rustre_timespec *ts)
{
	ts->tv_sec = t.tv_sec;
	ts->tv_nsec = t.tv_nsec;
}

void rustre_inode_get_ctime(const struct inode *inode, struct rustre_timespec *ts)
{
#ifdef HAVE_INODE_GET_CTIME
	to_rustre_ts(inode_get_ctime(inode), ts);
#else
	to_rustre_ts(inode->i_ctime, ts);
#endif
}

void rustre_inode_set_ctime_current(struct inode *inode)
{
#ifdef HAVE_INODE_GET_CTIME
	inode_set_ctime_current(inode);
#else
	inode->i_ctime = current_time(inode);
#endif
}

void rustre_inode_get_mtime(const struct inode *inode, struct rustre_timespec *ts)
{
#ifdef HAVE_INODE_GET_MTIME
	to_rustre_ts(inode_get_mtime(inode), ts);
#else
	to_rustre_ts(inode->i_mtime, ts);
#endif
}

void rustre_inode_set_mtime(struct inode *inode, const struct rustre_timespec *ts)
{
#ifdef HAVE_INODE_GET_MTIME
	inode_set_mtime(inode, ts->tv_sec, ts->tv_nsec);
#else
	inode->i_mtime.tv_sec = ts->tv_sec;
	inode->i_mtime.tv_nsec = ts->tv_nsec;
#endif
}

int rustre_generic_permission(struct inode *inode, int mask)
{
	return generic_permission(RUSTRE_NOP_IDMAP, inode, mask);
}

void rustre_generic_fillattr(struct inode *inode, unsigned int request_mask,
			     struct kstat *stat)
{
#ifdef HAVE_GENERIC_FILLATTR_REQUEST_MASK
	generic_fillattr(RUSTRE_NOP_IDMAP, request_mask, inode, stat);
#else
	generic_fillattr(RUSTRE_NOP_IDMAP, inode, stat);
#endif
}

int rustre_setattr_prepare(struct dentry *dentry, struct iattr *attr)
{
	return setattr_prepare(RUSTRE_NOP_IDMAP, dentry, attr);
}

static int ll_inode_permission(RUSTRE_IDMAP_TYPE *idmap, struct inode *inode,
			       int mask)
{
	return rustre_fs_cb->permission(inode, mask);
}

static int ll_getattr(RUSTRE_IDMAP_TYPE *idmap, const struct path *path,
		      struct kstat *stat, u32 request_mask, unsigned int flags)
{
	return rustre_fs_cb->getattr(d_inode(path->dentry), request_mask, stat);
}

static int ll_setattr(RUSTRE_IDMAP_TYPE *idmap, struct dentry *dentry,
		      struct iattr *attr)
{
	return rustre_fs_cb->setattr(dentry, attr);
}

/* Installed on every llite inode when llite mounts. */
const struct inode_operations rustre_inode_operations = {
	.permission	= ll_inode_permission,
	.getattr	= ll_getattr,
	.setattr	= ll_setattr,
};
