/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module parameters of test_lnet.ko (params.c), read by its Rust side.
 */
#ifndef RUSTRE_TEST_LNET_PARAMS_H
#define RUSTRE_TEST_LNET_PARAMS_H

/**
 * test_lnet_param_peer() - the peer parameter: the NID of the echo server
 */
const char *test_lnet_param_peer(void);

/**
 * test_lnet_param_flood() - the flood parameter: 0, or the number of 1 MiB
 * PUTs to queue at once instead of the usual rounds
 */
unsigned int test_lnet_param_flood(void);

#endif /* RUSTRE_TEST_LNET_PARAMS_H */
