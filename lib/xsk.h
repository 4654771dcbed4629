/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_XSK_H
#define TG_XSK_H

/*
 * AF_XDP sockets through libxdp's <xdp/xsk.h>: one UMEM and one socket per
 * queue, each used by one thread. libxdp loads no program of its own here
 * (its dispatcher's fallback attach would outlive a killed process): a
 * receiver attaches bpf/xsk_rx through a link and puts its sockets in that
 * program's XSKMAP (tg_xsk_map).
 */
#include <stdbool.h>
#include <stdint.h>
#include <xdp/xsk.h>
#include "errbuf.h"

enum tg_xsk_mode {
	TG_XSK_AUTO,		/* zero-copy where the driver offers it, else copy */
	TG_XSK_COPY,
	TG_XSK_ZEROCOPY,
};

/* The modes' names in enum order, NULL-terminated: the options' choices. */
extern const char *const tg_xsk_mode_names[];

const char *tg_xsk_mode_name(enum tg_xsk_mode mode);

struct tg_xsk_cfg {
	const char *ifname;
	uint32_t queue;
	enum tg_xsk_mode mode;
	uint32_t nframes;	/* UMEM frames, a power of two */
	uint32_t frame_size;	/* 2048 or 4096 */
	bool tx, rx;		/* which rings the socket has */
	uint32_t ring_size;	/* each ring's descriptors, a power of two; 0: 2048 */
	uint32_t headroom;	/* bytes the kernel leaves before each received frame */
};

struct tg_xsk {
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint8_t *area;		/* nframes * frame_size, page aligned */
	uint64_t area_len;
	uint32_t nframes, frame_size;
	uint32_t queue;
	enum tg_xsk_mode bound;	/* COPY or ZEROCOPY: what the bind took */
	int fd;
	uint64_t kicks;		/* sendto() wakeups of the TX ring */
	uint32_t tx_budget;	/* copy mode: descriptors the kernel sends a sendto() */
};

/*
 * Raises RLIMIT_MEMLOCK to cover len bytes of UMEM (kernels before 5.11
 * charge UMEM against it). Returns 0 or -errno with err naming the limit.
 */
int tg_xsk_memlock(uint64_t len, struct tg_err *err);

/*
 * Creates the UMEM and the socket bound to cfg->queue of cfg->ifname.
 * With TG_XSK_AUTO, binds zero-copy first and falls back to copy;
 * x->bound says which. Returns 0 or -errno with err set, nothing open.
 */
int tg_xsk_open(struct tg_xsk *x, const struct tg_xsk_cfg *cfg, struct tg_err *err);
void tg_xsk_close(struct tg_xsk *x);

/* Frame i's address in the UMEM, and its bytes. */
static inline uint64_t tg_xsk_addr(const struct tg_xsk *x, uint32_t i)
{
	return (uint64_t)i * x->frame_size;
}

static inline uint8_t *tg_xsk_data(const struct tg_xsk *x, uint64_t addr)
{
	return xsk_umem__get_data(x->area, addr);
}

/*
 * Transmit: reserves up to n TX descriptors (returns how many, their first
 * index in *idx), which the caller fills with tg_xsk_tx_desc and submits.
 */
static inline uint32_t tg_xsk_tx_reserve(struct tg_xsk *x, uint32_t n, uint32_t *idx)
{
	return xsk_ring_prod__reserve(&x->tx, n, idx);
}

static inline void tg_xsk_tx_desc(struct tg_xsk *x, uint32_t idx, uint64_t addr, uint32_t len)
{
	struct xdp_desc *d = xsk_ring_prod__tx_desc(&x->tx, idx);

	d->addr = addr;
	d->len = len;
}

/*
 * Submits n reserved descriptors and, when the kernel asks for it
 * (need_wakeup), kicks it with a non-blocking sendto. Returns 0 or -errno
 * of a kick that failed other than for want of room (EAGAIN, EBUSY, ENOBUFS).
 */
int tg_xsk_tx_submit(struct tg_xsk *x, uint32_t n);

/*
 * Drains up to max completions, their addresses into addrs (may be NULL);
 * returns how many.
 */
uint32_t tg_xsk_comp_drain(struct tg_xsk *x, uint64_t *addrs, uint32_t max);

/* Receive: gives n frames' addresses to the fill ring; returns how many went. */
uint32_t tg_xsk_fill(struct tg_xsk *x, const uint64_t *addrs, uint32_t n);

/*
 * Takes up to max received descriptors (their index in *idx, read with
 * xsk_ring_cons__rx_desc); release them with tg_xsk_rx_release.
 */
static inline uint32_t tg_xsk_rx_peek(struct tg_xsk *x, uint32_t max, uint32_t *idx)
{
	return xsk_ring_cons__peek(&x->rx, max, idx);
}

static inline void tg_xsk_rx_release(struct tg_xsk *x, uint32_t n)
{
	xsk_ring_cons__release(&x->rx, n);
}

/* Wakes the kernel to refill RX when it asks to (need_wakeup on the fill ring). */
void tg_xsk_rx_wakeup(struct tg_xsk *x);

/*
 * Frames the kernel dropped for want of room: RX ring full, or no frame in
 * the fill ring (XDP_STATISTICS). 0 if it cannot tell.
 */
uint64_t tg_xsk_rx_dropped(const struct tg_xsk *x);

/*
 * Descriptors the kernel refused to send (XDP_STATISTICS tx_invalid_descs:
 * bad address or length), or -errno if it cannot tell.
 */
int64_t tg_xsk_tx_invalid(const struct tg_xsk *x);

/* Puts the socket into an XSKMAP at its queue's index. 0 or -errno with err set. */
int tg_xsk_map(struct tg_xsk *x, int map_fd, struct tg_err *err);

#endif
