// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/udp/pace.c: rate parsing, bit-rate conversion, bursts,
 * slot intervals and the fixed-point schedule the BPF program keeps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>
#include "udp/pace.h"

static void rate_ok(const char *s, double value, bool bits)
{
	struct tg_err err = { "" };
	struct tg_rate r;

	if (tg_parse_rate(s, &r, &err))
		fail_msg("'%s' refused: %s", s, err.msg);
	if (r.value != value || r.bits != bits)
		fail_msg("'%s' read as %f %s, expected %f %s", s, r.value,
			 r.bits ? "bit/s" : "pps", value, bits ? "bit/s" : "pps");
}

static void rate_bad(const char *s, int want, const char *needle)
{
	struct tg_err err = { "" };
	struct tg_rate r = { .value = 42 };
	int ret = tg_parse_rate(s, &r, &err);

	if (ret != -want)
		fail_msg("'%s': returned %d, expected %d (%s)", s, ret, -want, err.msg);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' does not contain '%s'", s, err.msg, needle);
	assert_true(r.value == 42);	/* untouched on failure */
}

static void test_parse_rate(void **state)
{
	rate_ok("1000", 1000, false);
	rate_ok("100k", 100000, false);
	rate_ok("2.5M", 2500000, false);
	rate_ok("1G", 1e9, false);
	rate_ok("100kpps", 100000, false);
	rate_ok("0.5", 0.5, false);
	rate_ok("1Gbit", 1e9, true);
	rate_ok("400Mbit", 400e6, true);
	rate_ok("400mbit", 400e6, true);
	rate_ok("10kbit", 10000, true);
	rate_ok("10Kbit", 10000, true);
	rate_ok("1.5Gbit/s", 1.5e9, true);
	rate_ok("9600bit", 9600, true);
	rate_ok("40Tbit", 40e12, true);

	rate_bad("", EINVAL, "is not a rate");
	rate_bad("k", EINVAL, "'k' is not a rate");
	rate_bad("0", EINVAL, "not above zero");
	rate_bad("0.0k", EINVAL, "not above zero");
	rate_bad("-5", EINVAL, "is not a rate");
	rate_bad("+5", EINVAL, "is not a rate");
	rate_bad(" 5", EINVAL, "is not a rate");
	rate_bad("1e6", EINVAL, "is not a rate");
	rate_bad("5m", EINVAL, "'5m' is not a rate");	/* milli? mega? neither */
	rate_bad("1Mbps", EINVAL, "write bit");
	rate_bad("1bps", EINVAL, "write bit");
	rate_bad(".5", EINVAL, "is not a rate");
	rate_bad("5.", EINVAL, "is not a rate");
	rate_bad("1.2.3", EINVAL, "is not a rate");
	rate_bad("1kbitx", EINVAL, "is not a rate");
	rate_bad("1 k", EINVAL, "is not a rate");
	rate_bad("inf", EINVAL, "is not a rate");
	rate_bad("1234567890123456789", EINVAL, "is not a rate");
	rate_bad("2000Tbit", ERANGE, "beyond any link");
}

/* Wire bits are (frame + FCS) * 8: what a 1 Gbit/s link carries without preamble and gap. */
static void test_bits_to_frames(void **state)
{
	struct tg_rate r = { .value = 1e9, .bits = true };
	struct tg_rate p = { .value = 12345, .bits = false };

	assert_true(tg_rate_pps(&r, 64) == 1953125);
	r.value = 400e6;
	assert_true(tg_rate_pps(&r, 1518) == 400e6 / (1518 * 8));
	r.value = 10000;
	assert_true(tg_rate_pps(&r, 125) == 10);
	/* A frame rate does not care about sizes. */
	assert_true(tg_rate_pps(&p, 64) == 12345);
	assert_true(tg_rate_pps(&p, 0) == 12345);
	assert_true(tg_rate_bps(1953125, 64) == 1e9);
	/* IMIX 7:4:1 of 64, 594, 1518: 361.83 bytes on average. */
	r.value = 1e9;
	assert_int_equal((int)tg_rate_pps(&r, (7 * 64 + 4 * 594 + 1518) / 12.0), 345462);
}

static void test_auto_burst(void **state)
{
	assert_int_equal(tg_pace_auto_burst(1), 1);
	assert_int_equal(tg_pace_auto_burst(50000), 1);
	assert_int_equal(tg_pace_auto_burst(200000), 1);	/* exactly 5 us */
	assert_int_equal(tg_pace_auto_burst(200001), 2);
	assert_int_equal(tg_pace_auto_burst(1e6), 5);
	assert_int_equal(tg_pace_auto_burst(3e6), 15);
	assert_int_equal(tg_pace_auto_burst(51.2e6), 256);
	assert_int_equal(tg_pace_auto_burst(1e9), 256);
}

