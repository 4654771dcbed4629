// SPDX-License-Identifier: GPL-2.0
/* Unit tests for lib/parse.c: every parser with good, bad and edge input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include "parse.h"

/* A failure must carry the right errno and quote the text it refused. */
static void check_msg(int ret, int want, const struct tg_err *err,
		      const char *needle)
{
	assert_int_equal(ret, -want);
	if (!strstr(err->msg, needle))
		fail_msg("message '%s' does not contain '%s'", err->msg, needle);
}

static void addr_eq(int family, const union tg_addr *a, const char *text)
{
	union tg_addr want;

	memset(&want, 0, sizeof(want));
	assert_int_equal(inet_pton(family, text, &want), 1);
	assert_memory_equal(a, &want, family == AF_INET ? 4 : 16);
}

/* ---- MAC ---- */

static void test_mac_good(void **state __attribute__((unused)))
{
	static const uint8_t want[6] = { 0xaa, 0xbb, 0xcc, 0x0d, 0xee, 0xff };
	struct tg_err err;
	uint8_t mac[6];
	char buf[18];

	assert_int_equal(tg_parse_mac("aa:bb:cc:0d:ee:ff", mac, &err), 0);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(tg_parse_mac("AA-BB-CC-0D-EE-FF", mac, &err), 0);
	assert_memory_equal(mac, want, 6);
	tg_format_mac(mac, buf);
	assert_string_equal(buf, "aa:bb:cc:0d:ee:ff");
	assert_int_equal(tg_parse_mac("00:00:00:00:00:00", mac, &err), 0);
	tg_format_mac(mac, buf);
	assert_string_equal(buf, "00:00:00:00:00:00");
}

static void test_mac_bad(void **state __attribute__((unused)))
{
	static const char *const bad[] = {
		"", "aa:bb:cc:dd:ee", "aa:bb:cc:dd:ee:ff:00", "aa:bb:cc:dd:ee:f",
		"aa:bb:cc:dd:ee:fg", "aa:bb-cc:dd:ee:ff", "aabbccddeeff",
		" aa:bb:cc:dd:ee:f", "aa.bb.cc.dd.ee.ff", "aa:bb:cc:dd:ee:ff ",
		"a:bb:cc:dd:ee:fff", "aa:bb:cc:dd:ee:+f", "aa::b:cc:dd:ee:ff",
		NULL,
	};
	uint8_t mac[6] = { 1, 2, 3, 4, 5, 6 };
	static const uint8_t orig[6] = { 1, 2, 3, 4, 5, 6 };
	struct tg_err err;
	int i;

	for (i = 0; bad[i]; i++) {
		check_msg(tg_parse_mac(bad[i], mac, &err), EINVAL, &err, bad[i]);
		assert_non_null(strstr(err.msg, "is not a MAC address"));
		assert_memory_equal(mac, orig, 6);
	}
}

/* ---- single addresses ---- */

static void test_addr(void **state __attribute__((unused)))
{
	struct tg_err err;
	union tg_addr a;
	int fam;

	assert_int_equal(tg_parse_addr("10.0.0.1", &fam, &a, &err), 0);
	assert_int_equal(fam, AF_INET);
	addr_eq(AF_INET, &a, "10.0.0.1");
	assert_int_equal(tg_parse_addr("fd00::1", &fam, &a, &err), 0);
	assert_int_equal(fam, AF_INET6);
	addr_eq(AF_INET6, &a, "fd00::1");
	assert_int_equal(tg_parse_addr("::ffff:10.0.0.1", &fam, &a, &err), 0);
	assert_int_equal(fam, AF_INET6);

	check_msg(tg_parse_addr("10.0.0.300", &fam, &a, &err), EINVAL, &err,
		  "'10.0.0.300' is not an IPv4 or IPv6 address");
	check_msg(tg_parse_addr("", &fam, &a, &err), EINVAL, &err, "''");
	check_msg(tg_parse_addr(" 10.0.0.1", &fam, &a, &err), EINVAL, &err,
		  "' 10.0.0.1'");
	check_msg(tg_parse_addr("10.0.0.1/24", &fam, &a, &err), EINVAL, &err,
		  "'10.0.0.1/24'");
	check_msg(tg_parse_addr("fe80::1%eth0", &fam, &a, &err), EINVAL, &err,
		  "'fe80::1%eth0'");
	check_msg(tg_parse_addr("fd00:::1", &fam, &a, &err), EINVAL, &err,
		  "'fd00:::1'");
}

