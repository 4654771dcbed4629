// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "percpu.h"
#include "sink/hist.h"
#include "sink/maps.h"
#include "sink/totals.h"

/* Slots read in one bpf(2) call: each with every CPU's value of it. */
#define STREAM_BATCH 64

int tg_sink_maps_open(struct tg_sink_maps *m, int stats_fd, int lat_fd,
		      int streams_fd, struct tg_err *err)
{
	memset(m, 0, sizeof(*m));
	m->stats_fd = stats_fd;
	m->lat_fd = lat_fd;
	m->streams_fd = streams_fd;
	m->ncpus = tg_percpu_ncpus();
	if (m->ncpus < 0)
		return tg_fail(err, -m->ncpus, "could not count the possible CPUs");
	m->pcpu = tg_percpu_alloc(sizeof(*m->pcpu), m->ncpus);
	m->lat = tg_percpu_alloc(sizeof(*m->lat), m->ncpus);
	m->streams = tg_percpu_alloc(sizeof(*m->streams), m->ncpus * STREAM_BATCH);
	if (!m->pcpu || !m->lat || !m->streams) {
		tg_sink_maps_close(m);
		return tg_fail(err, ENOMEM, "out of memory for %d CPUs' counters", m->ncpus);
	}
	return 0;
}

int tg_sink_stream_read(int streams_fd, __u32 id, struct sink_stream *cpus, int ncpus,
			struct seqtrack *out)
{
	__u64 tag = sink_stream_tag(id);
	__u32 i, slot;
	int cpu, found = 0, free_all;

	memset(out, 0, sizeof(*out));
	/*
	 * Along the stream's probe path: on each CPU it is before that CPU's
	 * first free slot (bpf/sink.h), so past a slot free on every CPU there
	 * is nothing more to find.
	 */
	for (i = 0; i < SINK_STREAM_PROBES; i++) {
		slot = (sink_stream_slot(id) + i) & (SINK_STREAM_SLOTS - 1);
		if (bpf_map_lookup_elem(streams_fd, &slot, cpus))
			return -errno;
		free_all = 1;
		for (cpu = 0; cpu < ncpus; cpu++) {
			if (cpus[cpu].tag == tag) {
				seqtrack_merge(out, &cpus[cpu].st);
				found = 1;
			}
			if (cpus[cpu].tag)
				free_all = 0;
		}
		if (free_all)
			break;
	}
	return found ? 0 : -ENOENT;
}

/* Every CPU's streams, merged by id, into t. */
static void read_streams(struct tg_sink_maps *m, struct tg_sink_totals *t)
{
	struct tg_sink_stream_merge merge;
	__u32 keys[STREAM_BATCH], batch, count, i;
	void *in = NULL;
	int cpu, ret;

	tg_sink_stream_merge_init(&merge);
	do {
		count = STREAM_BATCH;
		ret = bpf_map_lookup_batch(m->streams_fd, in, &batch, keys, m->streams, &count,
					   NULL);
		/* ENOENT: the last slots are in this batch. */
		if (ret && errno != ENOENT)
			break;
		for (i = 0; i < count; i++)
			for (cpu = 0; cpu < m->ncpus; cpu++) {
				const struct sink_stream *s = &m->streams[i * m->ncpus + cpu];

				if (s->tag)
					tg_sink_stream_merge_add(&merge, sink_stream_id(s->tag),
								 &s->st);
			}
		in = &batch;
	} while (!ret);
	tg_sink_stream_merge_done(&merge, t);
}

static void read_latency(struct tg_sink_maps *m, struct tg_sink_totals *t)
{
	struct tg_sink_lat_sum sum;
	__u32 key = 0;
	int cpu;

	if (bpf_map_lookup_elem(m->lat_fd, &key, m->lat))
		return;
	tg_sink_lat_sum_init(&sum);
	for (cpu = 0; cpu < m->ncpus; cpu++)
		tg_sink_lat_sum_add(&sum, &m->lat[cpu]);
	tg_sink_lat_sum_done(&sum, t);
}

int tg_sink_maps_read(struct tg_sink_maps *m, bool all, struct tg_sink_totals *t)
{
	uint64_t written = t->pcap_written;
	struct sink_pcpu p;
	__u32 key = 0;

	if (bpf_map_lookup_elem(m->stats_fd, &key, m->pcpu))
		return -errno;
	tg_percpu_sum_all(m->pcpu, sizeof(*m->pcpu), m->ncpus, &p);
	memset(t, 0, sizeof(*t));
	t->pcap_written = written;
	tg_sink_totals_add_counters(t, &p);
	t->pcap_dropped = p.pcap_dropped;
	if (all) {
		read_streams(m, t);
		read_latency(m, t);
	}
	return 0;
}

void tg_sink_maps_close(struct tg_sink_maps *m)
{
	free(m->pcpu);
	free(m->lat);
	free(m->streams);
	m->pcpu = NULL;
	m->lat = NULL;
	m->streams = NULL;
}
