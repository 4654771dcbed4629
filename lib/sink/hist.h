/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_HIST_H
#define TG_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lathist.h"

/*
 * Percentiles of the sink's log-linear latency histogram (bucket layout in
 * bpf/lathist.h, shared with the BPF side). Pure: no I/O, no libbpf.
 */

#define TG_HIST_BUCKETS LATHIST_BUCKETS

/* What a histogram says, in the order the sink prints it. */
struct tg_hist_summary {
	uint64_t count;
	uint64_t min, p50, p90, p99, max;
	uint64_t mean;
};

/* Bucket of a value and the values a bucket holds (inclusive). */
uint32_t tg_hist_bucket(uint64_t v);
uint64_t tg_hist_lower(uint32_t bucket);
uint64_t tg_hist_upper(uint32_t bucket);

/*
 * The value at percentile per10k/100 (5000 is p50, 9990 is p99.9; 1 to
 * 10000), by the nearest-rank method: the smallest bucket holding the
 * ceil(per10k * total / 10000)-th value. Reported as that bucket's highest
 * value, so at most 12.5% above the true one and never below it, then
 * clamped to the exactly tracked [min, max]. Returns 0, or -ENOENT when
 * the histogram is empty, -EINVAL for per10k out of range.
 */
int tg_hist_percentile(const uint64_t *buckets, size_t nbuckets, uint64_t min,
		       uint64_t max, uint32_t per10k, uint64_t *out);

/* Fills s; false (s zeroed) when the histogram is empty. */
bool tg_hist_summarise(const uint64_t *buckets, size_t nbuckets, uint64_t min,
		       uint64_t max, uint64_t sum, struct tg_hist_summary *s);

#endif
