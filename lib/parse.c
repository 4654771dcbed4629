// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the values users type on the command line. Everything is
 * parsed by hand rather than with strtoull()/strtod(): those accept leading
 * spaces, signs, octal and exponents, and round fractions, none of which we
 * want to let through silently. Outputs are written only on success.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "parse.h"

#define COUNT_EXAMPLES "examples: 1000, 10k, 2.5M"
#define DURATION_EXAMPLES "examples: 10, 250ms, 1.5s, 2m"
#define RANGE_EXAMPLES "examples: 10.0.0.1, 10.0.0.1-10.0.0.9, 10.0.0.0/24"
#define PORT_EXAMPLES "examples: 53, 1000-2000"

#define NSEC_PER_SEC 1000000000ULL

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Reads the decimal digits at *p, advancing *p past them. Keeps going after
 * an overflow so that the caller still finds where the number ends and can
 * tell "too large" from "not a number". Returns how many digits there were.
 */
static size_t read_digits(const char **p, uint64_t *val, bool *overflow)
{
	const char *s = *p;
	uint64_t v = 0;
	bool ovf = false;
	size_t n;

	for (; is_digit(*s); s++) {
		unsigned int d = *s - '0';

		if (v > (UINT64_MAX - d) / 10)
			ovf = true;
		else
			v = v * 10 + d;
	}
	*val = v;
	*overflow = ovf;
	n = s - *p;
	*p = s;
	return n;
}

/* "12", "12.5": digits on both sides of a point, then a suffix. */
struct decimal {
	uint64_t whole;
	bool overflow;
	const char *frac;
	size_t nfrac;
	const char *suffix;
};

static int read_decimal(const char *s, struct decimal *d)
{
	const char *p = s;

	if (!read_digits(&p, &d->whole, &d->overflow))
		return -EINVAL;
	d->frac = p;
	d->nfrac = 0;
	if (*p == '.') {
		d->frac = ++p;
		while (is_digit(*p))
			p++;
		d->nfrac = p - d->frac;
		if (!d->nfrac)
			return -EINVAL;
	}
	d->suffix = p;
	return 0;
}

/*
 * d * mult, rounded down, and whether that lost anything. The fraction is
 * folded in from its last digit (Horner's rule): floor((a + floor(x)) / 10)
 * equals floor((a + x) / 10) for integer a, so dividing step by step is
 * exact however many digits there are, and the value is whole only if every
 * step divided evenly. Each step stays below 10 * mult, far from overflow
 * for every multiplier we use (at most an hour in ns).
 */
static int scale_decimal(const struct decimal *d, uint64_t mult,
			 uint64_t *out, bool *exact)
{
	uint64_t frac = 0;
	bool lost = false;
	size_t i;

	for (i = d->nfrac; i-- > 0;) {
		uint64_t v = (uint64_t)(d->frac[i] - '0') * mult + frac;

		lost |= v % 10 != 0;
		frac = v / 10;
	}
	if (d->overflow || d->whole > (UINT64_MAX - frac) / mult)
		return -ERANGE;
	*out = d->whole * mult + frac;
	*exact = !lost;
	return 0;
}

struct unit {
	const char *suffix;
	uint64_t mult;
};

static const struct unit count_units[] = {
	{ "", 1 },
	{ "k", 1000ULL },
	{ "M", 1000000ULL },
	{ "G", 1000000000ULL },
	{ NULL, 0 },
};

/* Largest first: tg_format_duration() picks the first that fits. */
static const struct unit duration_units[] = {
	{ "h", 3600 * NSEC_PER_SEC },
	{ "m", 60 * NSEC_PER_SEC },
	{ "s", NSEC_PER_SEC },
	{ "ms", 1000000ULL },
	{ "us", 1000ULL },
	{ "ns", 1 },
	{ "", NSEC_PER_SEC },	/* a bare number is seconds */
	{ NULL, 0 },
};

static uint64_t unit_mult(const struct unit *u, const char *suffix)
{
	for (; u->suffix; u++)
		if (!strcmp(u->suffix, suffix))
			return u->mult;
	return 0;
}

