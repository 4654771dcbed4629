/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_XSK_RX_H
#define TG_XSK_RX_H

/*
 * Shared by bpf/xsk_rx.bpf.c and userspace (`sink --xsk`): the filter that
 * picks the frames redirected to the AF_XDP socket of their receive queue
 * (the sink's own, struct sink_cfg's fields of the same names), and what
 * the program counts itself: frames it could not redirect.
 */
#include <linux/types.h>

/* XSKMAP entries: one socket per receive queue, indexed by queue. */
#define XSK_RX_MAX_QUEUES 256

struct xsk_rx_cfg {
	__u8 proto;		/* SINK_PROTO_ANY or an IP protocol */
	__u8 port_filter;
	__u16 port_lo, port_hi;
	__u16 pad;
};

struct xsk_rx_pcpu {
	__u64 ignored;		/* frames the filter passed to the stack */
	__u64 truncated;	/* matched or not, headers cut short: passed on */
	__u64 no_socket;	/* matching frames of a queue without a socket: passed on */
};

#endif
