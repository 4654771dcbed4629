/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_H
#define TG_SINK_H

/*
 * Shared by bpf/sink.bpf.c and userspace: the sink's configuration (a const
 * volatile struct set through the skeleton before load, so the verifier
 * prunes the filters and the recording a run does not use), its per-CPU
 * counters, its per-stream state and its pcap records.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "lathist.h"
#include "seqtrack.h"

/* Counters are indexed by XDP verdict: XDP_ABORTED (0) .. XDP_REDIRECT (4). */
#define SINK_NACTIONS 5

/*
 * Streams tracked at once by each CPU; stamped frames of further streams
 * on a CPU are counted only. Its table has twice as many slots, and a
 * stream takes a slot at most SINK_STREAM_PROBES from the one its id
 * hashes to: at a load of one half, linear probing finds a stream, or the
 * free slot that says it is new, within a step or two, so a frame of a
 * stream the table has no room for costs a short search, not a walk of
 * the whole table (1024 random ids placed in 2048 slots 200 times never
 * needed more than 31 steps; one that would need more than 64 is counted
 * as an overflow).
 */
#define SINK_MAX_STREAMS 1024
#define SINK_STREAM_BITS 11
#define SINK_STREAM_SLOTS (1 << SINK_STREAM_BITS)
#define SINK_STREAM_PROBES 64
_Static_assert(SINK_STREAM_SLOTS >= 2 * SINK_MAX_STREAMS, "a table at most half full");

/*
 * Largest frame recorded. The program does not take multi-buffer frames,
 * so no frame is longer than a page.
 */
#define SINK_SNAP_MAX 4096

/* --proto values: IP protocol numbers, ICMP standing for ICMPv6 too. */
#define SINK_PROTO_ANY 0

struct sink_cfg {
	__u32 action;		/* XDP verdict for matching frames */
	__u32 redirect_ifindex;	/* with XDP_REDIRECT */
	__u8 proto;		/* SINK_PROTO_ANY, IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP */
	__u8 port_filter;	/* match UDP/TCP destination ports port_lo..port_hi */
	__u16 port_lo, port_hi;
	__u8 pcap;		/* record matching frames in the ring buffer */
	/*
	 * Set by tg_sink_load, not by callers: no filter and no capture, so
	 * untagged IPv4 UDP frames skip the parse (sink.bpf.c's simple_udp4).
	 */
	__u8 udp4_fast;
	__u32 snaplen;		/* 1..SINK_SNAP_MAX */
};

struct sink_pcpu {
	__u64 packets[SINK_NACTIONS];	/* matching frames, by verdict */
	__u64 bytes[SINK_NACTIONS];	/* their length, FCS excluded */
	__u64 truncated;	/* frames shorter than their headers say */
	__u64 ignored;		/* frames the filter passed on uncounted */
	__u64 stamped;		/* matching frames carrying a tg_stamp */
	__u64 stream_overflow;	/* stamped frames of streams that found no slot */
	__u64 clock_skew;	/* stamped frames sent "in the future": no latency */
	__u64 pcap_dropped;	/* frames the ring buffer had no room for */
	__u64 streams_used;	/* slots of this CPU's stream table taken */
};

/* Latency of stamped frames, per CPU; min and max exact. */
struct sink_lat {
	__u64 count;
	__u64 sum;
	__u64 min;		/* valid when count > 0 */
	__u64 max;
	__u64 buckets[LATHIST_BUCKETS];
};

/*
 * Adds one more latency d, whose histogram bucket is b (lathist_bucket(d)),
 * to l, which holds d already: its min and max stay. The sink program's way
 * for the later frames of one sending batch (bpf/sink.bpf.c).
 */
static inline __attribute__((always_inline)) void sink_lat_add_again(struct sink_lat *l,
								    __u64 d, __u32 b)
{
	l->count++;
	l->sum += d;
	/*
	 * The bound holds by construction; the verifier needs to see it, on
	 * the register the index is in (libbpf's barrier_var, spelled out
	 * so that userspace builds it too).
	 */
	asm volatile("" : "+r"(b));
	if (b < LATHIST_BUCKETS)
		l->buckets[b]++;
}

/*
 * Adds one latency d, whose histogram bucket is b (lathist_bucket(d)), to
 * l: the sink program keeps b of the latency it reuses for the frames of
 * one sending batch (bpf/sink.bpf.c).
 */
static inline __attribute__((always_inline)) void sink_lat_add_bucket(struct sink_lat *l,
								     __u64 d, __u32 b)
{
	if (!l->count || d < l->min)
		l->min = d;
	if (d > l->max)
		l->max = d;
	sink_lat_add_again(l, d, b);
}

/*
 * Adds one latency d to l: the sink program's and `sink --xsk`'s
 * (lib/sink/acct.c) one way to.
 */
static inline __attribute__((always_inline)) void sink_lat_add(struct sink_lat *l, __u64 d)
{
	sink_lat_add_bucket(l, d, lathist_bucket(d));
}

/*
 * A slot of the per-CPU stream table (an array of SINK_STREAM_SLOTS slots
 * per CPU, indexed by slot, not by id): each CPU keeps its own view of the
 * streams it saw, in slots of its own choosing, merged by id by readers
 * (seqtrack_merge()). tag is sink_stream_tag(id) once the slot is taken,
 * 0 while it is free (then st is all zeros): one compare tells both that
 * the slot is used and whose it is. Slots are never given back, so a
 * stream's slot on a CPU is on its probe path (sink_stream_slot(id), then
 * the next ones, wrapping) before the first free slot, and at most
 * SINK_STREAM_PROBES - 1 past its home.
 */
struct sink_stream {
	__u64 tag;
	struct seqtrack st;
};

#define SINK_STREAM_USED (1ULL << 32)

static inline __attribute__((always_inline)) __u64 sink_stream_tag(__u32 id)
{
	return SINK_STREAM_USED | id;
}

/* The id of a used slot's tag. */
static inline __attribute__((always_inline)) __u32 sink_stream_id(__u64 tag)
{
	return (__u32)tag;
}

/*
 * A multiplicative (Fibonacci) hash of a stream id onto 2^bits places
 * (1 <= bits <= 32): its top bits spread ids that differ only in their low
 * bits (`udp --stamp` gives its threads a random base | the thread's
 * index). The program's table and userspace's merge index (lib/sink/totals.c),
 * whatever its size, place ids with it.
 */
static inline __attribute__((always_inline)) __u32 sink_stream_hash(__u32 id, __u32 bits)
{
	return (__u32)(id * 2654435769u) >> (32 - bits);
}

/* A stream's home slot in a CPU's table. */
static inline __attribute__((always_inline)) __u32 sink_stream_slot(__u32 id)
{
	return sink_stream_hash(id, SINK_STREAM_BITS);
}

/* A pcap record in the ring buffer: this header, then caplen frame bytes. */
struct sink_rec {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 len;		/* frame length */
	__u32 caplen;		/* bytes that follow */
};

#endif
