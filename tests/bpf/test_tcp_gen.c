// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP generator (bpf/tcp_gen.bpf.c) under BPF_PROG_TEST_RUN (normal
 * mode, data_in/data_out), loaded with the ACK program by the loader a run
 * uses (lib/tcp/load.h), their maps shared. Every output segment is compared byte for byte with the C
 * reference (tg_build_tcp, which computes every checksum in full) built
 * from the flow and sequence number it must carry, and its checksums are
 * verified once more with lib/csum.
 *
 * Live mode hands the program frames it already rewrote (of any flow) and
 * frames a GRO receiver changed in place, so each fixture is fed three
 * ways: the template every time, the previous output, and the previous
 * output mangled the way a receiver mangles it (lengths, flags, checksums)
 * and worse (sequence numbers, timestamps). The output must not depend on
 * which.
 *
 * Then the sending rules: the window (a segment that does not fit is
 * dropped and counted), round robin among flows with room, a thread's share
 * of the flows, the RTO request, the third duplicate ACK (through the ACK
 * program), the limit of new data, flows not owned or reset.
 *
 * Needs root. Pins itself to one CPU: the per-CPU state it sets is the one
 * the program uses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
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
#include "live.h"
#include "packet_tcp.h"
#include "tcp/cfg.h"
#include "tcp/load.h"
#include "tcp_gen.h"
#include "wire.h"
#include "tcp_ack.skel.h"
#include "tcp_gen.skel.h"

#define FRAMES 1500
#define LPORT0 40000		/* flow i sends from LPORT0 + i */
#define RPORT 10000
#define RCV0 0x12345678u	/* flow i acknowledges RCV0 + i */
#define TSR0 0xabcd0000u	/* flow i echoes TSR0 + i */
#define BIG_WND (1u << 30)

static int test_cpu;

struct fixture {
	const char *desc;
	int family;
	bool ts;
	uint32_t payload;
	unsigned int nflows;
	uint32_t iss1;		/* flow i starts at iss1 + i * 0x01000000 */
	uint32_t ts_base;	/* flow i's is ts_base + i * 100000 */
};

static const struct fixture fixtures[] = {
	{ "v4, timestamps, 1448 bytes, one flow", AF_INET, true, 1448, 1, 1000, 5000 },
	{ "v4, no timestamps, 1460 bytes", AF_INET, false, 1460, 1, 1000, 0 },
	{ "v4, no timestamps, 1 byte (a padded 60-byte frame)", AF_INET, false, 1, 1, 1000, 0 },
	{ "v4, timestamps, largest frame", AF_INET, true, TG_MAX_FRAME_LEN - 66, 1, 77, 5000 },
	{ "v4, timestamps, 4 flows", AF_INET, true, 1448, 4, 0x10000000, 5000 },
	{ "v4, sequence numbers wrap during the run", AF_INET, true, 1448, 2,
	  0xffffffff - 700000, 5000 },
	{ "v4, TSval wraps", AF_INET, true, 1000, 1, 1, 0xffffffff - 3 },
	{ "v6, timestamps, 1428 bytes", AF_INET6, true, 1428, 1, 1000, 5000 },
	{ "v6, no timestamps, 1440 bytes", AF_INET6, false, 1440, 1, 0xfffff000, 0 },
	{ "v6, timestamps, 3 flows, wrapping", AF_INET6, true, 1208, 3, 0xfff00000, 123 },
	{ "v6, timestamps, largest frame", AF_INET6, true, TG_MAX_FRAME_LEN - 86, 2, 5, 5 },
};

struct gen {
	const struct fixture *fx;
	struct tg_tcp_progs p;		/* loaded as `trafficgen tcp` loads them */
	struct tcp_gen_cfg cfg;
	struct tg_tcp_spec spec;	/* flow 0's, seq/ack/ts/sport set per segment */
	uint8_t tmpl[TG_MAX_FRAME_LEN];
	uint8_t in[TG_MAX_FRAME_LEN];
	uint8_t out[TG_MAX_FRAME_LEN];
	uint8_t ref[TG_MAX_FRAME_LEN];
};

static uint32_t flow_iss1(const struct fixture *fx, unsigned int i)
{
	return fx->iss1 + i * 0x01000000u;
}

static void set_flow(struct gen *g, unsigned int i, const struct tcp_flow *st)
{
	assert_int_equal(bpf_map__update_elem(g->p.ack->maps.flows, &i, sizeof(i), st,
					      sizeof(*st), BPF_F_LOCK), 0);
}

static struct tcp_flow get_flow(struct gen *g, unsigned int i)
{
	struct tcp_flow st;

	assert_int_equal(bpf_map__lookup_elem(g->p.ack->maps.flows, &i, sizeof(i), &st,
					      sizeof(st), BPF_F_LOCK), 0);
	return st;
}

static void set_ctl(struct gen *g, unsigned int i, const struct tcp_flow_ctl *c)
{
	assert_int_equal(bpf_map__update_elem(g->p.ack->maps.flow_ctl, &i, sizeof(i), c,
					      sizeof(*c), 0), 0);
}

/* Every flow owned, nothing sent, a big window, no limit. */
static void reset_flows(struct gen *g)
{
	struct tcp_flow_ctl c = { .limit = UINT64_MAX };
	unsigned int i;

	for (i = 0; i < g->fx->nflows; i++) {
		struct tcp_flow st = {
			.phase = TCP_FLOW_OWNED, .iss1 = flow_iss1(g->fx, i),
			.rcv_nxt = RCV0 + i, .ts_recent = TSR0 + i, .wnd = BIG_WND,
		};

		set_flow(g, i, &st);
		set_ctl(g, i, &c);
	}
}

