// SPDX-License-Identifier: GPL-2.0
/*
 * The IPv4 address of a network interface, which makes a node's NID.
 */
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/string.h>
#include <net/net_namespace.h>

#include "compat_internal.h"

static bool netdev_usable(struct net_device *dev)
{
	return (dev->flags & IFF_UP) && !(dev->flags & IFF_LOOPBACK);
}

int rustre_netdev_ipv4(const char *name, char *name_out, unsigned long len,
		       unsigned int *ip)
{
	struct net_device *dev;
	__be32 addr = 0;
	int rc = -ENODEV;

	rtnl_lock();
	for_each_netdev(&init_net, dev) {
		if (*name ? strcmp(dev->name, name) != 0 : !netdev_usable(dev))
			continue;
		addr = inet_select_addr(dev, 0, RT_SCOPE_UNIVERSE);
		if (!addr && *name) {
			rc = -EADDRNOTAVAIL;
			break;
		}
		if (!addr)
			continue;
		strscpy(name_out, dev->name, len);
		*ip = ntohl(addr);
		rc = 0;
		break;
	}
	rtnl_unlock();
	return rc;
}