static void plan_ok(double pps, unsigned int n, uint32_t burst, struct tg_pace *p)
{
	struct tg_err err = { "" };

	if (tg_pace_plan(pps, n, burst, p, &err))
		fail_msg("plan %f pps over %u threads, burst %u: %s", pps, n, burst, err.msg);
}

static void test_plan(void **state)
{
	struct tg_err err = { "" };
	struct tg_pace p;

	/* 1 Mpps over 2 threads: 500 kpps each, 3 a burst, a slot every 6 us. */
	plan_ok(1e6, 2, 0, &p);
	assert_true(p.pps_thread == 500000);
	assert_int_equal(p.burst, 3);
	assert_int_equal(p.interval_ns, 6000);
	assert_int_equal(p.interval_frac, 0);
	/* 50 kpps: one frame every 20 us. */
	plan_ok(50000, 1, 0, &p);
	assert_int_equal(p.burst, 1);
	assert_int_equal(p.interval_ns, 20000);
	/* A given burst is kept. */
	plan_ok(50000, 1, 32, &p);
	assert_int_equal(p.burst, 32);
	assert_int_equal(p.interval_ns, 640000);
	/* 3 Mpps over 7 threads: 7/3 us a frame; the third is in the fraction. */
	plan_ok(3e6, 7, 1, &p);
	assert_int_equal(p.interval_ns, 2333);
	assert_true(p.interval_frac > 1431655760u && p.interval_frac < 1431655770u);
	/* Slow rates still catch up over a couple of slots. */
	plan_ok(10, 1, 0, &p);
	assert_int_equal(p.interval_ns, 100000000);
	assert_int_equal(p.max_lag_ns, 200000000);
	plan_ok(1e6, 1, 0, &p);
	assert_int_equal(p.max_lag_ns, TG_PACE_MAX_LAG_NS);
	assert_int_equal(p.spin_ns, TG_PACE_SPIN_NS);

	assert_int_equal(tg_pace_plan(0, 1, 0, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not above zero"));
	assert_int_equal(tg_pace_plan(1e6, 0, 0, &p, &err), -EINVAL);
	assert_int_equal(tg_pace_plan(1e6, 1, 257, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "burst 257"));
	assert_int_equal(tg_pace_plan(1e-4, 1, 0, &p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "more than an hour apart"));
}

/*
 * The schedule keeps 32 bits of fraction per slot: after a billion slots
 * of a rate whose interval is not a whole number of ns, it is still within
 * a nanosecond of exact arithmetic (slot k at k * 7e9 / 3e6 ns).
 */
static void test_schedule_exact(void **state)
{
	struct tg_pace p;
	uint64_t k;

	plan_ok(3e6, 7, 1, &p);
	for (k = 1; k <= 1000000000ULL; k *= 10) {
		unsigned __int128 exact = (unsigned __int128)k * 7000000000ULL / 3000000ULL;
		uint64_t t = tg_pace_slot_time(&p, 1000, k) - 1000;

		if (t + 1 < (uint64_t)exact || t > (uint64_t)exact + 1)
			fail_msg("slot %llu at %llu ns, exactly %llu", (unsigned long long)k,
				 (unsigned long long)t, (unsigned long long)exact);
	}
	/* Whole intervals add up plainly. */
	plan_ok(50000, 1, 0, &p);
	assert_int_equal(tg_pace_slot_time(&p, 5, 100000), 5 + 2000000000ULL);
}

/* The reached rate counts each slot as one interval, the last included. */
static void test_reached(void **state)
{
	struct tg_pace p;

	plan_ok(1e6, 1, 1, &p);
	assert_true(tg_pace_reached(&p, 100, 0, 99000) == 1e6);
	assert_true(tg_pace_reached(&p, 100, 1000, 199000 + 1000) == 0.5e6);
	assert_true(tg_pace_reached(&p, 0, 0, 99000) == 0);
	assert_true(tg_pace_reached(&p, 5, 10, 5) == 0);
	plan_ok(1e6, 1, 10, &p);
	assert_true(tg_pace_reached(&p, 1000, 0, 99 * 10000) == 1e6);
}

static void test_format(void **state)
{
	char b[32];

	tg_format_rate(2.5e6, false, b, sizeof(b));
	assert_string_equal(b, "2.5Mpps");
	tg_format_rate(400e6, true, b, sizeof(b));
	assert_string_equal(b, "400Mbit/s");
	tg_format_rate(999, false, b, sizeof(b));
	assert_string_equal(b, "999pps");
	tg_format_rate(49898.6, false, b, sizeof(b));
	assert_string_equal(b, "49.9kpps");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_rate),
		cmocka_unit_test(test_bits_to_frames),
		cmocka_unit_test(test_auto_burst),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_schedule_exact),
		cmocka_unit_test(test_reached),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
