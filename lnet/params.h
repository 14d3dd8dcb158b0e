/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module parameters of lnet.ko, declared in C (params.c) where
 * module_param() can be said, and read by the Rust side at load time.
 * Rust declarations are generated from this header by bindgen.
 */
#ifndef RUSTRE_LNET_PARAMS_H
#define RUSTRE_LNET_PARAMS_H

/**
 * lnet_param_networks() - the networks parameter, e.g. "tcp0(eth0)"
 */
const char *lnet_param_networks(void);

/**
 * lnet_param_accept() - the accept parameter: "secure", "all" or "none"
 */
const char *lnet_param_accept(void);

/**
 * lnet_param_accept_port() - the accept_port parameter
 */
int lnet_param_accept_port(void);

/**
 * lnet_param_sock_timeout() - the sock_timeout parameter, in seconds
 */
int lnet_param_sock_timeout(void);

/**
 * lnet_param_keepalive() - the keepalive parameter, in seconds (0: none)
 */
int lnet_param_keepalive(void);

#endif /* RUSTRE_LNET_PARAMS_H */
