// SPDX-License-Identifier: GPL-2.0
/*
 * lib/sink/acct, the sink's accounting for frames that reach AF_XDP sockets
 * (`sink --xsk`): stamped frames as `udp --stamp` builds them (the C
 * reference, tg_udp_cfg_expected), fed with a gap, a duplicate and a
 * reordering; the filter; latency and clock skew; frames cut short; and
 * the merge of several accountings (one per socket and thread).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>
#include "packet.h"
#include "parse.h"
#include "sink/acct.h"
#include "sink/totals.h"
#include "udp/cfg.h"

#define LEN 128

/* Frame k of one stamped stream to port 9, sent at tx_ns. */
static void frame(uint8_t *buf, uint64_t k, uint64_t tx_ns, uint16_t dport)
{
	struct tg_udp_params p = {
		.spec = { .family = AF_INET, .ttl = 64, .frame_len = LEN },
		.stamp = true, .stream_base = 0x100, .nthreads = 1,
	};
	struct tg_err err = { "" };

	assert_int_equal(tg_parse_addr_range("198.18.0.2", &p.src, &err), 0);
	assert_int_equal(tg_parse_addr_range("198.18.1.1", &p.dst, &err), 0);
	p.sport = (struct tg_port_range){ .first = 1, .count = 1 };
	p.dport = (struct tg_port_range){ .first = dport, .count = 1 };
	assert_int_equal(tg_udp_cfg_expected(&p, 0, k, tx_ns, buf, &err), 0);
}

static void test_stream(void **state)
{
	static const uint64_t seqs[] = { 0, 1, 2, 4, 5, 5, 3, 6 };	/* 3 reordered, 5 twice */
	struct sink_cfg cfg = { .proto = IPPROTO_UDP, .port_filter = 1, .port_lo = 9, .port_hi = 9 };
	struct tg_sink_totals t = { 0 };
	struct tg_sink_acct a;
	uint8_t store[LEN + 2] __attribute__((aligned(4))), *buf = store + 2;
	size_t i;

	assert_int_equal(tg_sink_acct_init(&a, &cfg), 0);
	for (i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		frame(buf, seqs[i], 1000, 9);
		assert_true(tg_sink_acct_frame(&a, buf, LEN, 1000 + 100 * (i + 1), XDP_DROP));
	}
	/* Another port: the filter passes it on, uncounted. */
	frame(buf, 7, 1000, 10);
	assert_false(tg_sink_acct_frame(&a, buf, LEN, 5000, XDP_DROP));
	/* Sent after it arrived: no latency, counted as skew. */
	frame(buf, 7, 9000, 9);
	assert_true(tg_sink_acct_frame(&a, buf, LEN, 8000, XDP_DROP));
	/* Cut inside the UDP header: under a filter, passed on. */
	assert_false(tg_sink_acct_frame(&a, buf, 40, 8000, XDP_DROP));
	assert_int_equal(tg_sink_acct_totals(&a, 1, &t), 0);
	assert_int_equal(t.packets[XDP_DROP], 9);
	assert_int_equal(t.bytes[XDP_DROP], 9 * LEN);
	assert_int_equal(t.stamped, 9);
	assert_int_equal(t.streams, 1);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.reordered, 1);
	assert_int_equal(t.duplicates, 1);
	assert_int_equal(t.ignored, 1);
	assert_int_equal(t.truncated, 1);
	assert_int_equal(t.clock_skew, 1);
	assert_int_equal(t.lat.count, 8);
	assert_int_equal(t.lat.min, 100);
	assert_int_equal(t.lat.max, 800);
	tg_sink_acct_free(&a);
}

static void test_gap(void **state)
{
	struct sink_cfg cfg = { .proto = SINK_PROTO_ANY };
	struct tg_sink_totals t = { 0 };
	struct tg_sink_acct a;
	uint8_t store[LEN + 2] __attribute__((aligned(4))), *buf = store + 2;

	assert_int_equal(tg_sink_acct_init(&a, &cfg), 0);
	frame(buf, 0, 1, 9);
	tg_sink_acct_frame(&a, buf, LEN, 2, XDP_DROP);
	frame(buf, 10, 1, 9);
	tg_sink_acct_frame(&a, buf, LEN, 2, XDP_DROP);
	/* No filter: a frame cut short is still the sink's. */
	assert_true(tg_sink_acct_frame(&a, buf, 20, 2, XDP_DROP));
	assert_int_equal(tg_sink_acct_totals(&a, 1, &t), 0);
	assert_int_equal(t.lost, 9);
	assert_int_equal(t.stamped, 2);
	assert_int_equal(t.truncated, 1);
	assert_int_equal(t.packets[XDP_DROP], 3);
	tg_sink_acct_free(&a);
}

