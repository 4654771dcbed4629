// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xdptest/check.h"

static const char *const names[TG_XT_NCHECKS] = {
	[TG_XT_PASS] = "pass", [TG_XT_DROP] = "drop", [TG_XT_TX] = "tx",
	[TG_XT_REDIRECT] = "redirect", [TG_XT_XMIT] = "xmit", [TG_XT_XSK] = "xsk",
};

const char *tg_xt_check_name(enum tg_xt_check c)
{
	return c < TG_XT_NCHECKS ? names[c] : "?";
}

int tg_xt_parse_only(const char *s, unsigned int *mask, struct tg_err *err)
{
	const char *p = s, *end;
	unsigned int c;

	*mask = 0;
	for (;;) {
		end = strchrnul(p, ',');
		for (c = 0; c < TG_XT_NCHECKS; c++)
			if (strlen(names[c]) == (size_t)(end - p) && !strncmp(p, names[c], end - p))
				break;
		if (c == TG_XT_NCHECKS)
			return tg_fail(err, EINVAL, "'%.*s' is not a check (pass, drop, tx, redirect, "
				       "xmit, xsk)", (int)(end - p), p);
		*mask |= 1u << c;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

int tg_xt_parse_sizes(const char *s, uint32_t min, uint32_t max, uint32_t *sizes,
		      unsigned int *n, struct tg_err *err)
{
	const char *p = s;
	unsigned int i;
	char *end;

	*n = 0;
	for (;;) {
		unsigned long v;

		if (*p < '0' || *p > '9')
			return tg_fail(err, EINVAL, "'%s' is not a list of frame sizes (64,512,1500)", s);
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno || v < min || v > max)
			return tg_fail(err, EINVAL, "size %.*s is out of range (%u-%u)",
				       (int)(end - p), p, min, max);
		if (*end && *end != ',')
			return tg_fail(err, EINVAL, "'%s' is not a list of frame sizes (64,512,1500)", s);
		for (i = 0; i < *n; i++)
			if (sizes[i] == v)
				return tg_fail(err, EINVAL, "size %lu is given twice", v);
		if (*n == TG_XT_MAX_SIZES)
			return tg_fail(err, EINVAL, "more than %d sizes", TG_XT_MAX_SIZES);
		sizes[(*n)++] = v;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

/*
 * The checklist's names (rx_xdp_drop, rx_xdp_tx_errors, tx_xdp_xmit, ...)
 * and veth's plural ones (rx_queue_N_xdp_drops).
 */
static const struct tg_xt_ctr_spec specs[TG_XT_NCHECKS][TG_XT_MAX_CTRS] = {
	[TG_XT_PASS] = { { "rx", { "xdp_pass" } } },
	[TG_XT_DROP] = { { "rx", { "xdp_drop", "xdp_drops" } } },
	[TG_XT_TX] = { { "rx", { "xdp_tx" } },
		       { "rx", { "xdp_tx_errors", "xdp_tx_err" }, .errors = true } },
	[TG_XT_REDIRECT] = { { "rx", { "xdp_redirect" } } },
	[TG_XT_XMIT] = { { "tx", { "xdp_xmit" }, .on_tx = true },
			 { "tx", { "xdp_xmit_errors", "xdp_xmit_err" }, .errors = true, .on_tx = true } },
	/* An XSKMAP redirect is a redirect to the driver. */
	[TG_XT_XSK] = { { "rx", { "xdp_redirect" } } },
};

const struct tg_xt_ctr_spec *tg_xt_ctr_specs(enum tg_xt_check c, unsigned int *n)
{
	unsigned int i = 0;

	if (c >= TG_XT_NCHECKS) {
		*n = 0;
		return NULL;
	}
	while (i < TG_XT_MAX_CTRS && specs[c][i].dir)
		i++;
	*n = i;
	return specs[c];
}

bool tg_xt_exact(enum tg_xt_check c, uint64_t sent, uint64_t seen, uint64_t prog_seen)
{
	if (!sent || seen != sent)
		return false;
	return c != TG_XT_DROP || prog_seen == sent;
}

void tg_xt_ctr_judge(struct tg_xt_ctr *c, bool found, uint64_t delta, uint64_t expected)
{
	c->expected = expected;
	c->counted = delta;
	c->state = !found ? TG_XT_CTR_NOT_OFFERED :
		   delta == expected ? TG_XT_CTR_MATCH : TG_XT_CTR_MISMATCH;
}

bool tg_xt_row_fails(const struct tg_xt_row *r)
{
	unsigned int i;

	if (!r->available)
		return false;
	if (!r->exact)
		return true;
	for (i = 0; i < r->nctrs; i++)
		if (r->ctrs[i].state == TG_XT_CTR_MISMATCH)
			return true;
	return false;
}

void tg_xt_summary_add(struct tg_xt_summary *s, const struct tg_xt_row *r)
{
	unsigned int i;

	s->checks++;
	if (!r->available) {
		s->not_available++;
		return;
	}
	s->exact += r->exact;
	for (i = 0; i < r->nctrs; i++)
		s->mismatches += r->ctrs[i].state == TG_XT_CTR_MISMATCH;
}

void tg_xt_print_head(FILE *f, bool json)
{
	if (!json)
		fprintf(f, "%-9s %5s %10s %10s %-5s %9s %10s  %s\n", "check", "size", "sent",
			"seen", "exact", "Mpps", "lost@full", "driver counters");
}

static void print_ctrs(struct tg_print *p, const struct tg_xt_row *r)
{
	static const char *const state[] = { "not offered", "match", "mismatch" };
	char key[48];
	unsigned int i;

	tg_print_obj(p, "driver_stats");
	for (i = 0; i < r->nctrs; i++) {
		const struct tg_xt_ctr *c = &r->ctrs[i];

		snprintf(key, sizeof(key), "%s_%s", c->dir, c->what);
		tg_print_obj(p, key);
		tg_print_str(p, TG_PRINT_JSON, "ifname", NULL, c->ifname);
		tg_print_text(p, "%s%s_%s ", i ? ", " : "", c->dir, c->what);
		tg_print_str(p, TG_PRINT_ANY, "state", "%s", state[c->state]);
		if (c->state != TG_XT_CTR_NOT_OFFERED) {
			tg_print_u64(p, TG_PRINT_JSON, "expected", NULL, c->expected);
			tg_print_u64(p, TG_PRINT_JSON, "counted", NULL, c->counted);
		}
		if (c->state == TG_XT_CTR_MISMATCH) {
			tg_print_text(p, " (%llu, expected %llu)", (unsigned long long)c->counted,
				      (unsigned long long)c->expected);
		}
		tg_print_obj_end(p);
	}
	tg_print_obj_end(p);
	if (!r->nctrs)
		tg_print_text(p, "-");
}

void tg_xt_print_row(FILE *f, bool json, const struct tg_xt_row *r)
{
	struct tg_print p;

	tg_print_open(&p, f, json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "verdict");
	tg_print_str(&p, TG_PRINT_ANY, "verdict", "%-9s", tg_xt_check_name(r->check));
	tg_print_u64(&p, TG_PRINT_ANY, "size", " %5llu", r->size);
	if (!r->available) {
		tg_print_bool(&p, TG_PRINT_JSON, "available", NULL, false);
		tg_print_str(&p, TG_PRINT_ANY, "reason", " not available: %s", r->why_not);
		tg_print_close(&p);
		return;
	}
	tg_print_u64(&p, TG_PRINT_ANY, "sent", " %10llu", r->sent);
	tg_print_u64(&p, TG_PRINT_ANY, "seen", " %10llu", r->seen);
	tg_print_text(&p, " %-5s", r->exact ? "yes" : "NO");
	tg_print_bool(&p, TG_PRINT_JSON, "exact", NULL, r->exact);
	tg_print_double(&p, TG_PRINT_JSON, "pps", NULL, r->pps_full);
	tg_print_double(&p, TG_PRINT_TEXT, NULL, " %9.3f", r->pps_full / 1e6);
	tg_print_u64(&p, TG_PRINT_ANY, "lost_at_full_rate", " %10llu", r->lost_full);
	if (r->paced_pps > 0)
		tg_print_double(&p, TG_PRINT_JSON, "paced_pps", NULL, r->paced_pps);
	if (r->check == TG_XT_DROP)
		tg_print_u64(&p, TG_PRINT_JSON, "prog_seen", NULL, r->prog_seen);
	tg_print_text(&p, "  ");
	print_ctrs(&p, r);
	if (r->paced_pps > 0)
		tg_print_text(&p, " [last pass paced at %.3f Mpps]", r->paced_pps / 1e6);
	tg_print_close(&p);
}

void tg_xt_print_summary(FILE *f, bool json, const struct tg_xt_summary *s)
{
	struct tg_print p;

	tg_print_open(&p, f, json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_print_u64(&p, TG_PRINT_ANY, "checks", "%llu checks", s->checks);
	tg_print_u64(&p, TG_PRINT_ANY, "exact", ", %llu exact", s->exact);
	tg_print_u64(&p, TG_PRINT_ANY, "not_available", ", %llu not available", s->not_available);
	tg_print_u64(&p, TG_PRINT_ANY, "driver_mismatches", ", %llu driver counter mismatches",
		     s->mismatches);
	tg_print_close(&p);
}
