/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_UDP_CFG_H
#define TG_UDP_CFG_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"
#include "udp/pace.h"
#include "packet.h"
#include "parse.h"
#include "udp_gen.h"

/*
 * From what the user asked for to the UDP generator's BPF config, and the C
 * reference of what the generator must put on the wire. Pure C.
 */
struct tg_udp_params {
	struct tg_udp_spec spec;	/* MACs, family, ttl, frame_len; addresses
					 * and ports are taken from the ranges */
	struct tg_addr_range src, dst;
	struct tg_port_range sport, dport;
	bool random;
	bool stamp;			/* trafficgen header at the payload's start */
	uint32_t stream_base;		/* stream id of thread t: stream_base | t */
	/*
	 * Frames the run sends in all (-n), 0 when not known: with stamp and
	 * room in the smallest frame, each thread's stamps announce its share
	 * (tg_udp_stamp_total), so the sink counts a lost tail.
	 */
	uint64_t count;
	/* Frames of a kernel batch: stamps read the clock once a batch (0, 1: a frame). */
	uint32_t batch;
	/* Redirect through a one-entry devmap rather than by ifindex (with an ifindex). */
	bool devmap;
	uint32_t ifindex;		/* redirect target */
	unsigned int nthreads;		/* >= 1 */
	const struct tg_pace *pace;	/* NULL: as fast as possible */
	/*
	 * Sizes per packet (lib/udp/size_wheel.h): frame lengths, FCS excluded, in
	 * wheel order. With nsizes > 1 the template is built at the largest
	 * and spec.frame_len is ignored.
	 */
	const uint16_t *sizes;
	unsigned int nsizes;
	/*
	 * Never use the header ring (bpf/udp_gen.h), even where it would
	 * serve: for tests of the computed path.
	 */
	bool no_ring;
};

/*
 * Builds the template frame (the first value of every range) into frame and
 * fills cfg. frame must hold TG_MAX_FRAME_LEN bytes. Returns 0 or -EINVAL
 * (families of src and dst differ, size out of range) with err set.
 */
int tg_udp_cfg_build(const struct tg_udp_params *p, struct udp_gen_cfg *cfg,
		     uint8_t *frame, struct tg_layout *layout,
		     struct tg_err *err);

/*
 * The header ring's entries when cfg->ring_len > 0: ring_len entries of
 * tg_udp_cfg_ring_entry(cfg) bytes each into ring, entry j holding the
 * headers a single thread sends as its j-th frame (for a stamped run with
 * the stamp's magic and zeros, as in the template). Returns 0 or -EINVAL
 * with err set.
 */
int tg_udp_cfg_ring(const struct tg_udp_params *p, const struct udp_gen_cfg *cfg,
		    uint8_t *ring, struct tg_err *err);

/* Bytes of one ring entry: the restored headers, rounded up to 8. */
static inline uint32_t tg_udp_cfg_ring_entry(const struct udp_gen_cfg *cfg)
{
	return (cfg->hdr_len + 7u) & ~7u;
}

/* The pacing plan into cfg (nothing with NULL). */
void tg_udp_cfg_set_pace(struct udp_gen_cfg *cfg, const struct tg_pace *pace);

/* Starting per-CPU state of the thread with index `thread` (0-based). */
void tg_udp_cfg_thread_init(const struct udp_gen_cfg *cfg,
			    unsigned int thread, struct udp_gen_pcpu *pc);

/*
 * The reference: the frame that thread `thread` must send as its k-th frame
 * (k from 0) in sequential mode, built from scratch with full checksums.
 * With p->stamp the stamp carries sequence number k and transmit time tx_ns
 * (and the thread's tg_udp_stamp_total where the stamp has that form)
 * (which only the program knows: tests take it from the frame it sent).
 * buf holds at least p->spec.frame_len bytes.
 */
int tg_udp_cfg_expected(const struct tg_udp_params *p, unsigned int thread,
			uint64_t k, uint64_t tx_ns, uint8_t *buf,
			struct tg_err *err);

/* The frame count thread's stamps announce: its share of p->count, or 0. */
uint64_t tg_udp_stamp_total(const struct tg_udp_params *p, unsigned int thread);

/* The frame length of thread's k-th frame: spec.frame_len or the wheel's. */
uint32_t tg_udp_cfg_frame_len(const struct tg_udp_params *p, unsigned int thread,
			      uint64_t k);

/*
 * What cutting a frame built by p from the template's length to len does
 * to its UDP checksum, as a one's complement sum to add (see struct
 * udp_gen_size). frame is the template.
 */
uint16_t tg_udp_cfg_size_csum(const uint8_t *frame, const struct tg_layout *l,
			      int family, uint32_t len);


/* Offset into a span of `span` values for thread's k-th frame. */
static inline uint64_t tg_seq_offset(uint64_t span, unsigned int nthreads,
				     unsigned int thread, uint64_t k)
{
	return span ? (thread + (k % span) * (nthreads % span)) % span : 0;
}

#endif
