// SPDX-License-Identifier: GPL-2.0
/*
 * lib/hist (and the bucket layout of bpf/lathist.h it shares with the sink):
 * bucket mapping at its edges, and percentiles against values worked out
 * by hand from the nearest-rank rule documented in hist.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include "sink/hist.h"

static void test_exact_small_values(void **state)
{
	uint64_t v;

	for (v = 0; v < 8; v++) {
		assert_int_equal(tg_hist_bucket(v), v);
		assert_int_equal(tg_hist_lower(v), v);
		assert_int_equal(tg_hist_upper(v), v);
	}
}

/* Worked by hand: bucket = (msb - 2) * 8 + the 3 bits below the msb. */
static void test_bucket_by_hand(void **state)
{
	assert_int_equal(tg_hist_bucket(8), 8);
	assert_int_equal(tg_hist_bucket(15), 15);
	assert_int_equal(tg_hist_bucket(16), 16);	/* [16, 17] */
	assert_int_equal(tg_hist_bucket(17), 16);
	assert_int_equal(tg_hist_bucket(18), 17);
	assert_int_equal(tg_hist_bucket(1000), 63);	/* msb 9: 56 + (1000 >> 6 & 7 = 7) */
	assert_int_equal(tg_hist_lower(63), 960);
	assert_int_equal(tg_hist_upper(63), 1023);
	assert_int_equal(tg_hist_bucket(1024), 64);
	assert_int_equal(tg_hist_bucket(5000), 81);	/* msb 12: 80 + (5000 >> 9 & 7 = 1) */
	assert_int_equal(tg_hist_lower(81), 4608);
	assert_int_equal(tg_hist_upper(81), 5119);
	assert_int_equal(tg_hist_bucket(1ULL << 63), 488);
	assert_int_equal(tg_hist_bucket(UINT64_MAX), TG_HIST_BUCKETS - 1);
	assert_int_equal(tg_hist_upper(TG_HIST_BUCKETS - 1), UINT64_MAX);
	assert_int_equal(tg_hist_lower(TG_HIST_BUCKETS - 1), 15ULL << 60);
}

/* Buckets tile the u64 range, in order, each at most 1/8 of its values wide. */
static void test_buckets_tile(void **state)
{
	uint32_t i;

	assert_int_equal(tg_hist_lower(0), 0);
	for (i = 0; i < TG_HIST_BUCKETS; i++) {
		uint64_t lo = tg_hist_lower(i), hi = tg_hist_upper(i);

		assert_true(lo <= hi);
		assert_int_equal(tg_hist_bucket(lo), i);
		assert_int_equal(tg_hist_bucket(hi), i);
		if (i + 1 < TG_HIST_BUCKETS)
			assert_int_equal(tg_hist_lower(i + 1), hi + 1);
		if (i >= 8)
			assert_true(hi - lo + 1 <= lo / 8);
	}
}

static void test_values_in_their_bucket(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int k;

	for (k = 0; k < 100000; k++) {
		uint64_t v, b;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = x >> (x % 64);	/* every magnitude */
		b = tg_hist_bucket(v);
		assert_true(b < TG_HIST_BUCKETS);
		assert_true(tg_hist_lower(b) <= v && v <= tg_hist_upper(b));
	}
}

static void add(uint64_t *b, uint64_t v, uint64_t n)
{
	b[tg_hist_bucket(v)] += n;
}

static uint64_t pct(const uint64_t *b, uint64_t min, uint64_t max, uint32_t per10k)
{
	uint64_t v = 0;

	assert_int_equal(tg_hist_percentile(b, TG_HIST_BUCKETS, min, max, per10k, &v), 0);
	return v;
}

/* Every figure of a summary, against the one worked out by hand. */
static void summary_eq(const struct tg_hist_summary *s, struct tg_hist_summary want)
{
	assert_int_equal(s->count, want.count);
	assert_int_equal(s->min, want.min);
	assert_int_equal(s->p50, want.p50);
	assert_int_equal(s->p90, want.p90);
	assert_int_equal(s->p99, want.p99);
	assert_int_equal(s->max, want.max);
	assert_int_equal(s->mean, want.mean);
}

/* Small values are exact: the percentiles are the values themselves. */
static void test_percentiles_exact(void **state)
{
	uint64_t b[TG_HIST_BUCKETS] = { 0 };
	uint64_t v;

	/* 1 2 3 4 5 6 7 7 7 7 */
	for (v = 1; v <= 6; v++)
		add(b, v, 1);
	add(b, 7, 4);
	assert_int_equal(pct(b, 1, 7, 5000), 5);	/* rank 5 */
	assert_int_equal(pct(b, 1, 7, 9000), 7);	/* rank 9 */
	assert_int_equal(pct(b, 1, 7, 9900), 7);	/* rank ceil(9.9) = 10 */
	assert_int_equal(pct(b, 1, 7, 1000), 1);	/* rank 1 */
	assert_int_equal(pct(b, 1, 7, 1001), 2);	/* rank ceil(1.001) = 2 */
	assert_int_equal(pct(b, 1, 7, 10000), 7);
}

