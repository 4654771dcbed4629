// SPDX-License-Identifier: GPL-2.0
/*
 * From ranges to the UDP generator's config, the per-thread start, and the
 * reference frames the BPF tier compares the generator's output with.
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
#include "udp/cfg.h"
#include "frames.h"

static uint8_t frame[TG_MAX_FRAME_LEN];
static uint8_t ref[TG_MAX_FRAME_LEN];

static struct tg_addr_range arange(const char *first, uint64_t count)
{
	struct tg_addr_range r = { .count = count };

	r.family = strchr(first, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(r.family, first, &r.first), 1);
	return r;
}

static struct tg_port_range prange(uint16_t first, uint32_t count)
{
	return (struct tg_port_range){ .first = first, .count = count };
}

/*
 * IPv4: 37 sources, one destination, 1000 source ports, one destination
 * port, 3 threads. The spec's own addresses and ports are junk on purpose:
 * the ranges must win.
 */
static struct tg_udp_params params4(void)
{
	struct tg_udp_params p = {
		.spec = {
			.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
			.src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
			.family = AF_INET,
			.sport = 7, .dport = 7,
			.ttl = 64,
			.frame_len = 60,
		},
		.src = arange("10.0.0.1", 37),
		.dst = arange("10.1.0.1", 1),
		.sport = prange(1000, 1000),
		.dport = prange(53, 1),
		.ifindex = 7,
		.nthreads = 3,
	};

	inet_pton(AF_INET, "192.0.2.99", &p.spec.src.v4);
	inet_pton(AF_INET, "192.0.2.98", &p.spec.dst.v4);
	return p;
}

/* IPv6: a whole /96 of destinations, 2 sources, one port each way. */
static struct tg_udp_params params6(void)
{
	struct tg_udp_params p = params4();

	p.spec.family = AF_INET6;
	p.spec.frame_len = 1514;
	p.src = arange("2001:db8::1:fffe", 2);
	p.dst = arange("2001:db8:1::", 1ull << 32);
	p.sport = prange(4000, 1);
	p.dport = prange(65000, 536);
	p.nthreads = 1;
	return p;
}

static void assert_field(const struct udp_gen_field *f, uint32_t base,
			 uint64_t span, uint64_t stride)
{
	assert_int_equal(f->base, base);
	assert_int_equal(f->span, span);
	assert_int_equal(f->stride, stride);
}

static void test_build_ipv4(void **state)
{
	struct tg_udp_params p = params4();
	struct tg_udp_spec s = p.spec;
	struct udp_gen_cfg cfg;
	struct tg_layout l;
	struct tg_err err = { "" };

	memset(&cfg, 0xaa, sizeof(cfg));
	assert_int_equal(tg_udp_cfg_build(&p, &cfg, frame, &l, &err), 0);
	assert_int_equal(cfg.ifindex, 7);
	assert_int_equal(cfg.l3_off, 14);
	assert_int_equal(cfg.l4_off, 34);
	assert_int_equal(cfg.hdr_len, 42);
	assert_int_equal(cfg.ipv6, 0);
	assert_int_equal(cfg.random, 0);
	assert_int_equal(cfg.varies, 1);
	assert_field(&cfg.saddr, 0x0a000001, 37, 3);
	assert_field(&cfg.daddr, 0x0a010001, 1, 0);
	assert_field(&cfg.sport, 1000, 1000, 3);
	assert_field(&cfg.dport, 53, 1, 0);
	assert_int_equal(l.l4_off, 34);
	assert_int_equal(l.len, 60);

	/* The template is the first value of every range. */
	s.src = p.src.first;
	s.dst = p.dst.first;
	s.sport = 1000;
	s.dport = 53;
	assert_int_equal(tg_build_udp(&s, ref, sizeof(ref), NULL, &err), 0);
	assert_memory_equal(frame, ref, 60);
	assert_memory_equal(cfg.hdr, frame, 42);
	assert_udp_csums_ok(frame, 60, AF_INET);
}

