// SPDX-License-Identifier: GPL-2.0
/*
 * The UDP generator under BPF_PROG_TEST_RUN (normal mode, data_in/data_out):
 * every output frame is compared byte for byte with the C reference
 * (tg_udp_cfg_expected, which rebuilds each frame with full checksums), and
 * its checksums are verified once more with lib/csum.
 *
 * Live mode hands the program frames it already rewrote and frames a GRO
 * receiver changed in place, so each case is fed three ways: the template
 * every time, the previous output, and the previous output mangled the way
 * a receiver mangles it. The output must not depend on which.
 *
 * Needs root (or CAP_BPF + CAP_NET_ADMIN). The test pins itself to one CPU
 * so that the per-CPU state it sets and reads is the one the program uses.
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
#include "packet.h"
#include "parse.h"
#include "udp/cfg.h"
#include "udp_gen.skel.h"
#include "wire.h"

#define FRAMES 3000

static int test_cpu;		/* the CPU this process is pinned to */

/* One row of the table: ranges as a user would type them. */
struct fixture {
	const char *desc;
	int family;
	const char *src, *dst, *sport, *dport;
	uint32_t frame_len;
	unsigned int nthreads, thread;
	bool random;
};

#define V4(d, s, ds, sp, dp, len, n, t, rnd) \
	{ d, AF_INET, s, ds, sp, dp, len, n, t, rnd }
#define V6(d, s, ds, sp, dp, len, n, t, rnd) \
	{ d, AF_INET6, s, ds, sp, dp, len, n, t, rnd }

