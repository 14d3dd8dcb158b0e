// SPDX-License-Identifier: GPL-2.0
/*
 * The symbols that lnet.ko exports to lustre.ko (see api.h). They are defined
 * in Rust (api.rs); C is where EXPORT_SYMBOL_GPL can be said.
 */
#include <linux/export.h>
#include <linux/module.h>

unsigned int lnet_api_version(void);
EXPORT_SYMBOL_GPL(lnet_api_version);

MODULE_VERSION(RUSTRE_VERSION);
