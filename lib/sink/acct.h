/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_ACCT_H
#define TG_SINK_ACCT_H

/*
 * The sink's accounting in userspace, for frames that reach a process
 * (`sink --xsk`): the same parse and filter (bpf/sink_parse.h), the same
 * per-stream sequence logic (bpf/seqtrack.h) and latency histogram
 * (bpf/lathist.h) as bpf/sink.bpf.c, into the same totals
 * (sink/report.h). One thread per accounting; streams in a table of
 * SINK_MAX_STREAMS, as each CPU's in the program. Several accountings
 * (one per socket, each fed by its own thread) merge as the program's
 * CPUs do.
 */
#include <stdint.h>
#include "sink.h"
#include "sink/report.h"

struct tg_sink_acct_stream {
	uint32_t id;
	struct seqtrack st;
};

struct tg_sink_acct {
	struct sink_cfg cfg;		/* proto and ports; action counts as drop */
	struct sink_pcpu c;
	struct sink_lat lat;
	unsigned int nstreams;
	struct tg_sink_acct_stream *streams;	/* SINK_MAX_STREAMS */
};

/* 0 or -ENOMEM. */
int tg_sink_acct_init(struct tg_sink_acct *a, const struct sink_cfg *cfg);
void tg_sink_acct_free(struct tg_sink_acct *a);

/*
 * Accounts one frame of len bytes that arrived at now_ns (CLOCK_MONOTONIC),
 * counted under verdict `act` (XDP_ABORTED..XDP_REDIRECT) if it matches.
 * data sits 2 bytes past a 4-byte boundary, as the kernel places frames,
 * so that the IP header is aligned. Returns whether it matched.
 */
int tg_sink_acct_frame(struct tg_sink_acct *a, const uint8_t *data, uint32_t len,
		       uint64_t now_ns, uint32_t act);

/*
 * The totals so far of the n accountings a[0..n-1] (pcap_written and
 * pcap_dropped untouched): counters and latency summed, each stream's
 * states merged with seqtrack_merge() as the XDP sink merges its CPUs'
 * (bpf/seqtrack.h says what stays exact when a stream is split).
 * 0 or -ENOMEM (then the streams that found no room are left out of t).
 */
int tg_sink_acct_totals(const struct tg_sink_acct *a, unsigned int n, struct tg_sink_totals *t);

#endif
