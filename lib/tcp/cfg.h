/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_CFG_H
#define TG_TCP_CFG_H

#include <stdint.h>
#include "errbuf.h"
#include "packet_tcp.h"
#include "tcp_gen.h"

/*
 * The TCP generator's config (bpf/tcp_gen.h) for flows that differ only in
 * their source port, as `trafficgen tcp` and the BPF tests build it: flow i
 * gets the headers spec builds with sports[i] and its timestamp base
 * ts_base[i]; the first flow's whole segment goes into frame (the
 * live-frame input, TG_MAX_FRAME_LEN bytes). ts_t0_ns is left to the
 * caller. Returns 0, or a negative errno with err set.
 */
int tg_tcp_cfg_build(const struct tg_tcp_spec *spec, const uint16_t *sports,
		     const uint32_t *ts_base, unsigned int nflows, uint32_t ifindex,
		     struct tcp_gen_cfg *c, uint8_t *frame, struct tg_err *err);

#endif
