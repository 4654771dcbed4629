// SPDX-License-Identifier: GPL-2.0
/*
 * lib/stats: a sending run's interval line and summary, text and JSON, byte
 * for byte; transmit errors as a count or, where the kernel gave no way to
 * count them, "n/a" and null.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memstream.h"
#include "json.h"
#include "print.h"
#include "stats.h"

static const struct tg_tx_counts counts = {
	.packets = 1500000, .bytes = 96000000, .errors = 3,
};

static void interval(bool json, bool errors_counted, const char *want)
{
	struct tg_memout c;
	struct tg_out o = { .json = json, .errors_counted = errors_counted,
			    .ifname = "veth0" };

	o.f = tg_memout_open(&c);
	tg_tx_interval(&o, 3000000000ULL, &counts, 1000000000ULL);
	tg_memout_check(&c, want);
}

static void test_interval_text(void **state __attribute__((unused)))
{
	interval(false, true,
		 "    3.00s       1500000 pkts     1500000 pps      768.0 Mbit/s  errors 3\n");
	interval(false, false,
		 "    3.00s       1500000 pkts     1500000 pps      768.0 Mbit/s  errors n/a\n");
}

static void test_interval_json(void **state __attribute__((unused)))
{
	interval(true, true,
		 "{\"type\":\"interval\",\"time_s\":3.000000,\"sent\":1500000,"
		 "\"bytes\":96000000,\"errors\":3,\"duration_s\":1.000000,"
		 "\"pps\":1500000.000000,\"mbps\":768.000000}\n");
	interval(true, false,
		 "{\"type\":\"interval\",\"time_s\":3.000000,\"sent\":1500000,"
		 "\"bytes\":96000000,\"errors\":null,\"duration_s\":1.000000,"
		 "\"pps\":1500000.000000,\"mbps\":768.000000}\n");
}

static void extra(struct tg_print *p, void *arg)
{
	tg_print_u64(p, TG_PRINT_JSON, "received", NULL, *(uint64_t *)arg);
}

static void summary(const struct tg_out *tmpl, const char *want)
{
	struct tg_out o = *tmpl;
	struct tg_memout c;

	o.f = tg_memout_open(&c);
	tg_tx_summary(&o, &counts, 2000000000ULL);
	tg_memout_check(&c, want);
}

static void test_summary_text(void **state __attribute__((unused)))
{
	uint64_t rx = 1499990;

	summary(&(struct tg_out){ .errors_counted = true, .ifname = "veth0" },
		"sent 1500000 packets (96000000 bytes) on veth0 in 2.000 s: 750000 pps, "
		"384.0 Mbit/s; transmit errors: 3\n");
	/* No interface: "?"; the JSON extras leave the text alone. */
	summary(&(struct tg_out){ .json_extra = extra, .extra_arg = &rx },
		"sent 1500000 packets (96000000 bytes) on ? in 2.000 s: 750000 pps, "
		"384.0 Mbit/s; transmit errors: n/a\n");
}

static void test_summary_json(void **state __attribute__((unused)))
{
	uint64_t rx = 1499990;

	summary(&(struct tg_out){ .json = true, .errors_counted = true, .ifname = "veth0",
				  .json_extra = extra, .extra_arg = &rx },
		"{\"type\":\"summary\",\"sent\":1500000,\"bytes\":96000000,\"errors\":3,"
		"\"duration_s\":2.000000,\"pps\":750000.000000,\"mbps\":384.000000,"
		"\"interface\":\"veth0\",\"received\":1499990}\n");
	summary(&(struct tg_out){ .json = true },
		"{\"type\":\"summary\",\"sent\":1500000,\"bytes\":96000000,\"errors\":null,"
		"\"duration_s\":2.000000,\"pps\":750000.000000,\"mbps\":384.000000}\n");
}

static void test_rate_and_sub(void **state __attribute__((unused)))
{
	struct tg_tx_counts a = { 10, 1000, 2 }, b = { 4, 400, 1 }, d;

	assert_true(tg_rate(5, 0) == 0.0);
	assert_true(tg_rate(3, 1500000000ULL) == 2.0);
	d = tg_tx_sub(&a, &b);
	assert_int_equal(d.packets, 6);
	assert_int_equal(d.bytes, 600);
	assert_int_equal(d.errors, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_text),
		cmocka_unit_test(test_interval_json),
		cmocka_unit_test(test_summary_text),
		cmocka_unit_test(test_summary_json),
		cmocka_unit_test(test_rate_and_sub),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
