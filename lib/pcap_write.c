// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <pcap/pcap.h>
#include "pcap_write.h"

#define NS_PER_SEC 1000000000LL

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

int tg_pcapw_open(struct tg_pcapw *w, const char *path, uint32_t snaplen,
		  struct tg_err *err)
{
	pcap_t *p;

	memset(w, 0, sizeof(*w));
	/* pcap_dump_open() takes "-" for stdout, where our own output goes. */
	if (!strcmp(path, "-"))
		return tg_fail(err, EINVAL, "--pcap: '-' (stdout) is taken by the "
			       "sink's own output: give a file name");
	p = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, snaplen,
						 PCAP_TSTAMP_PRECISION_NANO);
	if (!p)
		return tg_fail(err, ENOMEM, "could not set up a pcap writer for %s", path);
	w->dumper = pcap_dump_open(p, path);
	if (!w->dumper) {
		/* libpcap's message names the file and says why. */
		tg_fail(err, EIO, "could not create the pcap file: %s", pcap_geterr(p));
		pcap_close(p);
		return -EIO;
	}
	w->pcap = p;
	w->path = path;
	w->snaplen = snaplen;
	w->mono_to_real_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	return 0;
}

void tg_pcapw_write(struct tg_pcapw *w, uint64_t mono_ns, uint32_t len,
		    const void *data, uint32_t caplen)
{
	int64_t t = (int64_t)mono_ns + w->mono_to_real_ns;
	struct pcap_pkthdr h = {
		.ts = { .tv_sec = t / NS_PER_SEC, .tv_usec = t % NS_PER_SEC },
		.caplen = caplen < w->snaplen ? caplen : w->snaplen,
		.len = len,
	};

	/* A nanosecond-precision dumper reads tv_usec as nanoseconds. */
	pcap_dump(w->dumper, &h, data);
	w->written++;
}

int tg_pcapw_close(struct tg_pcapw *w, struct tg_err *err)
{
	int ret = 0;

	if (!w->dumper)
		return 0;
	if (pcap_dump_flush(w->dumper) || ferror(pcap_dump_file(w->dumper)))
		ret = tg_fail(err, EIO, "writing pcap file %s failed (disk full?): "
			      "it may be incomplete", w->path);
	pcap_dump_close(w->dumper);
	pcap_close(w->pcap);
	w->dumper = NULL;
	w->pcap = NULL;
	return ret;
}