/* ---- address ranges ---- */

static void range_ok(const char *s, int family, const char *first,
		     uint64_t count)
{
	struct tg_addr_range r;
	struct tg_err err = { "" };
	int ret = tg_parse_addr_range(s, &r, &err);

	if (ret)
		fail_msg("'%s' refused: %s", s, err.msg);
	assert_int_equal(r.family, family);
	addr_eq(family, &r.first, first);
	assert_int_equal(r.count, count);
}

static void range_bad(const char *s, int want, const char *needle)
{
	struct tg_addr_range r = { .family = 12345 };
	struct tg_err err = { "" };

	check_msg(tg_parse_addr_range(s, &r, &err), want, &err, needle);
	assert_non_null(strstr(err.msg, s));
	assert_int_equal(r.family, 12345);	/* untouched on failure */
}

static void test_range_v4(void **state __attribute__((unused)))
{
	range_ok("10.0.0.1", AF_INET, "10.0.0.1", 1);
	range_ok("10.0.0.1-10.0.0.1", AF_INET, "10.0.0.1", 1);
	range_ok("10.0.0.1-10.0.0.10", AF_INET, "10.0.0.1", 10);
	range_ok("10.0.0.250-10.0.1.5", AF_INET, "10.0.0.250", 12);
	range_ok("0.0.0.0-255.255.255.255", AF_INET, "0.0.0.0", 1ULL << 32);
	range_ok("10.0.0.0/24", AF_INET, "10.0.0.0", 256);
	range_ok("10.0.0.77/24", AF_INET, "10.0.0.0", 256);	/* host bits cleared */
	range_ok("10.0.0.77/32", AF_INET, "10.0.0.77", 1);
	range_ok("10.0.0.77/31", AF_INET, "10.0.0.76", 2);
	range_ok("10.1.2.3/0", AF_INET, "0.0.0.0", 1ULL << 32);
	range_ok("10.1.2.3/8", AF_INET, "10.0.0.0", 1ULL << 24);
	range_ok("10.0.0.0/024", AF_INET, "10.0.0.0", 256);
}

static void test_range_v6(void **state __attribute__((unused)))
{
	range_ok("fd00::1", AF_INET6, "fd00::1", 1);
	range_ok("fd00::1-fd00::100", AF_INET6, "fd00::1", 256);
	range_ok("fd00::-fd00::ffff:ffff", AF_INET6, "fd00::", 1ULL << 32);
	range_ok("fd00::1:fffe-fd00::2:1", AF_INET6, "fd00::1:fffe", 4);
	range_ok("fd00::/96", AF_INET6, "fd00::", 1ULL << 32);
	range_ok("fd00::1:2:3/96", AF_INET6, "fd00::1:0:0", 1ULL << 32);
	range_ok("fd00::1:2:3/112", AF_INET6, "fd00::1:2:0", 65536);
	range_ok("fd00::1:2:3/128", AF_INET6, "fd00::1:2:3", 1);
	range_ok("fd00::ff/127", AF_INET6, "fd00::fe", 2);
}

