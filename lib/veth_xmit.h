/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_VETH_XMIT_H
#define TG_VETH_XMIT_H

#include <stdint.h>
#include <net/if.h>
#include "ethtool.h"

/*
 * A veth's own count of the XDP frames redirected into it (ethtool -S:
 * tx_queue_N_xdp_xmit taken into the peer's ring N, tx_queue_N_xdp_xmit_errors
 * refused there), summed over the queues. The driver counts them anyway, so
 * reading them costs the run nothing, where tracing every transmit flush
 * (xdp_devmap_xmit, once per 16 frames) costs a share of the frame rate
 * (README).
 */
struct tg_veth_xmit {
	struct tg_ethtool_stats st;	/* the driver's statistics, all of them */
	unsigned int nq;		/* queues found */
	uint32_t *ok, *err;		/* per queue: indexes into the statistics */
};

/*
 * The counters of the interface ifindex in the calling thread's network
 * namespace. Returns 0, or a negative errno: -ENODEV when it is not a veth
 * or its driver does not export these counters.
 */
int tg_veth_xmit_open(struct tg_veth_xmit *v, int ifindex);
/* Frames taken and refused so far. Returns 0 or a negative errno. */
int tg_veth_xmit_read(const struct tg_veth_xmit *v, uint64_t *ok, uint64_t *err);
void tg_veth_xmit_close(struct tg_veth_xmit *v);

#endif