/* This CPU sends flows first, first + stride, ...; every other CPU nothing. */
static void set_pcpu(struct gen *g, unsigned int first, unsigned int stride, unsigned int n)
{
	struct tcp_gen_pcpu pc = { .first = first, .stride = stride, .nflows = n };

	th_pcpu_write(g->p.gen->maps.pcpu, test_cpu, &pc, sizeof(pc));
}

static struct tcp_gen_pcpu get_pcpu(struct gen *g)
{
	struct tcp_gen_pcpu pc;

	th_pcpu_read(g->p.gen->maps.pcpu, test_cpu, &pc, sizeof(pc));
	return pc;
}

/*
 * The ACK program has no config, so one copy serves every test: loading it
 * per test doubled this file's time (its verification takes about 0.2 s).
 * Each test starts from a zeroed flow table instead.
 */
static struct tcp_ack_bpf *shared_ack;

static void free_shared_ack(void)
{
	struct tg_tcp_progs p = { .ack = shared_ack };

	tg_tcp_unload(&p);
}

static void clear_flows(struct gen *g)
{
	struct tcp_flow_ctl c = {};
	struct tcp_flow st = {};
	unsigned int i;

	for (i = 0; i < TCP_GEN_MAX_FLOWS; i++) {
		set_flow(g, i, &st);
		set_ctl(g, i, &c);
	}
}

/*
 * The last test's generator, kept for the next test of the same fixture:
 * its config is the fixture's, and its verification (about 0.25 s) was most
 * of this file's time. gen_load resets its flows and per-CPU state.
 */
static struct gen *kept;
static bool free_kept_registered;

static void gen_reset(struct gen *g)
{
	struct tg_err err = { "" };
	struct tcp_gen_pcpu *pcpu;

	clear_flows(g);
	reset_flows(g);
	/* One sending thread, on this CPU, with every flow. */
	pcpu = calloc(th_ncpus(), sizeof(*pcpu));
	assert_non_null(pcpu);
	if (tg_tcp_gen_assign(g->p.gen, &test_cpu, 1, g->fx->nflows, pcpu, (int)th_ncpus(),
			      &err))
		fail_msg("%s: %s", g->fx->desc, err.msg);
	free(pcpu);
}

static void gen_destroy(struct gen *g)
{
	if (!g)
		return;
	g->p.ack = NULL;	/* shared_ack stays for the next test */
	tg_tcp_unload(&g->p);
	free(g);
}

static void free_kept(void)
{
	gen_destroy(kept);
	kept = NULL;
}

static struct gen *gen_load(const struct fixture *fx)
{
	struct gen *g;

	if (kept && kept->fx == fx) {
		g = kept;
		kept = NULL;
		gen_reset(g);
		return g;
	}
	g = calloc(1, sizeof(*g));
	uint16_t sports[TCP_GEN_MAX_FLOWS];
	uint32_t ts_base[TCP_GEN_MAX_FLOWS];
	struct tg_err err = { "" };
	struct tcp_gen_cfg *c;
	unsigned int i;

	assert_non_null(g);
	assert_true(fx->nflows <= TCP_GEN_MAX_FLOWS);
	g->fx = fx;
	c = &g->cfg;
	g->spec = (struct tg_tcp_spec){
		.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 }, .src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
		.family = fx->family, .dport = RPORT, .ttl = 64, .flags = TG_TCP_ACK,
		.window = 502, .ts = fx->ts, .payload_len = fx->payload,
	};
	if (fx->family == AF_INET) {
		inet_pton(AF_INET, "198.18.0.2", &g->spec.src.v4);
		inet_pton(AF_INET, "198.18.0.1", &g->spec.dst.v4);
	} else {
		inet_pton(AF_INET6, "2001:2::2", &g->spec.src.v6);
		inet_pton(AF_INET6, "2001:2::1", &g->spec.dst.v6);
	}
	for (i = 0; i < fx->nflows; i++) {
		sports[i] = LPORT0 + i;
		ts_base[i] = fx->ts_base + i * 100000;
	}
	if (tg_tcp_cfg_build(&g->spec, sports, ts_base, fx->nflows, 1, c, g->tmpl, &err))
		fail_msg("%s: %s", fx->desc, err.msg);
	/* 3 ticks back: a TSval base just below 2^32 wraps at once. */
	c->ts_t0_ns = tg_now_ns() - (3ULL << 20);
	/* Flows with a --cc are paced; the tests of the others see no difference. */
	c->pace = 1;

	if (!shared_ack) {
		if (tg_tcp_load_ack(&g->p, &err))
			fail_msg("%s: %s", fx->desc, err.msg);
		shared_ack = g->p.ack;
		atexit(free_shared_ack);
	}
	g->p.ack = shared_ack;
	clear_flows(g);
	if (tg_tcp_load_gen(&g->p, c, &err))
		fail_msg("%s: %s", fx->desc, err.msg);
	gen_reset(g);
	return g;
}

/* Keeps g for the next test, in place of what was kept. */
static void gen_free(struct gen *g)
{
	if (!kept && !free_kept_registered) {
		atexit(free_kept);
		free_kept_registered = true;
	}
	gen_destroy(kept);
	kept = g;
}

static int run_prog(struct gen *g, int prog_fd, uint32_t len, uint32_t *out_len)
{
	return th_test_run(g->fx->desc, prog_fd, g->in, len, g->out, sizeof(g->out), out_len);
}