int tg_parse_count(const char *s, uint64_t *out, struct tg_err *err)
{
	struct decimal d;
	uint64_t mult, v;
	bool exact;

	if (read_decimal(s, &d) || !(mult = unit_mult(count_units, d.suffix)))
		return tg_fail(err, EINVAL, "'%s' is not a count (%s)", s,
			       COUNT_EXAMPLES);
	if (scale_decimal(&d, mult, &v, &exact))
		return tg_fail(err, ERANGE,
			       "'%s' is too large for a count (at most %" PRIu64 ")",
			       s, UINT64_MAX);
	if (!exact)
		return tg_fail(err, EINVAL,
			       "'%s' is not a whole count (%s)", s, COUNT_EXAMPLES);
	*out = v;
	return 0;
}

int tg_parse_duration(const char *s, uint64_t *ns, struct tg_err *err)
{
	char max[TG_NUMSTR_LEN];
	struct decimal d;
	uint64_t mult, v;
	bool exact;

	if (read_decimal(s, &d) || !(mult = unit_mult(duration_units, d.suffix)))
		return tg_fail(err, EINVAL, "'%s' is not a duration (%s)", s,
			       DURATION_EXAMPLES);
	/* Below a nanosecond is below any timer we have: round it down. */
	if (scale_decimal(&d, mult, &v, &exact)) {
		tg_format_duration(UINT64_MAX, max, sizeof(max));
		return tg_fail(err, ERANGE,
			       "'%s' is too long for a duration (at most %s)",
			       s, max);
	}
	*ns = v;
	return 0;
}

int tg_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		  struct tg_err *err)
{
	const char *p = s;
	unsigned int base = 10;
	bool overflow = false;
	uint64_t v = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!*p)
		goto bad;
	for (; *p; p++) {
		int d = base == 16 ? hex_val(*p) : is_digit(*p) ? *p - '0' : -1;

		if (d < 0)
			goto bad;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (overflow || v < min || v > max)
		return tg_fail(err, ERANGE,
			       "'%s' is out of range (%" PRIu64 "-%" PRIu64 ")",
			       s, min, max);
	*out = v;
	return 0;
bad:
	return tg_fail(err, EINVAL,
		       "'%s' is not a number (%" PRIu64 "-%" PRIu64
		       ", decimal or 0x hex)", s, min, max);
}

int tg_parse_mac(const char *s, uint8_t mac[6], struct tg_err *err)
{
	uint8_t m[6];
	int i;

	if (strlen(s) != 17 || (s[2] != ':' && s[2] != '-'))
		goto bad;
	for (i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		int hi = hex_val(p[0]), lo = hex_val(p[1]);

		if (hi < 0 || lo < 0)
			goto bad;
		/* One separator throughout: "aa:bb-cc..." is a typo. */
		if (i < 5 && p[2] != s[2])
			goto bad;
		m[i] = hi << 4 | lo;
	}
	memcpy(mac, m, sizeof(m));
	return 0;
bad:
	return tg_fail(err, EINVAL,
		       "'%s' is not a MAC address (expected six hex pairs: aa:bb:cc:dd:ee:ff)",
		       s);
}

/* The low 32 bits of an address, host order; the only bits ranges walk. */
static uint8_t *low_bytes(int family, union tg_addr *a)
{
	return family == AF_INET ? (uint8_t *)&a->v4.s_addr : a->v6.s6_addr + 12;
}

static uint32_t get_low32(int family, const union tg_addr *a)
{
	const uint8_t *b = low_bytes(family, (union tg_addr *)a);

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void set_low32(int family, union tg_addr *a, uint32_t v)
{
	uint8_t *b = low_bytes(family, a);

	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}

/* An address given as s[0..len): no error text, callers say what it was in. */
static int addr_from(const char *s, size_t len, int *family,
		     union tg_addr *addr)
{
	char buf[INET6_ADDRSTRLEN];
	union tg_addr a;

	if (len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(&a, 0, sizeof(a));
	if (inet_pton(AF_INET, buf, &a.v4) == 1)
		*family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &a.v6) == 1)
		*family = AF_INET6;
	else
		return -EINVAL;
	*addr = a;
	return 0;
}

int tg_parse_addr(const char *s, int *family, union tg_addr *addr,
		  struct tg_err *err)
{
	if (addr_from(s, strlen(s), family, addr))
		return tg_fail(err, EINVAL,
			       "'%s' is not an IPv4 or IPv6 address", s);
	return 0;
}

