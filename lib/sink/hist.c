// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "sink/hist.h"

uint32_t tg_hist_bucket(uint64_t v)
{
	return lathist_bucket(v);
}

uint64_t tg_hist_lower(uint32_t bucket)
{
	return lathist_lower(bucket);
}

uint64_t tg_hist_upper(uint32_t bucket)
{
	return lathist_upper(bucket);
}

static uint64_t total_of(const uint64_t *buckets, size_t n)
{
	uint64_t t = 0;
	size_t i;

	for (i = 0; i < n; i++)
		t += buckets[i];
	return t;
}

int tg_hist_percentile(const uint64_t *buckets, size_t nbuckets, uint64_t min,
		       uint64_t max, uint32_t per10k, uint64_t *out)
{
	uint64_t total, rank, seen = 0, v;
	size_t i;

	if (per10k < 1 || per10k > 10000)
		return -EINVAL;
	if (nbuckets > TG_HIST_BUCKETS)
		nbuckets = TG_HIST_BUCKETS;
	total = total_of(buckets, nbuckets);
	if (!total)
		return -ENOENT;
	/* 128 bits: total * 10000 must not wrap, whatever the count. */
	rank = (uint64_t)(((unsigned __int128)total * per10k + 9999) / 10000);
	for (i = 0; i < nbuckets; i++) {
		seen += buckets[i];
		if (seen >= rank)
			break;
	}
	v = tg_hist_upper(i);
	if (v > max)
		v = max;
	if (v < min)
		v = min;
	*out = v;
	return 0;
}

bool tg_hist_summarise(const uint64_t *buckets, size_t nbuckets, uint64_t min,
		       uint64_t max, uint64_t sum, struct tg_hist_summary *s)
{
	memset(s, 0, sizeof(*s));
	s->count = total_of(buckets, nbuckets < TG_HIST_BUCKETS ? nbuckets : TG_HIST_BUCKETS);
	if (!s->count)
		return false;
	s->min = min;
	s->max = max;
	s->mean = sum / s->count;
	tg_hist_percentile(buckets, nbuckets, min, max, 5000, &s->p50);
	tg_hist_percentile(buckets, nbuckets, min, max, 9000, &s->p90);
	tg_hist_percentile(buckets, nbuckets, min, max, 9900, &s->p99);
	return true;
}
