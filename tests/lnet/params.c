// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters of test_lnet.ko:
 *   modprobe test_lnet peer=10.99.0.2@tcp [flood=32]
 */
#include <linux/moduleparam.h>

#include "params.h"

static char *peer;
module_param(peer, charp, 0444);
MODULE_PARM_DESC(peer, "the NID of a node running the Rustre LNet echo service (rustre-server)");

const char *test_lnet_param_peer(void)
{
	return peer;
}

static unsigned int flood;
module_param(flood, uint, 0444);
MODULE_PARM_DESC(flood, "queue this many 1 MiB PUTs at once, log it, then check them (instead of the usual rounds)");

unsigned int test_lnet_param_flood(void)
{
	return flood;
}
