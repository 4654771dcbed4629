/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_ETHTOOL_H
#define TG_ETHTOOL_H

#include <stdbool.h>
#include <stdint.h>

/*
 * A driver's own statistics (`ethtool -S`) through SIOCETHTOOL: their names
 * once, their values as often as needed. Drivers name their XDP counters
 * in their own way (veth: rx_queue_0_xdp_drops; mlx5: rx_xdp_drop and
 * rx0_xdp_drop), so tg_ethtool_sum finds one by the end of its name.
 */
#define TG_ETHTOOL_NAMELEN 32	/* ETH_GSTRING_LEN */

/* One SIOCETHTOOL request on ifname; 0 or a negative errno. */
int tg_ethtool_ioctl(const char *ifname, void *cmd);

struct tg_ethtool_stats {
	char ifname[16];
	unsigned int n;
	char (*names)[TG_ETHTOOL_NAMELEN + 1];
	uint64_t *vals;
};

/* The names of ifname's statistics (none: n = 0). 0 or a negative errno. */
int tg_ethtool_stats_open(struct tg_ethtool_stats *s, const char *ifname);
/* Their values now into s->vals; -ESTALE when the set changed. */
int tg_ethtool_stats_read(struct tg_ethtool_stats *s);
void tg_ethtool_stats_close(struct tg_ethtool_stats *s);

/*
 * The counter of direction dir ("rx", "tx") named `what`: the total
 * "<dir>_<what>" where the driver has one, else the sum of its per-queue
 * counters "<dir>..._<what>" ("rx_queue_0_xdp_tx", "rx3_xdp_tx"). Pure:
 * over names and vals. False when the driver offers neither.
 */
bool tg_ethtool_sum(const char (*names)[TG_ETHTOOL_NAMELEN + 1], const uint64_t *vals,
		    unsigned int n, const char *dir, const char *what, uint64_t *sum);

#endif
