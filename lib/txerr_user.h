/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TXERR_USER_H
#define TG_TXERR_USER_H

#include <stdbool.h>
#include <stdint.h>
#include "txerr.h"

struct txerr_bpf;

/*
 * Counting of transmit failures towards the run's targets, from the xdp
 * tracepoints. Feature-detected: where the kernel lacks a tracepoint the
 * counting is partial or off (counting == false) and the run goes on.
 */
struct tg_txerr {
	struct txerr_bpf *skel;
	bool counting;			/* both tracepoints attached */
	unsigned int ntargets;
};

/*
 * Counts failures towards these interface indexes in the calling thread's
 * network namespace. Never fails the run: on any problem it warns and
 * leaves counting off.
 */
void tg_txerr_open(struct tg_txerr *t, const int *ifindex, unsigned int n);
/* Failures towards target i, summed over CPUs. */
uint64_t tg_txerr_read(const struct tg_txerr *t, unsigned int i);
void tg_txerr_close(struct tg_txerr *t);

#endif