/*
 * One stream split over two accountings (two sockets' threads), merged as
 * the XDP sink merges CPUs: counters and latency summed, min and max over
 * both, the stream's highest seq over both and its distinct seqs summed,
 * so nothing is lost; reordering is judged per accounting (3 and 4 are in
 * order where they arrived). A second stream, on one accounting only, is
 * that accounting's.
 */
static void test_merge(void **state)
{
	static const uint64_t on0[] = { 0, 1, 2, 5 }, on1[] = { 3, 4 };
	struct sink_cfg cfg = { .proto = SINK_PROTO_ANY };
	struct tg_sink_totals t = { 0 };
	struct tg_sink_acct a[2];
	uint8_t store[LEN + 2] __attribute__((aligned(4))), *buf = store + 2;
	size_t i;

	assert_int_equal(tg_sink_acct_init(&a[0], &cfg), 0);
	assert_int_equal(tg_sink_acct_init(&a[1], &cfg), 0);
	for (i = 0; i < 4; i++) {
		frame(buf, on0[i], 1000, 9);
		tg_sink_acct_frame(&a[0], buf, LEN, 1100 + i, XDP_DROP);
	}
	for (i = 0; i < 2; i++) {
		frame(buf, on1[i], 1000, 9);
		tg_sink_acct_frame(&a[1], buf, LEN, 1500 + i, XDP_DROP);
	}
	assert_int_equal(tg_sink_acct_totals(a, 2, &t), 0);
	assert_int_equal(t.packets[XDP_DROP], 6);
	assert_int_equal(t.bytes[XDP_DROP], 6 * LEN);
	assert_int_equal(t.stamped, 6);
	assert_int_equal(t.streams, 1);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.reordered, 0);
	assert_int_equal(t.duplicates, 0);
	assert_int_equal(t.lat.count, 6);
	assert_int_equal(t.lat.min, 100);
	assert_int_equal(t.lat.max, 501);
	/* Each alone: the first misses 3 and 4, the second 0 to 2. */
	assert_int_equal(tg_sink_acct_totals(&a[0], 1, &t), 0);
	assert_int_equal(t.lost, 2);
	assert_int_equal(tg_sink_acct_totals(&a[1], 1, &t), 0);
	assert_int_equal(t.lost, 3);
	/* A seq on both counts as distinct on both: the merge cannot see it twice. */
	frame(buf, 5, 1000, 9);
	tg_sink_acct_frame(&a[1], buf, LEN, 1600, XDP_DROP);
	assert_int_equal(tg_sink_acct_totals(a, 2, &t), 0);
	assert_int_equal(t.packets[XDP_DROP], 7);
	assert_int_equal(t.lost, 0);
	assert_int_equal(t.duplicates, 0);
	tg_sink_acct_free(&a[0]);
	tg_sink_acct_free(&a[1]);
}

/*
 * More distinct ids over the accountings than one table holds, and ids on
 * both: each id is one stream, however many (the merge's index grows).
 */
static void test_merge_many(void **state)
{
	struct tg_sink_stream_merge m;
	struct tg_sink_totals t = { 0 };
	struct seqtrack st = { 0 };
	uint32_t id;

	/* Two seqs seen of three: one lost per merged stream. */
	seqtrack_add(&st, 0);
	seqtrack_add(&st, 2);
	tg_sink_stream_merge_init(&m);
	for (id = 0; id < 3 * SINK_MAX_STREAMS; id++)
		assert_int_equal(tg_sink_stream_merge_add(&m, id * 7919, &st), 0);
	/*
	 * The first table's ids again: merged into theirs, not more streams
	 * (each then has its two seqs twice: none lost).
	 */
	for (id = 0; id < SINK_MAX_STREAMS; id++)
		assert_int_equal(tg_sink_stream_merge_add(&m, id * 7919, &st), 0);
	tg_sink_stream_merge_done(&m, &t);
	assert_int_equal(t.streams, 3 * SINK_MAX_STREAMS);
	assert_int_equal(t.lost, 2 * SINK_MAX_STREAMS);
	assert_null(m.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream),
		cmocka_unit_test(test_gap),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
