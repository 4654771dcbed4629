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
 */
#include <linux/types.h>

#define TG_STAMP_MAGIC 0x7467656eU	/* "tgen" */
#define TG_STAMP_LEN 24

struct tg_stamp {
	__be32 magic;
	__be32 stream;
	__be64 seq;
	__be64 tx_ns;
} __attribute__((packed));

#endif