/* One end of "A-B" or the A of "A/len", quoted within the whole text. */
static int range_addr(const char *s, const char *p, size_t len, int *family,
		      union tg_addr *addr, struct tg_err *err)
{
	if (!len)
		return tg_fail(err, EINVAL,
			       "'%s' is not an address, range or prefix (%s)",
			       s, RANGE_EXAMPLES);
	if (!addr_from(p, len, family, addr))
		return 0;
	/* Quote the whole text as well only when it has more to it. */
	if (p == s && !s[len])
		return tg_fail(err, EINVAL,
			       "'%s' is not an IPv4 or IPv6 address", s);
	return tg_fail(err, EINVAL,
		       "'%s': '%.*s' is not an IPv4 or IPv6 address",
		       s, (int)len, p);
}

static int parse_prefix(const char *s, const char *slash,
			struct tg_addr_range *r, struct tg_err *err)
{
	const char *p = slash + 1;
	unsigned int bits, lo;
	struct tg_addr_range t;
	bool overflow;
	uint64_t len;
	uint32_t host;
	int ret;

	ret = range_addr(s, s, slash - s, &t.family, &t.first, err);
	if (ret)
		return ret;
	bits = t.family == AF_INET ? 32 : 128;
	/* More than 32 host bits would need more than the low 32 bits. */
	lo = bits - 32;
	if (!read_digits(&p, &len, &overflow) || *p)
		return tg_fail(err, EINVAL,
			       "'%s': '%s' is not a prefix length (%u-%u)",
			       s, slash + 1, lo, bits);
	if (overflow || len < lo || len > bits)
		return tg_fail(err, ERANGE,
			       "'%s': prefix length must be %u-%u for %s (at most 2^32 addresses)",
			       s, lo, bits, t.family == AF_INET ? "IPv4" : "IPv6");
	host = bits - len;
	t.count = 1ULL << host;
	set_low32(t.family, &t.first, get_low32(t.family, &t.first) &
		  (uint32_t)~(t.count - 1));
	*r = t;
	return 0;
}

static int parse_span(const char *s, const char *dash, struct tg_addr_range *r,
		      struct tg_err *err)
{
	union tg_addr last;
	struct tg_addr_range t;
	uint32_t a, b;
	int fam, ret;

	ret = range_addr(s, s, dash - s, &t.family, &t.first, err);
	if (!ret)
		ret = range_addr(s, dash + 1, strlen(dash + 1), &fam, &last,
				 err);
	if (ret)
		return ret;
	if (fam != t.family)
		return tg_fail(err, EINVAL,
			       "'%s': the two ends are of different address families",
			       s);
	/* Both families store addresses big-endian: bytes compare as numbers. */
	if (memcmp(&last, &t.first, fam == AF_INET ? 4 : 16) < 0)
		return tg_fail(err, EINVAL, "'%s': range end is below its start",
			       s);
	if (fam == AF_INET6 && memcmp(&last, &t.first, 12))
		return tg_fail(err, ERANGE,
			       "'%s': the two ends differ above the last 32 bits (a range holds at most 2^32 addresses)",
			       s);
	a = get_low32(fam, &t.first);
	b = get_low32(fam, &last);
	t.count = (uint64_t)(b - a) + 1;
	*r = t;
	return 0;
}

int tg_parse_addr_range(const char *s, struct tg_addr_range *r,
			struct tg_err *err)
{
	const char *sep = strpbrk(s, "-/");
	struct tg_addr_range t;
	int ret;

	if (sep && *sep == '/')
		return parse_prefix(s, sep, r, err);
	if (sep)
		return parse_span(s, sep, r, err);
	ret = range_addr(s, s, strlen(s), &t.family, &t.first, err);
	if (ret)
		return ret;
	t.count = 1;
	*r = t;
	return 0;
}

/* A port given as s[0..len); no error text. */
static int port_from(const char *s, size_t len, uint16_t *port)
{
	const char *p = s;
	bool overflow;
	uint64_t v;

	if (read_digits(&p, &v, &overflow) != len || !len)
		return -EINVAL;
	if (overflow || v > 65535)
		return -ERANGE;
	*port = v;
	return 0;
}

