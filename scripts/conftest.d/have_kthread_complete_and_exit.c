// SPDX-License-Identifier: GPL-2.0
/*
 * Linux 5.17 renamed complete_and_exit() to kthread_complete_and_exit(): a
 * kernel thread signals a completion and exits without returning into the
 * code of a module that may be unloaded as soon as the completion is seen.
 */
#include <linux/completion.h>
#include <linux/kthread.h>

static void probe_exit(struct completion *done)
{
	kthread_complete_and_exit(done, 0);
}

void *probe_ref = probe_exit;
