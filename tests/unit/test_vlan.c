// SPDX-License-Identifier: GPL-2.0
/* Unit tests for VLAN tags in lib/packet.c: parsing, building, minimum sizes. */
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
#include "packet.h"
#include "stamp.h"
#include "udp/cfg.h"

static void vlan_bad(const char *s, const char *needle)
{
	struct tg_err err = { "" };
	uint16_t tci = 0x1234;

	assert_int_equal(tg_parse_vlan(s, &tci, &err), -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' lacks '%s'", s, err.msg, needle);
	assert_int_equal(tci, 0x1234);
}

static void test_parse(void **state)
{
	struct tg_err err = { "" };
	uint16_t tci, q[2];

	assert_int_equal(tg_parse_vlan("100", &tci, &err), 0);
	assert_int_equal(tci, 100);
	assert_int_equal(tg_parse_vlan("0", &tci, &err), 0);
	assert_int_equal(tci, 0);
	assert_int_equal(tg_parse_vlan("4094:7", &tci, &err), 0);
	assert_int_equal(tci, 0xeffe);
	assert_int_equal(tg_parse_vlan("5:3", &tci, &err), 0);
	assert_int_equal(tci, 0x6005);
	vlan_bad("4095", "'4095' is not a VLAN ID (0-4094)");
	vlan_bad("100:8", "'100:8' is not a VLAN ID");
	vlan_bad("", "is not a VLAN ID");
	vlan_bad("-1", "is not a VLAN ID");
	vlan_bad("100:", "is not a VLAN ID");
	vlan_bad("100:1:2", "is not a VLAN ID");
	vlan_bad("0x10", "is not a VLAN ID");
	vlan_bad("99999999999", "is not a VLAN ID");

	assert_int_equal(tg_parse_qinq("100:200", q, &err), 0);
	assert_int_equal(q[0], 100);
	assert_int_equal(q[1], 200);
	assert_int_equal(tg_parse_qinq("100", q, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "'100' is not OUTER:INNER"));
	assert_int_equal(tg_parse_qinq("100:4095", q, &err), -EINVAL);
	assert_int_equal(tg_parse_qinq("1:2:3", q, &err), -EINVAL);
}

/* QinQ IPv4: tags in order, offsets moved by 8, checksums and lengths right. */
static void test_build_qinq(void **state)
{
	static const uint8_t eth[] = {
		0x88, 0xa8, 0x20, 0x64, 0x81, 0x00, 0x00, 0xc8, 0x08, 0x00,
	};
	struct tg_udp_spec spec = {
		.dst_mac = { 2, 0, 0, 0, 0, 2 }, .src_mac = { 2, 0, 0, 0, 0, 1 },
		.family = AF_INET, .sport = 1, .dport = 2, .ttl = 1, .frame_len = 100,
		.nvlan = 2, .vlan_tpid = { 0x88a8, 0x8100 }, .vlan_tci = { 1 << 13 | 100, 200 },
	};
	uint8_t f[TG_MAX_FRAME_LEN];
	struct tg_layout l;
	struct in_addr s, d;

	inet_pton(AF_INET, "198.18.0.2", &spec.src);
	inet_pton(AF_INET, "198.18.0.1", &spec.dst);
	assert_int_equal(tg_build_udp(&spec, f, sizeof(f), &l, NULL), 0);
	assert_memory_equal(f + 12, eth, sizeof(eth));
	assert_int_equal(l.l3_off, 22);
	assert_int_equal(l.l4_off, 42);
	assert_int_equal(l.payload_off, 50);
	assert_int_equal(f[22 + 2] << 8 | f[22 + 3], 100 - 22);
	assert_int_equal(tg_csum(f + 22, 20), 0);
	memcpy(&s, f + 22 + 12, 4);
	memcpy(&d, f + 22 + 16, 4);
	assert_int_equal(tg_l4_csum4(&s, &d, IPPROTO_UDP, f + 42, 100 - 42), 0);
}

static void test_min_sizes(void **state)
{
	/* IPv4 stays at Ethernet's 60 until the headers pass it. */
	assert_int_equal(tg_udp_min_frame_len(AF_INET, 0, false), 60);
	assert_int_equal(tg_udp_min_frame_len(AF_INET, 2, false), 60);
	assert_int_equal(tg_udp_min_frame_len(AF_INET6, 0, false), 62);
	assert_int_equal(tg_udp_min_frame_len(AF_INET6, 1, false), 66);
	assert_int_equal(tg_udp_min_frame_len(AF_INET6, 2, false), 70);
	assert_int_equal(tg_udp_min_frame_len(AF_INET, 2, true), 74);
	assert_int_equal(tg_udp_min_frame_len(AF_INET6, 2, true), 94);
	assert_int_equal(tg_udp_min_frame_len(AF_INET6, 0, true),
			 TG_UDP6_HDRS + TG_STAMP_LEN);
}

/* Too short for the tags, or too many tags: refused with the sizes named. */
static void test_refused(void **state)
{
	struct tg_udp_spec spec = {
		.family = AF_INET6, .frame_len = 69, .nvlan = 2,
		.vlan_tpid = { 0x88a8, 0x8100 },
	};
	struct tg_err err = { "" };
	uint8_t f[TG_MAX_FRAME_LEN];

	assert_int_equal(tg_build_udp(&spec, f, sizeof(f), NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "minimum of 70"));
	spec.frame_len = 100;
	spec.nvlan = 3;
	assert_int_equal(tg_build_udp(&spec, f, sizeof(f), NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "3 VLAN tags"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_build_qinq),
		cmocka_unit_test(test_min_sizes),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
