/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The API that lnet.ko exports to lustre.ko: plain C functions, so that the
 * two modules share no Rust ABI. lustre.ko's Rust declarations are generated
 * from this header by bindgen; lnet.ko implements it in Rust (lnet/api.rs)
 * and exports it from C (lnet/exports.c).
 *
 * LNET_API_VERSION changes whenever a function here changes, and lustre.ko
 * refuses to load against an lnet.ko of another version.
 */
#ifndef RUSTRE_LNET_API_H
#define RUSTRE_LNET_API_H

#define LNET_API_VERSION 1

/**
 * lnet_api_version() - the LNET_API_VERSION that lnet.ko was built with
 */
unsigned int lnet_api_version(void);

#endif /* RUSTRE_LNET_API_H */
