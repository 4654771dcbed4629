// SPDX-License-Identifier: GPL-2.0
/*
 * xdptest's pure logic: --only and --sizes, finding a driver's XDP counter
 * by name (veth's per-queue names, a driver's total beside per-queue ones),
 * judging a row, and the row as the table and as JSON, byte for byte.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>
#include "ethtool.h"
#include "memstream.h"
#include "xdptest/check.h"

static void test_only(void **state)
{
	struct tg_err err = { "" };
	unsigned int mask;

	assert_int_equal(tg_xt_parse_only("pass,xmit", &mask, &err), 0);
	assert_int_equal(mask, 1u << TG_XT_PASS | 1u << TG_XT_XMIT);
	assert_int_equal(tg_xt_parse_only("xsk", &mask, &err), 0);
	assert_int_equal(mask, 1u << TG_XT_XSK);
	assert_int_equal(tg_xt_parse_only("pass,dro", &mask, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "'dro' is not a check"));
	assert_int_equal(tg_xt_parse_only("", &mask, &err), -EINVAL);
	assert_int_equal(tg_xt_parse_only("tx,", &mask, &err), -EINVAL);
}

static void test_sizes(void **state)
{
	struct tg_err err = { "" };
	uint32_t v[TG_XT_MAX_SIZES];
	unsigned int n;

	assert_int_equal(tg_xt_parse_sizes("64,512,1500", 64, 1518, v, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[2], 1500);
	assert_int_equal(tg_xt_parse_sizes("63", 64, 1518, v, &n, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "out of range (64-1518)"));
	assert_int_equal(tg_xt_parse_sizes("64,64", 64, 1518, v, &n, &err), -EINVAL);
	assert_int_equal(tg_xt_parse_sizes("64,", 64, 1518, v, &n, &err), -EINVAL);
	assert_int_equal(tg_xt_parse_sizes("64x", 64, 1518, v, &n, &err), -EINVAL);
	assert_int_equal(tg_xt_parse_sizes("64,65,66,67,68,69,70,71,72", 64, 1518, v, &n, &err),
			 -EINVAL);
}

static const char names[][TG_ETHTOOL_NAMELEN + 1] = {
	"peer_ifindex", "rx_queue_0_xdp_tx", "rx_queue_0_xdp_tx_errors",
	"rx_queue_1_xdp_tx", "rx_queue_1_xdp_tx_errors", "tx_queue_0_xdp_xmit",
	"rx_xdp_drop", "rx0_xdp_drop", "rx1_xdp_drop",
};
static const uint64_t vals[] = { 7, 10, 1, 20, 2, 30, 100, 60, 40 };
#define NSTATS (sizeof(vals) / sizeof(vals[0]))

static void test_counter_names(void **state)
{
	uint64_t v;

	/* Per-queue counters are summed; an _errors counter is not an xdp_tx one. */
	assert_true(tg_ethtool_sum(names, vals, NSTATS, "rx", "xdp_tx", &v));
	assert_int_equal(v, 30);
	assert_true(tg_ethtool_sum(names, vals, NSTATS, "rx", "xdp_tx_errors", &v));
	assert_int_equal(v, 3);
	/* A total beside per-queue counters is read alone, not added to them. */
	assert_true(tg_ethtool_sum(names, vals, NSTATS, "rx", "xdp_drop", &v));
	assert_int_equal(v, 100);
	/* The direction counts: tx_queue_0_xdp_xmit is no rx counter. */
	assert_false(tg_ethtool_sum(names, vals, NSTATS, "rx", "xdp_xmit", &v));
	assert_true(tg_ethtool_sum(names, vals, NSTATS, "tx", "xdp_xmit", &v));
	assert_int_equal(v, 30);
	assert_false(tg_ethtool_sum(names, vals, NSTATS, "rx", "xdp_pass", &v));
	assert_false(tg_ethtool_sum(names, vals, 0, "rx", "xdp_tx", &v));
}

static void test_xsk_counters(void **state)
{
	const struct tg_xt_ctr_spec *spec;
	unsigned int n;

	/* The frames put in a socket are redirects to the driver: counted as such. */
	spec = tg_xt_ctr_specs(TG_XT_XSK, &n);
	assert_int_equal(n, 1);
	assert_string_equal(spec[0].dir, "rx");
	assert_string_equal(spec[0].names[0], "xdp_redirect");
	assert_false(spec[0].errors);
	assert_false(spec[0].on_tx);
}

