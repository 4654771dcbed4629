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
	m->streams = tg_percpu_alloc(sizeof(*m->streams), m->ncpus);
	if (!m->pcpu || !m->lat || !m->streams) {
		tg_sink_maps_close(m);
		return tg_fail(err, ENOMEM, "out of memory for %d CPUs' counters", m->ncpus);
	}
	return 0;
}

int tg_sink_stream_read(int streams_fd, __u32 id, struct sink_stream *cpus, int ncpus,
			struct seqtrack *out)
{
	int cpu;

	if (bpf_map_lookup_elem(streams_fd, &id, cpus))
		return -errno;
	memset(out, 0, sizeof(*out));
	for (cpu = 0; cpu < ncpus; cpu++)
		seqtrack_merge(out, &cpus[cpu].st);
	return 0;
}

static void read_streams(struct tg_sink_maps *m, struct tg_sink_totals *t)
{
	struct seqtrack st;
	__u32 key, next, n;
	void *prev = NULL;

	/* Bounded: the map holds at most SINK_MAX_STREAMS and nothing deletes. */
	for (n = 0; n < SINK_MAX_STREAMS &&
	     !bpf_map_get_next_key(m->streams_fd, prev, &next); n++) {
		key = next;
		prev = &key;
		if (tg_sink_stream_read(m->streams_fd, key, m->streams, m->ncpus, &st))
			continue;
		tg_sink_totals_add_stream(t, &st);
	}
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