/* One frame through tcp_gen, fed `in` as it stands. */
static int gen_run(struct gen *g)
{
	uint32_t out_len;
	int v = run_prog(g, bpf_program__fd(g->p.gen->progs.tcp_gen), g->cfg.frame_len, &out_len);

	assert_int_equal(out_len, g->cfg.frame_len);
	return v;
}

/*
 * What a GRO receiver does to the frame in our page (IP length, IPv4
 * checksum, PSH, TCP checksum), and what no one does but could be left by
 * an earlier segment (sequence numbers, timestamps, another port).
 */
static void mangle(struct gen *g, uint8_t *f)
{
	uint32_t l4 = g->cfg.l4_off;

	th_mangle_ip(f + g->cfg.l3_off, g->cfg.ipv6);
	tg_put32(f + l4 + 4, 0xdeadbeef);
	tg_put32(f + l4 + 8, 0xfeedface);
	f[l4 + 13] |= 0x08;
	tg_put16(f + l4 + 16, 0x1234);
	tg_put16(f, 0xffff);
	if (g->cfg.ts) {
		tg_put32(f + l4 + 24, 0x01010101);
		tg_put32(f + l4 + 28, 0x02020202);
	}
}

static void prepare(struct gen *g, enum th_feed feed, uint64_t k)
{
	if (feed == TH_FEED_TEMPLATE || k == 0)
		memcpy(g->in, g->tmpl, g->cfg.frame_len);
	else
		memcpy(g->in, g->out, g->cfg.frame_len);
	if (feed == TH_FEED_MANGLED)
		mangle(g, g->in);
}

/*
 * The output must be flow `flow`'s segment at offset `off`: rebuilt by
 * tg_build_tcp with the TSval the program chose, which must lie between
 * the clock readings around the run.
 */
static void assert_segment(struct gen *g, enum th_feed feed, uint64_t k, unsigned int flow,
			   uint64_t off, uint64_t t0, uint64_t t1)
{
	struct tg_tcp_spec s = g->spec;
	uint32_t l4 = g->cfg.l4_off;

	s.sport = LPORT0 + flow;
	s.seq = flow_iss1(g->fx, flow) + (uint32_t)off;
	s.ack = RCV0 + flow;
	if (s.ts) {
		uint32_t base = g->cfg.flow[flow].ts_base;
		uint32_t lo = base + (uint32_t)((t0 - g->cfg.ts_t0_ns) >> 20);
		uint32_t hi = base + (uint32_t)((t1 - g->cfg.ts_t0_ns) >> 20);

		s.tsval = tg_get32(g->out + l4 + 24);
		s.tsecr = TSR0 + flow;
		if ((uint32_t)(s.tsval - lo) > (uint32_t)(hi - lo))
			fail_msg("%s, fed the %s: segment %llu: TSval %u outside [%u, %u]",
				 g->fx->desc, th_feed_name(feed), (unsigned long long)k, s.tsval,
				 lo, hi);
	}
	assert_int_equal(tg_build_tcp(&s, g->ref, sizeof(g->ref), NULL, NULL), 0);
	th_assert_frame(g->out, g->ref, g->cfg.frame_len,
			"%s, fed the %s: segment %llu (flow %u, offset %llu)", g->fx->desc,
			th_feed_name(feed), (unsigned long long)k, flow, (unsigned long long)off);
	if (tg_tcp_verify_csums(g->out, g->cfg.frame_len))
		fail_msg("%s, fed the %s: segment %llu: checksums do not verify", g->fx->desc,
			 th_feed_name(feed), (unsigned long long)k);
}

/*
 * With every window open, the flows take turns in bursts: segment k is
 * flow (k / B) % n's, its ((k / (B n)) B + k % B)-th.
 */
static unsigned int burst_flow(uint64_t k, unsigned int n)
{
	return (k / TCP_GEN_BURST) % n;
}

static uint64_t burst_index(uint64_t k, unsigned int n)
{
	return k / ((uint64_t)TCP_GEN_BURST * n) * TCP_GEN_BURST + k % TCP_GEN_BURST;
}

static void test_fixture(void **state)
{
	const struct fixture *fx = *state;
	struct gen *g = gen_load(fx);
	struct tcp_gen_pcpu pc;
	enum th_feed feed;
	uint64_t k;
	unsigned int i;

	for (feed = 0; feed < TH_FEED_N; feed++) {
		reset_flows(g);
		set_pcpu(g, 0, 1, fx->nflows);
		for (k = 0; k < FRAMES; k++) {
			uint64_t t0, t1;
			int v;

			prepare(g, feed, k);
			t0 = tg_now_ns();
			v = gen_run(g);
			t1 = tg_now_ns();
			if (v != XDP_REDIRECT)
				fail_msg("%s, fed the %s: frame %llu: verdict %d, expected XDP_REDIRECT",
					 fx->desc, th_feed_name(feed), (unsigned long long)k,
					 v);
			assert_segment(g, feed, k, burst_flow(k, fx->nflows),
				       burst_index(k, fx->nflows) * fx->payload, t0, t1);
		}
		pc = get_pcpu(g);
		assert_int_equal(pc.segments, FRAMES);
		assert_int_equal(pc.bytes, FRAMES * (uint64_t)g->cfg.frame_len);
		assert_int_equal(pc.payload, FRAMES * (uint64_t)fx->payload);
		assert_int_equal(pc.retransmitted, 0);
		assert_int_equal(pc.window_drops, 0);
		assert_int_equal(pc.short_frames, 0);
		for (i = 0; i < fx->nflows; i++) {
			struct tcp_flow st = get_flow(g, i);
			uint64_t sent = 0;

			for (k = 0; k < FRAMES; k++)
				sent += burst_flow(k, fx->nflows) == i ? fx->payload : 0;

			assert_int_equal(st.snd_nxt, sent);
			assert_int_equal(st.snd_max, sent);
		}
	}
	gen_free(g);
}

