// SPDX-License-Identifier: GPL-2.0
/*
 * The module parameters of lnet.ko, as Lustre's:
 *   modprobe lnet networks="tcp0(eth0)" accept=all accept_port=988 sock_timeout=50 \
 *	keepalive=30
 * They are read once, when the module loads.
 */
#include <linux/moduleparam.h>

#include "params.h"

static char *networks = "tcp";
module_param(networks, charp, 0444);
MODULE_PARM_DESC(networks, "the LNet networks and their interfaces: tcp, tcp0(eth0), tcp0(eth0),tcp1(eth1)");

static char *accept = "secure";
module_param(accept, charp, 0444);
MODULE_PARM_DESC(accept, "incoming connections: secure (privileged source ports only), all, or none");

static int accept_port = 988;
module_param(accept_port, int, 0444);
MODULE_PARM_DESC(accept_port, "the TCP port to listen on");

static int sock_timeout = 50;
module_param(sock_timeout, int, 0444);
MODULE_PARM_DESC(sock_timeout, "seconds of silence after which a connection to a peer fails");

static int keepalive = 30;
module_param(keepalive, int, 0444);
MODULE_PARM_DESC(keepalive, "seconds of idleness after which a connection gets a keepalive NOOP (0: never)");

const char *lnet_param_networks(void)
{
	return networks;
}

const char *lnet_param_accept(void)
{
	return accept;
}

int lnet_param_accept_port(void)
{
	return accept_port;
}

int lnet_param_sock_timeout(void)
{
	return sock_timeout;
}

int lnet_param_keepalive(void)
{
	return keepalive;
}
