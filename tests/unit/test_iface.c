// SPDX-License-Identifier: GPL-2.0
/*
 * Interface facts that need no privileges: loopback is always there (ifindex
 * 1 in every namespace), bad names fail the right way, and the XDP feature
 * bits format as the kernel names them. Veth facts are in the e2e tier.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "iface.h"
#include "netdev_compat.h"

static void test_get_lo(void **state)
{
	struct tg_err err = { "" };
	struct tg_iface ifc;

	assert_int_equal(tg_iface_get("lo", &ifc, &err), 0);
	assert_string_equal(ifc.name, "lo");
	assert_int_equal(ifc.ifindex, 1);
	assert_true(ifc.mtu > 0);
	assert_true(ifc.kind[0] == '\0' || strcmp(ifc.kind, "loopback") == 0);
	assert_int_equal(ifc.peer_ifindex, 0);
	assert_int_equal(ifc.peer_netnsid, -1);
	assert_true(ifc.num_rx_queues >= 1);
	assert_true(ifc.num_tx_queues >= 1);
}

static void test_get_lo_by_index(void **state)
{
	struct tg_err err = { "" };
	struct tg_iface ifc;

	assert_int_equal(tg_iface_get_index(1, &ifc, &err), 0);
	assert_string_equal(ifc.name, "lo");
	assert_int_equal(ifc.ifindex, 1);
}

static void test_get_missing_name(void **state)
{
	struct tg_err err = { "" };
	struct tg_iface ifc;
	char name[IF_NAMESIZE];

	/* pid-unique so a leftover interface from another run cannot match */
	snprintf(name, sizeof(name), "tgnx%d", (int)(getpid() % 1000000));
	assert_int_equal(tg_iface_get(name, &ifc, &err), -ENODEV);
	assert_non_null(strstr(err.msg, name));
}

static void test_get_missing_index(void **state)
{
	struct tg_err err = { "" };
	struct tg_iface ifc;

	assert_int_equal(tg_iface_get_index(INT_MAX - 7, &ifc, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "index"));
}

static void test_get_bad_names(void **state)
{
	struct tg_err err = { "" };
	struct tg_iface ifc;

	assert_int_equal(tg_iface_get("", &ifc, &err), -EINVAL);
	assert_int_equal(tg_iface_get("abcdefghijklmnop", &ifc, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "abcdefghijklmnop"));
	assert_int_equal(tg_iface_get_index(0, &ifc, &err), -EINVAL);
	assert_int_equal(tg_iface_get_index(-3, &ifc, &err), -EINVAL);
}

/* Works with a NULL errbuf too: the library must not dereference it. */
static void test_get_null_err(void **state)
{
	struct tg_iface ifc;

	assert_int_equal(tg_iface_get("lo", &ifc, NULL), 0);
	assert_int_equal(tg_iface_get("tgnx-null", &ifc, NULL), -ENODEV);
}

static void test_gro_lo(void **state)
{
	struct tg_err err = { "" };
	bool on = false;

	assert_int_equal(tg_iface_gro("lo", &on, &err), 0);
}

static void test_gro_missing(void **state)
{
	struct tg_err err = { "" };
	bool on;

	assert_int_equal(tg_iface_gro("tgnx-gro", &on, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "tgnx-gro"));
}

/* Loopback has no native XDP; what matters is that the query itself works. */
static void test_xdp_features_lo(void **state)
{
	struct tg_err err = { "" };
	uint64_t f = ~0ULL;
	int ret;

	ret = tg_iface_xdp_features(1, &f, &err);
	if (ret == -EOPNOTSUPP)
		skip();		/* kernel < 6.3 */
	assert_int_equal(ret, 0);
	assert_true(f != ~0ULL);
}

static void test_xdp_features_missing(void **state)
{
	struct tg_err err = { "" };
	uint64_t f;
	int ret;

	ret = tg_iface_xdp_features(INT_MAX - 7, &f, &err);
	if (ret == -EOPNOTSUPP)
		skip();
	assert_int_equal(ret, -ENODEV);
}

static void test_features_str(void **state)
{
	char buf[128];

	tg_xdp_features_str(0, buf, sizeof(buf));
	assert_string_equal(buf, "none");

	tg_xdp_features_str(NETDEV_XDP_ACT_BASIC, buf, sizeof(buf));
	assert_string_equal(buf, "basic");

	/* a veth whose peer has neither GRO nor an XDP program */
	tg_xdp_features_str(NETDEV_XDP_ACT_BASIC | NETDEV_XDP_ACT_REDIRECT |
			    NETDEV_XDP_ACT_RX_SG, buf, sizeof(buf));
	assert_string_equal(buf, "basic,redirect,rx-sg");

	tg_xdp_features_str(0x7f, buf, sizeof(buf));
	assert_string_equal(buf,
		"basic,redirect,ndo-xmit,xsk-zerocopy,hw-offload,rx-sg,ndo-xmit-sg");

	tg_xdp_features_str(NETDEV_XDP_ACT_NDO_XMIT | NETDEV_XDP_ACT_XSK_ZEROCOPY |
			    NETDEV_XDP_ACT_HW_OFFLOAD, buf, sizeof(buf));
	assert_string_equal(buf, "ndo-xmit,xsk-zerocopy,hw-offload");
}

static void test_features_str_unknown_bits(void **state)
{
	char buf[64];

	tg_xdp_features_str((1ULL << 7) | (1ULL << 63), buf, sizeof(buf));
	assert_string_equal(buf, "bit7,bit63");

	tg_xdp_features_str(NETDEV_XDP_ACT_REDIRECT | (1ULL << 40), buf, sizeof(buf));
	assert_string_equal(buf, "redirect,bit40");
}

static void test_features_str_truncates(void **state)
{
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	tg_xdp_features_str(0x7f, buf, sizeof(buf));
	assert_string_equal(buf, "basic,r");

	memset(buf, 'x', sizeof(buf));
	tg_xdp_features_str(0x7f, buf, 1);
	assert_int_equal(buf[0], '\0');

	/* len 0: nothing may be written */
	memset(buf, 'x', sizeof(buf));
	tg_xdp_features_str(0x7f, buf, 0);
	assert_int_equal(buf[0], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_lo),
		cmocka_unit_test(test_get_lo_by_index),
		cmocka_unit_test(test_get_missing_name),
		cmocka_unit_test(test_get_missing_index),
		cmocka_unit_test(test_get_bad_names),
		cmocka_unit_test(test_get_null_err),
		cmocka_unit_test(test_gro_lo),
		cmocka_unit_test(test_gro_missing),
		cmocka_unit_test(test_xdp_features_lo),
		cmocka_unit_test(test_xdp_features_missing),
		cmocka_unit_test(test_features_str),
		cmocka_unit_test(test_features_str_unknown_bits),
		cmocka_unit_test(test_features_str_truncates),
	};

	return cmocka_run_group_tests_name("iface", tests, NULL, NULL);
}
