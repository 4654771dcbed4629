// SPDX-License-Identifier: GPL-2.0
/*
 * lib/csum against published vectors and frames whose checksums tshark
 * called Good, plus RFC 1624's incremental update against full
 * recomputation. Checksums are compared as the bytes they put in a frame,
 * so the tests hold on hosts of either byte order.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <string.h>
#include "csum.h"
#include "frames.h"

/* Deterministic so that a failure can be replayed. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The stored bytes of a checksum or sum (memory order, as in a frame). */
static void bytes_of(uint16_t v, uint8_t out[2])
{
	memcpy(out, &v, 2);
}

/*
 * A second, naive implementation in big-endian words with a carry fold
 * after every add, to check lib/csum's memory-order sums against.
 */
static uint16_t naive_csum_be(const uint8_t *p, size_t len)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < len; i += 2) {
		s += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
		s = (s & 0xffff) + (s >> 16);
	}
	return (uint16_t)~s;
}

static void assert_csum_bytes(uint16_t c, uint8_t hi, uint8_t lo)
{
	uint8_t b[2];

	bytes_of(c, b);
	assert_int_equal(b[0], hi);
	assert_int_equal(b[1], lo);
}

/* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d. */
static void test_rfc1071_example(void **state)
{
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	uint32_t sum = tg_csum_add(0, v, sizeof(v));

	/* The folded sum, uncomplemented, is ~fold. */
	assert_csum_bytes((uint16_t)~tg_csum_fold(sum), 0xdd, 0xf2);
	assert_csum_bytes(tg_csum(v, sizeof(v)), 0x22, 0x0d);
}

/* A header with a published checksum (b861), computed with the field zeroed. */
static void test_ipv4_header(void **state)
{
	uint8_t h[] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};

	/* A correct header sums to all ones: its checksum comes out 0. */
	assert_int_equal(tg_csum(h, sizeof(h)), 0);
	h[10] = h[11] = 0;
	assert_csum_bytes(tg_csum(h, sizeof(h)), 0xb8, 0x61);
}

/*
 * Frames made by a separate Python script and checked with
 * `tshark -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE`: both
 * checksums Good. 11-byte payloads make the UDP length odd.
 */
static const uint8_t udp4_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x27, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x3c, 0x56,
	0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,		/* 192.0.2.1 > 198.51.100.7 */
	0x9c, 0x40, 0x00, 0x35, 0x00, 0x13, 0x50, 0xfe,		/* 40000 > 53, len 19 */
	't', 'r', 'a', 'f', 'f', 'i', 'c', 'g', 'e', 'n', '!',
};

static const uint8_t udp6_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd,
	0x60, 0x00, 0x00, 0x00, 0x00, 0x13, 0x11, 0x40,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,		/* 2001:db8::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x01,		/* 2001:db8:0:1::2 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x9c, 0x40, 0x12, 0xb5, 0x00, 0x13, 0xcf, 0x44,		/* 40000 > 4789, len 19 */
	't', 'r', 'a', 'f', 'f', 'i', 'c', 'g', 'e', 'n', '!',
};

/* Its UDP checksum computes to 0 and is sent as ffff (tshark: Good). */
static const uint8_t udp4_zero_frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x20, 0x12, 0x34, 0x40, 0x00, 0x40, 0x11, 0x3c, 0x5d,
	0xc0, 0x00, 0x02, 0x01, 0xc6, 0x33, 0x64, 0x07,
	0x9c, 0x40, 0x00, 0x35, 0x00, 0x0c, 0xff, 0xff,
	0x61, 0x62, 0x15, 0xc2,
};

static uint16_t udp4_csum_of(const uint8_t *f, size_t len)
{
	struct in_addr s, d;

	memcpy(&s, f + 26, 4);
	memcpy(&d, f + 30, 4);
	return tg_l4_csum4(&s, &d, IPPROTO_UDP, f + 34, len - 34);
}

static uint16_t udp6_csum_of(const uint8_t *f, size_t len)
{
	struct in6_addr s, d;

	memcpy(&s, f + 22, 16);
	memcpy(&d, f + 38, 16);
	return tg_l4_csum6(&s, &d, IPPROTO_UDP, f + 54, len - 54);
}