static const struct fixture fixtures[] = {
	V4("v4 nothing varies, 60 bytes", "10.0.0.1", "10.1.0.1", "1234", "5678", 60, 1, 0, false),
	V4("v4 nothing varies, 3408 bytes", "10.0.0.1", "10.1.0.1", "1234", "5678", 3408, 1, 0, false),
	V4("v4 sport 1000 ports", "10.0.0.1", "10.1.0.1", "10000-10999", "5678", 60, 1, 0, false),
	V4("v4 dport ending at 65535", "10.0.0.1", "10.1.0.1", "1234", "65000-65535", 60, 1, 0, false),
	V4("v4 saddr 37", "10.0.0.1-10.0.0.37", "10.1.0.1", "1234", "5678", 60, 1, 0, false),
	V4("v4 daddr 37 across a 16-bit boundary", "10.0.0.1", "10.1.255.240-10.2.0.20", "1234", "5678", 60, 1, 0, false),
	V4("v4 all four", "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 60, 1, 0, false),
	V4("v4 all four, 3 threads, thread 0", "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 60, 3, 0, false),
	V4("v4 all four, 3 threads, thread 2", "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 60, 3, 2, false),
	V4("v4 saddr whole space via A-B, 3 threads, thread 2", "0.0.0.0-255.255.255.255", "10.1.0.1", "0-65535", "5678", 60, 3, 2, false),
	V4("v4 all four, 1514 bytes", "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 1514, 1, 0, false),
	V4("v4 all four, 3408 bytes, 3 threads, thread 2", "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 3408, 3, 2, false),
	V4("v4 random, all four", "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 60, 1, 0, true),
	V4("v4 random, whole space, 1514 bytes", "0.0.0.0-255.255.255.255", "10.1.0.0-10.1.0.1", "0-65535", "7", 1514, 3, 2, true),
	V4("v4 random, nothing varies", "10.0.0.1", "10.1.0.1", "1234", "5678", 60, 1, 0, true),

	V6("v6 nothing varies, 62 bytes", "2001:db8::1", "2001:db8:1::1", "1234", "5678", 62, 1, 0, false),
	V6("v6 nothing varies, 3408 bytes", "2001:db8::1", "2001:db8:1::1", "1234", "5678", 3408, 1, 0, false),
	V6("v6 sport 1000 ports", "2001:db8::1", "2001:db8:1::1", "10000-10999", "5678", 62, 1, 0, false),
	V6("v6 dport ending at 65535", "2001:db8::1", "2001:db8:1::1", "1234", "65000-65535", 62, 1, 0, false),
	V6("v6 saddr 37", "2001:db8::a-2001:db8::2e", "2001:db8:1::1", "1234", "5678", 62, 1, 0, false),
	V6("v6 daddr 37 across a 16-bit boundary", "2001:db8::1", "2001:db8:1::1:fff0-2001:db8:1::2:14", "1234", "5678", 62, 1, 0, false),
	V6("v6 all four", "2001:db8::a-2001:db8::2e", "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535", 62, 1, 0, false),
	V6("v6 all four, 3 threads, thread 0", "2001:db8::a-2001:db8::2e", "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535", 62, 3, 0, false),
	V6("v6 all four, 3 threads, thread 2", "2001:db8::a-2001:db8::2e", "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535", 62, 3, 2, false),
	V6("v6 saddr /96 via A-B", "2001:db8::-2001:db8::ffff:ffff", "2001:db8:1::1", "1234", "5678", 62, 1, 0, false),
	V6("v6 daddr /96 via A-B, all four, 3 threads, thread 2", "2001:db8::a-2001:db8::2e", "2001:db8:1::-2001:db8:1::ffff:ffff", "10000-10999", "65000-65535", 62, 3, 2, false),
	V6("v6 all four, 1514 bytes", "2001:db8::a-2001:db8::2e", "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535", 1514, 1, 0, false),
	V6("v6 all four, 3408 bytes, 3 threads, thread 2", "2001:db8::a-2001:db8::2e", "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535", 3408, 3, 2, false),
	V6("v6 random, all four", "2001:db8::a-2001:db8::2e", "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535", 62, 1, 0, true),
	V6("v6 random, /96 both ways, 3408 bytes", "2001:db8::-2001:db8::ffff:ffff", "2001:db8:1::-2001:db8:1::ffff:ffff", "0-65535", "1-2", 3408, 3, 2, true),
	V6("v6 random, nothing varies", "2001:db8::1", "2001:db8:1::1", "1234", "5678", 62, 1, 0, true),
};

static const struct fixture *fixture_named(const char *desc)
{
	size_t i;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		if (!strcmp(fixtures[i].desc, desc))
			return &fixtures[i];
	fail_msg("no fixture '%s'", desc);
	return NULL;
}

/* A loaded generator and the frames of one run. */
struct gen {
	struct udp_gen_bpf *skel;
	int prog_fd;			/* the one program loaded: the one that runs cfg */
	struct udp_gen_cfg cfg;
	struct tg_udp_params p;
	unsigned int thread;
	const char *desc;
	uint8_t tmpl[TG_MAX_FRAME_LEN];
	uint8_t in[TG_MAX_FRAME_LEN];
	uint8_t out[TG_MAX_FRAME_LEN];
	uint8_t ref[TG_MAX_FRAME_LEN];
};

/* What a run saw, for the tests that look for particular frames. */
struct seen {
	uint64_t word_below;	/* frames with a rewritten 16-bit word below the template's */
	uint64_t ip_csum_zero;	/* IPv4 header checksum 0000 */
	uint64_t udp_csum_ffff;	/* UDP checksum computed as 0, sent as ffff */
	uint64_t below_prev;	/* frames with a word below the previous frame's */
	uint8_t prev[UDP_GEN_HDR_MAX];
};

static struct tg_udp_params params_of(const struct fixture *f)
{
	struct tg_udp_params p = th_udp_params(f->desc, f->family, f->frame_len, f->nthreads,
					       f->src, f->dst, f->sport, f->dport);

	p.random = f->random;
	return p;
}

static void gen_load(struct gen *g, const char *desc,
		     const struct tg_udp_params *p, unsigned int thread)
{
	struct tg_udp_gen l = th_udp_gen_load(desc, p, &g->cfg, g->tmpl);

	g->desc = desc;
	g->p = *p;
	g->thread = thread;
	g->skel = l.skel;
	g->prog_fd = l.prog_fd;
}

static void gen_free(struct gen *g)
{
	udp_gen_bpf__destroy(g->skel);
	free(g);
}

static void pcpu_init(struct gen *g, unsigned int thread)
{
	th_udp_gen_thread_init(g->skel, &g->cfg, test_cpu, thread);
}

/* Our CPU's counters; every other CPU's must still be zero. */
static struct udp_gen_pcpu pcpu_read(struct gen *g)
{
	size_t slot = tg_percpu_slot(sizeof(struct udp_gen_pcpu)), n = th_ncpus(), i;
	uint8_t *vals = th_pcpu_lookup(g->skel->maps.pcpu, sizeof(struct udp_gen_pcpu));
	struct udp_gen_pcpu pc, other;

	for (i = 0; i < n; i++) {
		if ((int)i == test_cpu)
			continue;
		memcpy(&other, vals + i * slot, sizeof(other));
		if (other.packets || other.bytes || other.short_frames)
			fail_msg("%s: CPU %zu counted frames, the test runs on CPU %d",
				 g->desc, i, test_cpu);
	}
	memcpy(&pc, vals + test_cpu * slot, sizeof(pc));
	free(vals);
	return pc;
}

/* One BPF_PROG_TEST_RUN of len bytes from g->in into g->out; returns the XDP verdict. */
static int gen_run(struct gen *g, uint32_t len, uint32_t *out_len)
{
	return th_test_run(g->desc, g->prog_fd, g->in, len,
			   g->out, sizeof(g->out), out_len);
}

static void assert_csums_ok(const struct gen *g, const uint8_t *f, uint64_t k)
{
	uint32_t len = g->p.spec.frame_len;
	uint16_t ip = 0, udp;

	if (!g->cfg.ipv6) {
		struct in_addr s, d;

		memcpy(&s, f + 26, 4);
		memcpy(&d, f + 30, 4);
		ip = tg_csum(f + 14, 20);
		udp = tg_l4_csum4(&s, &d, IPPROTO_UDP, f + 34, len - 34);
	} else {
		struct in6_addr s, d;

		memcpy(&s, f + 22, 16);
		memcpy(&d, f + 38, 16);
		udp = tg_l4_csum6(&s, &d, IPPROTO_UDP, f + 54, len - 54);
	}
	if (ip || udp || !tg_get16(f + g->cfg.l4_off + 6))
		fail_msg("%s: frame %llu: checksums do not verify (IP sums to ~%#06x, UDP to ~%#06x, UDP field %#06x)",
			 g->desc, (unsigned long long)k, ip, udp, tg_get16(f + g->cfg.l4_off + 6));
}

static void assert_same(const struct gen *g, enum th_feed feed, uint64_t k)
{
	th_assert_frame(g->out, g->ref, g->p.spec.frame_len, "%s, fed the %s: frame %llu",
			g->desc, th_feed_name(feed), (unsigned long long)k);
}

/* Whether a rewritten header word (checksums aside) of f is below ref's, as stored. */
static bool word_below(const struct gen *g, const uint8_t *f, const uint8_t *ref)
{
	uint32_t i;

	for (i = g->cfg.l3_off; i + 1 < g->cfg.hdr_len; i += 2) {
		bool csum = (!g->cfg.ipv6 && i == g->cfg.l3_off + 10u) ||
			    i == g->cfg.l4_off + 6u;

		if (!csum && tg_get16(f + i) < tg_get16(ref + i))
			return true;
	}
	return false;
}

/* Notes the corner cases a frame exercises; see struct seen. */
static void note(const struct gen *g, const uint8_t *f, uint64_t k,
		 struct seen *s)
{
	s->word_below += word_below(g, f, g->tmpl);
	s->below_prev += k && word_below(g, f, s->prev);
	s->ip_csum_zero += !g->cfg.ipv6 && tg_get16(f + g->cfg.l3_off + 10) == 0;
	s->udp_csum_ffff += tg_get16(f + g->cfg.l4_off + 6) == 0xffff;
	memcpy(s->prev, f, g->cfg.hdr_len);
}

static void prepare_input(struct gen *g, enum th_feed feed, uint64_t k)
{
	uint32_t len = g->p.spec.frame_len;

	if (feed == TH_FEED_TEMPLATE || k == 0)
		memcpy(g->in, g->tmpl, len);
	else
		memcpy(g->in, g->out, len);
	if (feed == TH_FEED_MANGLED)
		th_mangle_udp(g->in, g->cfg.l3_off, g->cfg.l4_off, g->cfg.ipv6);
}

static void run_frame(struct gen *g, enum th_feed feed, uint64_t k)
{
	uint32_t out_len, len = g->p.spec.frame_len;
	int verdict;

	prepare_input(g, feed, k);
	verdict = gen_run(g, len, &out_len);
	if (verdict != XDP_REDIRECT)
		fail_msg("%s, fed the %s: frame %llu: verdict %d, expected XDP_REDIRECT (%d)",
			 g->desc, th_feed_name(feed), (unsigned long long)k, verdict,
			 XDP_REDIRECT);
	assert_int_equal(out_len, len);
}

static void assert_counters(struct gen *g, uint64_t frames)
{
	struct udp_gen_pcpu pc = pcpu_read(g);

	assert_int_equal(pc.packets, frames);
	assert_int_equal(pc.bytes, frames * g->p.spec.frame_len);
	assert_int_equal(pc.short_frames, 0);
}

/* Sequential mode: every frame equals the reference, fed each of the three ways. */
static void run_sequential(struct gen *g, uint64_t frames, struct seen *s)
{
	struct tg_err err = { "" };
	enum th_feed feed;
	uint64_t k;

	for (feed = 0; feed < TH_FEED_N; feed++) {
		pcpu_init(g, g->thread);
		for (k = 0; k < frames; k++) {
			run_frame(g, feed, k);
			if (tg_udp_cfg_expected(&g->p, g->thread, k, 0, g->ref, &err))
				fail_msg("%s: %s", g->desc, err.msg);
			assert_same(g, feed, k);
			assert_csums_ok(g, g->out, k);
			if (s)
				note(g, g->out, k, s);
		}
		assert_counters(g, frames);
	}
}

/* The address field's last 32 bits in host order, if the rest is the range's. */
static bool addr_in(const struct tg_addr_range *r, const uint8_t *a,
		    union tg_addr *out)
{
	size_t alen = r->family == AF_INET6 ? 16 : 4;
	uint32_t first, v;

	memcpy(out, a, alen);
	if (memcmp(a, &r->first, alen - 4))
		return false;
	memcpy(&first, (const uint8_t *)&r->first + alen - 4, 4);
	memcpy(&v, a + alen - 4, 4);
	return (uint64_t)(uint32_t)(ntohl(v) - ntohl(first)) < r->count;
}

static bool port_in(const struct tg_port_range *r, uint16_t v)
{
	return v >= r->first && (uint32_t)(v - r->first) < r->count;
}

/*
 * Random mode: values cannot be predicted, so each field must be within its
 * range and the frame must equal the reference built from the values seen.
 */
static void run_random(struct gen *g, uint64_t frames)
{
	const struct tg_udp_params *p = &g->p;
	uint32_t sa_off = g->cfg.ipv6 ? 22 : 26, da_off = g->cfg.ipv6 ? 38 : 30;
	uint64_t moved[4];
	enum th_feed feed;
	uint64_t k;

	for (feed = 0; feed < TH_FEED_N; feed++) {
		memset(moved, 0, sizeof(moved));
		pcpu_init(g, g->thread);
		for (k = 0; k < frames; k++) {
			struct tg_udp_spec spec = p->spec;
			const uint8_t *l4 = g->out + g->cfg.l4_off;

			run_frame(g, feed, k);
			spec.sport = tg_get16(l4);
			spec.dport = tg_get16(l4 + 2);
			if (!addr_in(&p->src, g->out + sa_off, &spec.src) ||
			    !addr_in(&p->dst, g->out + da_off, &spec.dst) ||
			    !port_in(&p->sport, spec.sport) || !port_in(&p->dport, spec.dport))
				fail_msg("%s, fed the %s: frame %llu has a field out of its range",
					 g->desc, th_feed_name(feed), (unsigned long long)k);
			assert_int_equal(tg_build_udp(&spec, g->ref, sizeof(g->ref), NULL, NULL), 0);
			assert_same(g, feed, k);
			assert_csums_ok(g, g->out, k);
			moved[0] += spec.sport != p->sport.first;
			moved[1] += spec.dport != p->dport.first;
			moved[2] += memcmp(&spec.src, &p->src.first, sizeof(spec.src)) != 0;
			moved[3] += memcmp(&spec.dst, &p->dst.first, sizeof(spec.dst)) != 0;
		}
		assert_counters(g, frames);
		/* A varying field must have varied: random is not "always the first". */
		assert_true((p->sport.count > 1) == (moved[0] > 0));
		assert_true((p->dport.count > 1) == (moved[1] > 0));
		assert_true((p->src.count > 1) == (moved[2] > 0));
		assert_true((p->dst.count > 1) == (moved[3] > 0));
	}
}

static void test_fixture(void **state)
{
	const struct fixture *f = *state;
	struct tg_udp_params p = params_of(f);
	struct gen *g = calloc(1, sizeof(*g));

	assert_non_null(g);
	gen_load(g, f->desc, &p, f->thread);
	if (f->random) {
		run_random(g, FRAMES);
		gen_free(g);
		return;
	}
	run_sequential(g, FRAMES, NULL);
	if (!g->cfg.ring_len) {
		gen_free(g);
		return;
	}
	/* The header ring served: the computed path must give the same frames. */
	udp_gen_bpf__destroy(g->skel);
	p.no_ring = true;
	gen_load(g, f->desc, &p, f->thread);
	assert_int_equal(g->cfg.ring_len, 0);
	run_sequential(g, FRAMES, NULL);
	gen_free(g);
}

/*
 * The header ring serves sequential runs whose fields repeat within
 * UDP_GEN_RING_MAX frames, and nothing else; udp_plain or udp_copy runs
 * those and the runs with nothing to rewrite.
 */
static void test_ring_when(void **state)
{
	static const struct {
		const char *row;
		const char *sport, *dport;	/* NULL: the row's */
		bool random, no_ring;
		uint32_t ring_len;
	} cases[] = {
		{ "v4 nothing varies, 60 bytes", NULL, NULL, false, false, 0 },
		{ "v4 nothing varies, 60 bytes", NULL, NULL, true, false, 0 },
		{ "v4 sport 1000 ports", NULL, NULL, false, false, 1000 },
		{ "v4 sport 1000 ports", NULL, "1-8", false, false, 1000 },
		{ "v4 sport 1000 ports", NULL, "1-6", false, false, 3000 },
		{ "v4 sport 1000 ports", NULL, "1-536", false, false, 0 },	/* 67000 */
		{ "v4 sport 1000 ports", NULL, NULL, true, false, 0 },
		{ "v4 sport 1000 ports", NULL, NULL, false, true, 0 },
		{ "v4 saddr 37", "1-64", NULL, false, false, 37 * 64 },
		{ "v4 saddr whole space via A-B, 3 threads, thread 2", "1", NULL, false, false, 0 },
		{ "v6 daddr 37 across a 16-bit boundary", "1-16384", NULL, false, false, 0 },
		{ "v6 daddr 37 across a 16-bit boundary", NULL, NULL, false, false, 37 },
	};
	static uint8_t f[TG_MAX_FRAME_LEN];
	struct tg_err err = { "" };
	unsigned int i, j;
	bool copies;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tg_udp_params p = params_of(fixture_named(cases[i].row));
		struct udp_gen_cfg cfg;

		if ((cases[i].sport && tg_parse_port_range(cases[i].sport, &p.sport, &err)) ||
		    (cases[i].dport && tg_parse_port_range(cases[i].dport, &p.dport, &err)))
			fail_msg("case %u: %s", i, err.msg);
		p.random = cases[i].random;
		p.no_ring = cases[i].no_ring;
		assert_int_equal(tg_udp_cfg_build(&p, &cfg, f, NULL, NULL), 0);
		if (cfg.ring_len != cases[i].ring_len)
			fail_msg("case %u (%s): ring of %u, expected %u", i, cases[i].row,
				 cfg.ring_len, cases[i].ring_len);
		assert_int_equal(cfg.ring_stride, cfg.ring_len ? p.nthreads % cfg.ring_len : 0);
		/*
		 * Copies where there is a ring or nothing to rewrite (rows 0 and
		 * 1): udp_plain, and udp_copy once pacing, a second interface or
		 * a stamp joins in.
		 */
		copies = cfg.ring_len || i < 2;
		if (tg_udp_prog_for(&cfg, false) != (copies ? TG_UDP_PROG_PLAIN : TG_UDP_PROG_GEN))
			fail_msg("case %u (%s): program %d", i, cases[i].row,
				 tg_udp_prog_for(&cfg, false));
		for (j = 0; j < 3; j++) {
			struct udp_gen_cfg c = cfg;

			c.pace = j == 0;
			c.multi_if = j == 1;
			c.stamp = j == 2;
			if (tg_udp_prog_for(&c, false) != (copies ? TG_UDP_PROG_COPY : TG_UDP_PROG_GEN))
				fail_msg("case %u (%s), %s: program %d", i, cases[i].row,
					 j == 0 ? "paced" : j == 1 ? "two interfaces" : "stamped",
					 tg_udp_prog_for(&c, false));
		}
		assert_int_equal(tg_udp_prog_for(&cfg, true), TG_UDP_PROG_CAPTURE);
	}
}

/* Frames shorter than the headers are dropped and counted, never touched. */
static void test_short_frames(void **state)
{
	static const char *const rows[] = { "v4 all four", "v6 all four" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct tg_udp_params p = params_of(fixture_named(rows[i]));
		struct gen *g = calloc(1, sizeof(*g));
		struct udp_gen_pcpu pc;
		uint32_t out_len, hl;

		assert_non_null(g);
		gen_load(g, rows[i], &p, 0);
		hl = g->cfg.hdr_len;
		pcpu_init(g, 0);
		memcpy(g->in, g->tmpl, hl);
		assert_int_equal(gen_run(g, hl - 1, &out_len), XDP_DROP);
		assert_int_equal(out_len, hl - 1);
		assert_memory_equal(g->out, g->tmpl, hl - 1);
		assert_int_equal(gen_run(g, TG_ETH_HLEN, &out_len), XDP_DROP);
		/* Exactly the headers is enough to be rewritten. */
		assert_int_equal(gen_run(g, hl, &out_len), XDP_REDIRECT);
		pc = pcpu_read(g);
		assert_int_equal(pc.short_frames, 2);
		assert_int_equal(pc.packets, 1);
		assert_int_equal(pc.bytes, hl);
		gen_free(g);
	}
}

/* Counters accumulate over runs of different sizes; bytes exclude the FCS. */
static void test_counters(void **state)
{
	struct tg_udp_params p = params_of(fixture_named("v4 all four"));
	struct gen *g = calloc(1, sizeof(*g));
	struct udp_gen_pcpu pc;
	uint32_t out_len;
	int i;

	assert_non_null(g);
	p.spec.frame_len = 1514;
	gen_load(g, "counters", &p, 0);
	pcpu_init(g, 0);
	for (i = 0; i < 1000; i++) {
		memcpy(g->in, g->tmpl, 1514);
		assert_int_equal(gen_run(g, i % 2 ? 1514 : 100, &out_len), XDP_REDIRECT);
	}
	pc = pcpu_read(g);
	assert_int_equal(pc.packets, 1000);
	assert_int_equal(pc.bytes, 500 * 1514 + 500 * 100);
	assert_int_equal(pc.short_frames, 0);
	/* The cursors moved on by one stride per frame. */
	assert_int_equal(pc.cur_sport, 1000 % 1000);
	assert_int_equal(pc.cur_saddr, 1000 % 37);
	gen_free(g);
}

/*
 * RFC 1624: the incremental update must be right when a word's new value is
 * below its old one. The program restores the template before each update,
 * so "old" is always the template's word and "new" the rewritten one; these
 * ranges make rewritten words fall below the template's (the address ranges
 * cross a 16-bit boundary: ...:fff0 -> ...:0014), and every frame fed back
 * after a cursor wraps carries values above the ones that replace them.
 */
static void test_rfc1624_new_below_old(void **state)
{
	static const char *const rows[] = { "v4 all four", "v6 all four" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct tg_udp_params p = params_of(fixture_named(rows[i]));
		struct gen *g = calloc(1, sizeof(*g));
		struct seen s = { 0 };

		assert_non_null(g);
		gen_load(g, rows[i], &p, 0);
		run_sequential(g, FRAMES, &s);
		if (s.word_below < 1000 || s.below_prev < 100)
			fail_msg("%s: %llu frames with a word below the template's, %llu below the previous frame's",
				 g->desc, (unsigned long long)s.word_below,
				 (unsigned long long)s.below_prev);
		gen_free(g);
	}
}

/* The address whose last 16 bits, as stored, are w. */
static void set_low16(struct tg_addr_range *r, uint16_t w)
{
	uint8_t *a = (uint8_t *)&r->first + (r->family == AF_INET6 ? 14 : 2);

	tg_put16(a, w);
}

/* The 16-bit word at off of the template for p. */
static uint16_t template_word(const struct tg_udp_params *p, uint32_t off)
{
	static uint8_t f[TG_MAX_FRAME_LEN];
	struct udp_gen_cfg cfg;

	assert_int_equal(tg_udp_cfg_build(p, &cfg, f, NULL, NULL), 0);
	return tg_get16(f + off);
}

/* 37 values centred on v, kept within 0..65535. */
static uint16_t around(uint16_t v)
{
	return v < 18 ? 0 : v > 65535 - 18 ? 65535 - 36 : v - 18;
}

static void run_corner(const char *desc, const struct tg_udp_params *p,
		       bool want_ip_zero)
{
	struct tg_udp_params q = *p;
	int no_ring;

	/* The incremental path, then the header ring (these ranges are short). */
	for (no_ring = 1; no_ring >= 0; no_ring--) {
		struct gen *g = calloc(1, sizeof(*g));
		struct seen s = { 0 };

		assert_non_null(g);
		q.no_ring = no_ring;
		gen_load(g, desc, &q, 0);
		assert_true(no_ring == !g->cfg.ring_len);
		run_sequential(g, FRAMES, &s);
		if (want_ip_zero ? !s.ip_csum_zero : !s.udp_csum_ffff)
			fail_msg("%s (%s): no frame hit the corner (%llu UDP ffff, %llu IP 0000)",
				 desc, no_ring ? "computed" : "ring",
				 (unsigned long long)s.udp_csum_ffff,
				 (unsigned long long)s.ip_csum_zero);
		gen_free(g);
	}
}

/*
 * RFC 1624's corner: results of exactly 0000 (IPv4 header) and of 0 sent as
 * ffff (UDP). Each range is centred on the value that produces one, found
 * from a template with that word zero (the checksum is then ~rest, and a
 * word equal to it makes the sum ffff); the run must contain such frames for
 * the test to mean anything.
 */
static void test_rfc1624_zero_results(void **state)
{
	static const char *const rows[] = { "v4 nothing varies, 60 bytes",
					    "v6 nothing varies, 62 bytes" };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		struct tg_udp_params p = params_of(fixture_named(rows[i]));
		bool v4 = p.spec.family == AF_INET;
		struct tg_udp_params q = p;
		uint16_t c;

		q.sport.first = 0;
		c = template_word(&q, v4 ? 40 : 60);
		q.sport.first = around(c);
		q.sport.count = 37;
		run_corner(v4 ? "v4 UDP checksum 0 sent as ffff" :
			   "v6 UDP checksum 0 sent as ffff", &q, false);
		if (!v4)
			continue;
		q = p;
		set_low16(&q.dst, 0);
		c = template_word(&q, 24);
		set_low16(&q.dst, around(c));
		q.dst.count = 37;
		run_corner("v4 header checksum 0000", &q, true);
	}
}

int main(void)
{
	const struct th_rows tables[] = { TH_ROWS(fixtures, test_fixture) };
	const struct CMUnitTest extra[] = {
		cmocka_unit_test(test_short_frames),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_ring_when),
		cmocka_unit_test(test_rfc1624_new_below_old),
		cmocka_unit_test(test_rfc1624_zero_results),
	};

	return th_run_group("udp_gen", &test_cpu, tables, 1, extra,
			    sizeof(extra) / sizeof(extra[0]));
}
