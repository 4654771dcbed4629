/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_LATHIST_H
#define TG_LATHIST_H

/*
 * Bucket mapping of the sink's latency histogram, shared by the BPF program
 * (which fills the buckets) and lib/sink/hist.c (which reads percentiles off
 * them), so the two cannot disagree on what a bucket means.
 *
 * Log-linear, as HdrHistogram: values below 8 have a bucket each; above,
 * every power of two [2^m, 2^(m+1)) is cut into 8 equal sub-buckets, so a
 * bucket is at most 1/8 (12.5%) of its values wide, over the whole u64
 * range (a sender with an unsynchronised clock can make any value).
 */
#include <linux/types.h>

#define LATHIST_SUB_BITS 3
#define LATHIST_SUB (1 << LATHIST_SUB_BITS)			/* 8 */
#define LATHIST_BUCKETS ((64 - LATHIST_SUB_BITS + 1) * LATHIST_SUB)	/* 496 */

#define LATHIST_INLINE static inline __attribute__((always_inline))

/* Index of the highest set bit of v > 0, without a clz instruction (BPF has none). */
LATHIST_INLINE __u32 lathist_msb(__u64 v)
{
	__u32 r = 0;

	if (v >> 32) { v >>= 32; r += 32; }
	if (v >> 16) { v >>= 16; r += 16; }
	if (v >> 8) { v >>= 8; r += 8; }
	if (v >> 4) { v >>= 4; r += 4; }
	if (v >> 2) { v >>= 2; r += 2; }
	if (v >> 1)
		r += 1;
	return r;
}

LATHIST_INLINE __u32 lathist_bucket(__u64 v)
{
	__u32 m;

	if (v < LATHIST_SUB)
		return v;
	m = lathist_msb(v);
	return (m - LATHIST_SUB_BITS + 1) * LATHIST_SUB +
	       ((v >> (m - LATHIST_SUB_BITS)) & (LATHIST_SUB - 1));
}

/* Smallest value of bucket i (< LATHIST_BUCKETS). */
LATHIST_INLINE __u64 lathist_lower(__u32 i)
{
	__u32 m, sub;

	if (i < LATHIST_SUB)
		return i;
	m = i / LATHIST_SUB + LATHIST_SUB_BITS - 1;
	sub = i % LATHIST_SUB;
	return (__u64)(LATHIST_SUB + sub) << (m - LATHIST_SUB_BITS);
}

/* Largest value of bucket i: no overflow, the last bucket ends at 2^64 - 1. */
LATHIST_INLINE __u64 lathist_upper(__u32 i)
{
	__u32 m;

	if (i < LATHIST_SUB)
		return i;
	m = i / LATHIST_SUB + LATHIST_SUB_BITS - 1;
	return lathist_lower(i) + ((1ULL << (m - LATHIST_SUB_BITS)) - 1);
}

#endif