static void test_build_ipv6(void **state)
{
	struct tg_udp_params p = params6();
	struct udp_gen_cfg cfg;
	struct tg_layout l;
	struct tg_err err = { "" };

	assert_int_equal(tg_udp_cfg_build(&p, &cfg, frame, &l, &err), 0);
	assert_int_equal(cfg.l3_off, 14);
	assert_int_equal(cfg.l4_off, 54);
	assert_int_equal(cfg.hdr_len, 62);
	assert_int_equal(cfg.ipv6, 1);
	/* Bases are the last 32 bits of the first address, in host order. */
	assert_field(&cfg.saddr, 0x0001fffe, 2, 1);
	assert_field(&cfg.daddr, 0, 1ull << 32, 1);
	assert_field(&cfg.sport, 4000, 1, 0);
	assert_field(&cfg.dport, 65000, 536, 1);
	assert_memory_equal(cfg.hdr, frame, 62);
	/* The hdr bytes past hdr_len stay zero. */
	assert_int_equal(cfg.hdr[62], 0);
	assert_memory_equal(frame + 22, &p.src.first.v6, 16);
	assert_memory_equal(frame + 38, &p.dst.first.v6, 16);
	assert_int_equal(be16(frame + 54), 4000);
	assert_int_equal(be16(frame + 56), 65000);
	assert_udp_csums_ok(frame, 1514, AF_INET6);
}

static void test_build_nothing_varies(void **state)
{
	struct tg_udp_params p = params4();
	struct udp_gen_cfg cfg;

	p.src.count = 1;
	p.sport.count = 1;
	p.random = true;
	p.nthreads = 8;
	assert_int_equal(tg_udp_cfg_build(&p, &cfg, frame, NULL, NULL), 0);
	assert_int_equal(cfg.varies, 0);
	assert_int_equal(cfg.random, 1);
	assert_field(&cfg.saddr, 0x0a000001, 1, 0);
	assert_field(&cfg.sport, 1000, 1, 0);
}

static void expect_refused(const struct tg_udp_params *p, const char *a,
			   const char *b)
{
	struct udp_gen_cfg cfg;
	struct tg_err err = { "" };

	assert_int_equal(tg_udp_cfg_build(p, &cfg, frame, NULL, &err), -EINVAL);
	if (!strstr(err.msg, a) || (b && !strstr(err.msg, b)))
		fail_msg("message '%s' does not name '%s' and '%s'", err.msg, a, b ? b : "");
	err.msg[0] = '\0';
	assert_int_equal(tg_udp_cfg_expected(p, 0, 0, 0, ref, &err), -EINVAL);
	assert_true(err.msg[0] != '\0');
}

static void test_build_refuses(void **state)
{
	struct tg_udp_params p;

	p = params4();
	p.dst = arange("2001:db8::1", 1);
	expect_refused(&p, "IPv4", "IPv6");
	p = params6();
	p.src = arange("10.0.0.1", 1);
	expect_refused(&p, "IPv4", "IPv6");
	/* Both ranges agree, but not with the frame. */
	p = params4();
	p.src = arange("2001:db8::1", 1);
	p.dst = arange("2001:db8::2", 1);
	expect_refused(&p, "IPv6", "IPv4");

	p = params4();
	p.spec.frame_len = 59;
	expect_refused(&p, "59", NULL);
	p = params6();
	p.spec.frame_len = TG_MAX_FRAME_LEN + 1;
	expect_refused(&p, "3409", NULL);

	/* What the BPF program cannot do: carry out of 32 bits, ports past 65535. */
	p = params4();
	p.src = arange("255.255.255.250", 7);
	expect_refused(&p, "source", "7");
	p = params6();
	p.dst = arange("2001:db8::1", 1ull << 32);
	expect_refused(&p, "destination", NULL);
	p = params4();
	p.dport = prange(65000, 537);
	expect_refused(&p, "65536", NULL);
	p = params4();
	p.sport.count = 0;
	expect_refused(&p, "source", "empty");
	p = params4();
	p.nthreads = 0;
	expect_refused(&p, "thread", NULL);
}