static void test_range_bad(void **state __attribute__((unused)))
{
	range_bad("", EINVAL, "is not an address, range or prefix");
	range_bad("10.0.0.300", EINVAL, "'10.0.0.300' is not an IPv4 or IPv6 address");
	range_bad(" 10.0.0.1", EINVAL, "is not an IPv4 or IPv6 address");
	range_bad("10.0.0.1 ", EINVAL, "is not an IPv4 or IPv6 address");
	range_bad("10.0.0.1 -10.0.0.2", EINVAL, "'10.0.0.1 '");
	range_bad("-10.0.0.1", EINVAL, "is not an address, range or prefix");
	range_bad("10.0.0.1-", EINVAL, "is not an address, range or prefix");
	range_bad("-", EINVAL, "is not an address, range or prefix");
	range_bad("/24", EINVAL, "is not an address, range or prefix");
	range_bad("10.0.0.1-10.0.0.2-10.0.0.3", EINVAL,
		  "'10.0.0.2-10.0.0.3' is not an IPv4 or IPv6 address");
	range_bad("10.0.0.1-10.0.0.300", EINVAL, "'10.0.0.300' is not");
	range_bad("10.0.0.1x", EINVAL, "is not an IPv4 or IPv6 address");
	range_bad("10.0.0.5-10.0.0.1", EINVAL, "range end is below its start");
	range_bad("10.0.1.0-10.0.0.255", EINVAL, "range end is below its start");
	range_bad("fd01::1-fd00::2", EINVAL, "range end is below its start");
	range_bad("10.0.0.1-fd00::1", EINVAL,
		  "the two ends are of different address families");
	range_bad("fd00::1-10.0.0.1", EINVAL, "different address families");
	/* Would carry out of the low 32 bits. */
	range_bad("fd00::ffff:ffff-fd00::1:0:0", ERANGE, "last 32 bits");
	range_bad("fd00::1-fd01::1", ERANGE, "last 32 bits");
	/* Prefixes. */
	range_bad("fd00::/95", ERANGE, "96-128 for IPv6");
	range_bad("fd00::/64", ERANGE, "96-128 for IPv6");
	range_bad("fd00::/129", ERANGE, "96-128 for IPv6");
	range_bad("10.0.0.0/33", ERANGE, "0-32 for IPv4");
	range_bad("10.0.0.0/99999999999999999999999", ERANGE, "0-32 for IPv4");
	range_bad("10.0.0.0/", EINVAL, "is not a prefix length");
	range_bad("10.0.0.0/-1", EINVAL, "'-1' is not a prefix length");
	range_bad("10.0.0.0/+8", EINVAL, "is not a prefix length");
	range_bad("10.0.0.0/ 8", EINVAL, "is not a prefix length");
	range_bad("10.0.0.0/8x", EINVAL, "is not a prefix length");
	range_bad("10.0.0.0/8/8", EINVAL, "is not a prefix length");
	range_bad("10.0.0.0/0x8", EINVAL, "is not a prefix length");
	range_bad("10.0.0.0/24-10.0.1.0", EINVAL, "is not a prefix length");
	range_bad("10.0.0.0-10.0.0.9/24", EINVAL, "'10.0.0.9/24' is not");
}

