// SPDX-License-Identifier: GPL-2.0
/*
 * Joinable kernel threads. The thread signals a completion and exits in one
 * call into the core kernel, so once a joiner has seen the completion no
 * code of the module runs in the thread any more and the module may go.
 */
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/slab.h>

#include "compat_internal.h"

/* Renamed in 5.17. */
#ifndef HAVE_KTHREAD_COMPLETE_AND_EXIT
#define kthread_complete_and_exit complete_and_exit
#endif

struct rustre_kthread {
	void (*fn)(void *data);
	void *data;
	struct completion exited;
};

static int rustre_kthread_main(void *arg)
{
	struct rustre_kthread *t = arg;

	t->fn(t->data);
	kthread_complete_and_exit(&t->exited, 0);
}

struct rustre_kthread *rustre_kthread_run(void (*fn)(void *data), void *data,
					  const char *name)
{
	struct rustre_kthread *t = kzalloc(sizeof(*t), GFP_KERNEL);
	struct task_struct *task;

	if (!t)
		return NULL;
	t->fn = fn;
	t->data = data;
	init_completion(&t->exited);
	task = kthread_run(rustre_kthread_main, t, "%s", name);
	if (IS_ERR(task)) {
		kfree(t);
		return NULL;
	}
	return t;
}

void rustre_kthread_join(struct rustre_kthread *t)
{
	wait_for_completion(&t->exited);
	kfree(t);
}