static const struct fixture one4 = { "one v4 flow", AF_INET, true, 1000, 1, 5000, 100 };
static const struct fixture four6 = { "four v6 flows", AF_INET6, true, 1000, 4, 5000, 100 };

/* Runs one frame from the template; returns the verdict. */
static int one(struct gen *g)
{
	prepare(g, TH_FEED_TEMPLATE, 0);
	return gen_run(g);
}

static uint32_t out_seq(struct gen *g)
{
	return tg_get32(g->out + g->cfg.l4_off + 4);
}

static uint16_t out_sport(struct gen *g)
{
	return tg_get16(g->out + g->cfg.l4_off);
}

/* n segments from the template, each of which must go out. */
static void send_n(struct gen *g, int n)
{
	int i;

	for (i = 0; i < n; i++)
		assert_int_equal(one(g), XDP_REDIRECT);
}

/*
 * Flow 0's state after n segments with the first una bytes acknowledged,
 * for the caller to change further and write back.
 */
static struct tcp_flow sent_and_acked(struct gen *g, int n, uint64_t una)
{
	struct tcp_flow st;

	send_n(g, n);
	st = get_flow(g, 0);
	st.snd_una = una;
	return st;
}

/* What userspace's retransmission timer asks for: go back to snd_una, once. */
static const struct tcp_flow_ctl rto_ctl = { .limit = UINT64_MAX, .rto_req = 1 };

/* Only whole segments inside the window go out; the others are dropped and counted. */
static void test_window(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = get_flow(g, 0);
	int i;

	st.wnd = 5500;		/* five segments and a half */
	set_flow(g, 0, &st);
	send_n(g, 5);
	for (i = 0; i < 3; i++)
		assert_int_equal(one(g), XDP_DROP);
	assert_int_equal(get_pcpu(g).window_drops, 3);
	assert_int_equal(get_pcpu(g).segments, 5);
	/* Two segments acknowledged: two more fit. */
	st = get_flow(g, 0);
	st.snd_una = 2000;
	set_flow(g, 0, &st);
	assert_int_equal(one(g), XDP_REDIRECT);
	assert_int_equal(out_seq(g), 5000 + 5000);
	assert_int_equal(one(g), XDP_REDIRECT);
	assert_int_equal(one(g), XDP_DROP);
	/* A zero window: nothing. */
	st = get_flow(g, 0);
	st.snd_una = st.snd_max;
	st.wnd = 0;
	set_flow(g, 0, &st);
	assert_int_equal(one(g), XDP_DROP);
	assert_int_equal(get_pcpu(g).window_drops, 5);
	gen_free(g);
}

/* A flow without room is skipped; the others take turns, a burst each. */
static void test_round_robin_skips_full(void **state)
{
	struct gen *g = gen_load(&four6);
	struct tcp_flow st = get_flow(g, 1);
	const uint16_t want[] = { LPORT0, LPORT0 + 2, LPORT0 + 3 };
	unsigned int i;

	st.wnd = 0;
	set_flow(g, 1, &st);
	for (i = 0; i < 7 * TCP_GEN_BURST; i++) {
		assert_int_equal(one(g), XDP_REDIRECT);
		assert_int_equal(out_sport(g), want[i / TCP_GEN_BURST % 3]);
	}
	gen_free(g);
}

/* A flow whose window fills mid-burst hands over to the next at once. */
static void test_burst_ends_when_full(void **state)
{
	struct gen *g = gen_load(&four6);
	struct tcp_flow st = get_flow(g, 0);
	unsigned int i;

	st.wnd = 5 * 1000;
	set_flow(g, 0, &st);
	for (i = 0; i < 5 + TCP_GEN_BURST + 1; i++) {
		assert_int_equal(one(g), XDP_REDIRECT);
		assert_int_equal(out_sport(g), i < 5 ? LPORT0 :
				 i < 5 + TCP_GEN_BURST ? LPORT0 + 1 : LPORT0 + 2);
	}
	gen_free(g);
}

/* A thread (CPU) sends only its share: first 1, stride 2 of 4 flows. */
static void test_thread_share(void **state)
{
	struct gen *g = gen_load(&four6);
	unsigned int i;

	set_pcpu(g, 1, 2, 2);
	for (i = 0; i < 2 * TCP_GEN_BURST + 2; i++) {
		assert_int_equal(one(g), XDP_REDIRECT);
		assert_int_equal(out_sport(g), LPORT0 + 1 + 2 * (i / TCP_GEN_BURST % 2));
	}
	assert_int_equal(get_flow(g, 0).snd_max, 0);
	assert_int_equal(get_flow(g, 2).snd_max, 0);
	assert_int_equal(get_flow(g, 1).snd_max, (TCP_GEN_BURST + 2) * 1000);
	assert_int_equal(get_flow(g, 3).snd_max, TCP_GEN_BURST * 1000);
	gen_free(g);
}

/* Userspace's RTO request: the next segment is snd_una's, retransmitted, once. */
static void test_rto_request(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = sent_and_acked(g, 10, 4000);
	int i;

	set_flow(g, 0, &st);
	set_ctl(g, 0, &rto_ctl);
	for (i = 0; i < 8; i++) {
		assert_int_equal(one(g), XDP_REDIRECT);
		assert_int_equal(out_seq(g), 5000 + 4000 + 1000 * i);
	}
	st = get_flow(g, 0);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.rto_seen, 1);
	assert_int_equal(st.snd_max, 12000);
	assert_int_equal(get_pcpu(g).retransmitted, 6);
	gen_free(g);
}

