// SPDX-License-Identifier: GPL-2.0
/*
 * Dentry operations, whose prototypes drifted twice: 4.8 dropped the parent
 * dentry from d_compare, 6.14 gave d_revalidate the parent inode and name.
 */
#include <linux/dcache.h>
#include <linux/fs.h>

#include "compat_internal.h"

#ifdef HAVE_D_COMPARE_4ARGS
static int ll_dcompare(const struct dentry *dentry, unsigned int len,
		       const char *str, const struct qstr *name)
#else
static int ll_dcompare(const struct dentry *parent, const struct dentry *dentry,
		       unsigned int len, const char *str, const struct qstr *name)
#endif
{
	return rustre_fs_cb->d_compare(dentry, len, str, name->len, name->name);
}

#ifdef HAVE_D_REVALIDATE_DIR_NAME
static int ll_revalidate_dentry(struct inode *dir, const struct qstr *name,
				struct dentry *dentry, unsigned int flags)
#else
static int ll_revalidate_dentry(struct dentry *dentry, unsigned int flags)
#endif
{
	return rustre_fs_cb->d_revalidate(dentry, flags);
}

/* Installed as the super block's s_d_op when llite mounts. */
const struct dentry_operations rustre_dentry_operations = {
	.d_compare	= ll_dcompare,
	.d_revalidate	= ll_revalidate_dentry,
};
