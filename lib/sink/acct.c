// SPDX-License-Identifier: GPL-2.0
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sink_parse.h"
#include "sink/acct.h"
#include "sink/hist.h"
#include "sink/totals.h"
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

int tg_sink_acct_totals(const struct tg_sink_acct *a, unsigned int n, struct tg_sink_totals *t)
{
	struct tg_sink_stream_merge merge;
	struct tg_sink_lat_sum lat;
	unsigned int i, k;
	int ret = 0;

	memset(t->packets, 0, sizeof(t->packets));
	memset(t->bytes, 0, sizeof(t->bytes));
	t->truncated = t->ignored = t->stamped = t->stream_overflow = t->clock_skew = 0;
	tg_sink_lat_sum_init(&lat);
	tg_sink_stream_merge_init(&merge);
	for (i = 0; i < n; i++) {
		tg_sink_totals_add_counters(t, &a[i].c);
		tg_sink_lat_sum_add(&lat, &a[i].lat);
		for (k = 0; k < a[i].nstreams; k++)
			if (tg_sink_stream_merge_add(&merge, a[i].streams[k].id,
						     &a[i].streams[k].st))
				ret = -ENOMEM;
	}
	t->streams = 0;
	t->lost = t->reordered = t->duplicates = t->late = 0;
	tg_sink_stream_merge_done(&merge, t);
	tg_sink_lat_sum_done(&lat, t);
	return ret;
}