/*
 * Flow 0 made known to the ACK program, and the peer's ACK of offset
 * ack_off (no data, the window field BIG_WND >> 16) built into g->in.
 */
static struct tg_layout peer_ack(struct gen *g, uint32_t ack_off, uint32_t tsval)
{
	struct tcp_flow_key key = { .lport = htons(LPORT0), .rport = htons(RPORT), .family = 4 };
	struct tg_tcp_spec ack = g->spec;
	struct tg_layout l;
	__u32 idx = 0;

	memcpy(key.local, &g->spec.src.v4, 4);
	memcpy(key.remote, &g->spec.dst.v4, 4);
	assert_int_equal(bpf_map__update_elem(g->p.ack->maps.flow_keys, &key, sizeof(key), &idx,
					      sizeof(idx), BPF_ANY), 0);
	ack.src = g->spec.dst;
	ack.dst = g->spec.src;
	ack.sport = RPORT;
	ack.dport = LPORT0;
	ack.seq = RCV0;
	ack.ack = 5000 + ack_off;
	ack.window = BIG_WND >> 16;
	ack.payload_len = 0;
	ack.tsval = tsval;
	assert_int_equal(tg_build_tcp(&ack, g->in, sizeof(g->in), &l, NULL), 0);
	return l;
}

/*
 * Three duplicate ACKs through the ACK program: the segment at snd_una goes
 * again, once, then new data where it left off.
 */
static void test_fast_retransmit(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tg_layout l;
	int i;

	send_n(g, 10);
	/* The peer's duplicate ACKs of offset 3000 (the window field unchanged). */
	l = peer_ack(g, 3000, TSR0 + 1);
	{
		struct tcp_flow st = get_flow(g, 0);

		st.wscale = 16 - 2;	/* window field << 14 */
		st.wnd = (BIG_WND >> 16) << 14;
		set_flow(g, 0, &st);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(run_prog(g, bpf_program__fd(g->p.ack->progs.tcp_ack), l.len, NULL),
				 XDP_DROP);
		assert_int_equal(get_flow(g, 0).snd_nxt, 10000);
		assert_int_equal(!!(get_flow(g, 0).flags & TCP_FLOW_F_HOLE), i == 3);
	}
	assert_int_equal(get_flow(g, 0).snd_una, 3000);
	assert_int_equal(get_flow(g, 0).fast_retransmits, 1);
	assert_int_equal(one(g), XDP_REDIRECT);
	assert_int_equal(out_seq(g), 5000 + 3000);
	/* It echoes the ACK's TSval. */
	assert_int_equal(tg_get32(g->out + g->cfg.l4_off + 28), TSR0 + 1);
	assert_int_equal(one(g), XDP_REDIRECT);
	assert_int_equal(out_seq(g), 5000 + 10000);
	assert_int_equal(get_pcpu(g).retransmitted, 1);
	assert_int_equal(get_flow(g, 0).snd_max, 11000);
	assert_true(get_flow(g, 0).flags & TCP_FLOW_F_RECOVERY);
	gen_free(g);
}

/* A hole acknowledged before it went out is not sent; an RTO ends the recovery. */
static void test_hole_acked_meanwhile(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = sent_and_acked(g, 10, 4000);

	st.hole = 2000;
	st.recover = 10000;
	st.flags |= TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE;
	set_flow(g, 0, &st);
	assert_int_equal(one(g), XDP_REDIRECT);
	assert_int_equal(out_seq(g), 5000 + 10000);
	assert_int_equal(get_pcpu(g).retransmitted, 0);
	st = get_flow(g, 0);
	assert_false(st.flags & TCP_FLOW_F_HOLE);
	st.hole = 4000;
	st.flags |= TCP_FLOW_F_HOLE;
	set_flow(g, 0, &st);
	set_ctl(g, 0, &rto_ctl);
	assert_int_equal(one(g), XDP_REDIRECT);
	assert_int_equal(out_seq(g), 5000 + 4000);	/* the RTO's go-back, not the hole */
	st = get_flow(g, 0);
	assert_false(st.flags & (TCP_FLOW_F_HOLE | TCP_FLOW_F_RECOVERY));
	assert_int_equal(st.snd_nxt, 5000);
	gen_free(g);
}

/* One frame from the template that must carry flow 0's segment at offset off. */
static void expect_seg(struct gen *g, uint64_t off)
{
	uint64_t t0 = tg_now_ns(), t1;

	prepare(g, TH_FEED_TEMPLATE, 0);
	assert_int_equal(gen_run(g), XDP_REDIRECT);
	t1 = tg_now_ns();
	assert_segment(g, TH_FEED_TEMPLATE, off / 1000, 0, off, t0, t1);
}

/*
 * A SACK recovery as the ACK program leaves it: 20 segments out, una at
 * 4000, segments 6, 7 and 10..13 SACKed, the holes below 14000 lost. The
 * generator sends exactly the holes 4, 5, 8, 9 (each once: pipe 6 + 4
 * segments fills the reno cwnd of 10), nothing while pipe is at cwnd, then
 * after an ACK (pipe down by 2 segments) new data from 20000, 2 segments.
 */