int tg_parse_port_range(const char *s, struct tg_port_range *r,
			struct tg_err *err)
{
	const char *dash = strchr(s, '-');
	const char *q = dash ? dash + 1 : NULL;
	size_t plen = dash ? (size_t)(dash - s) : strlen(s);
	uint16_t first, last;
	int ret;

	if (!dash) {
		ret = port_from(s, plen, &first);
		if (ret)
			return tg_fail(err, ret, "'%s' is not a port (0-65535)", s);
		last = first;
	} else {
		if (!plen || !*q)
			return tg_fail(err, EINVAL,
				       "'%s' is not a port or port range (%s)",
				       s, PORT_EXAMPLES);
		ret = port_from(s, plen, &first);
		if (ret)
			return tg_fail(err, ret,
				       "'%s': '%.*s' is not a port (0-65535)",
				       s, (int)plen, s);
		ret = port_from(q, strlen(q), &last);
		if (ret)
			return tg_fail(err, ret,
				       "'%s': '%s' is not a port (0-65535)", s, q);
		if (last < first)
			return tg_fail(err, EINVAL,
				       "'%s': range end is below its start", s);
	}
	r->first = first;
	r->count = (uint32_t)(last - first) + 1;
	return 0;
}

void tg_format_mac(const uint8_t mac[6], char buf[18])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 6; i++) {
		buf[3 * i] = hex[mac[i] >> 4];
		buf[3 * i + 1] = hex[mac[i] & 0xf];
		buf[3 * i + 2] = i < 5 ? ':' : '\0';
	}
}

void tg_addr_range_at(const struct tg_addr_range *r, uint64_t i,
		      union tg_addr *out)
{
	union tg_addr a = r->first;

	/* Wraps within the low 32 bits rather than carrying, as the BPF side does. */
	set_low32(r->family, &a, get_low32(r->family, &a) + (uint32_t)i);
	*out = a;
}

void tg_format_addr_range(const struct tg_addr_range *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN] = "", b[INET6_ADDRSTRLEN] = "";
	union tg_addr last;

	if (!len)
		return;
	if (!inet_ntop(r->family, &r->first, a, sizeof(a)))
		a[0] = '\0';
	if (r->count <= 1) {
		snprintf(buf, len, "%s", a);
		return;
	}
	tg_addr_range_at(r, r->count - 1, &last);
	if (!inet_ntop(r->family, &last, b, sizeof(b)))
		b[0] = '\0';
	snprintf(buf, len, "%s-%s", a, b);
}

void tg_format_count(uint64_t v, char *buf, size_t len)
{
	int i;

	for (i = 3; v && i > 0; i--) {
		if (v % count_units[i].mult == 0) {
			snprintf(buf, len, "%" PRIu64 "%s",
				 v / count_units[i].mult, count_units[i].suffix);
			return;
		}
	}
	snprintf(buf, len, "%" PRIu64, v);
}

/* v / unit with the remainder as decimals, trailing zeros dropped. */
static void format_fraction(uint64_t v, uint64_t unit, int digits,
			    const char *suffix, char *buf, size_t len)
{
	uint64_t frac = v % unit;

	while (frac && frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	if (!frac)
		snprintf(buf, len, "%" PRIu64 "%s", v / unit, suffix);
	else
		snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64 "%s", v / unit,
			 digits, frac, suffix);
}

void tg_format_duration(uint64_t ns, char *buf, size_t len)
{
	const struct unit *u;

	if (!ns) {
		snprintf(buf, len, "0");
		return;
	}
	/* Whole hours or minutes read better than many seconds... */
	for (u = duration_units; u->mult > NSEC_PER_SEC; u++) {
		if (ns % u->mult == 0) {
			snprintf(buf, len, "%" PRIu64 "%s", ns / u->mult,
				 u->suffix);
			return;
		}
	}
	/* ...else "1.5s" rather than "1500ms": the largest unit not above it. */
	if (ns >= NSEC_PER_SEC)
		format_fraction(ns, NSEC_PER_SEC, 9, "s", buf, len);
	else if (ns >= 1000000)
		format_fraction(ns, 1000000, 6, "ms", buf, len);
	else if (ns >= 1000)
		format_fraction(ns, 1000, 3, "us", buf, len);
	else
		snprintf(buf, len, "%" PRIu64 "ns", ns);
}
