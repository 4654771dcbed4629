/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_OUT_H
#define TG_SINK_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "sink/thresholds.h"
#include "sink/hist.h"

/*
 * What the sink reports, summed over CPUs and streams, and its output: a
 * start line, a line every interval and a summary, as text or as one JSON
 * object a line. Pure: the caller reads the maps. Bytes are frame bytes
 * without the FCS, as interface counters count them.
 */
enum { TG_SINK_NACTIONS = 5 };	/* by XDP verdict, aborted .. redirect */

struct tg_sink_totals {
	uint64_t packets[TG_SINK_NACTIONS];
	uint64_t bytes[TG_SINK_NACTIONS];
	uint64_t truncated, ignored;
	uint64_t stamped, streams, stream_overflow, clock_skew;
	uint64_t lost, reordered, duplicates, late;
	struct tg_hist_summary lat;	/* lat.count 0: no latency measured */
	uint64_t pcap_written, pcap_dropped;
};

struct tg_sink_out {
	FILE *f;
	bool json;
	bool pcap;			/* recording: report the file */
	const char *ifname;
	const char *pcap_path;
	/* Optional: thresholds and how the run did against them. */
	const struct tg_thresh *gate;
	const struct tg_thresh_result *gate_result;
};

uint64_t tg_sink_received(const struct tg_sink_totals *t);
uint64_t tg_sink_bytes(const struct tg_sink_totals *t);

/* Counts in now since prev (lost may go down: a late frame fills a gap). */
void tg_sink_interval(const struct tg_sink_out *o, uint64_t elapsed_ns,
		      const struct tg_sink_totals *now,
		      const struct tg_sink_totals *prev, uint64_t dt_ns);
void tg_sink_summary(const struct tg_sink_out *o, const struct tg_sink_totals *t,
		     uint64_t duration_ns);

struct tg_print;
/*
 * The far end's keys inside a sender's JSON summary (udp --veth):
 * "received", "received_bytes", "stamped", "lost", "reordered",
 * "duplicates", "latency_ns" {...}.
 */
void tg_sink_json_far_end(struct tg_print *p, const struct tg_sink_totals *t);

#endif