static void test_sack_holes_then_cwnd(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = sent_and_acked(g, 20, 4000);
	static const uint64_t r[][2] = { { 6000, 8000 }, { 10000, 14000 } };
	unsigned int i;

	(void)state;
	st.flags |= TCP_FLOW_F_SACK | TCP_FLOW_F_RECOVERY;
	for (i = 0; i < 2; i++) {
		st.sb.start[i] = r[i][0];
		st.sb.end[i] = r[i][1];
	}
	st.sb.n = 2;
	tcp_sb_sum(&st.sb);
	st.recover = 20000;
	st.rxt_next = 4000;
	st.lost_end = tcp_sb_high(&st.sb);
	tcp_cc_init(&st.cc, TCP_CC_RENO, 1000);
	st.cc.cwnd = st.cc.ssthresh = 10000;
	/* The same pipe the ACK program works out: 16000 out - 6000 SACKed - 4000 lost. */
	st.pipe = tcp_sb_pipe(&st.sb, st.snd_una, st.snd_nxt, st.rxt_next, st.lost_end);
	assert_int_equal(st.pipe, 6000);
	set_flow(g, 0, &st);
	expect_seg(g, 4000);
	expect_seg(g, 5000);
	expect_seg(g, 8000);
	expect_seg(g, 9000);
	st = get_flow(g, 0);
	assert_int_equal(st.pipe, 10000);
	assert_int_equal(st.rxt_next, 10000);
	assert_int_equal(get_pcpu(g).retransmitted, 4);
	assert_int_equal(one(g), XDP_DROP);	/* pipe above cwnd: nothing */
	/* An ACK (here written in) takes pipe down: new data, no hole again. */
	st.pipe = 8000;
	set_flow(g, 0, &st);
	expect_seg(g, 20000);
	expect_seg(g, 21000);
	assert_int_equal(one(g), XDP_DROP);
	st = get_flow(g, 0);
	assert_int_equal(st.snd_max, 22000);
	assert_int_equal(st.pipe, 10000);
	assert_int_equal(get_pcpu(g).retransmitted, 4);
	assert_int_equal(get_pcpu(g).window_drops, 2);
	gen_free(g);
}

/*
 * Pacing (a --cc with an RTT): a frame that finds its flow not due yet is
 * dropped and counted as held; once due, the flow's segment goes, byte for
 * byte, and the next is due a gap later: with a reno window of 10 segments
 * of 1000 bytes and an SRTT of 1 s, slow start's gain of 2 gives 1 s * 1000
 * / (10000 * 2) = 50 ms. The segment is timed for the RTT; a retransmission
 * cancels that (Karn). Without a --cc the same flow is never held.
 */
static void test_pacing(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = get_flow(g, 0);
	uint64_t t0, t1;

	(void)state;
	tcp_cc_init(&st.cc, TCP_CC_RENO, 1000);
	st.rtt.srtt_ns = 1000000000ULL;
	st.pace_next_ns = tg_now_ns() + 10000000000ULL;	/* due in 10 s */
	set_flow(g, 0, &st);
	assert_int_equal(one(g), XDP_DROP);
	assert_int_equal(get_pcpu(g).pace_holds, 1);
	assert_int_equal(get_pcpu(g).window_drops, 1);
	assert_int_equal(get_pcpu(g).segments, 0);
	assert_int_equal(get_flow(g, 0).snd_max, 0);
	/* Due (the time has come): it goes, and the next is 50 ms away. */
	st = get_flow(g, 0);
	st.pace_next_ns = 0;
	set_flow(g, 0, &st);
	t0 = tg_now_ns();
	expect_seg(g, 0);
	t1 = tg_now_ns();
	st = get_flow(g, 0);
	/* Idle before: due from 3 gaps back, so 3 more could go at once; */
	assert_true(st.pace_next_ns >= t0 - 3 * 50000000ULL + 50000000ULL);
	assert_true(st.pace_next_ns <= t1 - 3 * 50000000ULL + 50000000ULL);
	assert_int_equal(st.rtt.seq, 1000);
	assert_true(st.rtt.sent_ns >= t0 && st.rtt.sent_ns <= t1);
	expect_seg(g, 1000);
	expect_seg(g, 2000);
	expect_seg(g, 3000);
	/* then the fifth is held, 50 ms after the fourth was due. */
	assert_int_equal(one(g), XDP_DROP);
	assert_int_equal(get_pcpu(g).pace_holds, 2);
	st = get_flow(g, 0);
	assert_true(st.pace_next_ns >= t0 + 50000000ULL);
	assert_int_equal(st.rtt.seq, 1000);	/* still the first one timed */
	/* An RTO's go-back resends snd_una's segment: paced too, and untimed. */
	st.pace_next_ns = 0;
	set_flow(g, 0, &st);
	set_ctl(g, 0, &rto_ctl);
	expect_seg(g, 0);
	st = get_flow(g, 0);
	assert_int_equal(st.rtt.seq, 0);
	assert_int_equal(get_pcpu(g).retransmitted, 1);
	/* No --cc: no pacing, whatever pace_next_ns says. */
	tcp_cc_init(&st.cc, TCP_CC_NONE, 1000);
	st.pace_next_ns = tg_now_ns() + 10000000000ULL;
	set_flow(g, 0, &st);
	expect_seg(g, 1000);
	assert_int_equal(get_pcpu(g).pace_holds, 2);
	gen_free(g);
}

/*
 * bbr through both programs: 10 segments of 1000 bytes, the first timed
 * (nothing acknowledged before it: its interval starts when it went); the
 * peer's ACK of all 10 is a round trip's sample, 10000 bytes over the time
 * since, the bottleneck bandwidth; cwnd grows by the 10000 (Startup, below
 * 2.89 BDP + 3 quanta). The next segment is due len / (2.89 x that
 * bandwidth) later, less the catch-up of a quantum (in whole segments,
 * less one, gaps). A bandwidth set higher (as the ACK program would, with
 * its pacing worked out) paces faster.
 */
