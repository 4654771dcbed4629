// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/udp/size_wheel.c (size ranges, IMIX mixes and their wheels)
 * and for the per-size checksum changes lib/udp/cfg.c gives the generator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "csum.h"
#include "packet.h"
#include "udp/size_wheel.h"
#include "udp/cfg.h"

static void range_ok(const char *s, uint32_t min, uint32_t max)
{
	struct tg_err err = { "" };
	struct tg_size_range r;

	if (tg_parse_size_range(s, 64, 3412, &r, &err))
		fail_msg("'%s' refused: %s", s, err.msg);
	assert_int_equal(r.min, min);
	assert_int_equal(r.max, max);
}

static void range_bad(const char *s, int want, const char *needle)
{
	struct tg_err err = { "" };
	struct tg_size_range r = { 1, 2 };
	int ret = tg_parse_size_range(s, 64, 3412, &r, &err);

	if (ret != -want || !strstr(err.msg, needle))
		fail_msg("'%s': returned %d (%s), expected %d and '%s'", s, ret, err.msg,
			 -want, needle);
	assert_int_equal(r.min, 1);
}

static void test_parse_range(void **state)
{
	range_ok("64", 64, 64);
	range_ok("1500", 1500, 1500);
	range_ok("64-1518", 64, 1518);
	range_ok("100-100", 100, 100);
	range_ok("3412", 3412, 3412);

	range_bad("63", ERANGE, "'63' is out of range (64-3412)");
	range_bad("3413", ERANGE, "'3413' is out of range");
	range_bad("64-3413", ERANGE, "'64-3413' is out of range");
	range_bad("1518-64", EINVAL, "ends below where it starts");
	range_bad("abc", EINVAL, "'abc' is not a size");
	range_bad("", EINVAL, "is not a size");
	range_bad("64-", EINVAL, "is not a size");
	range_bad("-64", EINVAL, "is not a size");
	range_bad("64--100", EINVAL, "is not a size");
	range_bad("64-100x", EINVAL, "is not a size");
	range_bad("9999999999", EINVAL, "is not a size");
}

static void imix_bad(const char *s, int want, const char *needle)
{
	struct tg_err err = { "" };
	struct tg_imix m = { .n = 99 };
	int ret = tg_parse_imix(s, 64, 3412, &m, &err);

	if (ret != -want || !strstr(err.msg, needle))
		fail_msg("'%s': returned %d (%s), expected %d and '%s'", s, ret, err.msg,
			 -want, needle);
	assert_int_equal(m.n, 99);
}

static void test_parse_imix(void **state)
{
	struct tg_err err = { "" };
	struct tg_imix m;

	assert_int_equal(tg_parse_imix("", 64, 3412, &m, &err), 0);
	assert_int_equal(m.n, 3);
	assert_true(m.classic);
	assert_int_equal(m.wire[0], 64);
	assert_int_equal(m.weight[0], 7);
	assert_int_equal(m.wire[2], 1518);
	assert_int_equal(m.weight[2], 1);
	assert_int_equal(tg_parse_imix("classic", 64, 3412, &m, &err), 0);
	assert_true(m.classic);
	assert_int_equal(tg_parse_imix("64:7,594:4,1518:1", 64, 3412, &m, &err), 0);
	assert_false(m.classic);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.wire[1], 594);
	assert_int_equal(m.weight[1], 4);
	assert_int_equal(tg_parse_imix("1500:1", 64, 3412, &m, &err), 0);
	assert_int_equal(m.n, 1);

	imix_bad("64", EINVAL, "not a mix of SIZE:WEIGHT");
	imix_bad("64:", EINVAL, "not a mix");
	imix_bad("64:7,", EINVAL, "not a mix");
	imix_bad("64:7;594:4", EINVAL, "not a mix");
	imix_bad("64:7,,594:4", EINVAL, "not a mix");
	imix_bad("a:1", EINVAL, "not a mix");
	imix_bad("63:1", ERANGE, "size 63 is out of range (64-3412)");
	imix_bad("64:0", ERANGE, "weight 0 of size 64 is out of range (1-4096)");
	imix_bad("64:4097", ERANGE, "weight 4097");
	imix_bad("64:1,64:2", EINVAL, "gives size 64 twice");
	imix_bad("64:1,65:1,66:1,67:1,68:1,69:1,70:1,71:1,72:1,73:1,74:1,75:1,76:1,77:1,78:1,79:1,80:1",
		 EINVAL, "more than 16 sizes");
}

static void test_wheel_range(void **state)
{
	struct tg_size_range r = { 64, 1518 };
	struct tg_err err = { "" };
	uint16_t w[TG_SIZE_WHEEL_MAX];
	unsigned int n, i;

	assert_int_equal(tg_size_wheel_range(&r, w, TG_SIZE_WHEEL_MAX, &n, &err), 0);
	assert_int_equal(n, 1455);
	for (i = 0; i < n; i++)
		assert_int_equal(w[i], 60 + i);	/* frame lengths: the FCS is off */
	assert_int_equal(tg_size_wheel_min(w, n), 60);
	assert_int_equal(tg_size_wheel_max(w, n), 1514);
	assert_true(tg_size_wheel_mean_wire(w, n) == (64 + 1518) / 2.0);
	r = (struct tg_size_range){ 64, 3412 };
	assert_int_equal(tg_size_wheel_range(&r, w, TG_SIZE_WHEEL_MAX, &n, &err), 0);
	assert_int_equal(n, 3349);
	assert_int_equal(tg_size_wheel_range(&r, w, 100, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "3349 sizes, more than the 100"));
}

