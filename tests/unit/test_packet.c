// SPDX-License-Identifier: GPL-2.0
/*
 * tg_build_udp byte for byte against frames written out by hand (their
 * checksums from a separate Python implementation, and tshark said Good),
 * size limits, and the payload pattern.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include "csum.h"
#include "packet.h"
#include "frames.h"

static uint8_t buf[TG_MAX_FRAME_LEN + 64];

/* 02:00:00:00:00:01 > 02:00:00:00:00:02, ports 1234 > 5678, TTL 64. */
static struct tg_udp_spec spec_of(int family, uint32_t frame_len)
{
	struct tg_udp_spec s = {
		.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
		.src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
		.family = family,
		.sport = 1234,
		.dport = 5678,
		.ttl = 64,
		.frame_len = frame_len,
	};

	if (family == AF_INET6) {
		inet_pton(AF_INET6, "fd00::1", &s.src.v6);
		inet_pton(AF_INET6, "fd00::2", &s.dst.v6);
	} else {
		inet_pton(AF_INET, "10.0.0.1", &s.src.v4);
		inet_pton(AF_INET, "10.0.0.2", &s.dst.v4);
	}
	return s;
}

/* The smallest IPv4 frame: 18 bytes of payload, no Ethernet padding. */
static const uint8_t ipv4_60[60] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02,	/* dst MAC */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* src MAC */
	0x08, 0x00,				/* IPv4 */
	0x45, 0x00, 0x00, 0x2e,			/* v4, IHL 5, TOS 0, total length 46 */
	0x00, 0x00, 0x40, 0x00,			/* id 0, DF */
	0x40, 0x11, 0x26, 0xbd,			/* TTL 64, UDP, checksum */
	0x0a, 0x00, 0x00, 0x01,			/* 10.0.0.1 */
	0x0a, 0x00, 0x00, 0x02,			/* 10.0.0.2 */
	0x04, 0xd2, 0x16, 0x2e,			/* 1234 > 5678 */
	0x00, 0x1a, 0x7f, 0x5d,			/* length 26, checksum */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
	0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12,
};

static const uint8_t ipv6_70[70] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x86, 0xdd,				/* IPv6 */
	0x60, 0x00, 0x00, 0x00,			/* v6, tc 0, flow 0 */
	0x00, 0x10, 0x11, 0x40,			/* payload 16, UDP, hop limit 64 */
	0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* fd00::1 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0xfd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* fd00::2 */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x04, 0xd2, 0x16, 0x2e,			/* 1234 > 5678 */
	0x00, 0x10, 0xda, 0xb5,			/* length 16, checksum */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
};

static void test_ipv4_frame_bytes(void **state)
{
	struct tg_udp_spec s = spec_of(AF_INET, 60);
	struct tg_layout l;
	struct tg_err err = { "" };

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), &l, &err), 0);
	assert_memory_equal(buf, ipv4_60, sizeof(ipv4_60));
	/* Nothing written past the frame. */
	assert_int_equal(buf[60], 0xee);
	assert_int_equal(l.l3_off, 14);
	assert_int_equal(l.l4_off, 34);
	assert_int_equal(l.payload_off, 42);
	assert_int_equal(l.len, 60);
	assert_udp_csums_ok(buf, 60, AF_INET);
}

static void test_ipv6_frame_bytes(void **state)
{
	struct tg_udp_spec s = spec_of(AF_INET6, 70);
	struct tg_layout l;
	struct tg_err err = { "" };

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), &l, &err), 0);
	assert_memory_equal(buf, ipv6_70, sizeof(ipv6_70));
	assert_int_equal(buf[70], 0xee);
	assert_int_equal(l.l3_off, 14);
	assert_int_equal(l.l4_off, 54);
	assert_int_equal(l.payload_off, 62);
	assert_int_equal(l.len, 70);
	assert_udp_csums_ok(buf, 70, AF_INET6);
}

static void test_min_frame_len(void **state)
{
	assert_int_equal(tg_udp_min_frame_len(AF_INET, 0, false), 60);
	assert_int_equal(tg_udp_min_frame_len(AF_INET6, 0, false), 62);
	assert_int_equal(tg_udp_min_frame_len(AF_UNSPEC, 0, false), 0);
}

