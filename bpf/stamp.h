/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_STAMP_H
#define TG_STAMP_H

/*
 * The trafficgen header that `udp --stamp` writes at the start of each UDP
 * payload, and that the sink recognises. All fields big-endian on the wire.
 * stream: one per sending thread and run (run id << 8 | thread index), so
 * that two runs into one sink are never taken for one stream.
 * seq: per stream, from 0, +1 a frame. tx_ns: bpf_ktime_get_ns() at send,
 * CLOCK_MONOTONIC, so latency means something on one host (veth) or across
 * hosts whose clocks are synchronised.
 *
 * A sender that knows how many frames the stream will carry (udp -n, with
 * room in the frame) sends the longer form, magic TG_STAMP_MAGIC_TOTAL,
 * whose `total` is that count: the sink then counts as lost the frames
 * after the last one that arrived, which nothing else can reveal.
 */
#include <linux/types.h>

#define TG_STAMP_MAGIC 0x7467656eU	/* "tgen" */
#define TG_STAMP_LEN 24
#define TG_STAMP_MAGIC_TOTAL 0x7467654eU	/* "tgeN": followed by total */
#define TG_STAMP_TOTAL_LEN 32

struct tg_stamp {
	__be32 magic;
	__be32 stream;
	__be64 seq;
	__be64 tx_ns;
} __attribute__((packed));

/* The form with the stream's frame count. */
struct tg_stamp_total {
	struct tg_stamp s;
	__be64 total;
} __attribute__((packed));

#endif