/* Wider buckets report their highest value, clamped to min and max. */
static void test_percentiles_log_buckets(void **state)
{
	uint64_t b[TG_HIST_BUCKETS] = { 0 };
	struct tg_hist_summary s;

	/* 90 x 1000 ns, 9 x 5000 ns, 1 x 100000 ns */
	add(b, 1000, 90);
	add(b, 5000, 9);
	add(b, 100000, 1);
	assert_int_equal(pct(b, 1000, 100000, 5000), 1023);	/* rank 50: [960, 1023] */
	assert_int_equal(pct(b, 1000, 100000, 9000), 1023);	/* rank 90 */
	assert_int_equal(pct(b, 1000, 100000, 9100), 5119);	/* rank 91: [4608, 5119] */
	assert_int_equal(pct(b, 1000, 100000, 9900), 5119);	/* rank 99 */
	/* rank 100: [98304, 106495], clamped to the max */
	assert_int_equal(pct(b, 1000, 100000, 9901), 100000);
	assert_true(tg_hist_summarise(b, TG_HIST_BUCKETS, 1000, 100000,
				      90 * 1000 + 9 * 5000 + 100000, &s));
	summary_eq(&s, (struct tg_hist_summary){
		.count = 100, .min = 1000, .p50 = 1023, .p90 = 1023, .p99 = 5119,
		.max = 100000, .mean = 2350,
	});
}

static void test_percentiles_rank_rounding(void **state)
{
	uint64_t b[TG_HIST_BUCKETS] = { 0 };

	/* 10 (bucket [10, 10]), 20 ([20, 21]), 30 ([30, 31]) */
	add(b, 10, 1);
	add(b, 20, 1);
	add(b, 30, 1);
	assert_int_equal(pct(b, 10, 30, 100), 10);	/* rank ceil(0.03) = 1 */
	assert_int_equal(pct(b, 10, 30, 3333), 10);	/* rank ceil(0.9999) = 1 */
	assert_int_equal(pct(b, 10, 30, 3334), 21);	/* rank ceil(1.0002) = 2 */
	assert_int_equal(pct(b, 10, 30, 5000), 21);	/* rank ceil(1.5) = 2 */
	assert_int_equal(pct(b, 10, 30, 9000), 30);	/* rank 3, [30, 31] clamped */
}

/* One value: every percentile is it, whatever its bucket's width. */
static void test_single_value(void **state)
{
	uint64_t b[TG_HIST_BUCKETS] = { 0 };
	struct tg_hist_summary s;

	add(b, 12345, 1);
	assert_true(tg_hist_summarise(b, TG_HIST_BUCKETS, 12345, 12345, 12345, &s));
	summary_eq(&s, (struct tg_hist_summary){
		.count = 1, .min = 12345, .p50 = 12345, .p90 = 12345, .p99 = 12345,
		.max = 12345, .mean = 12345,
	});
}

static void test_empty_and_bad(void **state)
{
	uint64_t b[TG_HIST_BUCKETS] = { 0 }, v = 42;
	struct tg_hist_summary s;

	assert_int_equal(tg_hist_percentile(b, TG_HIST_BUCKETS, 0, 0, 5000, &v), -ENOENT);
	assert_int_equal(v, 42);
	assert_false(tg_hist_summarise(b, TG_HIST_BUCKETS, 0, 0, 0, &s));
	assert_int_equal(s.count, 0);
	add(b, 1, 1);
	assert_int_equal(tg_hist_percentile(b, TG_HIST_BUCKETS, 1, 1, 0, &v), -EINVAL);
	assert_int_equal(tg_hist_percentile(b, TG_HIST_BUCKETS, 1, 1, 10001, &v), -EINVAL);
}

/* Counts near 2^63 must not wrap the rank computation. */
static void test_huge_counts(void **state)
{
	uint64_t b[TG_HIST_BUCKETS] = { 0 };

	b[tg_hist_bucket(100)] = 1ULL << 62;
	b[tg_hist_bucket(1000)] = 1ULL << 62;
	assert_int_equal(pct(b, 100, 1000, 5000), 103);	/* [96, 103] */
	assert_int_equal(pct(b, 100, 1000, 5001), 1000);
	assert_int_equal(pct(b, 100, 1000, 9999), 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_small_values),
		cmocka_unit_test(test_bucket_by_hand),
		cmocka_unit_test(test_buckets_tile),
		cmocka_unit_test(test_values_in_their_bucket),
		cmocka_unit_test(test_percentiles_exact),
		cmocka_unit_test(test_percentiles_log_buckets),
		cmocka_unit_test(test_percentiles_rank_rounding),
		cmocka_unit_test(test_single_value),
		cmocka_unit_test(test_empty_and_bad),
		cmocka_unit_test(test_huge_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
