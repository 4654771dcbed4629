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

/* Latency records of several CPUs or sockets, summed; then summarised. */
struct tg_sink_lat_sum {
	uint64_t buckets[LATHIST_BUCKETS];
	uint64_t min, max, sum;
};

void tg_sink_lat_sum_init(struct tg_sink_lat_sum *s);
void tg_sink_lat_sum_add(struct tg_sink_lat_sum *s, const struct sink_lat *l);
void tg_sink_lat_sum_done(const struct tg_sink_lat_sum *s, struct tg_sink_totals *t);

#endif
