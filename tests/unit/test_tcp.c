// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of `trafficgen tcp`: tg_build_tcp against checksums
 * computed by a separate Python implementation, sizes and padding, the
 * checksum verifier; then the sender's arithmetic (lib/tcp/pace): segments
 * that fit a window, the repeat of the next live-frame call, the
 * retransmission timer.
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
#include "packet_tcp.h"
#include "tcp/pace.h"
#include "frames.h"

#define MS 1000000ULL

static uint8_t buf[TG_MAX_FRAME_LEN + 64];

static struct tg_tcp_spec spec4(void)
{
	struct tg_tcp_spec s = {
		.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
		.src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
		.family = AF_INET, .sport = 1234, .dport = 5678, .ttl = 64,
		.seq = 0x11223344, .ack = 0x55667788, .flags = TG_TCP_ACK | TG_TCP_PSH,
		.window = 502, .ts = true, .tsval = 0xa1b2c3d4, .tsecr = 0x01020304,
		.payload_len = 10,
	};

	inet_pton(AF_INET, "10.0.0.1", &s.src.v4);
	inet_pton(AF_INET, "10.0.0.2", &s.dst.v4);
	return s;
}

static struct tg_tcp_spec spec6(void)
{
	struct tg_tcp_spec s = {
		.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
		.src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
		.family = AF_INET6, .sport = 1234, .dport = 5678, .ttl = 9,
		.seq = 0xfffffff0, .ack = 7, .flags = TG_TCP_ACK | TG_TCP_FIN,
		.window = 65535, .payload_len = 1000,
	};

	inet_pton(AF_INET6, "fd00::1", &s.src.v6);
	inet_pton(AF_INET6, "fd00::2", &s.dst.v6);
	return s;
}

/* Offsets of the IP header, and of the TCP header over IPv4 and IPv6. */
#define IP 14
#define TH4 34
#define TH6 54

/* A field of a built segment: WIDTH bytes (1, 2 or 4) at OFF, big-endian. */
struct field {
	const char *what;
	uint16_t off;
	uint8_t width;
	uint32_t want;
};

/* A segment built from SPEC: its layout, and fields checked byte for byte. */
struct segment_case {
	struct tg_tcp_spec (*spec)(void);
	uint32_t len, l3_off, l4_off, payload_off;
	const struct field *fields;
	size_t nfields;
};

static const struct field ipv4_fields[] = {
	{ "EtherType", 12, 2, 0x0800 },
	{ "IPv4 version and IHL", IP, 1, 0x45 },
	{ "IPv4 total length", IP + 2, 2, 20 + 32 + 10 },
	{ "IPv4 DF", IP + 6, 2, 0x4000 },
	{ "TTL", IP + 8, 1, 64 },
	{ "IPv4 protocol", IP + 9, 1, IPPROTO_TCP },
	{ "IPv4 checksum (from Python)", IP + 10, 2, 0x26b8 },
	{ "source port", TH4, 2, 1234 },
	{ "destination port", TH4 + 2, 2, 5678 },
	{ "sequence number", TH4 + 4, 4, 0x11223344 },
	{ "acknowledgment number", TH4 + 8, 4, 0x55667788 },
	{ "data offset", TH4 + 12, 1, 8 << 4 },
	{ "flags", TH4 + 13, 1, 0x18 },
	{ "window", TH4 + 14, 2, 502 },
	{ "NOP, NOP, timestamps option", TH4 + 20, 4, 0x0101080a },
	{ "TSval", TH4 + 24, 4, 0xa1b2c3d4 },
	{ "TSecr", TH4 + 28, 4, 0x01020304 },
	{ "first payload byte", 66, 1, 1 },
	{ "last payload byte", 75, 1, 10 },
	{ "TCP checksum (from Python)", TH4 + 16, 2, 0xb1b2 },
};

static const struct field ipv6_fields[] = {
	{ "EtherType", 12, 2, 0x86dd },
	{ "IPv6 version, class, flow", IP, 4, 6u << 28 },
	{ "IPv6 payload length", IP + 4, 2, 1020 },
	{ "IPv6 next header", IP + 6, 1, IPPROTO_TCP },
	{ "hop limit", IP + 7, 1, 9 },
	{ "data offset", TH6 + 12, 1, 5 << 4 },
	{ "flags", TH6 + 13, 1, 0x11 },
	{ "sequence number", TH6 + 4, 4, 0xfffffff0 },
	{ "TCP checksum (from Python)", TH6 + 16, 2, 0x7ed9 },
};

static void assert_segment(const struct segment_case *c)
{
	struct tg_tcp_spec s = c->spec();
	struct tg_layout l;
	size_t i;

	assert_int_equal(tg_build_tcp(&s, buf, sizeof(buf), &l, NULL), 0);
	assert_int_equal(l.len, c->len);
	assert_int_equal(l.l3_off, c->l3_off);
	assert_int_equal(l.l4_off, c->l4_off);
	assert_int_equal(l.payload_off, c->payload_off);
	for (i = 0; i < c->nfields; i++) {
		const struct field *f = &c->fields[i];
		const uint8_t *p = buf + f->off;
		uint32_t got;

		assert_true(f->width == 1 || f->width == 2 || f->width == 4);
		got = f->width == 1 ? *p : f->width == 2 ? be16(p) : be32(p);
		if (got != f->want)
			fail_msg("%s (byte %u): 0x%x, expected 0x%x", f->what, f->off, got, f->want);
	}
	assert_int_equal(tg_tcp_verify_csums(buf, l.len), 0);
}