static void bbr_due(struct gen *g, uint64_t btl_bw)
{
	uint64_t gap = 1000ULL * (100000000000000000ULL / (btl_bw * TCP_BBR_GAIN_HIGH)) / 1000000;
	struct tcp_flow st = get_flow(g, 0);
	uint64_t q = btl_bw >> 10, back, t0, t1;

	q = q > 65536 ? 65536 : q < 2000 ? 2000 : q;
	back = (q / 1000 - 1) * gap;
	st.pace_next_ns = 0;
	set_flow(g, 0, &st);
	t0 = tg_now_ns();
	expect_seg(g, st.snd_nxt);
	t1 = tg_now_ns();
	st = get_flow(g, 0);
	assert_true(st.pace_next_ns >= t0 - back + gap);
	assert_true(st.pace_next_ns <= t1 - back + gap);
}

static void test_bbr_rate_and_pacing(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = get_flow(g, 0);
	struct tg_layout l;
	uint64_t sent, t0, t1, lo, hi;
	int i;

	(void)state;
	tcp_cc_init(&st.cc, TCP_CC_BBR, 1000);
	st.rtt.srtt_ns = 1000000;
	st.wscale = 14;
	st.wnd = (BIG_WND >> 16) << 14;
	set_flow(g, 0, &st);
	for (i = 0; i < 10; i++) {
		st = get_flow(g, 0);
		st.pace_next_ns = 0;
		set_flow(g, 0, &st);
		expect_seg(g, i * 1000);
	}
	st = get_flow(g, 0);
	assert_int_equal(st.rtt.seq, 1000);
	assert_int_equal(st.cc.bbr.delivered_at_send, 0);
	sent = st.rtt.sent_ns;

	l = peer_ack(g, 10000, TSR0);	/* TSR0: the echo stays the reference's */
	t0 = tg_now_ns();
	assert_int_equal(run_prog(g, bpf_program__fd(g->p.ack->progs.tcp_ack), l.len, NULL),
			 XDP_DROP);
	t1 = tg_now_ns();
	st = get_flow(g, 0);
	assert_int_equal(st.snd_una, 10000);
	assert_int_equal(st.rtt.samples, 1);
	assert_int_equal(st.cc.bbr.rounds, 1);
	lo = 10000ULL * 1000000000ULL / (t1 - sent);
	hi = 10000ULL * 1000000000ULL / (t0 > sent ? t0 - sent : 1);
	if (st.cc.bbr.btl_bw < lo || st.cc.bbr.btl_bw > hi)
		fail_msg("btl_bw %llu bytes/s, expected 10000 bytes over %llu to %llu ns",
			 (unsigned long long)st.cc.bbr.btl_bw, (unsigned long long)(t0 - sent),
			 (unsigned long long)(t1 - sent));
	assert_int_equal(st.cc.bbr.state, TCP_BBR_STARTUP);
	assert_int_equal(st.cc.cwnd, 20000);
	bbr_due(g, st.cc.bbr.btl_bw);
	/* The model's bandwidth, not the window, sets the pace: 1 Gbit/s. */
	st = get_flow(g, 0);
	st.cc.bbr.btl_bw = 125000000ULL;
	tcp_bbr_pace_set(&st.cc);	/* as the ACK program does on a change of the model */
	set_flow(g, 0, &st);
	bbr_due(g, 125000000ULL);
	gen_free(g);
}

/*
 * A timeout on a SACK flow: one segment of loss window (reno), ssthresh
 * half the flight; everything outstanding but the SACKed ranges goes again,
 * once, in order; then new data. A second timeout without progress drops
 * the scoreboard (the receiver may have reneged).
 */
static void test_sack_rto(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = sent_and_acked(g, 10, 4000);
	struct tcp_flow_ctl c = { .limit = UINT64_MAX, .rto_req = 1 };
	uint64_t want[] = { 4000, 7000, 9000 };
	unsigned int i;

	(void)state;
	st.flags |= TCP_FLOW_F_SACK;
	st.sb.start[0] = 5000;
	st.sb.end[0] = 7000;
	st.sb.start[1] = 8000;
	st.sb.end[1] = 9000;
	st.sb.n = 2;
	tcp_sb_sum(&st.sb);
	tcp_cc_init(&st.cc, TCP_CC_RENO, 1000);
	st.cc.cwnd = 20000;
	st.pipe = 3000;
	set_flow(g, 0, &st);
	set_ctl(g, 0, &c);
	expect_seg(g, want[0]);
	st = get_flow(g, 0);
	assert_int_equal(st.timeouts, 1);
	assert_int_equal(st.cc.cwnd, 1000);
	assert_int_equal(st.cc.ssthresh, 3000);	/* 6000 outstanding / 2 */
	assert_int_equal(st.lost_segs, 3);
	assert_int_equal(st.snd_nxt, 10000);
	assert_int_equal(one(g), XDP_DROP);	/* the loss window is full */
	for (i = 1; i < 3; i++) {
		st = get_flow(g, 0);
		st.pipe = 0;	/* as if each one were acknowledged by SACK */
		set_flow(g, 0, &st);
		expect_seg(g, want[i]);
	}
	st = get_flow(g, 0);
	st.pipe = 0;
	set_flow(g, 0, &st);
	expect_seg(g, 10000);	/* then new data */
	assert_int_equal(get_pcpu(g).retransmitted, 3);
	/* A second timeout, snd_una where it was: the scoreboard goes. */
	c.rto_req = 2;
	set_ctl(g, 0, &c);
	expect_seg(g, 4000);
	st = get_flow(g, 0);
	assert_int_equal(st.timeouts, 2);
	assert_int_equal(st.sb.n, 0);
	assert_int_equal(st.lost_end, 11000);
	gen_free(g);
}

