/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_UDP_RING_H
#define TG_UDP_RING_H

#include <bpf/libbpf.h>
#include "errbuf.h"
#include "udp_cfg.h"

/*
 * The UDP generator's header ring (bpf/udp_gen.h) into its map: sized
 * before the program is loaded, filled after. Both do nothing when cfg has
 * no ring. Return 0 or a negative errno (with err set, for the fill).
 */
int tg_udp_ring_size(struct bpf_map *ring, const struct udp_gen_cfg *cfg);
int tg_udp_ring_fill(struct bpf_map *ring, const struct tg_udp_params *p,
		     const struct udp_gen_cfg *cfg, struct tg_err *err);

#endif
