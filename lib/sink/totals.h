/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_TOTALS_H
#define TG_SINK_TOTALS_H

/*
 * A run's totals (struct tg_sink_totals) from the sink's own records: the
 * XDP sink's per-CPU map values (sink/maps.c) and sink --xsk's per-socket
 * accounting (sink/acct.c) are the same structs, merged the same way.
 */
#include <stdint.h>
#include "sink.h"
#include "seqtrack.h"
#include "sink/report.h"

/* Adds one record's frame counters (not the pcap ones) to t. */
void tg_sink_totals_add_counters(struct tg_sink_totals *t, const struct sink_pcpu *c);

/* Adds one stream, merged over CPUs or sockets: t->streams and its losses. */
void tg_sink_totals_add_stream(struct tg_sink_totals *t, const struct seqtrack *st);

/*
 * Streams of several CPUs' or sockets' tables, merged by id
 * (seqtrack_merge), however many ids there are: init, add each table's
 * streams, then done, which adds each merged stream to t and frees.
 */
struct tg_sink_merged_stream {
	uint32_t id;
	struct seqtrack st;
};

struct tg_sink_stream_merge {
	struct tg_sink_merged_stream *s;	/* n merged streams, room for cap */
	uint32_t n, cap;
	uint32_t *index;	/* open addressing on the id: 1 + its place in s; 0: free */
	uint32_t bits;		/* index has 2^bits entries (0 before the first add) */
};

void tg_sink_stream_merge_init(struct tg_sink_stream_merge *m);

/* 0, or -ENOMEM (the stream is then left out). */
int tg_sink_stream_merge_add(struct tg_sink_stream_merge *m, uint32_t id,
			     const struct seqtrack *st);

/* Adds the merged streams to t (t->streams and their losses) and frees m. */
void tg_sink_stream_merge_done(struct tg_sink_stream_merge *m, struct tg_sink_totals *t);

/* Latency records of several CPUs or sockets, summed; then summarised. */
struct tg_sink_lat_sum {
	uint64_t buckets[LATHIST_BUCKETS];
	uint64_t min, max, sum;
};

void tg_sink_lat_sum_init(struct tg_sink_lat_sum *s);
void tg_sink_lat_sum_add(struct tg_sink_lat_sum *s, const struct sink_lat *l);
void tg_sink_lat_sum_done(const struct tg_sink_lat_sum *s, struct tg_sink_totals *t);

#endif
