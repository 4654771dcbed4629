/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_MAPS_H
#define TG_SINK_MAPS_H

#include <stdbool.h>
#include "errbuf.h"
#include "sink.h"
#include "sink/report.h"

/*
 * Reading the sink's maps (bpf/sink.h) into totals: per-CPU counters and
 * latency summed over CPUs, each stream's CPUs merged (seqtrack_merge)
 * and the streams summed. By map fd, so that the command and the tests can
 * share it.
 */
struct tg_sink_maps {
	int stats_fd, lat_fd, streams_fd;
	int ncpus;			/* possible CPUs: per-CPU value count */
	struct sink_pcpu *pcpu;		/* ncpus values */
	struct sink_lat *lat;		/* ncpus values */
	struct sink_stream *streams;	/* ncpus values of each of a batch of slots */
};

/*
 * Stream id's state, its CPUs' merged into out; cpus (ncpus values) is
 * room for one slot's. -ENOENT if no CPU has it, or -errno.
 */
int tg_sink_stream_read(int streams_fd, __u32 id, struct sink_stream *cpus, int ncpus,
			struct seqtrack *out);

int tg_sink_maps_open(struct tg_sink_maps *m, int stats_fd, int lat_fd,
		      int streams_fd, struct tg_err *err);

/*
 * Counters into t (pcap_written untouched); with `all`, streams and the
 * latency summary too, which cost more (the -c poll does without).
 * -errno if the counters could not be read; t is then left as it was.
 */
int tg_sink_maps_read(struct tg_sink_maps *m, bool all, struct tg_sink_totals *t);

void tg_sink_maps_close(struct tg_sink_maps *m);

#endif
