// SPDX-License-Identifier: GPL-2.0
/*
 * Rates and pacing slots for `udp --rate` (see pace.h). Parsed by hand like
 * lib/parse.c: strtod() would let through signs, exponents, "inf" and
 * leading spaces.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "udp/pace.h"

#define NS_PER_SEC 1e9
#define TWO32 4294967296.0
#define RATE_EXAMPLES "examples: 100k, 2.5M, 1Gbit, 400Mbit"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Digits, an optional point and more digits; returns the end or NULL. At
 * most 18 significant digits, so that the mantissa is exact in a uint64_t.
 */
static const char *read_number(const char *s, double *out)
{
	uint64_t mant = 0;
	int digits = 0, frac = 0;
	bool point = false;
	const char *p = s;

	for (; is_digit(*p) || (*p == '.' && !point); p++) {
		if (*p == '.') {
			point = true;
			continue;
		}
		if (++digits > 18)
			return NULL;
		mant = mant * 10 + (uint64_t)(*p - '0');
		frac += point;
	}
	/* "." alone, "5." and ".5" are not numbers. */
	if (!digits || p[-1] == '.' || *s == '.')
		return NULL;
	*out = (double)mant;
	while (frac--)
		*out /= 10;
	return p;
}

static double prefix_mult(char c)
{
	switch (c) {
	case 'k': case 'K': return 1e3;
	case 'm': case 'M': return 1e6;
	case 'g': case 'G': return 1e9;
	case 't': case 'T': return 1e12;
	default: return 0;
	}
}

int tg_parse_rate(const char *s, struct tg_rate *r, struct tg_err *err)
{
	const char *p;
	double v, mult = 1;
	bool bits = false;

	p = read_number(s, &v);
	if (!p)
		return tg_fail(err, EINVAL, "'%s' is not a rate (%s)", s, RATE_EXAMPLES);
	/* Frame rates take upper-case prefixes only, like counts: "m" is not "M". */
	if (prefix_mult(*p) && (!strcasecmp(p + 1, "bit") || !strcasecmp(p + 1, "bps") ||
				!strcasecmp(p + 1, "bit/s"))) {
		mult = prefix_mult(*p);
		p++;
	} else if (*p == 'k' || *p == 'M' || *p == 'G') {
		mult = prefix_mult(*p);
		p++;
	}
	if (!strcasecmp(p, "bps"))
		return tg_fail(err, EINVAL,
			       "'%s': 'bps' would be bytes per second to tc and bits to others: write bit (1Gbit) or a frame rate (100k)",
			       s);
	if (!strcasecmp(p, "bit") || !strcasecmp(p, "bit/s"))
		bits = true;
	else if (*p && strcmp(p, "pps"))
		return tg_fail(err, EINVAL, "'%s' is not a rate (%s)", s, RATE_EXAMPLES);
	v *= mult;
	if (!(v > 0))
		return tg_fail(err, EINVAL, "rate '%s' is not above zero", s);
	if (v > 1e15)
		return tg_fail(err, ERANGE, "rate '%s' is beyond any link (at most 1000T)", s);
	r->value = v;
	r->bits = bits;
	return 0;
}

void tg_format_rate(double v, bool bits, char *buf, unsigned int len)
{
	static const char *const pfx[] = { "", "k", "M", "G", "T" };
	int i = 0;

	while (i < 4 && v >= 1000) {
		v /= 1000;
		i++;
	}
	snprintf(buf, len, "%.4g%s%s", v, pfx[i], bits ? "bit/s" : "pps");
}

double tg_rate_pps(const struct tg_rate *r, double avg_wire_bytes)
{
	if (!r->bits)
		return r->value;
	return avg_wire_bytes > 0 ? r->value / (avg_wire_bytes * 8) : 0;
}

double tg_rate_bps(double pps, double avg_wire_bytes)
{
	return pps * avg_wire_bytes * 8;
}

uint32_t tg_pace_auto_burst(double pps_thread)
{
	/* No libm: the product is small and positive here, so a cast floors it. */
	double b = pps_thread * (double)TG_PACE_MIN_SLOT_NS / NS_PER_SEC - 1e-9;
	uint32_t n;

	if (!(b > 0))
		return 1;
	if (b >= TG_PACE_MAX_BURST)
		return TG_PACE_MAX_BURST;
	n = (uint32_t)b;
	return n + (b > n);
}

int tg_pace_plan(double pps_total, unsigned int nthreads, uint32_t burst,
		 struct tg_pace *p, struct tg_err *err)
{
	double pps, interval, frac;
	uint64_t whole;

	if (!nthreads)
		return tg_fail(err, EINVAL, "thread count 0 is not at least 1");
	if (!(pps_total > 0))
		return tg_fail(err, EINVAL, "rate %g frames/s is not above zero", pps_total);
	if (burst > TG_PACE_MAX_BURST)
		return tg_fail(err, EINVAL, "burst %u is above the kernel's batch limit of %d",
			       burst, TG_PACE_MAX_BURST);
	pps = pps_total / nthreads;
	if (!burst)
		burst = tg_pace_auto_burst(pps);
	interval = burst * NS_PER_SEC / pps;
	if (interval > 3600 * NS_PER_SEC)
		return tg_fail(err, EINVAL,
			       "rate %g frames/s over %u thread%s puts slots of %u frame%s more than an hour apart",
			       pps_total, nthreads, nthreads > 1 ? "s" : "", burst,
			       burst > 1 ? "s" : "");
	whole = (uint64_t)interval;
	frac = (interval - (double)whole) * TWO32;
	*p = (struct tg_pace){
		.pps_thread = pps,
		.burst = burst,
		.interval_ns = whole,
		.interval_frac = frac < TWO32 - 1 ? (uint32_t)frac : UINT32_MAX,
		.max_lag_ns = TG_PACE_MAX_LAG_NS,
		.spin_ns = TG_PACE_SPIN_NS,
	};
	/* Catching up means at least a couple of slots, however slow the rate. */
	if (p->max_lag_ns < 2 * p->interval_ns)
		p->max_lag_ns = 2 * p->interval_ns;
	return 0;
}

uint64_t tg_pace_slot_time(const struct tg_pace *p, uint64_t start_ns, uint64_t k)
{
	/* k steps of (whole + frac/2^32): the fractions carry into whole ns. */
	unsigned __int128 frac = (unsigned __int128)p->interval_frac * k;

	return start_ns + p->interval_ns * k + (uint64_t)(frac >> 32);
}

double tg_pace_reached(const struct tg_pace *p, uint64_t frames,
		       uint64_t first_ns, uint64_t last_ns)
{
	double window;

	if (!frames || last_ns < first_ns)
		return 0;
	window = (double)(last_ns - first_ns) + p->interval_ns +
		 p->interval_frac / TWO32;
	return frames * NS_PER_SEC / window;
}