static void test_ipv4_segment_bytes(void **state)
{
	static const struct segment_case c = {
		.spec = spec4,
		.len = 14 + 20 + 32 + 10, .l3_off = IP, .l4_off = TH4, .payload_off = 66,
		.fields = ipv4_fields, .nfields = sizeof(ipv4_fields) / sizeof(ipv4_fields[0]),
	};

	assert_segment(&c);
}

static void test_ipv6_segment_bytes(void **state)
{
	static const struct segment_case c = {
		.spec = spec6,
		.len = 14 + 40 + 20 + 1000, .l3_off = IP, .l4_off = TH6, .payload_off = 74,
		.fields = ipv6_fields, .nfields = sizeof(ipv6_fields) / sizeof(ipv6_fields[0]),
	};

	assert_segment(&c);
}

/* A header-only segment is padded to 60 bytes; the padding is not in the IP length. */
static void test_padding_and_sizes(void **state)
{
	struct tg_tcp_spec s = spec4();
	struct tg_layout l;

	s.ts = false;
	s.payload_len = 0;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(tg_build_tcp(&s, buf, sizeof(buf), &l, NULL), 0);
	assert_int_equal(l.len, 60);
	assert_int_equal(be16(buf + 16), 40);
	assert_int_equal(buf[54], 0);
	assert_int_equal(buf[59], 0);
	assert_int_equal(tg_tcp_verify_csums(buf, l.len), 0);

	assert_int_equal(tg_tcp_hdrs_len(AF_INET, false), 54);
	assert_int_equal(tg_tcp_hdrs_len(AF_INET, true), 66);
	assert_int_equal(tg_tcp_hdrs_len(AF_INET6, false), 74);
	assert_int_equal(tg_tcp_hdrs_len(AF_INET6, true), 86);
	assert_int_equal(tg_tcp_frame_len(AF_INET6, true, 1448), 1534);
	assert_int_equal(tg_tcp_payload_for_wire(AF_INET, true, 1518), 1448);
	assert_int_equal(tg_tcp_payload_for_wire(AF_INET, true, 1500), 1430);
	assert_int_equal(tg_tcp_payload_for_wire(AF_INET6, false, 78), 0);
	assert_int_equal(tg_tcp_payload_for_wire(AF_INET6, false, 79), 1);
}

static void test_limits(void **state)
{
	struct tg_tcp_spec s = spec6();
	struct tg_err err = { "" };

	s.ts = true;
	s.payload_len = TG_MAX_FRAME_LEN - 86;
	assert_int_equal(tg_build_tcp(&s, buf, sizeof(buf), NULL, &err), 0);
	s.payload_len++;
	assert_int_equal(tg_build_tcp(&s, buf, sizeof(buf), NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "maximum"));
	s.payload_len = 100;
	assert_int_equal(tg_build_tcp(&s, buf, 150, NULL, &err), -EINVAL);
	s.family = 99;
	assert_int_equal(tg_build_tcp(&s, buf, sizeof(buf), NULL, &err), -EINVAL);
}

/* Every byte of the segment counts: a flipped bit anywhere is caught. */
static void test_verify_catches_damage(void **state)
{
	struct tg_tcp_spec s = spec4();
	struct tg_layout l;
	uint32_t i;

	s.payload_len = 300;
	assert_int_equal(tg_build_tcp(&s, buf, sizeof(buf), &l, NULL), 0);
	for (i = 14; i < l.len; i += 7) {
		buf[i] ^= 0x10;
		assert_int_not_equal(tg_tcp_verify_csums(buf, l.len), 0);
		buf[i] ^= 0x10;
	}
	assert_int_equal(tg_tcp_verify_csums(buf, l.len), 0);
}

static void test_free_segs(void **state)
{
	struct tg_tcp_view v = { .una = 0, .nxt = 0, .max = 0, .wnd = 10000, .limit = UINT64_MAX };

	assert_int_equal(tg_tcp_free_segs(&v, 1000), 10);
	v.nxt = v.max = 9500;		/* 500 left in the window: no whole segment */
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 0);
	v.una = 5000;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 5);
	/* Limited new data: 2 more segments allowed past snd_max. */
	v.limit = 11500;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 2);
	/* No new data, going back to snd_una: only what was sent fits. */
	v.limit = 0;
	v.rto_pending = true;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 4);
	v.rto_pending = false;
	v.nxt = 7000;			/* after three duplicate ACKs: from snd_una... */
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 2);
	v.hole = true;			/* ...or the hole first, then from snd_nxt */
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 3);
	v.nxt = 11000;			/* window full but for the hole */
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 1);
	v.hole = false;
	v.nxt = 7000;
	v.wnd = 0;			/* zero window */
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 0);
	v.hole = true;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 0);
	v.hole = false;
	v.wnd = 1u << 30;		/* scaled window, 64-bit offsets past 4 GiB */
	v.una = v.nxt = v.max = 5ULL << 32;
	v.limit = UINT64_MAX;
	assert_int_equal(tg_tcp_free_segs(&v, 1448), (1u << 30) / 1448);
	assert_int_equal(tg_tcp_free_segs(&v, 0), 0);
}

