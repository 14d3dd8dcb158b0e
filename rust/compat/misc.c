// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers: wall-clock time and rate-limited logging (the kernel's
 * rate limit is a macro with state at each call site, so Rust shares one).
 *
 * This object is linked into both modules, so KBUILD_MODNAME names both
 * ("lnet:lustre"); a line is prefixed with the name of the module that
 * holds this copy, THIS_MODULE, which each module's link resolves.
 */
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/timekeeping.h>

#include "compat_internal.h"

unsigned long long rustre_time_real_ns(void)
{
	return ktime_get_real_ns();
}

void rustre_log_ratelimited(const char *line)
{
	static DEFINE_RATELIMIT_STATE(rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);

	if (__ratelimit(&rs))
		pr_warn("%s: %s\n", module_name(THIS_MODULE), line);
}