/* The largest ranges that still fit are accepted. */
static void test_build_edges(void **state)
{
	struct tg_udp_params p = params4();
	struct udp_gen_cfg cfg;
	struct tg_err err = { "" };

	p.src = arange("0.0.0.0", 1ull << 32);
	p.sport = prange(0, 65536);
	p.dport = prange(65535, 1);
	p.nthreads = 5;
	if (tg_udp_cfg_build(&p, &cfg, frame, NULL, &err))
		fail_msg("%s", err.msg);
	assert_field(&cfg.saddr, 0, 1ull << 32, 5);
	assert_field(&cfg.sport, 0, 65536, 5);
	assert_field(&cfg.dport, 65535, 1, 0);
}

static void test_thread_init(void **state)
{
	struct tg_udp_params p = params4();
	struct udp_gen_cfg cfg;
	struct udp_gen_pcpu pc;

	p.dport = prange(10, 2);
	p.nthreads = 40;
	assert_int_equal(tg_udp_cfg_build(&p, &cfg, frame, NULL, NULL), 0);
	memset(&pc, 0xaa, sizeof(pc));
	tg_udp_cfg_thread_init(&cfg, 39, &pc);
	assert_int_equal(pc.packets, 0);
	assert_int_equal(pc.bytes, 0);
	assert_int_equal(pc.short_frames, 0);
	assert_int_equal(pc.cur_saddr, 39 % 37);
	assert_int_equal(pc.cur_daddr, 0);
	assert_int_equal(pc.cur_sport, 39);
	assert_int_equal(pc.cur_dport, 1);
	tg_udp_cfg_thread_init(&cfg, 0, &pc);
	assert_int_equal(pc.cur_saddr, 0);
	assert_int_equal(pc.cur_sport, 0);
	assert_int_equal(pc.cur_dport, 0);
}

static void assert_expected(const struct tg_udp_params *p, unsigned int t,
			    uint64_t k, const char *saddr, uint16_t sport,
			    const char *daddr, uint16_t dport)
{
	struct tg_udp_spec s = p->spec;
	struct tg_err err = { "" };

	if (tg_udp_cfg_expected(p, t, k, 0, frame, &err))
		fail_msg("%s", err.msg);
	inet_pton(s.family, saddr, &s.src);
	inet_pton(s.family, daddr, &s.dst);
	s.sport = sport;
	s.dport = dport;
	assert_int_equal(tg_build_udp(&s, ref, sizeof(ref), NULL, NULL), 0);
	assert_memory_equal(frame, ref, s.frame_len);
	assert_udp_csums_ok(frame, s.frame_len, s.family);
}

/* Values worked out by hand from offset = (t + k * (n % span)) % span. */
static void test_expected_values(void **state)
{
	struct tg_udp_params p = params4();
	struct udp_gen_cfg cfg;

	assert_int_equal(tg_udp_cfg_build(&p, &cfg, ref, NULL, NULL), 0);
	assert_int_equal(tg_udp_cfg_expected(&p, 0, 0, 0, frame, NULL), 0);
	assert_memory_equal(frame, ref, 60);

	/* t 2, k 20, n 3: saddr (2 + 60) % 37 = 25, sport (2 + 60) % 1000 = 62. */
	assert_expected(&p, 2, 20, "10.0.0.26", 1062, "10.1.0.1", 53);
	/* t 1, k 12: saddr 37 % 37 = 0, sport 37. */
	assert_expected(&p, 1, 12, "10.0.0.1", 1037, "10.1.0.1", 53);
	/* t 0, k 333: sport 999 % 1000, the last port; saddr 999 % 37 = 0. */
	assert_expected(&p, 0, 333, "10.0.0.1", 1999, "10.1.0.1", 53);
	/* t 0, k 334: both wrap; saddr 1002 % 37 = 3. */
	assert_expected(&p, 0, 334, "10.0.0.4", 1002, "10.1.0.1", 53);

	p = params6();
	/* n 1: the k-th frame has offset k in every field. */
	assert_expected(&p, 0, 1, "2001:db8::1:ffff", 4000, "2001:db8:1::1", 65001);
	assert_expected(&p, 0, 535, "2001:db8::1:ffff", 4000, "2001:db8:1::217", 65535);
	assert_expected(&p, 0, 536, "2001:db8::1:fffe", 4000, "2001:db8:1::218", 65000);
	assert_expected(&p, 0, (1ull << 32) - 1, "2001:db8::1:ffff", 4000,
			"2001:db8:1::ffff:ffff", 65000 + ((1ull << 32) - 1) % 536);
	/* Past the end of the /96 the destination starts over. */
	assert_expected(&p, 0, 1ull << 32, "2001:db8::1:fffe", 4000,
			"2001:db8:1::", 65000 + (1ull << 32) % 536);
}

