// SPDX-License-Identifier: GPL-2.0
/*
 * A misc character device whose ioctls go to Rust. misc_lock keeps the
 * callback from going away while an ioctl runs: after
 * rustre_misc_deregister() returns, no call is in progress and none starts.
 */
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/rwsem.h>

#include "compat_internal.h"

static long (*misc_ioctl_cb)(void *ctx, unsigned int nr, unsigned int size,
			     unsigned long arg);
static void *misc_ctx;
static unsigned char misc_ioc_type;
static DECLARE_RWSEM(misc_lock);

static long misc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	long rc = -ENODEV;

	if (_IOC_TYPE(cmd) != misc_ioc_type ||
	    _IOC_DIR(cmd) != (_IOC_READ | _IOC_WRITE))
		return -ENOTTY;
	down_read(&misc_lock);
	if (misc_ioctl_cb)
		rc = misc_ioctl_cb(misc_ctx, _IOC_NR(cmd), _IOC_SIZE(cmd), arg);
	up_read(&misc_lock);
	return rc;
}

static const struct file_operations misc_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= misc_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

static struct miscdevice misc_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.fops	= &misc_fops,
	.mode	= 0600,
};

static void misc_forget_cb(void)
{
	down_write(&misc_lock);
	misc_ioctl_cb = NULL;
	misc_ctx = NULL;
	up_write(&misc_lock);
}

int rustre_misc_register(const char *name, unsigned char ioc_type,
			 long (*ioctl)(void *ctx, unsigned int nr,
				       unsigned int size, unsigned long arg),
			 void *ctx)
{
	int rc;

	down_write(&misc_lock);
	misc_ioctl_cb = ioctl;
	misc_ctx = ctx;
	misc_ioc_type = ioc_type;
	up_write(&misc_lock);
	misc_dev.name = name;
	rc = misc_register(&misc_dev);
	if (rc)
		misc_forget_cb();
	return rc;
}

void rustre_misc_deregister(void)
{
	misc_deregister(&misc_dev);
	misc_forget_cb();
}
