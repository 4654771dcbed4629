/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_XSK_SINK_H
#define TG_SINK_XSK_SINK_H

/*
 * The AF_XDP receiver of `sink --xsk` and of `xdptest`'s xsk check:
 * bpf/xsk_rx redirects the frames the filter matches into one AF_XDP
 * socket per receive queue; their frames are accounted here, in userspace
 * (lib/sink/acct: one accounting per socket, merged as the XDP sink merges
 * its CPUs'), and recorded. The sockets are served either by a thread each
 * (tg_sink_xsk_start) or by the caller, woken through epoll, with
 * tg_sink_xsk_drain.
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
 * every receive queue) of iface, each added to epfd (-1: none) with event
 * data tag + its index; pcap (NULL: none) gets each frame. 0 or -errno
 * with err set, and nothing left open or attached.
 */
int tg_sink_xsk_open(struct tg_sink_xsk **out, const struct tg_iface *iface,
		     const struct sink_cfg *cfg, int queue, enum tg_xsk_mode mode,
		     struct tg_pcapw *pcap, int epfd, uint32_t tag, struct tg_err *err);
/* Attaches the program through a link, which dies with the process. */
int tg_sink_xsk_attach(struct tg_sink_xsk *x, struct tg_err *err);
/*
 * Starts one thread per socket, which waits for its frames and takes them,
 * pinned to the CPU of its queue's rank among those the process may use
 * (queue q: the q-th, modulo their count). The threads stop at
 * tg_sink_xsk_detach or tg_sink_xsk_close. 0 or -errno with err set.
 */
int tg_sink_xsk_start(struct tg_sink_xsk *x, struct tg_err *err);
/*
 * Takes what socket i has received; returns how many frames. Without
 * threads only: socket i has one reader.
 */
uint64_t tg_sink_xsk_drain(struct tg_sink_xsk *x, unsigned int i);
/* The totals so far, pcap_written included when there is a pcap. */
void tg_sink_xsk_totals(struct tg_sink_xsk *x, struct tg_sink_totals *t);
/* Frames the sockets' rings had no room for (never counted as received). */
uint64_t tg_sink_xsk_dropped(const struct tg_sink_xsk *x);
const char *tg_sink_xsk_mode(const struct tg_sink_xsk *x);
unsigned int tg_sink_xsk_nsockets(const struct tg_sink_xsk *x);
/*
 * Detaches (nothing arrives after), stops the threads, and takes what the
 * sockets still hold.
 */
void tg_sink_xsk_detach(struct tg_sink_xsk *x);
void tg_sink_xsk_close(struct tg_sink_xsk *x);

#endif
