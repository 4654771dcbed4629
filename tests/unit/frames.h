/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading the frames lib/ builds, for the unit tests: big-endian fields,
 * and a UDP frame's checksums verified with lib/csum. Include after
 * cmocka.h. Static inline, so a test that uses only part of it builds
 * without warnings.
 */
#ifndef TG_TEST_FRAMES_H
#define TG_TEST_FRAMES_H

#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "csum.h"

static inline uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Both checksums of an untagged Ethernet + IPv4 or IPv6 + UDP frame of LEN
 * bytes verify (sum to all ones) with lib/csum, and the UDP checksum is not
 * 0: that means "none" over IPv4 (RFC 768) and is refused over IPv6
 * (RFC 8200, 8.1).
 */
static inline void assert_udp_csums_ok(const uint8_t *f, uint32_t len, int family)
{
	if (family == AF_INET) {
		struct in_addr s, d;

		memcpy(&s, f + 26, 4);
		memcpy(&d, f + 30, 4);
		assert_int_equal(tg_csum(f + 14, 20), 0);
		assert_int_equal(tg_l4_csum4(&s, &d, IPPROTO_UDP, f + 34, len - 34), 0);
		assert_int_not_equal(be16(f + 40), 0);
	} else {
		struct in6_addr s, d;

		memcpy(&s, f + 22, 16);
		memcpy(&d, f + 38, 16);
		assert_int_equal(tg_l4_csum6(&s, &d, IPPROTO_UDP, f + 54, len - 54), 0);
		assert_int_not_equal(be16(f + 60), 0);
	}
}

#endif