static void expect_refused(int family, uint32_t len, size_t buflen,
			   const char *needle)
{
	struct tg_udp_spec s = spec_of(family, len);
	struct tg_err err = { "" };

	assert_int_equal(tg_build_udp(&s, buf, buflen, NULL, &err), -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' does not name '%s'", err.msg, needle);
}

static void expect_accepted(int family, uint32_t len)
{
	struct tg_udp_spec s = spec_of(family, len);
	struct tg_err err = { "" };

	if (tg_build_udp(&s, buf, sizeof(buf), NULL, &err))
		fail_msg("%u bytes refused: %s", len, err.msg);
	assert_udp_csums_ok(buf, len, family);
}

static void test_size_limits(void **state)
{
	/* One 4 KB page with 64-byte cache lines: the figure the sizes below assume. */
	if (sysconf(_SC_PAGESIZE) == 4096 && sysconf(_SC_LEVEL1_DCACHE_LINESIZE) == 64)
		assert_int_equal(tg_max_frame_len(), 3408);
	assert_true(tg_max_frame_len() <= TG_MAX_FRAME_LEN);
	expect_accepted(AF_INET, 60);
	expect_accepted(AF_INET, TG_MAX_FRAME_LEN);
	expect_accepted(AF_INET6, 62);
	expect_accepted(AF_INET6, TG_MAX_FRAME_LEN);
	expect_refused(AF_INET, 59, sizeof(buf), "59");
	expect_refused(AF_INET6, 61, sizeof(buf), "61");
	expect_refused(AF_INET, TG_MAX_FRAME_LEN + 1, sizeof(buf), "3409");
	expect_refused(AF_INET6, TG_MAX_FRAME_LEN + 1, sizeof(buf), "3409");
	/* A buffer too small for a valid size. */
	expect_refused(AF_INET, 100, 99, "99");
	expect_refused(AF_UNSPEC, 100, sizeof(buf), "family");
	/* Errors do not require an errbuf. */
	{
		struct tg_udp_spec s = spec_of(AF_INET, 10);

		assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), NULL, NULL), -EINVAL);
	}
}

/* Every size in range: lengths follow the frame, checksums verify. */
static void test_every_size(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int i;
	uint32_t len;

	for (i = 0; i < 2; i++) {
		int fam = fams[i];

		for (len = tg_udp_min_frame_len(fam, 0, false); len <= TG_MAX_FRAME_LEN; len++) {
			struct tg_udp_spec s = spec_of(fam, len);
			struct tg_layout l;

			assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), &l, NULL), 0);
			assert_int_equal(l.len, len);
			if (fam == AF_INET)
				assert_int_equal(be16(buf + 16), len - 14);
			else
				assert_int_equal(be16(buf + 18), len - 54);
			assert_int_equal(be16(buf + l.l4_off + 4), len - l.l4_off);
			assert_udp_csums_ok(buf, len, fam);
		}
	}
}

static void test_fields_follow_spec(void **state)
{
	struct tg_udp_spec s = spec_of(AF_INET, 200);

	s.ttl = 1;
	s.sport = 65535;
	s.dport = 0;
	assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), NULL, NULL), 0);
	assert_int_equal(buf[22], 1);
	assert_int_equal(be16(buf + 34), 65535);
	assert_int_equal(be16(buf + 36), 0);
	assert_udp_csums_ok(buf, 200, AF_INET);

	s = spec_of(AF_INET6, 200);
	s.ttl = 255;
	assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), NULL, NULL), 0);
	assert_int_equal(buf[21], 255);
	assert_udp_csums_ok(buf, 200, AF_INET6);
}

/*
 * Picks the source port whose UDP checksum computes to 0: the frame must
 * carry ffff instead (0 would mean "no checksum").
 */
static void test_udp_zero_checksum_sent_as_ffff(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct tg_udp_spec s = spec_of(fams[i], 100);
		struct tg_layout l;
		uint16_t c;

		s.sport = 0;
		assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), &l, NULL), 0);
		/* With sport 0 the checksum is ~rest; a port equal to it makes the sum ffff. */
		c = be16(buf + l.l4_off + 6);
		s.sport = c;
		assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), &l, NULL), 0);
		assert_int_equal(be16(buf + l.l4_off + 6), 0xffff);
		assert_udp_csums_ok(buf, 100, fams[i]);
	}
}

static void test_payload_pattern(void **state)
{
	static uint8_t p[TG_MAX_FRAME_LEN];
	struct tg_udp_spec s = spec_of(AF_INET6, TG_MAX_FRAME_LEN);
	struct tg_layout l;
	size_t i;

	tg_fill_payload(p, sizeof(p));
	for (i = 0; i < sizeof(p); i++) {
		assert_int_not_equal(p[i], 0);
		assert_int_equal(p[i], i % 251 + 1);
	}
	assert_int_equal(tg_build_udp(&s, buf, sizeof(buf), &l, NULL), 0);
	assert_memory_equal(buf + l.payload_off, p, TG_MAX_FRAME_LEN - l.payload_off);
	assert_ptr_equal(memchr(buf + l.payload_off, 0, TG_MAX_FRAME_LEN - l.payload_off), NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_frame_bytes),
		cmocka_unit_test(test_ipv6_frame_bytes),
		cmocka_unit_test(test_min_frame_len),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_every_size),
		cmocka_unit_test(test_fields_follow_spec),
		cmocka_unit_test(test_udp_zero_checksum_sent_as_ffff),
		cmocka_unit_test(test_payload_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