static void test_judge(void **state)
{
	struct tg_xt_row r = { .check = TG_XT_DROP, .available = true };
	struct tg_xt_summary s = { 0 };

	assert_true(tg_xt_exact(TG_XT_PASS, 5, 5, 0));
	assert_false(tg_xt_exact(TG_XT_PASS, 5, 4, 5));
	assert_false(tg_xt_exact(TG_XT_PASS, 5, 6, 5));
	assert_false(tg_xt_exact(TG_XT_PASS, 0, 0, 0));
	/* drop: the program must have counted every frame too. */
	assert_false(tg_xt_exact(TG_XT_DROP, 5, 5, 4));
	assert_true(tg_xt_exact(TG_XT_DROP, 5, 5, 5));

	r.exact = true;
	r.nctrs = 1;
	tg_xt_ctr_judge(&r.ctrs[0], false, 0, 5);
	assert_int_equal(r.ctrs[0].state, TG_XT_CTR_NOT_OFFERED);
	assert_false(tg_xt_row_fails(&r));
	tg_xt_ctr_judge(&r.ctrs[0], true, 4, 5);
	assert_int_equal(r.ctrs[0].state, TG_XT_CTR_MISMATCH);
	assert_true(tg_xt_row_fails(&r));
	tg_xt_summary_add(&s, &r);
	/* Not available never fails a run. */
	r = (struct tg_xt_row){ .check = TG_XT_XSK };
	assert_false(tg_xt_row_fails(&r));
	tg_xt_summary_add(&s, &r);
	assert_int_equal(s.checks, 2);
	assert_int_equal(s.exact, 1);
	assert_int_equal(s.not_available, 1);
	assert_int_equal(s.mismatches, 1);
}

static const struct tg_xt_row tx_row = {
	.check = TG_XT_TX, .size = 64, .available = true, .sent = 1000, .seen = 1000,
	.exact = true, .pps_full = 2500000, .lost_full = 10, .paced_pps = 500000, .nctrs = 2,
	.ctrs = {
		{ "rx", "xdp_tx", "dut0", TG_XT_CTR_MISMATCH, 1000, 990 },
		{ "rx", "xdp_tx_errors", "dut0", TG_XT_CTR_NOT_OFFERED },
	},
};

static void test_print_text(void **state)
{
	struct tg_memout c;
	FILE *f = tg_memout_open(&c);

	tg_xt_print_head(f, false);
	tg_xt_print_row(f, false, &tx_row);
	tg_xt_print_row(f, false, &(struct tg_xt_row){ .check = TG_XT_XSK, .size = 64,
						       .why_not = "no engine" });
	tg_xt_print_summary(f, false, &(struct tg_xt_summary){ 2, 1, 1, 1 });
	tg_memout_check(&c,
		"check      size       sent       seen exact      Mpps  lost@full  driver counters\n"
		"tx           64       1000       1000 yes       2.500         10  rx_xdp_tx mismatch"
		" (990, expected 1000), rx_xdp_tx_errors not offered [last pass paced at 0.500 Mpps]\n"
		"xsk          64 not available: no engine\n"
		"2 checks, 1 exact, 1 not available, 1 driver counter mismatches\n");
}

static void test_print_json(void **state)
{
	struct tg_memout c;
	FILE *f = tg_memout_open(&c);

	tg_xt_print_head(f, true);
	tg_xt_print_row(f, true, &tx_row);
	tg_xt_print_summary(f, true, &(struct tg_xt_summary){ 1, 1, 0, 1 });
	tg_memout_check(&c,
		"{\"type\":\"verdict\",\"verdict\":\"tx\",\"size\":64,\"sent\":1000,\"seen\":1000,"
		"\"exact\":true,\"pps\":2500000.000000,\"lost_at_full_rate\":10,\"paced_pps\":500000.000000,"
		"\"driver_stats\":{\"rx_xdp_tx\":{\"ifname\":\"dut0\",\"state\":\"mismatch\","
		"\"expected\":1000,\"counted\":990},\"rx_xdp_tx_errors\":{\"ifname\":\"dut0\","
		"\"state\":\"not offered\"}}}\n"
		"{\"type\":\"summary\",\"checks\":1,\"exact\":1,\"not_available\":0,\"driver_mismatches\":1}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_counter_names),
		cmocka_unit_test(test_xsk_counters),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_print_text),
		cmocka_unit_test(test_print_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
