// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sink/thresholds.h"
#include "print.h"
#include "parse.h"

static void miss(struct tg_thresh_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void miss(struct tg_thresh_result *r, const char *fmt, ...)
{
	va_list ap;

	if (r->nmissed >= TG_THRESH_MAX_MISSES)
		return;
	va_start(ap, fmt);
	vsnprintf(r->missed[r->nmissed++], sizeof(r->missed[0]), fmt, ap);
	va_end(ap);
}

bool tg_thresh_check(const struct tg_thresh *g, const struct tg_thresh_input *in,
		   struct tg_thresh_result *r)
{
	memset(r, 0, sizeof(*r));
	if (g->max_loss_pct >= 0) {
		/* A threshold that cannot be judged is not met: CI must not pass blind. */
		if (!in->loss_known || !in->expected)
			miss(r, "loss unknown (nothing stamped or counted) for --max-loss %.4g%%",
			     g->max_loss_pct);
		else if (100.0 * in->lost / in->expected > g->max_loss_pct)
			miss(r, "loss %.4g%% > --max-loss %.4g%%",
			     100.0 * in->lost / in->expected, g->max_loss_pct);
	}
	if (g->min_pps && in->pps < (double)g->min_pps)
		miss(r, "rate %.0f pps < --min-pps %.0f", in->pps, (double)g->min_pps);
	if (g->max_p99_ns) {
		if (!in->lat || !in->lat->count)
			miss(r, "latency unknown (no stamped frames) for --max-latency-p99 %llu ns",
			     (unsigned long long)g->max_p99_ns);
		else if (in->lat->p99 > g->max_p99_ns)
			miss(r, "latency p99 %llu ns > --max-latency-p99 %llu ns",
			     (unsigned long long)in->lat->p99, (unsigned long long)g->max_p99_ns);
	}
	return r->nmissed == 0;
}

void tg_thresh_json(struct tg_print *p, const struct tg_thresh *g,
		    const struct tg_thresh_result *r)
{
	char all[sizeof(r->missed)] = "";
	int i;

	if (!tg_thresh_active(g))
		return;
	for (i = 0; i < r->nmissed; i++) {
		if (i)
			strcat(all, "; ");
		strncat(all, r->missed[i], sizeof(all) - strlen(all) - 1);
	}
	tg_print_bool(p, TG_PRINT_JSON, "thresholds_met", NULL, r->nmissed == 0);
	tg_print_str(p, TG_PRINT_JSON, "missed", NULL, all);
}

int tg_thresh_parse_pct(const char *s, void *field, struct tg_err *err)
{
	double *out = field, v;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	if (end == s || *end || errno || !isfinite(v) || v < 0 || v > 100)
		return tg_fail(err, EINVAL, "'%s' is not a percentage from 0 to 100 "
			       "(examples: 0, 0.1, 1%%)", s);
	*out = v;
	return 0;
}
