// SPDX-License-Identifier: GPL-2.0
/*
 * The symbols that lnet.ko exports to its users (see api.h). They are
 * defined in Rust (api.rs); C is where EXPORT_SYMBOL_GPL can be said.
 */
#include <linux/export.h>
#include <linux/module.h>

#include "api.h"

EXPORT_SYMBOL_GPL(lnet_api_version);
EXPORT_SYMBOL_GPL(lnet_md_attach);
EXPORT_SYMBOL_GPL(lnet_md_bind);
EXPORT_SYMBOL_GPL(lnet_md_unlink);
EXPORT_SYMBOL_GPL(lnet_put);
EXPORT_SYMBOL_GPL(lnet_get);

MODULE_VERSION(RUSTRE_VERSION);
