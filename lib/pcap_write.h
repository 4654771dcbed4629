/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_PCAPW_H
#define TG_PCAPW_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"

/*
 * A pcap file being written: Ethernet frames with nanosecond timestamps,
 * taken as CLOCK_MONOTONIC (what BPF programs read) and turned into wall
 * clock time with the offset between the two clocks at open.
 */
struct tg_pcapw {
	void *pcap;		/* pcap_t *, opaque here to keep <pcap.h> out */
	void *dumper;		/* pcap_dumper_t * */
	const char *path;
	uint32_t snaplen;
	int64_t mono_to_real_ns;
	uint64_t written;
};

/* Creates (or truncates) path. -errno with err naming the file. */
int tg_pcapw_open(struct tg_pcapw *w, const char *path, uint32_t snaplen,
		  struct tg_err *err);

/* One frame of len bytes, of which caplen (<= snaplen) are at data. */
void tg_pcapw_write(struct tg_pcapw *w, uint64_t mono_ns, uint32_t len,
		    const void *data, uint32_t caplen);

/*
 * Flushes and closes; safe on a writer that was never opened or is closed
 * already. -EIO with err set if anything failed to reach the file.
 */
int tg_pcapw_close(struct tg_pcapw *w, struct tg_err *err);

#endif
