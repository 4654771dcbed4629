// SPDX-License-Identifier: GPL-2.0
#include <string.h>
#include "sink/totals.h"

void tg_sink_totals_add_counters(struct tg_sink_totals *t, const struct sink_pcpu *c)
{
	unsigned int i;

	for (i = 0; i < SINK_NACTIONS; i++) {
		t->packets[i] += c->packets[i];
		t->bytes[i] += c->bytes[i];
	}
	t->truncated += c->truncated;
	t->ignored += c->ignored;
	t->stamped += c->stamped;
	t->stream_overflow += c->stream_overflow;
	t->clock_skew += c->clock_skew;
}

void tg_sink_totals_add_stream(struct tg_sink_totals *t, const struct seqtrack *st)
{
	t->streams++;
	t->lost += seqtrack_lost(st);
	t->reordered += st->reordered;
	t->duplicates += st->duplicates;
	t->late += st->late;
}

void tg_sink_lat_sum_init(struct tg_sink_lat_sum *s)
{
	memset(s, 0, sizeof(*s));
	s->min = UINT64_MAX;
}

void tg_sink_lat_sum_add(struct tg_sink_lat_sum *s, const struct sink_lat *l)
{
	unsigned int i;

	/* An empty record's min and max are not figures. */
	if (!l->count)
		return;
	if (l->min < s->min)
		s->min = l->min;
	if (l->max > s->max)
		s->max = l->max;
	s->sum += l->sum;
	for (i = 0; i < LATHIST_BUCKETS; i++)
		s->buckets[i] += l->buckets[i];
}

void tg_sink_lat_sum_done(const struct tg_sink_lat_sum *s, struct tg_sink_totals *t)
{
	tg_hist_summarise(s->buckets, LATHIST_BUCKETS, s->min, s->max, s->sum, &t->lat);
}