/* Lost holes count on top of the window's room; the congestion window caps both. */
static void test_free_segs_lost_cwnd(void **state)
{
	struct tg_tcp_view v = { .una = 0, .nxt = 20000, .max = 20000, .wnd = 30000,
				 .limit = UINT64_MAX, .lost = 2500 };

	(void)state;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 10 + 3);
	v.cwnd_limited = true;
	v.cwnd_room = 4999;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 4);
	v.cwnd_room = 0;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 0);
	/* A pending timeout must reach the generator, whatever the window says. */
	v.rto_pending = true;
	assert_int_equal(tg_tcp_free_segs(&v, 1000), 30);
}

static void test_pace(void **state)
{
	struct tg_tcp_pace p = { 0 };

	/* The first call asks for at least the floor, and at least the window. */
	assert_int_equal(tg_tcp_pace_next(&p, 45, 0, 0), TG_TCP_REPEAT_MIN);
	p = (struct tg_tcp_pace){ 0 };
	assert_int_equal(tg_tcp_pace_next(&p, 50000, 0, 0), 50000);
	/* Not window-bound: doubles. */
	assert_int_equal(tg_tcp_pace_next(&p, 100, 50000, 0), 100000);
	/* Window-bound: what the ACK clock carried, and a quarter more. */
	assert_int_equal(tg_tcp_pace_next(&p, 100, 40000, 60000), 50000);
	/* Never below the free window, nor the floor, nor above the cap. */
	assert_int_equal(tg_tcp_pace_next(&p, 70000, 40000, 10000), 70000);
	assert_int_equal(tg_tcp_pace_next(&p, 10, 10, 69990), TG_TCP_REPEAT_MIN);
	p.repeat = TG_TCP_REPEAT_MAX;
	assert_int_equal(tg_tcp_pace_next(&p, 0, TG_TCP_REPEAT_MAX, 0), TG_TCP_REPEAT_MAX);
	p.max = 1000;
	assert_int_equal(tg_tcp_pace_next(&p, 5000, 10, 0), 1000);
}

static void test_rto(void **state)
{
	struct tg_tcp_rto r;
	uint64_t t = 1000 * MS;

	tg_tcp_rto_init(&r);
	/* Nothing outstanding: never fires. */
	assert_false(tg_tcp_rto_tick(&r, t, 100, 100));
	assert_false(tg_tcp_rto_tick(&r, t + 5000 * MS, 100, 100));
	/* Outstanding: armed now, fires after 200 ms without progress. */
	t += 5000 * MS;
	assert_false(tg_tcp_rto_tick(&r, t, 100, 200));
	assert_false(tg_tcp_rto_tick(&r, t + 199 * MS, 100, 200));
	assert_true(tg_tcp_rto_tick(&r, t + 200 * MS, 100, 200));
	/* Then doubles: 400 ms, 800 ms, and stops at the cap. */
	assert_false(tg_tcp_rto_tick(&r, t + 599 * MS, 100, 200));
	assert_true(tg_tcp_rto_tick(&r, t + 600 * MS, 100, 200));
	assert_true(tg_tcp_rto_tick(&r, t + 1400 * MS, 100, 200));
	assert_true(tg_tcp_rto_tick(&r, t + 3000 * MS, 100, 200));
	assert_int_equal(r.rto_ns, TG_TCP_RTO_MAX_NS);
	assert_true(tg_tcp_rto_tick(&r, t + 4600 * MS, 100, 200));
	assert_int_equal(r.fired, 5);
	/* Progress restarts the timer at the initial timeout. */
	t += 5000 * MS;
	assert_false(tg_tcp_rto_tick(&r, t, 150, 200));
	assert_int_equal(r.rto_ns, TG_TCP_RTO_INIT_NS);
	assert_false(tg_tcp_rto_tick(&r, t + 150 * MS, 150, 200));
	assert_true(tg_tcp_rto_tick(&r, t + 200 * MS, 150, 200));
	/* All acknowledged: disarmed. */
	assert_false(tg_tcp_rto_tick(&r, t + 10000 * MS, 200, 200));
	assert_false(r.armed);
}

static void test_goodput(void **state)
{
	assert_true(tg_tcp_goodput_bps(1000000000, 1000000000) == 8e9);
	assert_true(tg_tcp_goodput_bps(1, 0) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_segment_bytes),
		cmocka_unit_test(test_ipv6_segment_bytes),
		cmocka_unit_test(test_padding_and_sizes),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_verify_catches_damage),
		cmocka_unit_test(test_free_segs),
		cmocka_unit_test(test_free_segs_lost_cwnd),
		cmocka_unit_test(test_pace),
		cmocka_unit_test(test_rto),
		cmocka_unit_test(test_goodput),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
