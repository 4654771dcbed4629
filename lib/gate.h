/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_GATE_H
#define TG_GATE_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"
#include "hist.h"

/*
 * Pass/fail thresholds for load tests in CI (--max-loss, --min-pps,
 * --max-latency-p99): a run that misses one exits with TG_GATE_EXIT, the
 * missed figures in the message and in the JSON summary. Pure C.
 */
#define TG_GATE_EXIT 3
#define TG_GATE_MAX_MISSES 3

struct tg_gate {
	double max_loss_pct;		/* < 0: no threshold */
	uint64_t min_pps;		/* 0: none */
	uint64_t max_p99_ns;		/* 0: none */
};

/* What a run measured. loss_known: frames were counted at both ends or stamped. */
struct tg_gate_input {
	bool loss_known;
	uint64_t expected;		/* frames that should have arrived */
	uint64_t lost;			/* of those, frames that did not */
	double pps;			/* received per second */
	const struct tg_hist_summary *lat;	/* lat->count 0: none measured */
};

struct tg_gate_result {
	int nmissed;
	char missed[TG_GATE_MAX_MISSES][96];	/* "loss 1.25% > --max-loss 1%" */
};

static inline bool tg_gate_active(const struct tg_gate *g)
{
	return g->max_loss_pct >= 0 || g->min_pps || g->max_p99_ns;
}

/* Fills r; returns true when every threshold set was met. */
bool tg_gate_check(const struct tg_gate *g, const struct tg_gate_input *in,
		   struct tg_gate_result *r);

struct tg_json;
/* "thresholds_met": bool, "missed": "a; b" (only when a threshold was set). */
void tg_gate_json(struct tg_json *j, const struct tg_gate *g,
		  const struct tg_gate_result *r);

/* --max-loss: a percentage 0..100, "%" optional ("0.5", "1%"). */
int tg_gate_parse_pct(const char *s, void *field, struct tg_err *err);

#endif