static void test_udp4_datagram(void **state)
{
	uint8_t f[sizeof(udp4_frame)];

	memcpy(f, udp4_frame, sizeof(f));
	assert_int_equal(tg_csum(f + 14, 20), 0);
	assert_int_equal(udp4_csum_of(f, sizeof(f)), 0);
	f[40] = f[41] = 0;
	assert_csum_bytes(udp4_csum_of(f, sizeof(f)), 0x50, 0xfe);
	f[24] = f[25] = 0;
	assert_csum_bytes(tg_csum(f + 14, 20), 0x3c, 0x56);
}

static void test_udp6_datagram(void **state)
{
	uint8_t f[sizeof(udp6_frame)];

	memcpy(f, udp6_frame, sizeof(f));
	assert_int_equal(udp6_csum_of(f, sizeof(f)), 0);
	f[60] = f[61] = 0;
	assert_csum_bytes(udp6_csum_of(f, sizeof(f)), 0xcf, 0x44);
}

static void test_udp_zero_sent_as_ffff(void **state)
{
	uint8_t f[sizeof(udp4_zero_frame)];

	memcpy(f, udp4_zero_frame, sizeof(f));
	/* ffff in the field is one's-complement zero: the frame still verifies. */
	assert_int_equal(udp4_csum_of(f, sizeof(f)), 0);
	f[40] = f[41] = 0;
	assert_int_equal(udp4_csum_of(f, sizeof(f)), 0);
	assert_int_equal(tg_udp_csum_nonzero(0), 0xffff);
	assert_int_equal(tg_udp_csum_nonzero(0x50fe), 0x50fe);
	assert_int_equal(tg_udp_csum_nonzero(0xffff), 0xffff);
}

/* An odd last byte is the high-order byte of a word whose low byte is zero. */
static void test_odd_lengths(void **state)
{
	static const uint8_t one[] = { 0x01 };
	static const uint8_t three[] = { 0x12, 0x34, 0x56 };
	static const uint8_t three_padded[] = { 0x12, 0x34, 0x56, 0x00 };

	assert_csum_bytes(tg_csum(one, 1), 0xfe, 0xff);
	assert_int_equal(tg_csum(three, 3), tg_csum(three_padded, 4));
	assert_csum_bytes(tg_csum(three, 3), 0x97, 0xcb);
	assert_int_equal(tg_csum(NULL, 0), 0xffff);
}

