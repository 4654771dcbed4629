/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_THRESH_H
#define TG_THRESH_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"
#include "sink/hist.h"

/*
 * Pass/fail thresholds for load tests in CI (--max-loss, --min-pps,
 * --max-latency-p99): a run that misses one exits with TG_THRESH_EXIT, the
 * missed figures in the message and in the JSON summary. Pure C.
 */
#define TG_THRESH_EXIT 3
#define TG_THRESH_MAX_MISSES 3

struct tg_thresh {
	double max_loss_pct;		/* < 0: no threshold */
	uint64_t min_pps;		/* 0: none */
	uint64_t max_p99_ns;		/* 0: none */
};

/* What a run measured. loss_known: frames were counted at both ends or stamped. */
struct tg_thresh_input {
	bool loss_known;
	uint64_t expected;		/* frames that should have arrived */
	uint64_t lost;			/* of those, frames that did not */
	double pps;			/* received per second */
	const struct tg_hist_summary *lat;	/* lat->count 0: none measured */
};

struct tg_thresh_result {
	int nmissed;
	char missed[TG_THRESH_MAX_MISSES][96];	/* "loss 1.25% > --max-loss 1%" */
};

static inline bool tg_thresh_active(const struct tg_thresh *g)
{
	return g->max_loss_pct >= 0 || g->min_pps || g->max_p99_ns;
}

/* Fills r; returns true when every threshold set was met. */
bool tg_thresh_check(const struct tg_thresh *g, const struct tg_thresh_input *in,
		   struct tg_thresh_result *r);

struct tg_print;
/*
 * "thresholds_met": bool, "missed": "a; b" (only when a threshold was set),
 * on a JSON line only: in text, each miss is an error line on stderr.
 */
void tg_thresh_json(struct tg_print *p, const struct tg_thresh *g,
		    const struct tg_thresh_result *r);

/* --max-loss: a percentage 0..100, "%" optional ("0.5", "1%"). */
int tg_thresh_parse_pct(const char *s, void *field, struct tg_err *err);

#endif
