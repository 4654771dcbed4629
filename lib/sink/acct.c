// SPDX-License-Identifier: GPL-2.0
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sink_parse.h"
#include "sink/acct.h"
#include "sink/hist.h"
#include "stamp.h"

int tg_sink_acct_init(struct tg_sink_acct *a, const struct sink_cfg *cfg)
{
	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	a->streams = calloc(SINK_MAX_STREAMS, sizeof(*a->streams));
	return a->streams ? 0 : -ENOMEM;
}

void tg_sink_acct_free(struct tg_sink_acct *a)
{
	free(a->streams);
	a->streams = NULL;
}

/* The stream's tracker; NULL when the table is full (as the program's map). */
static struct seqtrack *stream(struct tg_sink_acct *a, uint32_t id)
{
	unsigned int i;

	/* Few streams (one per sending thread and run): a scan from the newest. */
	for (i = a->nstreams; i-- > 0;)
		if (a->streams[i].id == id)
			return &a->streams[i].st;
	if (a->nstreams == SINK_MAX_STREAMS)
		return NULL;
	a->streams[a->nstreams].id = id;
	return &a->streams[a->nstreams++].st;
}


/* As the program's handle_stamp(): the short form, or the one with the stream's total. */
static void stamp(struct tg_sink_acct *a, const struct pkt *p, const void *end, uint64_t now)
{
	struct tg_stamp_total stt;
	struct tg_stamp st;
	struct seqtrack *t;
	uint64_t total = 0;

	if (p->l4 != IPPROTO_UDP || (const uint8_t *)p->payload + sizeof(st) > (const uint8_t *)end ||
	    p->udp_len < sizeof(struct udphdr) + sizeof(st))
		return;
	memcpy(&st, p->payload, sizeof(st));
	if (st.magic == htobe32(TG_STAMP_MAGIC_TOTAL)) {
		if ((const uint8_t *)p->payload + sizeof(stt) > (const uint8_t *)end ||
		    p->udp_len < sizeof(struct udphdr) + sizeof(stt))
			return;
		memcpy(&stt, p->payload, sizeof(stt));
		total = be64toh(stt.total);
	} else if (st.magic != htobe32(TG_STAMP_MAGIC)) {
		return;
	}
	a->c.stamped++;
	t = stream(a, be32toh(st.stream));
	if (t) {
		seqtrack_add(t, be64toh(st.seq));
		seqtrack_total(t, total);
	} else {
		a->c.stream_overflow++;
	}
	/* As the program's record_latency(). */
	if (be64toh(st.tx_ns) > now)
		a->c.clock_skew++;
	else
		sink_lat_add(&a->lat, now - be64toh(st.tx_ns));
}

int tg_sink_acct_frame(struct tg_sink_acct *a, const uint8_t *data, uint32_t len,
		       uint64_t now_ns, uint32_t act)
{
	const struct sink_cfg *c = &a->cfg;
	void *end = (void *)(data + len);
	struct pkt p = { 0 };

	switch (sink_classify((void *)data, end, &p, c->proto, c->port_filter, c->port_lo,
			      c->port_hi)) {
	case SINK_TRUNCATED_PASS:
		a->c.truncated++;
		return 0;
	case SINK_TRUNCATED:
		a->c.truncated++;
		break;
	case SINK_IGNORED:
		a->c.ignored++;
		return 0;
	case SINK_MATCHED:
		if (p.payload)
			stamp(a, &p, end, now_ns);
		break;
	}
	if (act >= SINK_NACTIONS)
		act = XDP_ABORTED;
	a->c.packets[act]++;
	a->c.bytes[act] += len;
	return 1;
}

void tg_sink_acct_totals(const struct tg_sink_acct *a, struct tg_sink_totals *t)
{
	unsigned int i;

	/* __u64 and uint64_t are one type of two names: the same 8 bytes. */
	_Static_assert(sizeof(a->lat.buckets[0]) == sizeof(uint64_t), "bucket width");
	for (i = 0; i < SINK_NACTIONS; i++) {
		t->packets[i] = a->c.packets[i];
		t->bytes[i] = a->c.bytes[i];
	}
	t->truncated = a->c.truncated;
	t->ignored = a->c.ignored;
	t->stamped = a->c.stamped;
	t->stream_overflow = a->c.stream_overflow;
	t->clock_skew = a->c.clock_skew;
	t->streams = a->nstreams;
	t->lost = t->reordered = t->duplicates = t->late = 0;
	for (i = 0; i < a->nstreams; i++) {
		const struct seqtrack *s = &a->streams[i].st;

		t->lost += seqtrack_lost(s);
		t->reordered += s->reordered;
		t->duplicates += s->duplicates;
		t->late += s->late;
	}
	tg_hist_summarise((const uint64_t *)a->lat.buckets, LATHIST_BUCKETS, a->lat.min,
			  a->lat.max, a->lat.sum, &t->lat);
}
