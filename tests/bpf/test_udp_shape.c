// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP generator's shaping under BPF_PROG_TEST_RUN (normal mode,
 * data_in/data_out): per-packet sizes (-s MIN-MAX, --imix), pacing
 * (--rate), each output compared byte for byte with the C reference
 * (tg_udp_cfg_expected, which rebuilds every frame from scratch at its
 * size) and its lengths and checksums verified once more from the frame.
 *
 * Frames are fed the ways live mode feeds them: the template each time;
 * the page as the previous frame left it (its bytes up to its cut length,
 * the template's beyond, since the kernel resets only data_end); and that
 * page mangled the way a GRO receiver mangles it.
 *
 * Needs root. Pins itself to one CPU so that the per-CPU state it sets and
 * reads is the one the program uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "csum.h"
#include "harness.h"
#include "harness_udp.h"
#include "live.h"
#include "udp/pace.h"
#include "packet.h"
#include "parse.h"
#include "udp/size_wheel.h"
#include "stamp.h"
#include "udp/capture.h"
#include "udp/rewrite.h"
#include "udp/cfg.h"
#include "udp_gen.skel.h"
#include "wire.h"

static int test_cpu;

/* Names of the feeds: what this test feeds is the page, not only the frame. */
static const char *const feed_name[TH_FEED_N] = {
	"template", "previous page", "mangled page",
};

/* A loaded generator and the frames of one run. */
struct gen {
	struct udp_gen_bpf *skel;
	int prog_fd;			/* the one program loaded: the one that runs cfg */
	struct udp_gen_cfg cfg;
	struct tg_udp_params p;
	const char *desc;
	uint16_t wheel[TG_SIZE_WHEEL_MAX];
	uint8_t tmpl[TG_MAX_FRAME_LEN];
	uint8_t in[TG_MAX_FRAME_LEN];
	uint8_t out[TG_MAX_FRAME_LEN];
	uint8_t ref[TG_MAX_FRAME_LEN];
	uint32_t out_len;
};

/* Ranges and family of a run; sizes and pacing are set by each test. */
static struct tg_udp_params params(int family, unsigned int nthreads)
{
	if (family == AF_INET)
		return th_udp_params("v4 ranges", family, 60, nthreads, "10.0.0.1-10.0.0.37",
				     "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535");
	return th_udp_params("v6 ranges", family, 62, nthreads, "2001:db8::a-2001:db8::2e",
			     "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535");
}

static void gen_load(struct gen *g, const char *desc)
{
	struct tg_udp_gen l = th_udp_gen_load(desc, &g->p, &g->cfg, g->tmpl);

	g->desc = desc;
	g->skel = l.skel;
	g->prog_fd = l.prog_fd;
}

static struct gen *gen_new(void)
{
	struct gen *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	return g;
}

static void gen_free(struct gen *g)
{
	udp_gen_bpf__destroy(g->skel);
	free(g);
}

/* Writes pc as our CPU's state, zeros on every other CPU. */
static void pcpu_write(struct gen *g, const struct udp_gen_pcpu *pc)
{
	th_pcpu_write(g->skel->maps.pcpu, test_cpu, pc, sizeof(*pc));
}

static void pcpu_init(struct gen *g, unsigned int thread)
{
	struct udp_gen_pcpu pc;

	th_udp_gen_thread_init(g->skel, &g->cfg, test_cpu, thread);
	/* As trafficgen sets it: the thread's share of -n, in its stamps. */
	if (g->cfg.stamp_total) {
		th_pcpu_read(g->skel->maps.pcpu, test_cpu, &pc, sizeof(pc));
		pc.stamp_total = tg_udp_stamp_total(&g->p, thread);
		th_pcpu_write(g->skel->maps.pcpu, test_cpu, &pc, sizeof(pc));
	}
}

static struct udp_gen_pcpu pcpu_read(struct gen *g)
{
	struct udp_gen_pcpu pc;

	th_pcpu_read(g->skel->maps.pcpu, test_cpu, &pc, sizeof(pc));
	return pc;
}

/* One BPF_PROG_TEST_RUN of len bytes of g->in; returns the verdict. */
static int gen_run(struct gen *g, uint32_t len)
{
	return th_test_run(g->desc, g->prog_fd, g->in, len,
			   g->out, sizeof(g->out), &g->out_len);
}

/*
 * Lengths and checksums of a frame, read from the frame alone: Ethernet,
 * any number of VLAN tags, IPv4 or IPv6, UDP. Returns NULL or what is wrong.
 */
static const char *frame_problem(const uint8_t *f, uint32_t len)
{
	uint32_t l3 = 12, l4;
	uint16_t ulen;

	while (tg_get16(f + l3) == 0x8100 || tg_get16(f + l3) == 0x88a8)
		l3 += 4;
	l3 += 2;
	if (tg_get16(f + l3 - 2) == 0x0800) {
		struct in_addr s, d;

		l4 = l3 + 20;
		if (tg_get16(f + l3 + 2) != len - l3)
			return "IPv4 total length is not the frame's";
		if (tg_csum(f + l3, 20))
			return "IPv4 header checksum does not verify";
		memcpy(&s, f + l3 + 12, 4);
		memcpy(&d, f + l3 + 16, 4);
		ulen = tg_get16(f + l4 + 4);
		if (ulen != len - l4)
			return "UDP length is not the frame's";
		if (tg_l4_csum4(&s, &d, IPPROTO_UDP, f + l4, ulen))
			return "UDP checksum does not verify";
	} else if (tg_get16(f + l3 - 2) == 0x86dd) {
		struct in6_addr s, d;

		l4 = l3 + 40;
		if (tg_get16(f + l3 + 4) != len - l4)
			return "IPv6 payload length is not the frame's";
		memcpy(&s, f + l3 + 8, 16);
		memcpy(&d, f + l3 + 24, 16);
		ulen = tg_get16(f + l4 + 4);
		if (ulen != len - l4)
			return "UDP length is not the frame's";
		if (tg_l4_csum6(&s, &d, IPPROTO_UDP, f + l4, ulen))
			return "UDP checksum does not verify";
	} else {
		return "neither IPv4 nor IPv6";
	}
	if (!tg_get16(f + l4 + 6))
		return "UDP checksum is 0";
	return NULL;
}

/* The page the program sees for frame k: always the template's full length. */
static void prepare_input(struct gen *g, enum th_feed feed, uint64_t k)
{
	uint32_t len = g->cfg.frame_len;

	memcpy(g->in, g->tmpl, len);
	if (feed != TH_FEED_TEMPLATE && k > 0)
		memcpy(g->in, g->out, g->out_len);
	if (feed == TH_FEED_MANGLED)
		th_mangle_udp(g->in, g->cfg.l3_off, g->cfg.l4_off, g->cfg.ipv6);
}

static void assert_frame(struct gen *g, enum th_feed feed, uint64_t k, uint32_t want_len)
{
	const char *why = frame_problem(g->out, g->out_len);

	if (g->out_len != want_len)
		fail_msg("%s, fed the %s: frame %llu is %u bytes, expected %u", g->desc,
			 feed_name[feed], (unsigned long long)k, g->out_len, want_len);
	th_assert_frame(g->out, g->ref, want_len, "%s, fed the %s: frame %llu (%u bytes)",
			g->desc, feed_name[feed], (unsigned long long)k, want_len);
	if (why)
		fail_msg("%s, fed the %s: frame %llu: %s", g->desc, feed_name[feed],
			 (unsigned long long)k, why);
}

/* The send time in a stamped frame: only the program knows it. */
static uint64_t stamp_time(const struct gen *g)
{
	uint64_t t;

	if (!g->p.stamp)
		return 0;
	memcpy(&t, g->out + g->cfg.l4_off + 8 + offsetof(struct tg_stamp, tx_ns), 8);
	return be64toh(t);
}

/* Sequential sizes: frame k of thread t has the wheel's length at t + k * nthreads. */
static void run_sequential(struct gen *g, unsigned int thread, uint64_t frames)
{
	struct tg_err err = { "" };
	enum th_feed feed;
	uint64_t k, bytes;

	for (feed = 0; feed < TH_FEED_N; feed++) {
		pcpu_init(g, thread);
		bytes = 0;
		for (k = 0; k < frames; k++) {
			uint32_t want = tg_udp_cfg_frame_len(&g->p, thread, k);

			prepare_input(g, feed, k);
			if (gen_run(g, g->cfg.frame_len) != XDP_REDIRECT)
				fail_msg("%s, fed the %s: frame %llu not redirected", g->desc,
					 feed_name[feed], (unsigned long long)k);
			if (tg_udp_cfg_expected(&g->p, thread, k, stamp_time(g), g->ref, &err))
				fail_msg("%s: %s", g->desc, err.msg);
			assert_frame(g, feed, k, want);
			bytes += want;
		}
		{
			struct udp_gen_pcpu pc = pcpu_read(g);

			assert_int_equal(pc.packets, frames);
			assert_int_equal(pc.bytes, bytes);
			assert_int_equal(pc.short_frames, 0);
		}
	}
}

static void wheel_range(struct gen *g, uint32_t min, uint32_t max)
{
	struct tg_size_range r = { min, max };
	struct tg_err err = { "" };
	unsigned int n;

	if (tg_size_wheel_range(&r, g->wheel, TG_SIZE_WHEEL_MAX, &n, &err))
		fail_msg("%s", err.msg);
	g->p.sizes = g->wheel;
	g->p.nsizes = n;
}

static void wheel_imix(struct gen *g, const char *spec)
{
	struct tg_err err = { "" };
	struct tg_imix m;
	unsigned int n;

	if (tg_parse_imix(spec, 60, TG_MAX_WIRE_SIZE, &m, &err) ||
	    tg_size_wheel_imix(&m, g->wheel, TG_SIZE_WHEEL_MAX, &n, &err))
		fail_msg("%s", err.msg);
	g->p.sizes = g->wheel;
	g->p.nsizes = n;
}

/* A fixture: family, threads, sizes, stamp. */
struct size_case {
	const char *desc;
	int family;
	unsigned int nthreads, thread;
	uint32_t min, max;		/* wire sizes of a range, or 0 */
	const char *imix;		/* or a mix */
	bool stamp;
	uint64_t frames;
};

static const struct size_case size_cases[] = {
	{ "v4 sizes 64-1518, every one", AF_INET, 1, 0, 64, 1518, NULL, false, 1455 * 2 },
	{ "v4 sizes 64-3412, 3 threads, thread 2", AF_INET, 3, 2, 64, 3412, NULL, false, 2000 },
	{ "v4 sizes 100-101", AF_INET, 1, 0, 100, 101, NULL, false, 50 },
	{ "v4 sizes with odd payload cuts, stamped", AF_INET, 2, 1, 70, 333, NULL, true, 800 },
	{ "v6 sizes 66-1518", AF_INET6, 1, 0, 66, 1518, NULL, false, 1453 },
	{ "v6 sizes 66-3412, 3 threads, thread 1, stamped", AF_INET6, 3, 1, 90, 3412, NULL, true, 2000 },
	{ "v4 imix classic", AF_INET, 1, 0, 0, 0, "classic", false, 120 },
	{ "v4 imix of four, 2 threads, thread 1", AF_INET, 2, 1, 0, 0, "64:5,65:3,1500:1,3412:2", false, 220 },
	{ "v6 imix 66:7,594:4,1518:1", AF_INET6, 1, 0, 0, 0, "66:7,594:4,1518:1", false, 120 },
	{ "v6 imix stamped", AF_INET6, 1, 0, 0, 0, "90:1,91:1,1400:2", true, 120 },
};

static void test_sizes(void **state)
{
	const struct size_case *c = *state;
	struct gen *g = gen_new();

	g->p = params(c->family, c->nthreads);
	g->p.stamp = c->stamp;
	if (c->imix)
		wheel_imix(g, c->imix);
	else
		wheel_range(g, c->min, c->max);
	gen_load(g, c->desc);
	assert_int_equal(g->cfg.frame_len, tg_size_wheel_max(g->wheel, g->p.nsizes));
	run_sequential(g, c->thread, c->frames);
	gen_free(g);
}

/* --- VLAN tags ------------------------------------------------------------ */

struct vlan_case {
	const char *desc;
	int family;
	unsigned int nvlan;
	uint16_t tci[2];
	bool fixed;			/* nothing varies: the program's fast path */
	bool stamp;
	uint32_t min, max;		/* sizes, or 0 */
	/* The bytes from offset 12 to the EtherType's end, as they must be. */
	uint8_t eth[10];
};

static const struct vlan_case vlan_cases[] = {
	{ "v4 vlan 100", AF_INET, 1, { 100 }, false, false, 0, 0,
	  { 0x81, 0x00, 0x00, 0x64, 0x08, 0x00 } },
	{ "v4 vlan 4094 prio 7, nothing varies", AF_INET, 1, { 7 << 13 | 4094 }, true, false, 0, 0,
	  { 0x81, 0x00, 0xef, 0xfe, 0x08, 0x00 } },
	{ "v6 vlan 5 prio 3, stamped", AF_INET6, 1, { 3 << 13 | 5 }, false, true, 0, 0,
	  { 0x81, 0x00, 0x60, 0x05, 0x86, 0xdd } },
	{ "v6 vlan 1, nothing varies", AF_INET6, 1, { 1 }, true, false, 0, 0,
	  { 0x81, 0x00, 0x00, 0x01, 0x86, 0xdd } },
	{ "v4 qinq 100:200", AF_INET, 2, { 100, 200 }, false, false, 0, 0,
	  { 0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0xc8, 0x08, 0x00 } },
	{ "v4 qinq 1:2, nothing varies", AF_INET, 2, { 1, 2 }, true, false, 0, 0,
	  { 0x88, 0xa8, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02, 0x08, 0x00 } },
	{ "v4 qinq, stamped, sizes 82-1522", AF_INET, 2, { 10, 20 }, false, true, 82, 1522,
	  { 0x88, 0xa8, 0x00, 0x0a, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00 } },
	{ "v6 qinq 4094:4093, stamped", AF_INET6, 2, { 4094, 4093 }, false, true, 0, 0,
	  { 0x88, 0xa8, 0x0f, 0xfe, 0x81, 0x00, 0x0f, 0xfd, 0x86, 0xdd } },
	{ "v6 qinq, nothing varies", AF_INET6, 2, { 3, 4 }, true, false, 0, 0,
	  { 0x88, 0xa8, 0x00, 0x03, 0x81, 0x00, 0x00, 0x04, 0x86, 0xdd } },
	{ "v6 qinq, sizes 74-3412", AF_INET6, 2, { 3, 4 }, false, false, 74, 3412,
	  { 0x88, 0xa8, 0x00, 0x03, 0x81, 0x00, 0x00, 0x04, 0x86, 0xdd } },
};

static void test_vlan(void **state)
{
	const struct vlan_case *c = *state;
	struct gen *g = gen_new();
	unsigned int i;

	g->p = params(c->family, 1);
	g->p.stamp = c->stamp;
	g->p.spec.nvlan = c->nvlan;
	for (i = 0; i < c->nvlan; i++) {
		g->p.spec.vlan_tci[i] = c->tci[i];
		g->p.spec.vlan_tpid[i] = i + 1 < c->nvlan ? TG_ETH_P_8021AD : TG_ETH_P_8021Q;
	}
	g->p.spec.frame_len = tg_udp_min_frame_len(c->family, c->nvlan, c->stamp) + 100;
	if (c->fixed) {
		g->p.src.count = g->p.dst.count = 1;
		g->p.sport.count = g->p.dport.count = 1;
	}
	if (c->min)
		wheel_range(g, c->min, c->max);
	gen_load(g, c->desc);
	assert_int_equal(g->cfg.l3_off, 14 + 4 * c->nvlan);
	assert_int_equal(g->cfg.varies, !c->fixed);
	/* The builder's tags, byte for byte. */
	assert_memory_equal(g->tmpl + 12, c->eth, 2 + 4 * c->nvlan);
	run_sequential(g, 0, 1000);
	assert_memory_equal(g->out + 12, c->eth, 2 + 4 * c->nvlan);
	gen_free(g);
}

/*
 * Stamps over the header ring: the ring's entries carry the template's
 * stamp (magic, zeros) and the program writes the rest, by ring entry
 * and by thread.
 */
static void test_ring_stamped(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int f, t;

	for (f = 0; f < 2; f++) {
		for (t = 0; t < 3; t += 2) {
			struct gen *g = gen_new();

			g->p = params(fams[f], 3);
			g->p.stamp = true;
			g->p.src.count = g->p.dst.count = 1;
			g->p.dport.count = 7;	/* with sport's 1000: a ring of 7000 */
			g->p.spec.frame_len = tg_udp_min_frame_len(fams[f], 0, true) + 10;
			gen_load(g, f ? "v6 stamped over the ring" : "v4 stamped over the ring");
			assert_int_equal(g->cfg.ring_len, 7000);
			run_sequential(g, t, 800);
			gen_free(g);
		}
	}
}

/* One thread of stamped IPv4 frames of the smallest stamped size, loaded. */
static struct gen *stamped_min(uint64_t count, uint32_t batch, const char *desc)
{
	struct gen *g = gen_new();

	g->p = params(AF_INET, 1);
	g->p.stamp = true;
	g->p.count = count;
	g->p.batch = batch;
	g->p.spec.frame_len = tg_udp_min_frame_len(AF_INET, 0, true);
	gen_load(g, desc);
	return g;
}

/*
 * Stamps that announce the thread's share of -n (the sink counts a lost
 * tail by it): over the ring, computed, in the longest headers (IPv6 in
 * QinQ), and the short form where the smallest frame has no room.
 */
static void test_stamp_total(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int f, t, ring;

	for (f = 0; f < 2; f++) {
		for (ring = 0; ring < 2; ring++) {
			for (t = 0; t < 3; t += 2) {
				struct gen *g = gen_new();

				g->p = params(fams[f], 3);
				g->p.stamp = true;
				g->p.count = 1001;	/* shares 334, 334, 333 */
				g->p.no_ring = !ring;
				g->p.src.count = g->p.dst.count = 1;
				g->p.dport.count = 7;
				g->p.spec.frame_len = tg_udp_min_frame_len(fams[f], 0, true) + 10;
				gen_load(g, "stamped with the total");
				assert_int_equal(g->cfg.stamp_total, 1);
				assert_int_equal(!!g->cfg.ring_len, ring);
				assert_int_equal(tg_udp_stamp_total(&g->p, t), t ? 333 : 334);
				run_sequential(g, t, 300);
				assert_int_equal(tg_get32(g->out + g->cfg.l4_off + 8),
						 TG_STAMP_MAGIC_TOTAL);
				assert_int_equal(tg_get32(g->out + g->cfg.l4_off + 12 + TG_STAMP_LEN),
						 t ? 333 : 334);
				gen_free(g);
			}
		}
	}
	{
		struct gen *g = gen_new();

		g->p = params(AF_INET6, 1);
		g->p.stamp = true;
		g->p.count = 5;
		g->p.spec.nvlan = 2;
		g->p.spec.vlan_tci[0] = 3;
		g->p.spec.vlan_tci[1] = 4;
		g->p.spec.vlan_tpid[0] = TG_ETH_P_8021AD;
		g->p.spec.vlan_tpid[1] = TG_ETH_P_8021Q;
		g->p.spec.frame_len = 200;
		gen_load(g, "v6 qinq stamped with the total");
		assert_int_equal(g->cfg.hdr_len, UDP_GEN_HDR_MAX - 2);
		run_sequential(g, 0, 100);
		gen_free(g);
	}
	{
		/* 66 bytes: room for the short stamp only. */
		struct gen *g = stamped_min(5, 0, "v4 stamped, no room for the total");

		assert_int_equal(g->cfg.stamp_total, 0);
		run_sequential(g, 0, 10);
		assert_int_equal(tg_get32(g->out + g->cfg.l4_off + 8), TG_STAMP_MAGIC);
		gen_free(g);
	}
}

/*
 * A run whose only change per frame is the stamp goes to udp_copy, which
 * must write the same frames as udp_gen: both families, with the total,
 * timed per batch, from every kind of page.
 */
static void test_stamp_copy(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int f;

	for (f = 0; f < 2; f++) {
		struct gen *g = gen_new();

		g->p = params(fams[f], 1);
		g->p.stamp = true;
		g->p.count = 1000;
		g->p.batch = 3;
		g->p.src.count = g->p.dst.count = 1;
		g->p.sport.count = g->p.dport.count = 1;
		g->p.spec.frame_len = 200;
		gen_load(g, f ? "v6 stamp only: udp_copy" : "v4 stamp only: udp_copy");
		assert_int_equal(tg_udp_prog_for(&g->cfg, false), TG_UDP_PROG_COPY);
		run_sequential(g, 0, 50);
		gen_free(g);
	}
}

/*
 * Through the devmap, as trafficgen udp sends: the frames are the same and
 * redirected, over the ring (udp_plain) and computed (udp_gen).
 */
static void test_devmap(void **state)
{
	unsigned int ring;

	for (ring = 0; ring < 2; ring++) {
		struct gen *g = gen_new();

		g->p = params(AF_INET, 2);
		g->p.devmap = true;
		g->p.no_ring = !ring;
		g->p.src.count = g->p.dst.count = 1;
		/* One destination port: 1000 headers, which the ring holds. */
		g->p.dport.count = 1;
		gen_load(g, ring ? "devmap, over the ring" : "devmap, computed");
		assert_int_equal(g->cfg.devmap, 1);
		assert_int_equal(tg_udp_prog_for(&g->cfg, false),
				 ring ? TG_UDP_PROG_PLAIN : TG_UDP_PROG_GEN);
		run_sequential(g, 1, 100);
		gen_free(g);
	}
}

/*
 * One clock read per kernel batch: the frames of a batch carry its first
 * frame's time, and each batch's is later than the one before; every frame
 * is otherwise the reference's.
 */
static void test_stamp_batch(void **state)
{
	struct gen *g = stamped_min(0, 4, "stamps timed once a batch of 4");
	struct tg_err err = { "" };
	uint64_t k, t, first = 0, prev = 0;

	assert_int_equal(g->cfg.stamp_batch, 4);
	pcpu_init(g, 0);
	for (k = 0; k < 40; k++) {
		prepare_input(g, TH_FEED_TEMPLATE, k);
		assert_int_equal(gen_run(g, g->cfg.frame_len), XDP_REDIRECT);
		t = stamp_time(g);
		if (tg_udp_cfg_expected(&g->p, 0, k, t, g->ref, &err))
			fail_msg("%s", err.msg);
		assert_frame(g, TH_FEED_TEMPLATE, k, g->cfg.frame_len);
		if (k % 4 == 0) {
			/* A new batch: a new read, after the last one. */
			assert_true(t > prev);
			first = t;
		} else {
			assert_int_equal(t, first);
		}
		prev = t;
	}
	gen_free(g);
}

/*
 * Random sizes: each frame's length must be one of the wheel's and the
 * frame the reference builds at that length with the fields it carries.
 */
static void test_sizes_random(void **state)
{
	static const int fams[] = { AF_INET, AF_INET6 };
	unsigned int f;

	for (f = 0; f < 2; f++) {
		struct gen *g = gen_new();
		unsigned int seen[TG_SIZE_WHEEL_MAX] = { 0 }, k, distinct = 0, i;

		g->p = params(fams[f], 1);
		g->p.random = true;
		wheel_range(g, 100, 163);
		gen_load(g, f ? "v6 random sizes 100-163" : "v4 random sizes 100-163");
		pcpu_init(g, 0);
		for (k = 0; k < 3000; k++) {
			struct tg_udp_spec spec = g->p.spec;
			const uint8_t *l3 = g->out + g->cfg.l3_off, *l4 = g->out + g->cfg.l4_off;
			const char *why;

			prepare_input(g, TH_FEED_PREVIOUS, k);
			assert_int_equal(gen_run(g, g->cfg.frame_len), XDP_REDIRECT);
			if (g->out_len < 96 || g->out_len > 159)
				fail_msg("%s: frame %u is %u bytes, outside 96-159", g->desc, k, g->out_len);
			seen[g->out_len - 96]++;
			why = frame_problem(g->out, g->out_len);
			if (why)
				fail_msg("%s: frame %u: %s", g->desc, k, why);
			spec.frame_len = g->out_len;
			spec.sport = tg_get16(l4);
			spec.dport = tg_get16(l4 + 2);
			memcpy(&spec.src, l3 + (g->cfg.ipv6 ? 8 : 12), g->cfg.ipv6 ? 16 : 4);
			memcpy(&spec.dst, l3 + (g->cfg.ipv6 ? 24 : 16), g->cfg.ipv6 ? 16 : 4);
			assert_int_equal(tg_build_udp(&spec, g->ref, sizeof(g->ref), NULL, NULL), 0);
			assert_memory_equal(g->out, g->ref, g->out_len);
		}
		for (i = 0; i < 64; i++)
			distinct += seen[i] > 0;
		/* 3000 draws from 64 lengths miss one with odds of about 1e-19. */
		assert_int_equal(distinct, 64);
		gen_free(g);
	}
}

/* A page that is not the template's length is refused, never resized blindly. */
static void test_sizes_short_page(void **state)
{
	struct gen *g = gen_new();
	struct udp_gen_pcpu pc;

	g->p = params(AF_INET, 1);
	wheel_range(g, 64, 200);
	gen_load(g, "v4 sizes, a short page");
	pcpu_init(g, 0);
	memcpy(g->in, g->tmpl, g->cfg.frame_len);
	assert_int_equal(gen_run(g, g->cfg.frame_len - 1), XDP_DROP);
	assert_int_equal(gen_run(g, g->cfg.frame_len), XDP_REDIRECT);
	pc = pcpu_read(g);
	assert_int_equal(pc.short_frames, 1);
	assert_int_equal(pc.packets, 1);
	gen_free(g);
}

/* Each size of a mix gets exactly its weight's share of every turn of the wheel. */
static void test_imix_shares(void **state)
{
	struct gen *g = gen_new();
	unsigned int count[3] = { 0 }, k;

	g->p = params(AF_INET, 1);
	wheel_imix(g, "classic");
	gen_load(g, "v4 imix shares");
	pcpu_init(g, 0);
	for (k = 0; k < 1200; k++) {
		prepare_input(g, TH_FEED_PREVIOUS, k);
		assert_int_equal(gen_run(g, g->cfg.frame_len), XDP_REDIRECT);
		count[g->out_len == 60 ? 0 : g->out_len == 590 ? 1 : 2]++;
		assert_true(g->out_len == 60 || g->out_len == 590 || g->out_len == 1514);
	}
	assert_int_equal(count[0], 700);
	assert_int_equal(count[1], 400);
	assert_int_equal(count[2], 100);
	gen_free(g);
}

/* --- templates from a capture ----------------------------------------------- */

/* Frames as a capture may hold them; checksums left wrong on purpose. */
static uint32_t build_capture_frame(unsigned int i, uint8_t *f)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	uint32_t n = 0, l3, j;

	memcpy(f, macs, 12);
	switch (i) {
	case 0:	/* IPv4 UDP with an IP option (IHL 6), bad checksums */
		tg_put16(f + 12, 0x0800);
		l3 = 14;
		f[l3] = 0x46; f[l3 + 1] = 0; tg_put16(f + l3 + 2, 24 + 8 + 40);
		tg_put16(f + l3 + 4, 1); tg_put16(f + l3 + 6, 0x4000);
		f[l3 + 8] = 64; f[l3 + 9] = 17;
		tg_put16(f + l3 + 10, 0xbeef);
		memcpy(f + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02\x01\x01\x01\x00", 12);
		tg_put16(f + l3 + 24, 1111); tg_put16(f + l3 + 26, 2222); tg_put16(f + l3 + 28, 48);
		tg_put16(f + l3 + 30, 0xdead);
		for (j = 0; j < 40; j++)
			f[l3 + 32 + j] = (uint8_t)(j * 7 + 1);
		return l3 + 24 + 48;
	case 1:	/* IPv6 UDP, odd payload */
		tg_put16(f + 12, 0x86dd);
		l3 = 14;
		memset(f + l3, 0, 40);
		f[l3] = 0x60; tg_put16(f + l3 + 4, 8 + 101); f[l3 + 6] = 17; f[l3 + 7] = 9;
		f[l3 + 8] = 0x20; f[l3 + 9] = 0x01; f[l3 + 23] = 2;
		f[l3 + 24] = 0x20; f[l3 + 25] = 0x01; f[l3 + 39] = 1;
		tg_put16(f + l3 + 40, 3333); tg_put16(f + l3 + 42, 4444);
		tg_put16(f + l3 + 44, 109);
		tg_put16(f + l3 + 46, 0);
		for (j = 0; j < 101; j++)
			f[l3 + 48 + j] = (uint8_t)(j + 3);
		return l3 + 40 + 109;
	case 2:	/* ARP: sent as it is */
		memset(f, 0xff, 6);
		tg_put16(f + 12, 0x0806);
		for (j = 14; j < 60; j++)
			f[j] = (uint8_t)j;
		return 60;
	case 3:	/* QinQ IPv4 UDP, 2 bytes of payload, padded to 64 */
		tg_put16(f + 12, 0x88a8); tg_put16(f + 14, 7);
		tg_put16(f + 16, 0x8100); tg_put16(f + 18, 8);
		tg_put16(f + 20, 0x0800);
		l3 = 22;
		memset(f + l3, 0, 64 - l3);
		f[l3] = 0x45; tg_put16(f + l3 + 2, 30); f[l3 + 8] = 3; f[l3 + 9] = 17;
		memcpy(f + l3 + 12, "\x0a\x00\x00\x03\x0a\x00\x00\x04", 8);
		tg_put16(f + l3 + 20, 5); tg_put16(f + l3 + 22, 6); tg_put16(f + l3 + 24, 10);
		f[l3 + 28] = 'a'; f[l3 + 29] = 'b';
		return 64;
	case 4:	/* an IPv4 fragment: raw */
		tg_put16(f + 12, 0x0800);
		memset(f + 14, 0, 46);
		f[14] = 0x45; tg_put16(f + 16, 46); tg_put16(f + 20, 0x2000); f[23] = 17;
		return 60;
	default: /* a VLAN IPv6 UDP frame of 1514 bytes */
		tg_put16(f + 12, 0x8100); tg_put16(f + 14, 3 << 13 | 99); tg_put16(f + 16, 0x86dd);
		l3 = 18;
		memset(f + l3, 0, 40);
		f[l3] = 0x60; tg_put16(f + l3 + 4, 1514 - l3 - 40); f[l3 + 6] = 17; f[l3 + 7] = 1;
		f[l3 + 8] = 0xfe; f[l3 + 9] = 0x80; f[l3 + 23] = 5;
		f[l3 + 24] = 0xfe; f[l3 + 25] = 0x80; f[l3 + 39] = 6;
		tg_put16(f + l3 + 40, 7); tg_put16(f + l3 + 42, 8);
		tg_put16(f + l3 + 44, 1514 - l3 - 40);
		for (j = l3 + 48; j < 1514; j++)
			f[j] = (uint8_t)(j % 251);
		n = 1514;
		return n;
	}
}

#define NCAPTURE 6

struct capture_case {
	const char *desc;
	uint32_t flags;
	const char *src, *dst, *sport, *dport;
	uint8_t ttl;
	unsigned int nthreads, thread;
};

static const struct capture_case capture_cases[] = {
	{ "template: replayed as captured (checksums fixed)", 0, NULL, NULL, NULL, NULL, 0, 1, 0 },
	{ "template: v4 ranges, ports, MACs, TTL, 3 threads, thread 2",
	  UDP_GEN_RW_SADDR | UDP_GEN_RW_DADDR | UDP_GEN_RW_SPORT | UDP_GEN_RW_DPORT |
	  UDP_GEN_RW_SMAC | UDP_GEN_RW_DMAC | UDP_GEN_RW_TTL,
	  "10.9.0.1-10.9.0.7", "10.8.255.250-10.9.0.3", "1000-1010", "65530-65535", 17, 3, 2 },
	{ "template: v6 ranges across 16 bits, ports",
	  UDP_GEN_RW_SADDR | UDP_GEN_RW_DADDR | UDP_GEN_RW_SPORT,
	  "2001:db8::1:fff0-2001:db8::2:10", "2001:db8:9::5", "7-9", NULL, 0, 1, 0 },
	{ "template: one destination port, hop limit", UDP_GEN_RW_DPORT | UDP_GEN_RW_TTL,
	  NULL, NULL, NULL, "53", 255, 2, 1 },
};

static void test_capture_parse(void **state)
{
	static const uint8_t kinds[NCAPTURE] = {
		UDP_GEN_TMPL_UDP4, UDP_GEN_TMPL_UDP6, UDP_GEN_TMPL_RAW, UDP_GEN_TMPL_UDP4,
		UDP_GEN_TMPL_IP4, UDP_GEN_TMPL_UDP6,
	};
	static const uint16_t l3[NCAPTURE] = { 14, 14, 0, 22, 14, 18 };
	static const uint16_t l4[NCAPTURE] = { 38, 54, 0, 42, 0, 58 };
	uint8_t f[TG_MAX_FRAME_LEN];
	struct udp_gen_tmpl t;
	unsigned int i;

	for (i = 0; i < NCAPTURE; i++) {
		uint32_t len = build_capture_frame(i, f);
		const char *why;

		tg_capture_parse(f, len, &t);
		assert_int_equal(t.kind, kinds[i]);
		assert_int_equal(t.len, len);
		assert_int_equal(t.l3_off, l3[i]);
		assert_int_equal(t.l4_off, l4[i]);
		if (t.kind == UDP_GEN_TMPL_RAW) {
			assert_memory_equal(t.data, f, len);
			continue;
		}
		if (t.kind == UDP_GEN_TMPL_IP4) {
			/* Only the header checksum changed, and now it verifies. */
			assert_memory_equal(t.data, f, 24);
			assert_memory_equal(t.data + 26, f + 26, len - 26);
			assert_int_equal(tg_csum(t.data + 14, 20), 0);
			continue;
		}
		/* Only the checksums changed, and now they verify (padding aside). */
		why = frame_problem(t.data, i == 3 ? 52 : len);
		if (why && i != 0)
			fail_msg("capture frame %u: %s", i, why);
	}
}

/*
 * Loads the capture program over t[n] (cfg already in g) and checks
 * `frames` frames of a thread byte for byte against the reference, and
 * against the userspace rewrite (lib/udp/rewrite.c, what `udp --xsk
 * --template` sends) from the same thread state, its buffer reused as a
 * UMEM frame is.
 */
static void run_capture(struct gen *g, const char *desc, const struct udp_gen_tmpl *t,
			unsigned int n, const struct tg_capture_rw *rwp, unsigned int nthreads,
			unsigned int thread, uint64_t frames)
{
	const struct tg_capture_rw rw = *rwp;
	uint64_t wrote[4] = { 0 };	/* sport, dport, saddr, daddr */
	struct tg_err err = { "" };
	struct udp_gen_pcpu upc;
	struct tg_udp_gen l;
	uint64_t k, rng = 1;
	unsigned int i;

	g->desc = desc;
	if (tg_udp_load(&l, &(struct tg_udp_load){ .cfg = &g->cfg, .captures = t,
						   .ncaptures = n }, &err))
		fail_msg("%s: %s", desc, err.msg);
	assert_int_equal(l.which, TG_UDP_PROG_CAPTURE);
	g->skel = l.skel;
	g->prog_fd = l.prog_fd;
	pcpu_init(g, thread);
	tg_udp_cfg_thread_init(&g->cfg, thread, &upc);
	memset(g->tmpl, 0xa5, sizeof(g->tmpl));
	for (k = 0; k < frames; k++) {
		const struct udp_gen_tmpl *tk = &t[tg_seq_offset(n, nthreads, thread, k)];
		uint32_t ulen;
		bool udp = tk->kind == UDP_GEN_TMPL_UDP4 || tk->kind == UDP_GEN_TMPL_UDP6;
		bool addr = udp && ((tk->kind == UDP_GEN_TMPL_UDP6) == (rw.src.family == AF_INET6 ||
									 rw.dst.family == AF_INET6));
		uint64_t off[4];

		/* The page holds whatever the last frame left: garbage here. */
		for (i = 0; i < g->cfg.frame_len; i++)
			g->in[i] = (uint8_t)(k * 31 + i);
		assert_int_equal(th_test_run(desc, g->prog_fd,
					     g->in, g->cfg.frame_len, g->out, sizeof(g->out),
					     &g->out_len), XDP_REDIRECT);
		off[0] = tg_seq_offset(rw.sport.count, nthreads, thread, wrote[0]);
		off[1] = tg_seq_offset(rw.dport.count, nthreads, thread, wrote[1]);
		off[2] = tg_seq_offset(rw.src.count, nthreads, thread, wrote[2]);
		off[3] = tg_seq_offset(rw.dst.count, nthreads, thread, wrote[3]);
		tg_capture_expected(tk, &rw, off[0], off[1], off[2], off[3], g->ref);
		if (g->out_len != tk->len)
			fail_msg("%s: frame %llu is %u bytes, expected %u", desc,
				 (unsigned long long)k, g->out_len, tk->len);
		th_assert_frame(g->out, g->ref, tk->len, "%s: frame %llu (template %ld)", desc,
				(unsigned long long)k, (long)(tk - t));
		/* g->tmpl serves as the UMEM frame: unused by the capture program. */
		ulen = tg_udp_rewrite_tmpl(&g->cfg, t, &upc, &rng, g->tmpl);
		if (ulen != tk->len)
			fail_msg("%s: frame %llu: %u bytes from userspace, expected %u", desc,
				 (unsigned long long)k, ulen, tk->len);
		th_assert_frame(g->tmpl, g->out, ulen, "%s: userspace frame %llu (template %ld)",
				desc, (unsigned long long)k, (long)(tk - t));
		wrote[0] += udp && (rw.flags & UDP_GEN_RW_SPORT);
		wrote[1] += udp && (rw.flags & UDP_GEN_RW_DPORT);
		wrote[2] += addr && (rw.flags & UDP_GEN_RW_SADDR);
		wrote[3] += addr && (rw.flags & UDP_GEN_RW_DADDR);
	}
	assert_int_equal(pcpu_read(g).packets, frames);
	assert_int_equal(upc.packets, frames);
}

static void test_capture(void **state)
{
	const struct capture_case *c = *state;
	struct udp_gen_tmpl *t = calloc(NCAPTURE, sizeof(*t));
	struct gen *g = gen_new();
	struct tg_err err = { "" };
	struct tg_capture_rw rw = { .flags = c->flags, .ttl = c->ttl,
				 .dst_mac = { 2, 9, 9, 9, 9, 2 }, .src_mac = { 2, 9, 9, 9, 9, 1 } };
	uint8_t f[TG_MAX_FRAME_LEN];
	unsigned int i;

	assert_non_null(t);
	for (i = 0; i < NCAPTURE; i++)
		tg_capture_parse(f, build_capture_frame(i, f), &t[i]);
	rw.sport = (struct tg_port_range){ 1, 1 };
	rw.dport = (struct tg_port_range){ 1, 1 };
	if ((c->src && tg_parse_addr_range(c->src, &rw.src, &err)) ||
	    (c->dst && tg_parse_addr_range(c->dst, &rw.dst, &err)) ||
	    (c->sport && tg_parse_port_range(c->sport, &rw.sport, &err)) ||
	    (c->dport && tg_parse_port_range(c->dport, &rw.dport, &err)))
		fail_msg("%s: %s", c->desc, err.msg);
	if (tg_capture_cfg(&rw, t, NCAPTURE, c->nthreads, false, 1, &g->cfg, &err))
		fail_msg("%s: %s", c->desc, err.msg);
	assert_int_equal(g->cfg.frame_len, 1514);
	run_capture(g, c->desc, t, NCAPTURE, &rw, c->nthreads, c->thread, 600);
	free(t);
	gen_free(g);
}

/*
 * IP frames that are not plain UDP take -m, -M and --ttl too (checksum
 * fixed); the UDP options leave them alone; ARP stays as captured.
 */
#define NCAPTURE_IP 5

static uint32_t build_ip_frame(unsigned int i, uint8_t *f)
{
	static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
	uint32_t l3 = 14, j;

	memcpy(f, macs, 12);
	switch (i) {
	case 0:	/* ICMP echo over IPv4 with an option (IHL 6), bad header checksum */
		tg_put16(f + 12, 0x0800);
		f[l3] = 0x46; f[l3 + 1] = 0; tg_put16(f + l3 + 2, 24 + 16);
		tg_put16(f + l3 + 4, 7); tg_put16(f + l3 + 6, 0);
		f[l3 + 8] = 64; f[l3 + 9] = 1; tg_put16(f + l3 + 10, 0x1234);
		memcpy(f + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02\x01\x01\x01\x00", 12);
		for (j = 0; j < 16; j++)
			f[l3 + 24 + j] = (uint8_t)(j ? j : 8);
		return 60 > l3 + 40 ? 60 : l3 + 40;
	case 1:	/* TCP over IPv6 in a VLAN */
		tg_put16(f + 12, 0x8100); tg_put16(f + 14, 42); tg_put16(f + 16, 0x86dd);
		l3 = 18;
		memset(f + l3, 0, 40);
		f[l3] = 0x60; tg_put16(f + l3 + 4, 20); f[l3 + 6] = 6; f[l3 + 7] = 33;
		f[l3 + 8] = 0x20; f[l3 + 9] = 0x01; f[l3 + 23] = 2;
		f[l3 + 24] = 0x20; f[l3 + 25] = 0x01; f[l3 + 39] = 1;
		for (j = 0; j < 20; j++)
			f[l3 + 40 + j] = (uint8_t)(j * 13);
		return l3 + 60;
	case 2:	/* the first fragment of a UDP datagram (MF set) */
		tg_put16(f + 12, 0x0800);
		memset(f + l3, 0, 60);
		f[l3] = 0x45; tg_put16(f + l3 + 2, 60); tg_put16(f + l3 + 6, 0x2000);
		f[l3 + 8] = 2; f[l3 + 9] = 17;
		memcpy(f + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
		tg_put16(f + l3 + 20, 9); tg_put16(f + l3 + 22, 53); tg_put16(f + l3 + 24, 1000);
		return l3 + 60;
	case 3:	/* ARP */
		memset(f, 0xff, 6);
		tg_put16(f + 12, 0x0806);
		for (j = 14; j < 60; j++)
			f[j] = (uint8_t)j;
		return 60;
	default: /* plain UDP over IPv4 */
		tg_put16(f + 12, 0x0800);
		memset(f + l3, 0, 46);
		f[l3] = 0x45; tg_put16(f + l3 + 2, 46); f[l3 + 8] = 5; f[l3 + 9] = 17;
		memcpy(f + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
		tg_put16(f + l3 + 20, 9); tg_put16(f + l3 + 22, 53); tg_put16(f + l3 + 24, 26);
		return 60;
	}
}

static void test_capture_ip(void **state)
{
	static const uint8_t kinds[NCAPTURE_IP] = {
		UDP_GEN_TMPL_IP4, UDP_GEN_TMPL_IP6, UDP_GEN_TMPL_IP4, UDP_GEN_TMPL_RAW,
		UDP_GEN_TMPL_UDP4,
	};
	static const uint32_t flag_sets[] = {
		UDP_GEN_RW_DMAC | UDP_GEN_RW_SMAC | UDP_GEN_RW_TTL | UDP_GEN_RW_DPORT,
		UDP_GEN_RW_TTL,
		UDP_GEN_RW_SMAC,
	};
	struct udp_gen_tmpl *t = calloc(NCAPTURE_IP, sizeof(*t));
	uint8_t f[TG_MAX_FRAME_LEN];
	struct tg_err err = { "" };
	unsigned int i, fs;

	assert_non_null(t);
	for (i = 0; i < NCAPTURE_IP; i++) {
		tg_capture_parse(f, build_ip_frame(i, f), &t[i]);
		assert_int_equal(t[i].kind, kinds[i]);
	}
	for (fs = 0; fs < sizeof(flag_sets) / sizeof(flag_sets[0]); fs++) {
		struct tg_capture_rw rw = { .flags = flag_sets[fs], .ttl = 99,
					 .dst_mac = { 2, 9, 9, 9, 9, 2 },
					 .src_mac = { 2, 9, 9, 9, 9, 1 } };
		struct gen *g = gen_new();

		rw.sport = (struct tg_port_range){ 1, 1 };
		rw.dport = (struct tg_port_range){ 7000, 3 };
		if (tg_capture_cfg(&rw, t, NCAPTURE_IP, 2, false, 1, &g->cfg, &err))
			fail_msg("%s", err.msg);
		run_capture(g, "template: IP frames other than UDP", t, NCAPTURE_IP, &rw, 2, 1, 40);
		gen_free(g);
	}
	/* The reference itself: what must change in each, and nothing else. */
	{
		struct tg_capture_rw rw = { .flags = flag_sets[0], .ttl = 99,
					 .dst_mac = { 2, 9, 9, 9, 9, 2 },
					 .src_mac = { 2, 9, 9, 9, 9, 1 } };
		uint8_t out[TG_MAX_FRAME_LEN];

		rw.dport = (struct tg_port_range){ 7000, 3 };
		tg_capture_expected(&t[0], &rw, 0, 0, 0, 0, out);
		assert_memory_equal(out, rw.dst_mac, 6);
		assert_memory_equal(out + 6, rw.src_mac, 6);
		assert_int_equal(out[14 + 8], 99);
		assert_int_equal(tg_csum(out + 14, 24), 0);
		assert_memory_equal(out + 14 + 24, t[0].data + 14 + 24, t[0].len - 14 - 24);
		tg_capture_expected(&t[1], &rw, 0, 0, 0, 0, out);
		assert_int_equal(out[18 + 7], 99);
		assert_memory_equal(out + 12, t[1].data + 12, 18 + 7 - 12);
		assert_memory_equal(out + 18 + 8, t[1].data + 18 + 8, t[1].len - 18 - 8);
		tg_capture_expected(&t[2], &rw, 0, 0, 0, 0, out);
		assert_int_equal(tg_get16(out + 14 + 22), 53);	/* a fragment's port stays */
		tg_capture_expected(&t[3], &rw, 0, 0, 0, 0, out);
		assert_memory_equal(out, t[3].data, t[3].len);
	}
	free(t);
}

/* --- pacing -------------------------------------------------------------- */

static void pace_load(struct gen *g, const char *desc, uint32_t burst,
		      uint64_t interval_ns, uint32_t frac)
{
	static struct tg_pace pace;

	pace = (struct tg_pace){
		.burst = burst, .interval_ns = interval_ns, .interval_frac = frac,
		.max_lag_ns = UINT64_MAX / 4, .spin_ns = 2000,
	};
	g->p = params(AF_INET, 1);
	g->p.pace = &pace;
	gen_load(g, desc);
}

static int run_template(struct gen *g)
{
	memcpy(g->in, g->tmpl, g->cfg.frame_len);
	return gen_run(g, g->cfg.frame_len);
}

/*
 * The first frame of each batch decides for the batch: with slots an hour
 * apart, the first batch of 4 goes and the next ones are dropped whole,
 * each after waiting no more than spin_ns.
 */
static void test_pace_batches(void **state)
{
	struct gen *g = gen_new();
	struct udp_gen_pcpu pc;
	uint64_t t0;
	int k;

	pace_load(g, "pace: slots an hour apart, bursts of 4", 4, 3600ULL * 1000000000ULL, 0);
	pcpu_init(g, 0);
	for (k = 0; k < 4; k++)
		assert_int_equal(run_template(g), XDP_REDIRECT);
	t0 = tg_now_ns();
	for (k = 0; k < 12; k++)
		assert_int_equal(run_template(g), XDP_DROP);
	/* Three early batches, each waited 2 us once: far below a millisecond. */
	assert_true(tg_now_ns() - t0 < 100000000ULL);
	pc = pcpu_read(g);
	assert_int_equal(pc.packets, 4);
	assert_int_equal(pc.pace_drops, 12);
	assert_int_equal(pc.batch_left, 0);
	assert_true(pc.first_tx > 0 && pc.first_tx == pc.last_tx);
	assert_int_equal(pc.next_slot, pc.first_tx + 3600ULL * 1000000000ULL);
	gen_free(g);
}

/* A slot due within spin_ns is waited for, not dropped. */
static void test_pace_waits(void **state)
{
	struct gen *g = gen_new();
	struct udp_gen_pcpu pc;
	int k;

	/* 1 us apart with a 2 us spin: every slot is waited for. */
	pace_load(g, "pace: slots 1 us apart", 1, 1000, 0);
	pcpu_init(g, 0);
	for (k = 0; k < 1000; k++)
		assert_int_equal(run_template(g), XDP_REDIRECT);
	pc = pcpu_read(g);
	assert_int_equal(pc.packets, 1000);
	assert_int_equal(pc.pace_drops, 0);
	gen_free(g);
}

/* The limit (-n with --rate): frames past it are dropped without waiting. */
static void test_pace_limit(void **state)
{
	struct gen *g = gen_new();
	struct udp_gen_pcpu pc;
	int k;

	pace_load(g, "pace: limit 6", 4, 1, 0);
	tg_udp_cfg_thread_init(&g->cfg, 0, &pc);
	pc.limit = 6;
	pcpu_write(g, &pc);
	for (k = 0; k < 6; k++)
		assert_int_equal(run_template(g), XDP_REDIRECT);
	for (k = 0; k < 10; k++)
		assert_int_equal(run_template(g), XDP_DROP);
	pc = pcpu_read(g);
	assert_int_equal(pc.packets, 6);
	assert_int_equal(pc.pace_drops, 10);
	gen_free(g);
}

/* -D by the schedule: no slot at or after stop_at, even one that is due. */
static void test_pace_stop_at(void **state)
{
	struct gen *g = gen_new();
	struct udp_gen_pcpu pc;
	int k;

	pace_load(g, "pace: stop_at", 2, 1000, 0);
	tg_udp_cfg_thread_init(&g->cfg, 0, &pc);
	pc.next_slot = 1000;		/* long due: every slot goes at once */
	pc.stop_at = 1000 + 3 * 1000;	/* slots at 1000, 2000, 3000 */
	pcpu_write(g, &pc);
	for (k = 0; k < 12; k++) {
		int want = k < 6 ? XDP_REDIRECT : XDP_DROP, got = run_template(g);

		if (got != want)
			fail_msg("frame %d: verdict %d, expected %d (next slot %llu)", k, got, want,
				 (unsigned long long)pcpu_read(g).next_slot);
	}
	pc = pcpu_read(g);
	assert_int_equal(pc.packets, 6);
	assert_int_equal(pc.pace_drops, 6);
	/* Behind by about the time since boot, all of it forgiven but max_lag. */
	assert_true(pc.max_behind_ns > 1000000);
	gen_free(g);
}

/*
 * The program's fixed-point schedule is lib/udp/pace.c's: a schedule that
 * started long ago is behind, so every slot is due; after n slots the next
 * one is where tg_pace_slot_time puts slot n.
 */
static void test_pace_schedule(void **state)
{
	struct gen *g = gen_new();
	struct udp_gen_pcpu pc;
	struct tg_pace p;
	struct tg_err err = { "" };
	uint64_t start = 1000000;
	int k;

	assert_int_equal(tg_pace_plan(3e6, 7, 1, &p, &err), 0);
	pace_load(g, "pace: fractional intervals", 1, p.interval_ns, p.interval_frac);
	tg_udp_cfg_thread_init(&g->cfg, 0, &pc);
	pc.next_slot = start;
	pcpu_write(g, &pc);
	for (k = 0; k < 3000; k++)
		assert_int_equal(run_template(g), XDP_REDIRECT);
	pc = pcpu_read(g);
	assert_int_equal(pc.next_slot, tg_pace_slot_time(&p, start, 3000));
	gen_free(g);
}

/* Far behind, the schedule catches up by max_lag at most. */
static void test_pace_catch_up_bounded(void **state)
{
	struct gen *g = gen_new();
	struct udp_gen_pcpu pc;
	uint64_t now;

	static const struct tg_pace pace = {
		.burst = 1, .interval_ns = 1000000, .max_lag_ns = 5000000, .spin_ns = 1000,
	};

	g->p = params(AF_INET, 1);
	g->p.pace = &pace;
	gen_load(g, "pace: bounded catch-up");
	tg_udp_cfg_thread_init(&g->cfg, 0, &pc);
	pc.next_slot = 1;	/* ages ago */
	pcpu_write(g, &pc);
	now = tg_now_ns();
	assert_int_equal(run_template(g), XDP_REDIRECT);
	pc = pcpu_read(g);
	/* Moved up to 5 ms behind now, then on by one interval. */
	assert_true(pc.next_slot >= now - 5000000 + 1000000);
	assert_true(pc.next_slot <= tg_now_ns() - 5000000 + 1000000);
	gen_free(g);
}

int main(void)
{
	const struct th_rows tables[] = {
		TH_ROWS(size_cases, test_sizes),
		TH_ROWS(vlan_cases, test_vlan),
		TH_ROWS(capture_cases, test_capture),
	};
	const struct CMUnitTest extra[] = {
		cmocka_unit_test(test_capture_parse),
		cmocka_unit_test(test_capture_ip),
		cmocka_unit_test(test_sizes_random),
		cmocka_unit_test(test_ring_stamped),
		cmocka_unit_test(test_stamp_total),
		cmocka_unit_test(test_stamp_batch),
		cmocka_unit_test(test_devmap),
		cmocka_unit_test(test_stamp_copy),
		cmocka_unit_test(test_sizes_short_page),
		cmocka_unit_test(test_imix_shares),
		cmocka_unit_test(test_pace_batches),
		cmocka_unit_test(test_pace_waits),
		cmocka_unit_test(test_pace_limit),
		cmocka_unit_test(test_pace_stop_at),
		cmocka_unit_test(test_pace_schedule),
		cmocka_unit_test(test_pace_catch_up_bounded),
	};

	return th_run_group("udp_shape", &test_cpu, tables, sizeof(tables) / sizeof(tables[0]),
			    extra, sizeof(extra) / sizeof(extra[0]));
}
