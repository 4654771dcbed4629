/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_XSK_SINK_H
#define TG_SINK_XSK_SINK_H

/*
 * The AF_XDP receiver of `sink --xsk` and of `xdptest`'s xsk check:
 * bpf/xsk_rx redirects the frames the filter matches into one AF_XDP
 * socket per receive queue; their frames are accounted here, in userspace
 * (lib/sink/acct), and recorded.
 */
#include <stdint.h>
#include "errbuf.h"
#include "iface.h"
#include "pcap_write.h"
#include "sink.h"
#include "sink/report.h"
#include "xsk.h"

struct tg_sink_xsk;

/*
 * Loads bpf/xsk_rx with cfg's filter and opens a socket on queue (-1: on
 * every receive queue) of iface, each added to epfd with event data
 * tag + its index; pcap (NULL: none) gets each frame. 0 or -errno with
 * err set, and nothing left open or attached.
 */
int tg_sink_xsk_open(struct tg_sink_xsk **out, const struct tg_iface *iface,
		     const struct sink_cfg *cfg, int queue, enum tg_xsk_mode mode,
		     struct tg_pcapw *pcap, int epfd, uint32_t tag, struct tg_err *err);
/* Attaches the program through a link, which dies with the process. */
int tg_sink_xsk_attach(struct tg_sink_xsk *x, struct tg_err *err);
/* Takes what socket i has received; returns how many frames. */
uint64_t tg_sink_xsk_drain(struct tg_sink_xsk *x, unsigned int i);
void tg_sink_xsk_totals(struct tg_sink_xsk *x, struct tg_sink_totals *t);
/* Frames the sockets' rings had no room for (never counted as received). */
uint64_t tg_sink_xsk_dropped(const struct tg_sink_xsk *x);
const char *tg_sink_xsk_mode(const struct tg_sink_xsk *x);
unsigned int tg_sink_xsk_nsockets(const struct tg_sink_xsk *x);
/* Detaches (nothing arrives after) and takes what the sockets still hold. */
void tg_sink_xsk_detach(struct tg_sink_xsk *x);
void tg_sink_xsk_close(struct tg_sink_xsk *x);

#endif
