// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
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

void tg_sink_stream_merge_init(struct tg_sink_stream_merge *m)
{
	memset(m, 0, sizeof(*m));
}

/* Where id's entry is in m->index, or the free entry it would take. */
static uint32_t *merge_find(const struct tg_sink_stream_merge *m, uint32_t id)
{
	uint32_t mask = (1u << m->bits) - 1, i = sink_stream_hash(id, m->bits);

	/* Ends: the index is never more than half full. */
	while (m->index[i] && m->s[m->index[i] - 1].id != id)
		i = (i + 1) & mask;
	return &m->index[i];
}

/*
 * Doubles the index and fills it again. It starts at a table's size,
 * SINK_STREAM_SLOTS: at least 2 * SINK_MAX_STREAMS, as bpf/sink.h asserts.
 */
static int merge_grow(struct tg_sink_stream_merge *m)
{
	uint32_t bits = m->index ? m->bits + 1 : SINK_STREAM_BITS, i;
	uint32_t *index;

	/* 2^31 entries would hold 2^30 ids, more than any table gives. */
	if (bits > 31)
		return -ENOMEM;
	index = calloc(1u << bits, sizeof(*index));
	if (!index)
		return -ENOMEM;
	free(m->index);
	m->index = index;
	m->bits = bits;
	for (i = 0; i < m->n; i++)
		*merge_find(m, m->s[i].id) = i + 1;
	return 0;
}

int tg_sink_stream_merge_add(struct tg_sink_stream_merge *m, uint32_t id,
			     const struct seqtrack *st)
{
	uint32_t *e;

	if (!m->index || 2 * (m->n + 1) > 1u << m->bits) {
		if (merge_grow(m))
			return -ENOMEM;
	}
	e = merge_find(m, id);
	if (!*e) {
		if (m->n == m->cap) {
			uint32_t cap = m->cap ? 2 * m->cap : 16;
			struct tg_sink_merged_stream *s = realloc(m->s, cap * sizeof(*s));

			if (!s)
				return -ENOMEM;
			m->s = s;
			m->cap = cap;
		}
		memset(&m->s[m->n], 0, sizeof(m->s[m->n]));
		m->s[m->n].id = id;
		*e = ++m->n;
	}
	seqtrack_merge(&m->s[*e - 1].st, st);
	return 0;
}

void tg_sink_stream_merge_done(struct tg_sink_stream_merge *m, struct tg_sink_totals *t)
{
	uint32_t i;

	for (i = 0; i < m->n; i++)
		tg_sink_totals_add_stream(t, &m->s[i].st);
	free(m->s);
	free(m->index);
	tg_sink_stream_merge_init(m);
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