static unsigned int count_of(const uint16_t *w, unsigned int n, uint16_t len)
{
	unsigned int i, c = 0;

	for (i = 0; i < n; i++)
		c += w[i] == len;
	return c;
}

static void test_wheel_imix(void **state)
{
	static const uint16_t classic[12] = {
		60, 590, 60, 60, 590, 60, 1514, 60, 590, 60, 590, 60,
	};
	struct tg_err err = { "" };
	uint16_t w[TG_SIZE_WHEEL_MAX];
	struct tg_imix m;
	unsigned int n, i, run = 0, longest = 0;

	tg_imix_classic(&m);
	assert_int_equal(tg_size_wheel_imix(&m, w, TG_SIZE_WHEEL_MAX, &n, &err), 0);
	assert_int_equal(n, 12);
	/* Smooth weighted round robin interleaves the small frames. */
	assert_memory_equal(w, classic, sizeof(classic));
	assert_true(tg_size_wheel_mean_wire(w, n) > 361.83 && tg_size_wheel_mean_wire(w, n) < 361.84);

	/* Weights with a common divisor make the same wheel. */
	assert_int_equal(tg_parse_imix("64:70,594:40,1518:10", 64, 3412, &m, &err), 0);
	assert_int_equal(tg_size_wheel_imix(&m, w, TG_SIZE_WHEEL_MAX, &n, &err), 0);
	assert_int_equal(n, 12);
	assert_memory_equal(w, classic, sizeof(classic));

	/* Every size gets exactly its weight per turn, spread out. */
	assert_int_equal(tg_parse_imix("100:1000,200:3,300:1", 64, 3412, &m, &err), 0);
	assert_int_equal(tg_size_wheel_imix(&m, w, TG_SIZE_WHEEL_MAX, &n, &err), 0);
	assert_int_equal(n, 1004);
	assert_int_equal(count_of(w, n, 96), 1000);
	assert_int_equal(count_of(w, n, 196), 3);
	assert_int_equal(count_of(w, n, 296), 1);
	for (i = 0; i < n; i++) {
		run = w[i] == 96 ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	/* Between the 4 others: runs of about a third of the turn at most. */
	if (longest > 335)
		fail_msg("a run of %u frames of one size", longest);

	/* Too many frames in one turn. */
	assert_int_equal(tg_parse_imix("100:4096,200:1", 64, 3412, &m, &err), 0);
	assert_int_equal(tg_size_wheel_imix(&m, w, TG_SIZE_WHEEL_MAX, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "add up to 4097"));
}

/*
 * The checksum change of each size, added to the template's checksum,
 * must give the checksum tg_build_udp computes in full at that size, for
 * both families and every size from the smallest to the template's.
 */
static void test_size_csum(void **state)
{
	static uint8_t tmpl[TG_MAX_FRAME_LEN], ref[TG_MAX_FRAME_LEN];
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int f;

	for (f = 0; f < 2; f++) {
		struct tg_udp_spec spec = {
			.dst_mac = { 2, 0, 0, 0, 0, 2 }, .src_mac = { 2, 0, 0, 0, 0, 1 },
			.family = fams[f], .sport = 4321, .dport = 53, .ttl = 64,
			.frame_len = TG_MAX_FRAME_LEN,
		};
		struct tg_layout l;
		uint32_t len;

		if (fams[f] == AF_INET) {
			inet_pton(AF_INET, "198.18.0.2", &spec.src);
			inet_pton(AF_INET, "198.18.0.1", &spec.dst);
		} else {
			inet_pton(AF_INET6, "2001:2::2", &spec.src);
			inet_pton(AF_INET6, "2001:2::1", &spec.dst);
		}
		assert_int_equal(tg_build_udp(&spec, tmpl, sizeof(tmpl), &l, NULL), 0);
		for (len = tg_udp_min_frame_len(fams[f], 0, false); len <= TG_MAX_FRAME_LEN;
		     len++) {
			uint16_t c, want, d = tg_udp_cfg_size_csum(tmpl, &l, fams[f], len);
			uint32_t acc;

			spec.frame_len = len;
			assert_int_equal(tg_build_udp(&spec, ref, sizeof(ref), NULL, NULL), 0);
			memcpy(&c, tmpl + l.l4_off + 6, 2);
			memcpy(&want, ref + l.l4_off + 6, 2);
			/* What the program does: ~check + d, folded, complemented. */
			acc = (uint16_t)~c + d;
			acc = (acc & 0xffff) + (acc >> 16);
			acc = (acc & 0xffff) + (acc >> 16);
			c = tg_udp_csum_nonzero((uint16_t)~acc);
			if (c != want)
				fail_msg("%s, %u bytes: checksum %#06x, expected %#06x",
					 fams[f] == AF_INET ? "IPv4" : "IPv6", len, c, want);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_parse_imix),
		cmocka_unit_test(test_wheel_range),
		cmocka_unit_test(test_wheel_imix),
		cmocka_unit_test(test_size_csum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
