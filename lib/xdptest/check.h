/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_XDPTEST_CHECK_H
#define TG_XDPTEST_CHECK_H

/*
 * `trafficgen xdptest`: the checks of the XDP driver checklist, one row of
 * the matrix per check and frame size, how a row is judged and printed.
 * Pure C: the tests link it without root.
 */
#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"
#include "print.h"

enum tg_xt_check {
	TG_XT_PASS,
	TG_XT_DROP,
	TG_XT_TX,
	TG_XT_REDIRECT,
	TG_XT_XMIT,
	TG_XT_XSK,
	TG_XT_NCHECKS,
};

#define TG_XT_ALL ((1u << TG_XT_NCHECKS) - 1)

const char *tg_xt_check_name(enum tg_xt_check c);

/* "pass,drop,..." into a mask of (1 << check); -EINVAL naming the bad word. */
int tg_xt_parse_only(const char *s, unsigned int *mask, struct tg_err *err);

#define TG_XT_MAX_SIZES 8

/*
 * "64,512,1500": frame sizes on the wire (FCS included), each in
 * [min, max], at most TG_XT_MAX_SIZES, none twice. -EINVAL naming the bad one.
 */
int tg_xt_parse_sizes(const char *s, uint32_t min, uint32_t max, uint32_t *sizes,
		      unsigned int *n, struct tg_err *err);

/* A driver counter of a check against what it should read. */
enum tg_xt_ctr_state {
	TG_XT_CTR_NOT_OFFERED,
	TG_XT_CTR_MATCH,
	TG_XT_CTR_MISMATCH,
};

struct tg_xt_ctr {
	const char *dir;		/* "rx" or "tx" */
	const char *what;		/* "xdp_tx", ... */
	const char *ifname;		/* the interface it is read on */
	enum tg_xt_ctr_state state;
	uint64_t expected, counted;
};

#define TG_XT_MAX_CTRS 4
#define TG_XT_MAX_NAMES 3

/*
 * The counters a driver keeps for a check (the names the checklist asks
 * drivers to use, and veth's), and what each must read after `sent`
 * frames: the frames, or 0 for an error counter. Names of one counter
 * are alternatives (xdp_drop, xdp_drops): the first the driver offers is
 * read. on_tx: read on the tx interface (ndo_xdp_xmit's counters), not
 * the DUT.
 */
struct tg_xt_ctr_spec {
	const char *dir;
	const char *names[TG_XT_MAX_NAMES];
	bool errors;			/* must stay 0 */
	bool on_tx;
};

/* The specs of check c, their number in *n. */
const struct tg_xt_ctr_spec *tg_xt_ctr_specs(enum tg_xt_check c, unsigned int *n);

struct tg_xt_row {
	enum tg_xt_check check;
	uint32_t size;			/* frame size on the wire, FCS included */
	bool available;
	char why_not[96];		/* when not available */
	uint64_t sent, seen;		/* of the last pass (paced when the first lost) */
	uint64_t prog_seen;		/* frames the DUT's program counted */
	bool exact;
	double pps_full;		/* frames seen per second at full rate */
	uint64_t lost_full;		/* sent - seen at full rate */
	double paced_pps;		/* the rate of the last pass, 0: full */
	unsigned int nctrs;
	struct tg_xt_ctr ctrs[TG_XT_MAX_CTRS];
};

/*
 * Judges a pass: exact when frames were sent and the independent counter
 * saw each one exactly once (and, for drop, the program counted them all).
 */
bool tg_xt_exact(enum tg_xt_check c, uint64_t sent, uint64_t seen, uint64_t prog_seen);

/* Counter i of a row against its expectation (found: the driver offers it). */
void tg_xt_ctr_judge(struct tg_xt_ctr *c, bool found, uint64_t delta, uint64_t sent);

/* Whether the row fails the run: available and not exact, or a counter mismatch. */
bool tg_xt_row_fails(const struct tg_xt_row *r);

struct tg_xt_summary {
	unsigned int checks, exact, not_available, mismatches;
};

void tg_xt_summary_add(struct tg_xt_summary *s, const struct tg_xt_row *r);

/* The text table's heading (nothing in JSON). */
void tg_xt_print_head(FILE *f, bool json);
/* One row: a line of the table, or a {"type":"verdict",...} object. */
void tg_xt_print_row(FILE *f, bool json, const struct tg_xt_row *r);
void tg_xt_print_summary(FILE *f, bool json, const struct tg_xt_summary *s);

#endif
