/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_STATS_H
#define TG_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Output of a sending run: a line every interval and a summary, as text or
 * as one JSON object a line. Bytes are frame bytes without the FCS, the way
 * interface counters (ip -s link) count them, so the two can be compared.
 */
struct tg_tx_counts {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;		/* refused by the target or failed to redirect */
};

struct tg_print;

struct tg_out {
	FILE *f;
	bool json;
	bool errors_counted;		/* false: the kernel gave us no way to count */
	const char *ifname;
	/* Optional: more keys for the JSON summary (the far end of --veth). */
	void (*json_extra)(struct tg_print *p, void *arg);
	void *extra_arg;
};

void tg_tx_interval(const struct tg_out *o, uint64_t elapsed_ns,
		    const struct tg_tx_counts *delta, uint64_t dt_ns);
void tg_tx_summary(const struct tg_out *o, const struct tg_tx_counts *total,
		   uint64_t duration_ns);

/* a - b, field by field. */
struct tg_tx_counts tg_tx_sub(const struct tg_tx_counts *a,
			      const struct tg_tx_counts *b);

/* Rates from counts over ns (0 when ns is 0). */
double tg_rate(uint64_t n, uint64_t ns);

#endif
