/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TXERR_USER_H
#define TG_TXERR_USER_H

#include <stdbool.h>
#include <stdint.h>
#include "txerr.h"
#include "veth_xmit.h"

struct txerr_bpf;

/*
 * Counting of transmit failures towards the run's targets. Redirects that
 * fail at once come from the xdp_redirect_err tracepoint, which runs only
 * on failure. Frames a target's ring refuses come from the veth's own
 * counters when every target is a veth (free), else from the
 * xdp_devmap_xmit tracepoint, which runs at every transmit flush (its
 * cost is in README). Feature-detected: where the kernel
 * lacks a tracepoint the counting is partial or off (counting == false)
 * and the run goes on.
 */
struct tg_txerr_veth {
	struct tg_veth_xmit v;
	uint64_t ok0, err0;		/* the counters at open */
};

struct tg_txerr {
	struct txerr_bpf *skel;
	bool counting;			/* refused frames are counted */
	unsigned int ntargets;
	struct tg_txerr_veth *veth;	/* per target, or NULL: traced */
};

/*
 * Counts failures towards these interface indexes in the calling thread's
 * network namespace. Never fails the run: on any problem it warns and
 * leaves counting off. TRAFFICGEN_TXERR=trace in the environment traces
 * refused frames even when every target is a veth.
 */
void tg_txerr_open(struct tg_txerr *t, const int *ifindex, unsigned int n);
/* Failures towards target i so far, summed over CPUs. */
uint64_t tg_txerr_read(const struct tg_txerr *t, unsigned int i);
/*
 * The same once the run's calls have returned and redirected frames were
 * redirected towards target i: on a veth this also counts the frames it
 * dropped without counting them (its peer lost its XDP program or went
 * down mid-run), as those it never took.
 */
uint64_t tg_txerr_read_final(const struct tg_txerr *t, unsigned int i, uint64_t redirected);
void tg_txerr_close(struct tg_txerr *t);

/*
 * Whether the counting programs load and attach here, towards ifindex
 * (`trafficgen probe`): loads them as a run would, then drops them.
 * 0 or a negative errno.
 */
int tg_txerr_try(int ifindex, bool with_redirect_err);

#endif
