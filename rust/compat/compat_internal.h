/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to the C files of the compat shim: the configuration that
 * scripts/conftest found, and what those files share.
 */
#ifndef RUSTRE_COMPAT_INTERNAL_H
#define RUSTRE_COMPAT_INTERNAL_H

#include "generated/compat_config.h"
#include "compat.h"

/*
 * The idmapping argument of inode operations and of the generic helpers:
 * struct mnt_idmap since 6.3, struct user_namespace from 5.12 to 6.2. Lustre
 * does not set FS_ALLOW_IDMAP, so the VFS only ever passes the identity
 * mapping, and the helpers called from Rust pass it too. Kernels before 5.12
 * cannot build Rust modules at all.
 */
#if defined(HAVE_IOP_MNT_IDMAP)
#define RUSTRE_IDMAP_TYPE	struct mnt_idmap
#define RUSTRE_NOP_IDMAP	(&nop_mnt_idmap)
#elif defined(HAVE_IOP_USER_NS)
#define RUSTRE_IDMAP_TYPE	struct user_namespace
#define RUSTRE_NOP_IDMAP	(&init_user_ns)
#else
#error "Rustre needs the idmapping-aware inode operations of Linux 5.12 or later"
#endif

/* The callbacks that lustre.ko registered with rustre_register_filesystem(). */
extern const struct rustre_fs_callbacks *rustre_fs_cb;

extern const struct dentry_operations rustre_dentry_operations;
extern const struct inode_operations rustre_inode_operations;

#endif /* RUSTRE_COMPAT_INTERNAL_H */
