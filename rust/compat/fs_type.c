// SPDX-License-Identifier: GPL-2.0
/*
 * The "lustre" file system type and its mount entry point (the new mount
 * API: init_fs_context and get_tree).
 */
#include <linux/fs.h>
#include <linux/fs_context.h>
#include <linux/module.h>

#include "compat_internal.h"

const struct rustre_fs_callbacks *rustre_fs_cb;

static int ll_get_tree(struct fs_context *fc)
{
	if (!fc->source)
		return invalfc(fc, "no source: expected <mgsnid>[:<mgsnid>]:/<fsname>");
	return rustre_fs_cb->get_tree(fc, fc->source);
}

static const struct fs_context_operations ll_context_ops = {
	.get_tree	= ll_get_tree,
};

static int ll_init_fs_context(struct fs_context *fc)
{
	fc->ops = &ll_context_ops;
	return 0;
}

static struct file_system_type lustre_fs_type = {
	.owner			= THIS_MODULE,
	.name			= "lustre",
	.init_fs_context	= ll_init_fs_context,
	.kill_sb		= kill_anon_super,
};

/**
 * rustre_register_filesystem() - register the "lustre" file system type
 * @cb: the Rust callbacks; must stay valid until rustre_unregister_filesystem()
 *
 * Return: 0 or a negative errno from register_filesystem().
 */
int rustre_register_filesystem(const struct rustre_fs_callbacks *cb)
{
	rustre_fs_cb = cb;
	return register_filesystem(&lustre_fs_type);
}

/**
 * rustre_unregister_filesystem() - undo rustre_register_filesystem()
 */
void rustre_unregister_filesystem(void)
{
	unregister_filesystem(&lustre_fs_type);
}
