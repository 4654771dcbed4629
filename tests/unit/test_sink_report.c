// SPDX-License-Identifier: GPL-2.0
/*
 * lib/sink/report: the sink's interval lines and summary, text and JSON,
 * byte for byte for known totals. CI jobs gate on the JSON summary and
 * scripts read the first occurrence of a key, so the key order is part of
 * what is checked.
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
#include "sink/report.h"

/* Every figure set, each to a different value, so a swap shows. */
static const struct tg_sink_totals full = {
	.packets = { 1, 2000, 30, 4, 5 },
	.bytes = { 64, 128000, 1920, 256, 320 },
	.truncated = 6, .ignored = 7,
	.stamped = 1900, .streams = 2, .stream_overflow = 8, .clock_skew = 9,
	.lost = 10, .reordered = 11, .duplicates = 12, .late = 13,
	.lat = { .count = 1900, .min = 950, .p50 = 12345, .p90 = 4560000,
		 .p99 = 1234000000, .max = 2500000000ULL, .mean = 7000 },
	.pcap_written = 14, .pcap_dropped = 15,
};

/* Nothing stamped, no latency: the lines that say them are left out. */
static const struct tg_sink_totals bare = {
	.packets = { 0, 100, 0, 0, 0 },
	.bytes = { 0, 6400, 0, 0, 0 },
};

static void interval(bool json, const struct tg_sink_totals *now,
		     const struct tg_sink_totals *prev, const char *want)
{
	struct tg_memout c;
	struct tg_sink_out o = { .json = json, .ifname = "veth1" };

	o.f = tg_memout_open(&c);
	tg_sink_interval(&o, 2500000000ULL, now, prev, 1000000000ULL);
	tg_memout_check(&c, want);
}

static void test_interval_text(void **state __attribute__((unused)))
{
	struct tg_sink_totals prev = { .lost = 12 };

	/* lost went down: a late frame filled a gap, the sign says so. */
	interval(false, &full, &prev,
		 "    2.50s          2040 pkts        2040 pps        1.0 Mbit/s"
		 "  stamped 1900 lost -2 reordered 11 dup 12\n");
	prev.lost = 3;
	interval(false, &full, &prev,
		 "    2.50s          2040 pkts        2040 pps        1.0 Mbit/s"
		 "  stamped 1900 lost +7 reordered 11 dup 12\n");
	interval(false, &bare, &(struct tg_sink_totals){ 0 },
		 "    2.50s           100 pkts         100 pps        0.1 Mbit/s\n");
}

static void test_interval_json(void **state __attribute__((unused)))
{
	struct tg_sink_totals prev = { .lost = 12 };

	interval(true, &full, &prev,
		 "{\"type\":\"interval\",\"time_s\":2.500000,\"received\":2040,"
		 "\"bytes\":130560,\"pps\":2040.000000,\"mbps\":1.044480,"
		 "\"stamped\":1900,\"lost\":-2,\"reordered\":11,\"duplicates\":12,"
		 "\"truncated\":6}\n");
	interval(true, &bare, &(struct tg_sink_totals){ 0 },
		 "{\"type\":\"interval\",\"time_s\":2.500000,\"received\":100,"
		 "\"bytes\":6400,\"pps\":100.000000,\"mbps\":0.051200,"
		 "\"stamped\":0,\"lost\":0,\"reordered\":0,\"duplicates\":0,"
		 "\"truncated\":0}\n");
}

static void summary(const struct tg_sink_out *tmpl, const struct tg_sink_totals *t,
		    const char *want)
{
	struct tg_sink_out o = *tmpl;
	struct tg_memout c;

	o.f = tg_memout_open(&c);
	tg_sink_summary(&o, t, 2000000000ULL);
	tg_memout_check(&c, want);
}

static const struct tg_thresh gate = { .max_loss_pct = 0.1, .min_pps = 5000 };
static const struct tg_thresh_result missed = {
	.nmissed = 2,
	.missed = { "loss 0.52% > --max-loss 0.1%", "1020 pps < --min-pps 5000" },
};

static const struct tg_sink_out full_out = {
	.pcap = true, .ifname = "veth1", .pcap_path = "/tmp/x.pcap",
	.gate = &gate, .gate_result = &missed,
};