/* A partial sum carried across calls equals one call over the whole buffer. */
static void test_add_chains(void **state)
{
	uint8_t buf[1001];
	size_t cut;
	int i;

	for (i = 0; i < (int)sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	for (cut = 0; cut <= sizeof(buf); cut += 2) {
		uint32_t s = tg_csum_add(0, buf, cut);

		s = tg_csum_add(s, buf + cut, sizeof(buf) - cut);
		assert_int_equal(tg_csum_fold(s), tg_csum(buf, sizeof(buf)));
	}
}

/* Memory-order sums stored back as they are equal big-endian sums: RFC 1071 2(B). */
static void test_random_buffers_vs_naive(void **state)
{
	static uint8_t buf[70000];
	uint8_t b[2];
	int n, i;

	for (n = 0; n < 2000; n++) {
		size_t len = n < 1000 ? (size_t)n : rnd() % sizeof(buf);

		for (i = 0; i < (int)len; i++)
			buf[i] = (uint8_t)rnd();
		bytes_of(tg_csum(buf, len), b);
		assert_int_equal(be16(b), naive_csum_be(buf, len));
	}
}

/* 65535 bytes of ff: enough carries to overflow a careless 32-bit sum. */
static void test_long_buffer_no_overflow(void **state)
{
	static uint8_t buf[65535];
	uint8_t b[2];

	memset(buf, 0xff, sizeof(buf));
	bytes_of(tg_csum(buf, sizeof(buf)), b);
	assert_int_equal(be16(b), naive_csum_be(buf, sizeof(buf)));
	/* A partial sum near 2^32 (fffffffe is fffe mod ffff) plus more words still folds right. */
	assert_int_equal(tg_csum_fold(tg_csum_add(0xfffffffe, buf, sizeof(buf))),
			 tg_csum_fold(tg_csum_add(0xfffe, buf, sizeof(buf))));
}

/*
 * RFC 1624 section 4: m = 5555 changes to 3285 with the rest summing to
 * cd7a. Recomputation gives 0000; eqn. 2 gives ffff; eqn. 3 gets 0000.
 */
static void test_rfc1624_example(void **state)
{
	assert_int_equal(tg_csum_replace16(0xdd2f, 0x5555, 0x3285), 0x0000);
	assert_int_equal(tg_csum_replace16(0x0000, 0x3285, 0x5555), 0xdd2f);
	/* ffff and 0000 are both one's-complement zero: nothing changes. */
	assert_int_equal(tg_csum_replace16(0xdd2f, 0xffff, 0x0000), 0xdd2f);
	assert_int_equal(tg_csum_replace16(0xdd2f, 0x0000, 0xffff), 0xdd2f);
	assert_int_equal(tg_csum_replace16(0xdd2f, 0x1234, 0x1234), 0xdd2f);
}

/* A random 10-word header whose first word is never zero, like IPv4's. */
static void random_header(uint16_t w[10])
{
	int i;

	w[0] = 0x4500;
	for (i = 1; i < 10; i++)
		w[i] = (uint16_t)rnd();
}

static uint16_t pick_word(void)
{
	/* Corner values often, so that each case shows up thousands of times. */
	switch (rnd() % 8) {
	case 0:
		return 0x0000;
	case 1:
		return 0xffff;
	default:
		return (uint16_t)rnd();
	}
}

/*
 * 100k random single-word updates against full recomputation. Word 0 is
 * left alone so the header's sum is never +0: RFC 1624 section 3 notes that
 * eqn. 3 can only differ from recomputation for an all-zero header.
 */
static void test_replace16_vs_full(void **state)
{
	unsigned int below = 0, to_zero = 0, from_ffff = 0, csum_zero = 0;
	uint16_t w[10];
	int n;

	for (n = 0; n < 100000; n++) {
		unsigned int i = 1 + rnd() % 9;
		uint16_t check, old, new, inc, full;

		random_header(w);
		if (n % 4 == 0)
			w[i] = pick_word();
		check = tg_csum(w, sizeof(w));
		old = w[i];
		new = pick_word();
		if (n % 16 == 1) {
			/* Aim for a result of exactly 0000: rest + new = ffff. */
			w[i] = 0;
			new = tg_csum(w, sizeof(w));
		}
		w[i] = new;
		full = tg_csum(w, sizeof(w));
		inc = tg_csum_replace16(check, old, new);
		if (inc != full)
			fail_msg("case %d: word %u %#06x -> %#06x, check %#06x: incremental %#06x, full %#06x",
				 n, i, old, new, check, inc, full);
		below += new < old;
		to_zero += new == 0;
		from_ffff += old == 0xffff;
		csum_zero += full == 0;
	}
	/* The corners were really visited, not just allowed. */
	assert_true(below > 10000);
	assert_true(to_zero > 1000);
	assert_true(from_ffff > 1000);
	assert_true(csum_zero > 1000);
}

/* Several words changed one after the other, as the XDP programs do. */
static void test_replace16_chained(void **state)
{
	uint16_t w[20];
	int n, j;

	for (n = 0; n < 20000; n++) {
		uint16_t check;

		w[0] = 0x6000;
		for (j = 1; j < 20; j++)
			w[j] = (uint16_t)rnd();
		check = tg_csum(w, sizeof(w));
		for (j = 0; j < 4; j++) {
			unsigned int i = 1 + rnd() % 19;
			uint16_t new = pick_word();

			check = tg_csum_replace16(check, w[i], new);
			w[i] = new;
		}
		assert_int_equal(check, tg_csum(w, sizeof(w)));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc1071_example),
		cmocka_unit_test(test_ipv4_header),
		cmocka_unit_test(test_udp4_datagram),
		cmocka_unit_test(test_udp6_datagram),
		cmocka_unit_test(test_udp_zero_sent_as_ffff),
		cmocka_unit_test(test_odd_lengths),
		cmocka_unit_test(test_add_chains),
		cmocka_unit_test(test_random_buffers_vs_naive),
		cmocka_unit_test(test_long_buffer_no_overflow),
		cmocka_unit_test(test_rfc1624_example),
		cmocka_unit_test(test_replace16_vs_full),
		cmocka_unit_test(test_replace16_chained),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
