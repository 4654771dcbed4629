/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_XSK_LOAD_H
#define TG_SINK_XSK_LOAD_H

#include "errbuf.h"
#include "sink.h"

struct xsk_rx_bpf;

/*
 * The one load sequence of bpf/xsk_rx (`sink --xsk` and its BPF test):
 * open, the sink's filter (cfg's proto and ports) into rodata, the XSKMAP
 * sized to nqueues receive queues, load. 0 with the skeleton in *skel, or
 * a negative errno with the reason in err and nothing left open.
 */
int tg_xsk_rx_load(struct xsk_rx_bpf **skel, const struct sink_cfg *cfg, unsigned int nqueues,
		   struct tg_err *err);

#endif
