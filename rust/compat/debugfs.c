// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only debugfs files whose contents Rust writes. debugfs protects its
 * files' operations, so that removing the directory waits for the reads in
 * progress and fails later ones.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/slab.h>

#include "compat_internal.h"

/* What a file shows: enough for a few lines of counters. */
#define RUSTRE_DEBUGFS_SIZE 1024

struct rustre_debugfs {
	struct dentry *dir;
	unsigned long (*show)(void *ctx, char *buf, unsigned long size);
	void *ctx;
};

static ssize_t debugfs_read(struct file *file, char __user *ubuf, size_t count,
			    loff_t *ppos)
{
	struct rustre_debugfs *f = file->private_data;
	char *buf = kmalloc(RUSTRE_DEBUGFS_SIZE, GFP_KERNEL);
	unsigned long len;
	ssize_t rc;

	if (!buf)
		return -ENOMEM;
	len = f->show(f->ctx, buf, RUSTRE_DEBUGFS_SIZE);
	rc = simple_read_from_buffer(ubuf, count, ppos, buf,
				     min_t(unsigned long, len, RUSTRE_DEBUGFS_SIZE));
	kfree(buf);
	return rc;
}

static const struct file_operations debugfs_fops = {
	.owner	= THIS_MODULE,
	.open	= simple_open,
	.read	= debugfs_read,
	.llseek	= default_llseek,
};

struct rustre_debugfs *rustre_debugfs_create(const char *dir, const char *name,
					     unsigned long (*show)(void *ctx, char *buf,
								   unsigned long size),
					     void *ctx)
{
	struct rustre_debugfs *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	f->show = show;
	f->ctx = ctx;
	f->dir = debugfs_create_dir(dir, NULL);
	debugfs_create_file(name, 0444, f->dir, f, &debugfs_fops);
	return f;
}

void rustre_debugfs_remove(struct rustre_debugfs *f)
{
	debugfs_remove(f->dir);
	kfree(f);
}