static void test_summary_text(void **state __attribute__((unused)))
{
	struct tg_sink_totals one = full;

	summary(&full_out, &full,
		"received 2040 packets (130560 bytes) on veth1 in 2.000 s: 1020 pps, 0.5 Mbit/s\n"
		"actions: aborted 1, drop 2000, pass 30, tx 4, redirect 5\n"
		"truncated 6, not matching the filter (passed) 7\n"
		"stamped 1900 in 2 streams: lost 10, reordered 11, duplicates 12, late 13\n"
		"stamped frames of streams beyond the tracked ones: 8\n"
		"latency: min 950ns, p50 12.3us, p90 4.56ms, p99 1.234s, max 2.500s (mean 7.0us)\n"
		"stamped frames sent \"after\" they arrived (clocks not synchronised): 9\n"
		"pcap: 14 frames written to /tmp/x.pcap, 15 dropped (ring buffer full)\n");
	one.streams = 1;
	one.stream_overflow = 0;
	one.clock_skew = 0;
	summary(&(struct tg_sink_out){ .pcap = true }, &one,
		"received 2040 packets (130560 bytes) on ? in 2.000 s: 1020 pps, 0.5 Mbit/s\n"
		"actions: aborted 1, drop 2000, pass 30, tx 4, redirect 5\n"
		"truncated 6, not matching the filter (passed) 7\n"
		"stamped 1900 in 1 stream: lost 10, reordered 11, duplicates 12, late 13\n"
		"latency: min 950ns, p50 12.3us, p90 4.56ms, p99 1.234s, max 2.500s (mean 7.0us)\n"
		"pcap: 14 frames written to ?, 15 dropped (ring buffer full)\n");
	summary(&(struct tg_sink_out){ .ifname = "eth0" }, &bare,
		"received 100 packets (6400 bytes) on eth0 in 2.000 s: 50 pps, 0.0 Mbit/s\n"
		"actions: aborted 0, drop 100, pass 0, tx 0, redirect 0\n"
		"truncated 0, not matching the filter (passed) 0\n");
}

static void test_summary_json(void **state __attribute__((unused)))
{
	summary(&(struct tg_sink_out){ .json = true, .pcap = true, .ifname = "veth1",
				       .pcap_path = "/tmp/x.pcap", .gate = &gate,
				       .gate_result = &missed }, &full,
		"{\"type\":\"summary\",\"received\":2040,\"bytes\":130560,\"stamped\":1900,"
		"\"lost\":10,\"reordered\":11,\"duplicates\":12,"
		"\"latency_ns\":{\"min\":950,\"p50\":12345,\"p90\":4560000,"
		"\"p99\":1234000000,\"max\":2500000000},"
		"\"actions\":{\"aborted\":1,\"drop\":2000,\"pass\":30,\"tx\":4,\"redirect\":5},"
		"\"late\":13,\"streams\":2,\"stream_overflow\":8,\"clock_skew\":9,"
		"\"latency_mean_ns\":7000,\"truncated\":6,\"ignored\":7,"
		"\"pcap_written\":14,\"pcap_dropped\":15,\"duration_s\":2.000000,"
		"\"pps\":1020.000000,\"mbps\":0.522240,\"interface\":\"veth1\","
		"\"thresholds_met\":false,"
		"\"missed\":\"loss 0.52% > --max-loss 0.1%; 1020 pps < --min-pps 5000\"}\n");
	summary(&(struct tg_sink_out){ .json = true }, &bare,
		"{\"type\":\"summary\",\"received\":100,\"bytes\":6400,\"stamped\":0,"
		"\"lost\":0,\"reordered\":0,\"duplicates\":0,"
		"\"latency_ns\":{\"min\":null,\"p50\":null,\"p90\":null,\"p99\":null,\"max\":null},"
		"\"actions\":{\"aborted\":0,\"drop\":100,\"pass\":0,\"tx\":0,\"redirect\":0},"
		"\"late\":0,\"streams\":0,\"stream_overflow\":0,\"clock_skew\":0,"
		"\"latency_mean_ns\":null,\"truncated\":0,\"ignored\":0,"
		"\"pcap_written\":0,\"pcap_dropped\":0,\"duration_s\":2.000000,"
		"\"pps\":50.000000,\"mbps\":0.025600}\n");
}

/* The far end's keys inside a sender's summary (udp --veth). */
static void test_far_end_json(void **state __attribute__((unused)))
{
	struct tg_memout c;
	struct tg_print p;

	tg_print_open(&p, tg_memout_open(&c), true);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_sink_json_far_end(&p, &full);
	tg_print_u64(&p, TG_PRINT_JSON, "after", NULL, 1);
	tg_print_close(&p);
	tg_memout_check(&c,
		"{\"type\":\"summary\",\"received\":2040,\"received_bytes\":130560,"
		"\"stamped\":1900,\"lost\":10,\"reordered\":11,\"duplicates\":12,"
		"\"latency_ns\":{\"min\":950,\"p50\":12345,\"p90\":4560000,"
		"\"p99\":1234000000,\"max\":2500000000},\"after\":1}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interval_text),
		cmocka_unit_test(test_interval_json),
		cmocka_unit_test(test_summary_text),
		cmocka_unit_test(test_summary_json),
		cmocka_unit_test(test_far_end_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