/*
 * Between them the threads visit every value of a span; a thread whose
 * count shares no factor with the span visits each once per span frames.
 */
static void test_threads_cover_span(void **state)
{
	static const struct { uint64_t span; unsigned int n; } cases[] = {
		{ 10, 1 }, { 10, 3 }, { 10, 4 }, { 10, 10 }, { 10, 12 },
		{ 37, 3 }, { 1000, 3 }, { 1000, 8 }, { 3, 5 }, { 2, 2 },
	};
	static uint8_t seen[1000];
	unsigned int i, t;
	uint64_t k, v;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t span = cases[i].span;
		unsigned int n = cases[i].n;

		memset(seen, 0, sizeof(seen));
		for (t = 0; t < n; t++) {
			for (k = 0; k < span; k++) {
				v = tg_seq_offset(span, n, t, k);
				assert_true(v < span);
				seen[v] = 1;
			}
		}
		for (v = 0; v < span; v++)
			if (!seen[v])
				fail_msg("span %llu, %u threads: offset %llu never sent",
					 (unsigned long long)span, n, (unsigned long long)v);
	}
	/* n 3 and span 1000 share no factor: one thread alone sees each value once. */
	memset(seen, 0, sizeof(seen));
	for (k = 0; k < 1000; k++) {
		v = tg_seq_offset(1000, 3, 2, k);
		assert_int_equal(seen[v], 0);
		seen[v] = 1;
	}
	assert_int_equal(tg_seq_offset(0, 3, 2, 5), 0);
	assert_int_equal(tg_seq_offset(1, 3, 2, 5), 0);
}

/* What the program's cursor does (start, add stride, wrap) is the formula. */
static void test_cursor_walk_matches_offset(void **state)
{
	static const struct { uint64_t span; unsigned int n, t; } cases[] = {
		{ 37, 3, 2 }, { 1000, 3, 0 }, { 1000, 3, 2 }, { 2, 3, 2 },
		{ 5, 5, 4 }, { 536, 1, 0 }, { 1ull << 32, 3, 2 },
	};
	unsigned int i;
	uint64_t k;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct udp_gen_field f = { .span = cases[i].span,
					   .stride = cases[i].n % cases[i].span };
		uint64_t cur = cases[i].t % f.span;

		for (k = 0; k < 5000; k++) {
			assert_int_equal(cur, tg_seq_offset(f.span, cases[i].n, cases[i].t, k));
			cur = cur + f.stride >= f.span ? cur + f.stride - f.span : cur + f.stride;
		}
	}
}

/* The devmap only with a target: a dry run without an interface has none. */
static void test_devmap_needs_target(void **state)
{
	struct tg_udp_params p = params4();
	struct udp_gen_cfg cfg;

	p.devmap = true;
	assert_int_equal(tg_udp_cfg_build(&p, &cfg, frame, NULL, NULL), 0);
	assert_int_equal(cfg.devmap, 1);
	assert_int_equal(cfg.ifindex, 7);
	p.ifindex = 0;
	assert_int_equal(tg_udp_cfg_build(&p, &cfg, frame, NULL, NULL), 0);
	assert_int_equal(cfg.devmap, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_ipv4),
		cmocka_unit_test(test_build_ipv6),
		cmocka_unit_test(test_build_nothing_varies),
		cmocka_unit_test(test_build_refuses),
		cmocka_unit_test(test_build_edges),
		cmocka_unit_test(test_thread_init),
		cmocka_unit_test(test_expected_values),
		cmocka_unit_test(test_threads_cover_span),
		cmocka_unit_test(test_cursor_walk_matches_offset),
		cmocka_unit_test(test_devmap_needs_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