/*
 * A SACK recovery stuck after its walk (userspace bumps rxt_req): the hole
 * below the SACKed range goes once more, then new data; a request with the
 * walk not begun changes nothing.
 */
static void test_sack_walk_again(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = sent_and_acked(g, 10, 4000);
	struct tcp_flow_ctl c = { .limit = UINT64_MAX, .rxt_req = 1 };

	(void)state;
	st.flags |= TCP_FLOW_F_SACK | TCP_FLOW_F_RECOVERY;
	st.sb.start[0] = 5000;
	st.sb.end[0] = 10000;
	st.sb.n = 1;
	tcp_sb_sum(&st.sb);
	st.recover = 10000;
	st.rxt_next = st.lost_end = 5000;
	set_flow(g, 0, &st);
	expect_seg(g, 10000);	/* no request yet: the walk is done, new data */
	set_ctl(g, 0, &c);
	expect_seg(g, 4000);
	expect_seg(g, 11000);
	st = get_flow(g, 0);
	assert_int_equal(st.rxt_seen, 1);
	assert_int_equal(st.rxt_next, 5000);
	assert_int_equal(get_pcpu(g).retransmitted, 1);
	gen_free(g);
}

/* New data stops at the limit; retransmissions below snd_max go on. */
static void test_limit(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow_ctl c = { .limit = 3000 };
	int i;

	set_ctl(g, 0, &c);
	send_n(g, 3);
	assert_int_equal(one(g), XDP_DROP);
	c.rto_req = 1;
	c.limit = 0;		/* draining: nothing new at all */
	set_ctl(g, 0, &c);
	for (i = 0; i < 3; i++) {
		assert_int_equal(one(g), XDP_REDIRECT);
		assert_int_equal(out_seq(g), 5000 + 1000 * i);
	}
	assert_int_equal(one(g), XDP_DROP);
	assert_int_equal(get_pcpu(g).retransmitted, 3);
	gen_free(g);
}

/* A flow still in its handshake, or reset by the peer, gets nothing. */
static void test_not_owned_or_reset(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tcp_flow st = get_flow(g, 0);

	st.phase = TCP_FLOW_HANDSHAKE;
	set_flow(g, 0, &st);
	assert_int_equal(one(g), XDP_DROP);
	st.phase = TCP_FLOW_OWNED;
	st.flags = TCP_FLOW_F_RST;
	set_flow(g, 0, &st);
	assert_int_equal(one(g), XDP_DROP);
	assert_int_equal(get_flow(g, 0).snd_max, 0);
	gen_free(g);
}

/* A frame of another length than the template's is dropped and counted, untouched. */
static void test_short_frame(void **state)
{
	struct gen *g = gen_load(&one4);
	uint32_t out_len;

	prepare(g, TH_FEED_TEMPLATE, 0);
	assert_int_equal(run_prog(g, bpf_program__fd(g->p.gen->progs.tcp_gen),
				  g->cfg.hdr_len - 1, &out_len), XDP_DROP);
	assert_memory_equal(g->out, g->tmpl, g->cfg.hdr_len - 1);
	assert_int_equal(run_prog(g, bpf_program__fd(g->p.gen->progs.tcp_gen),
				  g->cfg.frame_len - 1, &out_len), XDP_DROP);
	assert_int_equal(get_pcpu(g).short_frames, 2);
	assert_int_equal(get_pcpu(g).segments, 0);
	assert_int_equal(get_flow(g, 0).snd_max, 0);
	gen_free(g);
}

/* tcp_ctl sends userspace's segment as it is. */
static void test_ctl(void **state)
{
	struct gen *g = gen_load(&one4);
	struct tg_tcp_spec s = g->spec;
	struct tg_layout l;
	uint32_t out_len;

	s.flags = TG_TCP_FIN | TG_TCP_ACK;
	s.payload_len = 0;
	assert_int_equal(tg_build_tcp(&s, g->in, sizeof(g->in), &l, NULL), 0);
	assert_int_equal(run_prog(g, bpf_program__fd(g->p.gen->progs.tcp_ctl), l.len, &out_len),
			 XDP_REDIRECT);
	assert_int_equal(out_len, l.len);
	assert_memory_equal(g->out, g->in, l.len);
	gen_free(g);
}

int main(void)
{
	const struct th_rows tables[] = { TH_ROWS(fixtures, test_fixture) };
	const struct CMUnitTest extra[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_round_robin_skips_full),
		cmocka_unit_test(test_burst_ends_when_full),
		cmocka_unit_test(test_thread_share),
		cmocka_unit_test(test_rto_request),
		cmocka_unit_test(test_fast_retransmit),
		cmocka_unit_test(test_hole_acked_meanwhile),
		cmocka_unit_test(test_sack_holes_then_cwnd),
		cmocka_unit_test(test_sack_rto),
		cmocka_unit_test(test_pacing),
		cmocka_unit_test(test_bbr_rate_and_pacing),
		cmocka_unit_test(test_sack_walk_again),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_not_owned_or_reset),
		cmocka_unit_test(test_short_frame),
		cmocka_unit_test(test_ctl),
	};

	return th_run_group("tcp_gen", &test_cpu, tables, 1, extra,
			    sizeof(extra) / sizeof(extra[0]));
}
