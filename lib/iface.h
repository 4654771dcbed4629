/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_IFACE_H
#define TG_IFACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include "errbuf.h"

/*
 * Same value as <net/if.h>. Not included here, so that files which need
 * <linux/if.h> (the two clash when included in the wrong order) can still
 * include this header.
 */
#ifndef IF_NAMESIZE
#define IF_NAMESIZE 16
#endif

/*
 * What we know about one interface in the caller's network namespace, read
 * in one RTM_GETLINK, one address dump and a couple of ethtool ioctls.
 */
struct tg_iface {
	char name[IF_NAMESIZE];
	int ifindex;
	uint8_t mac[6];		/* zero when the link has no 6-byte address */
	unsigned int mtu;
	bool up;		/* administratively up (IFF_UP) */
	bool has_ipv4;
	struct in_addr ipv4;	/* first IPv4 address */
	bool has_ipv6;
	struct in6_addr ipv6;	/* first global, else link-local, else any */
	char kind[16];		/* rtnl link kind ("veth", "bridge", ...), "" for none */
	char driver[32];	/* ethtool driver name, "" if unknown */
	unsigned int num_rx_queues, num_tx_queues;
	int peer_ifindex;	/* veth: the peer's ifindex (IFLA_LINK), else 0 */
	int peer_netnsid;	/* veth: IFLA_LINK_NETNSID of the peer, -1 when in our namespace */
	uint32_t xdp_prog_id;	/* XDP program attached (any mode, via IFLA_XDP), 0 if none */
};

/* -ENODEV if there is no such interface, -EINVAL for an impossible name. */
int tg_iface_get(const char *name, struct tg_iface *out, struct tg_err *err);
int tg_iface_get_index(int ifindex, struct tg_iface *out, struct tg_err *err);

/*
 * XDP feature flags (NETDEV_XDP_ACT_*, see netdev_compat.h) from the "netdev"
 * generic netlink family. -EOPNOTSUPP when the family does not exist
 * (kernel < 6.3), -ENODEV when the interface does not.
 */
int tg_iface_xdp_features(int ifindex, uint64_t *features, struct tg_err *err);

/*
 * Writes "basic,redirect,ndo-xmit,..." for the set bits (names as in the
 * kernel's netdev.yaml), "bitN" for bits this build does not know, and
 * "none" for 0. Always NUL-terminates when len > 0; truncates to fit.
 */
void tg_xdp_features_str(uint64_t features, char *buf, size_t len);

/*
 * Whether software GRO ("rx-gro") is on. It matters for veth: a veth only
 * accepts XDP_REDIRECTed frames (ndo-xmit) when its peer has GRO on or an
 * XDP program attached.
 */
int tg_iface_gro(const char *name, bool *on, struct tg_err *err);

#endif
