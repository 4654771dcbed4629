// SPDX-License-Identifier: GPL-2.0
#include <net/if.h>	/* before any <linux/if.h> the netlink headers may pull in */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/neighbour.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/neighbour.h>
#include "neigh.h"

int tg_neigh_lookup(int ifindex, int family, const union tg_addr *addr,
		    uint8_t mac[6], struct tg_err *err)
{
	struct nl_cache *cache = NULL;
	struct rtnl_neigh *n = NULL;
	struct nl_addr *a = NULL, *ll;
	struct nl_sock *sk;
	int ret, state;

	sk = nl_socket_alloc();
	if (!sk)
		return tg_fail(err, ENOMEM, "out of memory for a netlink socket");
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (ret) {
		ret = tg_fail(err, EIO, "cannot open a route netlink socket: %s", nl_geterror(ret));
		goto out;
	}
	ret = rtnl_neigh_alloc_cache(sk, &cache);
	if (ret) {
		ret = tg_fail(err, EIO, "cannot read the neighbour table: %s", nl_geterror(ret));
		goto out;
	}
	a = nl_addr_build(family, addr, family == AF_INET ? 4 : 16);
	if (!a) {
		ret = tg_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	n = rtnl_neigh_get(cache, ifindex, a);
	ret = -ENOENT;
	if (!n)
		goto out;
	state = rtnl_neigh_get_state(n);
	ll = rtnl_neigh_get_lladdr(n);
	if ((state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP)) || !ll ||
	    nl_addr_get_len(ll) != 6)
		goto out;
	memcpy(mac, nl_addr_get_binary_addr(ll), 6);
	ret = 0;
out:
	if (n)
		rtnl_neigh_put(n);
	nl_addr_put(a);
	nl_cache_free(cache);
	nl_socket_free(sk);
	return ret;
}
