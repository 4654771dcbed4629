// SPDX-License-Identifier: GPL-2.0
/* Thresholds on both sides of the line, and the --max-loss parser. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "sink/thresholds.h"

static const struct tg_thresh none = { .max_loss_pct = -1 };

static void test_no_thresholds_pass(void **state)
{
	struct tg_thresh_input in = { 0 };
	struct tg_thresh_result r;

	assert_false(tg_thresh_active(&none));
	assert_true(tg_thresh_check(&none, &in, &r));
	assert_int_equal(r.nmissed, 0);
}

static void test_loss(void **state)
{
	struct tg_thresh g = { .max_loss_pct = 1.0 };
	struct tg_thresh_input in = { .loss_known = true, .expected = 1000, .lost = 10 };
	struct tg_thresh_result r;

	assert_true(tg_thresh_check(&g, &in, &r));	/* exactly 1%: met */
	in.lost = 11;
	assert_false(tg_thresh_check(&g, &in, &r));
	assert_int_equal(r.nmissed, 1);
	assert_non_null(strstr(r.missed[0], "1.1%"));
	assert_non_null(strstr(r.missed[0], "--max-loss"));
	g.max_loss_pct = 0;
	in.lost = 0;
	assert_true(tg_thresh_check(&g, &in, &r));
	in.loss_known = false;
	assert_false(tg_thresh_check(&g, &in, &r));
	assert_non_null(strstr(r.missed[0], "unknown"));
}

static void test_pps(void **state)
{
	struct tg_thresh g = { .max_loss_pct = -1, .min_pps = 1000000 };
	struct tg_thresh_input in = { .pps = 1000000.0 };
	struct tg_thresh_result r;

	assert_true(tg_thresh_check(&g, &in, &r));
	in.pps = 999999.4;
	assert_false(tg_thresh_check(&g, &in, &r));
	assert_non_null(strstr(r.missed[0], "999999 pps"));
}

static void test_latency(void **state)
{
	struct tg_hist_summary lat = { .count = 10, .p99 = 20000 };
	struct tg_thresh g = { .max_loss_pct = -1, .max_p99_ns = 20000 };
	struct tg_thresh_input in = { .lat = &lat };
	struct tg_thresh_result r;

	assert_true(tg_thresh_check(&g, &in, &r));
	lat.p99 = 20001;
	assert_false(tg_thresh_check(&g, &in, &r));
	assert_non_null(strstr(r.missed[0], "20001 ns"));
	lat.count = 0;
	assert_false(tg_thresh_check(&g, &in, &r));
	assert_non_null(strstr(r.missed[0], "unknown"));
}

static void test_all_missed(void **state)
{
	struct tg_hist_summary lat = { .count = 1, .p99 = 5000 };
	struct tg_thresh g = { .max_loss_pct = 0, .min_pps = 10, .max_p99_ns = 1000 };
	struct tg_thresh_input in = { .loss_known = true, .expected = 10, .lost = 1,
				    .pps = 1, .lat = &lat };
	struct tg_thresh_result r;

	assert_false(tg_thresh_check(&g, &in, &r));
	assert_int_equal(r.nmissed, 3);
}

static void test_parse_pct(void **state)
{
	struct tg_err err;
	double v = -1;

	assert_int_equal(tg_thresh_parse_pct("0.5", &v, &err), 0);
	assert_true(v == 0.5);
	assert_int_equal(tg_thresh_parse_pct("1%", &v, &err), 0);
	assert_true(v == 1.0);
	assert_int_equal(tg_thresh_parse_pct("100", &v, &err), 0);
	assert_int_equal(tg_thresh_parse_pct("100.5", &v, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "'100.5'"));
	assert_int_equal(tg_thresh_parse_pct("-1", &v, &err), -EINVAL);
	assert_int_equal(tg_thresh_parse_pct("x", &v, &err), -EINVAL);
	assert_int_equal(tg_thresh_parse_pct("", &v, &err), -EINVAL);
	assert_int_equal(tg_thresh_parse_pct("1%%", &v, &err), -EINVAL);
	assert_int_equal(tg_thresh_parse_pct("nan", &v, &err), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_thresholds_pass),
		cmocka_unit_test(test_loss),
		cmocka_unit_test(test_pps),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_all_missed),
		cmocka_unit_test(test_parse_pct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