static void test_range_at_and_format(void **state __attribute__((unused)))
{
	struct tg_addr_range r;
	struct tg_err err;
	char buf[2 * INET6_ADDRSTRLEN + 2];
	union tg_addr a;

	assert_int_equal(tg_parse_addr_range("10.0.0.0/24", &r, &err), 0);
	tg_addr_range_at(&r, 0, &a);
	addr_eq(AF_INET, &a, "10.0.0.0");
	tg_addr_range_at(&r, 255, &a);
	addr_eq(AF_INET, &a, "10.0.0.255");
	tg_format_addr_range(&r, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.0-10.0.0.255");

	assert_int_equal(tg_parse_addr_range("10.0.0.250-10.0.1.5", &r, &err), 0);
	tg_addr_range_at(&r, 6, &a);
	addr_eq(AF_INET, &a, "10.0.1.0");

	assert_int_equal(tg_parse_addr_range("1.2.3.4/0", &r, &err), 0);
	tg_addr_range_at(&r, r.count - 1, &a);
	addr_eq(AF_INET, &a, "255.255.255.255");
	tg_format_addr_range(&r, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0-255.255.255.255");

	assert_int_equal(tg_parse_addr_range("10.9.8.7", &r, &err), 0);
	tg_format_addr_range(&r, buf, sizeof(buf));
	assert_string_equal(buf, "10.9.8.7");

	assert_int_equal(tg_parse_addr_range("fd00::1:0:0/96", &r, &err), 0);
	tg_addr_range_at(&r, 0x12345678, &a);
	addr_eq(AF_INET6, &a, "fd00::1:1234:5678");
	tg_addr_range_at(&r, r.count - 1, &a);
	addr_eq(AF_INET6, &a, "fd00::1:ffff:ffff");
	tg_format_addr_range(&r, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::1:0:0-fd00::1:ffff:ffff");

	assert_int_equal(tg_parse_addr_range("fd00::ffff", &r, &err), 0);
	tg_format_addr_range(&r, buf, sizeof(buf));
	assert_string_equal(buf, "fd00::ffff");

	/* The longest possible text fits the documented buffer size. */
	assert_int_equal(tg_parse_addr_range(
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:0-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		&r, &err), 0);
	assert_int_equal(r.count, 65536);
	tg_format_addr_range(&r, buf, sizeof(buf));
	assert_string_equal(buf,
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:0-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* A short buffer is truncated, not overrun. */
	memset(buf, 'x', sizeof(buf));
	tg_format_addr_range(&r, buf, 8);
	assert_string_equal(buf, "ffff:ff");
	assert_int_equal(buf[8], 'x');
}

/* ---- ports ---- */

static void port_ok(const char *s, uint16_t first, uint32_t count)
{
	struct tg_port_range r;
	struct tg_err err = { "" };

	if (tg_parse_port_range(s, &r, &err))
		fail_msg("'%s' refused: %s", s, err.msg);
	assert_int_equal(r.first, first);
	assert_int_equal(r.count, count);
}

static void port_bad(const char *s, int want, const char *needle)
{
	struct tg_port_range r = { 7, 7 };
	struct tg_err err = { "" };

	check_msg(tg_parse_port_range(s, &r, &err), want, &err, needle);
	assert_non_null(strstr(err.msg, s));
	assert_int_equal(r.first, 7);
	assert_int_equal(r.count, 7);
}

static void test_ports(void **state __attribute__((unused)))
{
	port_ok("0", 0, 1);
	port_ok("53", 53, 1);
	port_ok("65535", 65535, 1);
	port_ok("0-65535", 0, 65536);
	port_ok("1000-2000", 1000, 1001);
	port_ok("5-5", 5, 1);
	port_ok("65535-65535", 65535, 1);
	port_ok("080", 80, 1);

	port_bad("65536", ERANGE, "'65536' is not a port (0-65535)");
	port_bad("70000", ERANGE, "'70000' is not a port (0-65535)");
	port_bad("99999999999999999999999", ERANGE, "is not a port");
	port_bad("1-70000", ERANGE, "'70000' is not a port (0-65535)");
	port_bad("70000-1", ERANGE, "'70000' is not a port (0-65535)");
	port_bad("5-3", EINVAL, "'5-3': range end is below its start");
	port_bad("", EINVAL, "is not a port");
	port_bad("-5", EINVAL, "is not a port or port range");
	port_bad("5-", EINVAL, "is not a port or port range");
	port_bad("-", EINVAL, "is not a port or port range");
	port_bad("1--2", EINVAL, "'-2' is not a port");
	port_bad("1-2-3", EINVAL, "'2-3' is not a port");
	port_bad("abc", EINVAL, "'abc' is not a port");
	port_bad(" 5", EINVAL, "is not a port");
	port_bad("5 ", EINVAL, "is not a port");
	port_bad("+5", EINVAL, "is not a port");
	port_bad("0x10", EINVAL, "is not a port");
	port_bad("5.0", EINVAL, "is not a port");
}

/* ---- counts and durations: the parsers of one u64 ---- */

typedef int (*u64_parser)(const char *s, uint64_t *v, struct tg_err *err);

struct u64_good {
	const char *s;
	uint64_t want;
};

struct u64_bad {
	const char *s;
	int err;
	const char *needle;
};

static void u64_ok(u64_parser parse, const char *s, uint64_t want)
{
	struct tg_err err = { "" };
	uint64_t v;

	if (parse(s, &v, &err))
		fail_msg("'%s' refused: %s", s, err.msg);
	if (v != want)
		fail_msg("'%s' is %" PRIu64 ", not %" PRIu64, s, v, want);
}

/* A refusal quotes the text and leaves the value as it was. */
static void u64_bad(u64_parser parse, const char *s, int want, const char *needle)
{
	struct tg_err err = { "" };
	uint64_t v = 42;
	int ret = parse(s, &v, &err);

	if (ret != -want)
		fail_msg("'%s': returned %d (%s), expected %d", s, ret, err.msg, -want);
	check_msg(ret, want, &err, needle);
	assert_non_null(strstr(err.msg, s));
	assert_int_equal(v, 42);
}

/* Every good and every bad case of a table, through PARSE. */
#define U64_CASES(parse, good, bad) \
	u64_cases(parse, good, sizeof(good) / sizeof(good[0]), bad, sizeof(bad) / sizeof(bad[0]))

static void u64_cases(u64_parser parse, const struct u64_good *good, size_t ngood,
		      const struct u64_bad *bad, size_t nbad)
{
	size_t i;

	for (i = 0; i < ngood; i++)
		u64_ok(parse, good[i].s, good[i].want);
	for (i = 0; i < nbad; i++)
		u64_bad(parse, bad[i].s, bad[i].err, bad[i].needle);
}

static const struct u64_good counts_good[] = {
	{ "0", 0 },
	{ "1000", 1000 },
	{ "10k", 10000 },
	{ "2.5k", 2500 },
	{ "2.5M", 2500000 },
	{ "1G", 1000000000 },
	{ "0.001k", 1 },
	{ "1.0", 1 },
	{ "1.000000000000000000000000000000", 1 },
	{ "007", 7 },
	{ "18446744073709551615", UINT64_MAX },
	{ "18446744073.709551615G", UINT64_MAX },
	{ "18446744073709551.615k", UINT64_MAX },
};

static const struct u64_bad counts_bad[] = {
	{ "abc", EINVAL, "'abc' is not a count (examples: 1000, 10k, 2.5M)" },
	{ "", EINVAL, "is not a count" },
	{ "-1", EINVAL, "is not a count" },
	{ "+1", EINVAL, "is not a count" },
	{ " 1", EINVAL, "is not a count" },
	{ "1 ", EINVAL, "is not a count" },
	{ "0x10", EINVAL, "is not a count" },
	{ "1e3", EINVAL, "is not a count" },
	{ "1m", EINVAL, "is not a count" },
	{ "1kk", EINVAL, "is not a count" },
	{ "1k ", EINVAL, "is not a count" },
	{ "1.k", EINVAL, "is not a count" },
	{ ".5k", EINVAL, "is not a count" },
	{ "1..5", EINVAL, "is not a count" },
	{ "k", EINVAL, "is not a count" },
	{ "1.5", EINVAL, "'1.5' is not a whole count" },
	{ "0.0001k", EINVAL, "'0.0001k' is not a whole count" },
	{ "2.0000000001G", EINVAL, "is not a whole count" },
	{ "18446744073709551616", ERANGE, "too large" },
	{ "18446744074G", ERANGE, "too large" },
	{ "18446744073.709551616G", ERANGE, "too large" },
	{ "99999999999999999999999999999.5", ERANGE, "too large" },
};

static void test_counts(void **state __attribute__((unused)))
{
	U64_CASES(tg_parse_count, counts_good, counts_bad);
}

static const struct u64_good durations_good[] = {
	{ "0", 0 },
	{ "10", 10000000000ULL },
	{ "0.5", 500000000 },
	{ "7ns", 7 },
	{ "3us", 3000 },
	{ "250ms", 250000000 },
	{ "1.5s", 1500000000 },
	{ "2m", 120000000000ULL },
	{ "1.5m", 90000000000ULL },
	{ "1h", 3600000000000ULL },
	{ "0.25h", 900000000000ULL },
	{ "1.5us", 1500 },
	{ "0.000000001", 1 },
	/* Below a nanosecond rounds down. */
	{ "1.9ns", 1 },
	{ "0.0000000001s", 0 },
	{ "18446744073.709551615s", UINT64_MAX },
	{ "18446744073709551615ns", UINT64_MAX },
};

static const struct u64_bad durations_bad[] = {
	{ "1x", EINVAL, "'1x' is not a duration (examples: 10, 250ms, 1.5s, 2m)" },
	{ "", EINVAL, "is not a duration" },
	{ "s", EINVAL, "is not a duration" },
	{ "-1s", EINVAL, "is not a duration" },
	{ "1 s", EINVAL, "is not a duration" },
	{ "1.s", EINVAL, "is not a duration" },
	{ ".5s", EINVAL, "is not a duration" },
	{ "1e3", EINVAL, "is not a duration" },
	{ "1sec", EINVAL, "is not a duration" },
	{ "1S", EINVAL, "is not a duration" },
	{ "1M", EINVAL, "is not a duration" },
	{ "1ss", EINVAL, "is not a duration" },
	{ "18446744074s", ERANGE, "too long" },
	{ "18446744073.709551616s", ERANGE, "too long" },
	{ "5124096h", ERANGE, "too long" },
	{ "307445735m", ERANGE, "too long" },
	{ "18446744073709551616ns", ERANGE, "too long" },
};

static void test_durations(void **state __attribute__((unused)))
{
	U64_CASES(tg_parse_duration, durations_good, durations_bad);
}

/* ---- plain integers ---- */

static void test_uint(void **state __attribute__((unused)))
{
	struct tg_err err;
	uint64_t v = 42;

	assert_int_equal(tg_parse_uint("0", 0, 65535, &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tg_parse_uint("65535", 0, 65535, &v, &err), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(tg_parse_uint("0xffff", 0, 65535, &v, &err), 0);
	assert_int_equal(v, 65535);
	assert_int_equal(tg_parse_uint("0XaB", 0, 65535, &v, &err), 0);
	assert_int_equal(v, 0xab);
	assert_int_equal(tg_parse_uint("010", 0, 65535, &v, &err), 0);
	assert_int_equal(v, 10);	/* decimal, not octal */
	assert_int_equal(tg_parse_uint("18446744073709551615", 0, UINT64_MAX,
				       &v, &err), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(tg_parse_uint("0xffffffffffffffff", 0, UINT64_MAX,
				       &v, &err), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(tg_parse_uint("1", 1, 10, &v, &err), 0);
	assert_int_equal(tg_parse_uint("10", 1, 10, &v, &err), 0);
	assert_int_equal(v, 10);

	v = 42;
	check_msg(tg_parse_uint("0", 1, 10, &v, &err), ERANGE, &err,
		  "'0' is out of range (1-10)");
	check_msg(tg_parse_uint("11", 1, 10, &v, &err), ERANGE, &err,
		  "'11' is out of range (1-10)");
	check_msg(tg_parse_uint("65536", 0, 65535, &v, &err), ERANGE, &err,
		  "'65536' is out of range (0-65535)");
	check_msg(tg_parse_uint("18446744073709551616", 0, UINT64_MAX, &v,
				&err), ERANGE, &err, "'18446744073709551616'");
	check_msg(tg_parse_uint("0x10000000000000000", 0, UINT64_MAX, &v,
				&err), ERANGE, &err, "'0x10000000000000000'");
	check_msg(tg_parse_uint("", 1, 10, &v, &err), EINVAL, &err, "(1-10");
	check_msg(tg_parse_uint("abc", 1, 10, &v, &err), EINVAL, &err,
		  "'abc' is not a number (1-10");
	check_msg(tg_parse_uint("0x", 1, 10, &v, &err), EINVAL, &err, "'0x'");
	check_msg(tg_parse_uint("0x1g", 1, 10, &v, &err), EINVAL, &err, "'0x1g'");
	check_msg(tg_parse_uint("-1", 0, 10, &v, &err), EINVAL, &err, "'-1'");
	check_msg(tg_parse_uint("+1", 0, 10, &v, &err), EINVAL, &err, "'+1'");
	check_msg(tg_parse_uint(" 1", 0, 10, &v, &err), EINVAL, &err, "' 1'");
	check_msg(tg_parse_uint("1.5", 0, 10, &v, &err), EINVAL, &err, "'1.5'");
	check_msg(tg_parse_uint("1k", 0, 10000, &v, &err), EINVAL, &err, "'1k'");
	check_msg(tg_parse_uint("99999999999999999999x", 0, 10, &v, &err),
		  EINVAL, &err, "is not a number");
	assert_int_equal(v, 42);
}

/* ---- formatting of numbers ---- */

static void test_format_numbers(void **state __attribute__((unused)))
{
	char buf[TG_NUMSTR_LEN];
	uint64_t back;
	struct tg_err err;
	static const struct { uint64_t v; const char *s; } counts[] = {
		{ 0, "0" }, { 1, "1" }, { 999, "999" }, { 1000, "1k" },
		{ 1500, "1500" }, { 2500000, "2500k" }, { 10000000, "10M" },
		{ 3000000000ULL, "3G" },
		{ UINT64_MAX, "18446744073709551615" },
	};
	static const struct { uint64_t v; const char *s; } durs[] = {
		{ 0, "0" }, { 7, "7ns" }, { 1500, "1.5us" }, { 250000000, "250ms" },
		{ 1000000000, "1s" }, { 1500000000, "1.5s" },
		{ 90000000000ULL, "90s" }, { 120000000000ULL, "2m" },
		{ 7200000000000ULL, "2h" }, { 1000001, "1.000001ms" },
		{ UINT64_MAX, "18446744073.709551615s" },
	};
	size_t i;

	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		tg_format_count(counts[i].v, buf, sizeof(buf));
		assert_string_equal(buf, counts[i].s);
		assert_int_equal(tg_parse_count(buf, &back, &err), 0);
		assert_int_equal(back, counts[i].v);
	}
	for (i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		tg_format_duration(durs[i].v, buf, sizeof(buf));
		assert_string_equal(buf, durs[i].s);
		assert_int_equal(tg_parse_duration(buf, &back, &err), 0);
		assert_int_equal(back, durs[i].v);
	}
}

/* The library must cope with callers that do not want the message. */
static void test_null_err(void **state __attribute__((unused)))
{
	struct tg_addr_range r;
	struct tg_port_range p;
	uint64_t v;
	uint8_t mac[6];

	assert_int_equal(tg_parse_addr_range("x", &r, NULL), -EINVAL);
	assert_int_equal(tg_parse_port_range("70000", &p, NULL), -ERANGE);
	assert_int_equal(tg_parse_count("x", &v, NULL), -EINVAL);
	assert_int_equal(tg_parse_duration("x", &v, NULL), -EINVAL);
	assert_int_equal(tg_parse_uint("x", 0, 1, &v, NULL), -EINVAL);
	assert_int_equal(tg_parse_mac("x", mac, NULL), -EINVAL);
}

/* Inputs much longer than any valid value, quoted in a bounded message. */
static void test_long_input(void **state __attribute__((unused)))
{
	char big[4096];
	struct tg_addr_range r;
	struct tg_port_range p;
	struct tg_err err;
	uint64_t v;

	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(tg_parse_addr_range(big, &r, &err), -EINVAL);
	assert_true(strlen(err.msg) < TG_ERRLEN);
	assert_int_equal(tg_parse_port_range(big, &p, &err), -ERANGE);
	assert_int_equal(tg_parse_count(big, &v, &err), -ERANGE);
	assert_int_equal(tg_parse_duration(big, &v, &err), -ERANGE);
	/* A long fraction is still exact. */
	big[0] = '0';
	big[1] = '.';
	memset(big + 2, '0', sizeof(big) - 3);
	assert_int_equal(tg_parse_count(big, &v, &err), 0);
	assert_int_equal(v, 0);
	assert_int_equal(tg_parse_duration(big, &v, &err), 0);
	assert_int_equal(v, 0);
}

/*
 * Odd inputs the fuzzer's corpus turned up. None crashed anything; they pin
 * down behaviour at edges the hand-written cases above did not reach.
 */
static void test_fuzz_corpus(void **state __attribute__((unused)))
{
	u64_ok(tg_parse_count, "000000000000000000000000000000000000000000000000000000000005", 5);
	u64_ok(tg_parse_count, "000000000000000017343714856029034333", 17343714856029034333ULL);
	u64_ok(tg_parse_count, "2.00", 2);
	u64_ok(tg_parse_duration, "00.5021560184000100000184467474417370844651615006744173708651615",
	       502156018);
	u64_ok(tg_parse_duration, "1.80000000000000000000000000000000000000000000000000000000002",
	       1800000000);
	port_ok("000000000000000000000000000000000000000000000000000000000016",
		16, 1);
	range_ok("::-00::f", AF_INET6, "::", 16);
	range_ok("::-::", AF_INET6, "::", 1);
	range_ok("0.0.0.0/2", AF_INET, "0.0.0.0", 1ULL << 30);
	range_ok("::fff:1.2.3.4", AF_INET6, "::fff:102:304", 1);
	range_bad("::-:::", EINVAL, "':::' is not an IPv4 or IPv6 address");
	range_bad("::/0096x", EINVAL, "is not a prefix length");
	u64_bad(tg_parse_count, "18446744173003732731122996099983", ERANGE, "too large");
	u64_bad(tg_parse_duration, "1809551615h", ERANGE, "too long");
	u64_bad(tg_parse_duration, "0xxee:15-6#1", EINVAL, "is not a duration");
	port_bad("0xxee:15-6#1", EINVAL, "is not a port");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac_good),
		cmocka_unit_test(test_mac_bad),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_range_v4),
		cmocka_unit_test(test_range_v6),
		cmocka_unit_test(test_range_bad),
		cmocka_unit_test(test_range_at_and_format),
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_uint),
		cmocka_unit_test(test_format_numbers),
		cmocka_unit_test(test_null_err),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_fuzz_corpus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
