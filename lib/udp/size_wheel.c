// SPDX-License-Identifier: GPL-2.0
/* Per-packet frame sizes: parsing and the wheel the generator steps through. */
#include <errno.h>
#include <string.h>
#include "packet.h"
#include "parse.h"
#include "udp/size_wheel.h"

#define IMIX_EXAMPLES "example: 64:7,594:4,1518:1"
#define MAX_WEIGHT 4096

/* Reads a decimal number of at most 9 digits at *p; false if there is none. */
static bool read_u32(const char **p, uint32_t *v)
{
	const char *s = *p;
	uint32_t x = 0;
	int n = 0;

	while (*s >= '0' && *s <= '9' && n < 10) {
		x = x * 10 + (uint32_t)(*s++ - '0');
		n++;
	}
	if (!n || n > 9)
		return false;
	*v = x;
	*p = s;
	return true;
}

static int size_in(const char *text, uint32_t v, uint32_t lo, uint32_t hi,
		   struct tg_err *err)
{
	if (v < lo || v > hi)
		return tg_fail(err, ERANGE, "'%s' is out of range (%u-%u)", text, lo, hi);
	return 0;
}

int tg_parse_size_range(const char *s, uint32_t lo, uint32_t hi,
			struct tg_size_range *r, struct tg_err *err)
{
	const char *p = s;
	uint32_t a, b;
	int ret;

	if (!read_u32(&p, &a))
		goto bad;
	b = a;
	if (*p == '-') {
		p++;
		if (!read_u32(&p, &b))
			goto bad;
	}
	if (*p)
		goto bad;
	if (b < a)
		return tg_fail(err, EINVAL, "'%s' ends below where it starts", s);
	ret = size_in(s, a, lo, hi, err);
	if (!ret)
		ret = size_in(s, b, lo, hi, err);
	if (ret)
		return ret;
	r->min = a;
	r->max = b;
	return 0;
bad:
	return tg_fail(err, EINVAL, "'%s' is not a size or a range of sizes (examples: 1500, 64-1518)", s);
}

void tg_imix_classic(struct tg_imix *m)
{
	*m = (struct tg_imix){
		.n = 3,
		.wire = { 64, 594, 1518 },
		.weight = { 7, 4, 1 },
		.classic = true,
	};
}

int tg_parse_imix(const char *s, uint32_t lo, uint32_t hi, struct tg_imix *m,
		  struct tg_err *err)
{
	struct tg_imix t = { 0 };
	const char *p = s;
	unsigned int i;

	if (!*s || !strcmp(s, "classic")) {
		tg_imix_classic(m);
		return 0;
	}
	for (;;) {
		uint32_t size, weight;

		if (t.n == TG_IMIX_MAX)
			return tg_fail(err, EINVAL, "'%s' has more than %d sizes", s, TG_IMIX_MAX);
		if (!read_u32(&p, &size) || *p++ != ':' || !read_u32(&p, &weight))
			return tg_fail(err, EINVAL, "'%s' is not a mix of SIZE:WEIGHT (%s)",
				       s, IMIX_EXAMPLES);
		if (size < lo || size > hi)
			return tg_fail(err, ERANGE, "'%s': size %u is out of range (%u-%u)",
				       s, size, lo, hi);
		if (weight < 1 || weight > MAX_WEIGHT)
			return tg_fail(err, ERANGE, "'%s': weight %u of size %u is out of range (1-%d)",
				       s, weight, size, MAX_WEIGHT);
		for (i = 0; i < t.n; i++)
			if (t.wire[i] == size)
				return tg_fail(err, EINVAL, "'%s' gives size %u twice", s, size);
		t.wire[t.n] = size;
		t.weight[t.n++] = weight;
		if (!*p)
			break;
		if (*p++ != ',')
			return tg_fail(err, EINVAL, "'%s' is not a mix of SIZE:WEIGHT (%s)",
				       s, IMIX_EXAMPLES);
	}
	*m = t;
	return 0;
}

int tg_size_wheel_range(const struct tg_size_range *r, uint16_t *wheel,
			 unsigned int max, unsigned int *n, struct tg_err *err)
{
	uint32_t count = r->max - r->min + 1, i;

	if (r->min < TG_FCS_LEN + TG_ETH_HLEN || r->max < r->min)
		return tg_fail(err, EINVAL, "sizes %u-%u are not a range of frame sizes",
			       r->min, r->max);
	if (count > max)
		return tg_fail(err, EINVAL, "sizes %u-%u are %u sizes, more than the %u the generator holds",
			       r->min, r->max, count, max);
	for (i = 0; i < count; i++)
		wheel[i] = (uint16_t)(r->min + i - TG_FCS_LEN);
	*n = count;
	return 0;
}

uint64_t tg_gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

int tg_size_wheel_imix(const struct tg_imix *m, uint16_t *wheel,
			unsigned int max, unsigned int *n, struct tg_err *err)
{
	int64_t cur[TG_IMIX_MAX] = { 0 };
	uint32_t w[TG_IMIX_MAX], g = 0, total = 0, k;
	unsigned int i;

	if (!m->n || m->n > TG_IMIX_MAX)
		return tg_fail(err, EINVAL, "a mix of %u sizes is not 1 to %d", m->n, TG_IMIX_MAX);
	for (i = 0; i < m->n; i++)
		g = tg_gcd(g, m->weight[i]);
	for (i = 0; i < m->n; i++) {
		if (!m->weight[i] || m->wire[i] < TG_FCS_LEN + TG_ETH_HLEN)
			return tg_fail(err, EINVAL, "size %u with weight %u is not part of a mix",
				       m->wire[i], m->weight[i]);
		w[i] = m->weight[i] / g;
		total += w[i];
	}
	if (total > max)
		return tg_fail(err, EINVAL,
			       "the mix's weights add up to %u (after dividing by %u), more than the %u frames the generator's wheel holds",
			       total, g, max);
	/*
	 * Smooth weighted round robin (as nginx balances upstreams): each
	 * turn every size gains its weight, the one with the most is sent and
	 * pays the total. Over `total` turns each size is sent exactly its
	 * weight's times, spread as evenly as the weights allow.
	 */
	for (k = 0; k < total; k++) {
		unsigned int best = 0;

		for (i = 0; i < m->n; i++) {
			cur[i] += w[i];
			if (cur[i] > cur[best])
				best = i;
		}
		cur[best] -= total;
		wheel[k] = (uint16_t)(m->wire[best] - TG_FCS_LEN);
	}
	*n = total;
	return 0;
}

double tg_size_wheel_mean_wire(const uint16_t *wheel, unsigned int n)
{
	double sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += wheel[i] + TG_FCS_LEN;
	return n ? sum / n : 0;
}

uint16_t tg_size_wheel_max(const uint16_t *wheel, unsigned int n)
{
	uint16_t m = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (wheel[i] > m)
			m = wheel[i];
	return m;
}

uint16_t tg_size_wheel_min(const uint16_t *wheel, unsigned int n)
{
	uint16_t m = UINT16_MAX;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (wheel[i] < m)
			m = wheel[i];
	return n ? m : 0;
}
