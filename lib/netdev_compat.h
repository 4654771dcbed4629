/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_NETDEV_COMPAT_H
#define TG_NETDEV_COMPAT_H

/*
 * The "netdev" generic netlink family (kernel >= 6.3) reports which XDP
 * actions a device supports. Debian 12 ships 6.1 UAPI headers, which have no
 * <linux/netdev.h>, so the numbers we use are spelled out here. They are
 * ABI (Documentation/netlink/specs/netdev.yaml) and never renumbered.
 *
 * The kernel header declares these as enumerators, which #ifndef cannot see,
 * so when the header exists we include it and key the whole fallback block on
 * NETDEV_FAMILY_NAME, the one thing it does #define. Including it here also
 * makes a later #include <linux/netdev.h> a no-op instead of a clash.
 */
#if defined(__has_include)
#if __has_include(<linux/netdev.h>)
#include <linux/netdev.h>
#endif
#endif

#ifndef NETDEV_FAMILY_NAME
#define NETDEV_FAMILY_NAME	"netdev"
#define NETDEV_FAMILY_VERSION	1

/* enum netdev_xdp_act */
#define NETDEV_XDP_ACT_BASIC		(1ULL << 0)
#define NETDEV_XDP_ACT_REDIRECT		(1ULL << 1)
#define NETDEV_XDP_ACT_NDO_XMIT		(1ULL << 2)
#define NETDEV_XDP_ACT_XSK_ZEROCOPY	(1ULL << 3)
#define NETDEV_XDP_ACT_HW_OFFLOAD	(1ULL << 4)
#define NETDEV_XDP_ACT_RX_SG		(1ULL << 5)
#define NETDEV_XDP_ACT_NDO_XMIT_SG	(1ULL << 6)

/* enum netdev_a_dev */
#define NETDEV_A_DEV_IFINDEX		1
#define NETDEV_A_DEV_PAD		2
#define NETDEV_A_DEV_XDP_FEATURES	3	/* u64, NETDEV_XDP_ACT_* */

/* enum netdev_cmd */
#define NETDEV_CMD_DEV_GET		1
#endif /* NETDEV_FAMILY_NAME */

#endif
