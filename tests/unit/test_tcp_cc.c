// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/tcp_cc.h as plain C: the SACK scoreboard (merges, trims, the hole
 * walk, RFC 6675's IsLost and pipe, malformed and out-of-window blocks) and
 * the congestion window (RFC 5681 slow start, congestion avoidance and loss;
 * RFC 9438's K and W_cubic(t) at chosen times, fast convergence), the
 * round-trip time (RFC 6298's smoothing) and pacing, and bbr's model
 * (delivery-rate samples, the max filter, states and gains), against
 * worked examples computed by hand here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "tcp_cc.h"

#define MSS 1000u
#define NS 1000000000ULL

static struct tcp_sb sb_of(const uint64_t (*r)[2], unsigned int n)
{
	struct tcp_sb sb;
	unsigned int i;

	memset(&sb, 0, sizeof(sb));
	for (i = 0; i < n; i++) {
		sb.start[i] = r[i][0];
		sb.end[i] = r[i][1];
	}
	sb.n = n;
	tcp_sb_sum(&sb);
	return sb;
}

static void assert_sb(const struct tcp_sb *sb, const uint64_t (*r)[2], unsigned int n)
{
	uint64_t sum = 0;
	unsigned int i;

	assert_int_equal(sb->n, n);
	for (i = 0; i < n; i++) {
		assert_int_equal(sb->start[i], r[i][0]);
		assert_int_equal(sb->end[i], r[i][1]);
		sum += r[i][1] - r[i][0];
	}
	assert_int_equal(sb->sacked, sum);
	assert_int_equal(sb->pad, 0);
}

static void test_sb_add_merge(void **state)
{
	struct tcp_sb sb = sb_of(NULL, 0);

	(void)state;
	assert_int_equal(tcp_sb_add(&sb, 5000, 6000), 1000);
	assert_int_equal(tcp_sb_add(&sb, 8000, 9000), 1000);
	assert_int_equal(tcp_sb_add(&sb, 2000, 3000), 1000);
	assert_sb(&sb, (const uint64_t[][2]){ { 2000, 3000 }, { 5000, 6000 }, { 8000, 9000 } }, 3);
	/* Touching ranges join; one already held adds nothing. */
	assert_int_equal(tcp_sb_add(&sb, 6000, 7000), 1000);
	assert_int_equal(tcp_sb_add(&sb, 5000, 6000), 0);
	assert_sb(&sb, (const uint64_t[][2]){ { 2000, 3000 }, { 5000, 7000 }, { 8000, 9000 } }, 3);
	/* One block bridging all of them. */
	assert_int_equal(tcp_sb_add(&sb, 2500, 8500), 3000);
	assert_sb(&sb, (const uint64_t[][2]){ { 2000, 9000 } }, 1);
}

static void test_sb_add_full(void **state)
{
	struct tcp_sb sb = sb_of(NULL, 0);
	unsigned int i;

	(void)state;
	for (i = 0; i < TCP_SB_MAX; i++)
		tcp_sb_add(&sb, 10000 + i * 2000, 11000 + i * 2000);
	assert_int_equal(sb.n, TCP_SB_MAX);
	/* A ninth range: the lowest goes. */
	assert_int_equal(tcp_sb_add(&sb, 30000, 31000), 0);
	assert_int_equal(sb.n, TCP_SB_MAX);
	assert_int_equal(sb.start[0], 12000);
	assert_int_equal(sb.end[TCP_SB_MAX - 1], 31000);
	assert_int_equal(sb.sacked, TCP_SB_MAX * 1000);
}

/* A full scoreboard: each way tcp_sb_add moves the ranges it keeps. */
static void test_sb_add_full_moves(void **state)
{
	static const uint64_t full[TCP_SB_MAX][2] = {
		{ 10000, 11000 }, { 12000, 13000 }, { 14000, 15000 }, { 16000, 17000 },
		{ 18000, 19000 }, { 20000, 21000 }, { 22000, 23000 }, { 24000, 25000 },
	};
	struct tcp_sb sb = sb_of(full, TCP_SB_MAX);

	(void)state;
	/* Below all of them: the new range is the lowest, and goes itself. */
	assert_int_equal(tcp_sb_add(&sb, 1000, 2000), 0);
	assert_sb(&sb, full, TCP_SB_MAX);
	/* Between two: the lowest goes, those below the new one move down. */
	assert_int_equal(tcp_sb_add(&sb, 13200, 13500), 0);
	assert_sb(&sb, (const uint64_t[][2]){ { 12000, 13000 }, { 13200, 13500 },
		  { 14000, 15000 }, { 16000, 17000 }, { 18000, 19000 }, { 20000, 21000 },
		  { 22000, 23000 }, { 24000, 25000 } }, TCP_SB_MAX);
	/* Joining three: nothing goes, those above move down two. */
	sb = sb_of(full, TCP_SB_MAX);
	assert_int_equal(tcp_sb_add(&sb, 11000, 14000), 2000);
	assert_sb(&sb, (const uint64_t[][2]){ { 10000, 15000 }, { 16000, 17000 },
		  { 18000, 19000 }, { 20000, 21000 }, { 22000, 23000 }, { 24000, 25000 } }, 6);
	/* With room again, one between moves those above it up one. */
	assert_int_equal(tcp_sb_add(&sb, 15500, 15600), 100);
	assert_sb(&sb, (const uint64_t[][2]){ { 10000, 15000 }, { 15500, 15600 },
		  { 16000, 17000 }, { 18000, 19000 }, { 20000, 21000 }, { 22000, 23000 },
		  { 24000, 25000 } }, 7);
	/* Reaching past the highest. */
	assert_int_equal(tcp_sb_add(&sb, 23500, 26000), 1500);
	assert_sb(&sb, (const uint64_t[][2]){ { 10000, 15000 }, { 15500, 15600 },
		  { 16000, 17000 }, { 18000, 19000 }, { 20000, 21000 }, { 22000, 23000 },
		  { 23500, 26000 } }, 7);
}

static void test_sb_trim(void **state)
{
	static const uint64_t r[][2] = { { 2000, 3000 }, { 5000, 7000 }, { 8000, 9000 } };
	struct tcp_sb sb = sb_of(r, 3);

	(void)state;
	tcp_sb_trim(&sb, 1000);
	assert_sb(&sb, r, 3);
	tcp_sb_trim(&sb, 6000);
	assert_sb(&sb, (const uint64_t[][2]){ { 6000, 7000 }, { 8000, 9000 } }, 2);
	tcp_sb_trim(&sb, 9000);
	assert_sb(&sb, NULL, 0);
	assert_int_equal(tcp_sb_high(&sb), 0);
}

static void test_sb_block(void **state)
{
	struct tcp_sb sb = sb_of(NULL, 0);
	uint32_t una32 = 0xfffffc00u;	/* the wire wraps inside the window */
	__u64 una = 100000, max = 110000, n;

	(void)state;
	assert_int_equal(tcp_sb_block(&sb, una, max, una32, una32 + 2000, una32 + 3000, &n), 0);
	assert_int_equal(n, 1000);
	assert_sb(&sb, (const uint64_t[][2]){ { 102000, 103000 } }, 1);
	/* Rejected, the scoreboard untouched. */
	assert_int_equal(tcp_sb_block(&sb, una, max, una32, una32 + 3000, una32 + 3000, &n),
			 TCP_SB_EMPTY);
	assert_int_equal(tcp_sb_block(&sb, una, max, una32, una32 + 4000, una32 + 3000, &n),
			 TCP_SB_EMPTY);
	assert_int_equal(tcp_sb_block(&sb, una, max, una32, una32 - 2000, una32, &n),
			 TCP_SB_BELOW);
	assert_int_equal(tcp_sb_block(&sb, una, max, una32, una32 + 9000, una32 + 10001, &n),
			 TCP_SB_ABOVE);
	assert_int_equal(n, 0);
	assert_sb(&sb, (const uint64_t[][2]){ { 102000, 103000 } }, 1);
	/* Across snd_una: kept from snd_una on; up to snd_max exactly is fine. */
	assert_int_equal(tcp_sb_block(&sb, una, max, una32, una32 - 500, una32 + 500, &n), 0);
	assert_int_equal(tcp_sb_block(&sb, una, max, una32, una32 + 9000, una32 + 10000, &n), 0);
	assert_sb(&sb, (const uint64_t[][2]){ { 100000, 100500 }, { 102000, 103000 },
					   { 109000, 110000 } }, 3);
}

/* RFC 6675's example shape: segments 1..10 of 1000 bytes, 2 and 5 lost. */
static void test_sb_holes_islost_pipe(void **state)
{
	static const uint64_t r[][2] = { { 2000, 4000 }, { 5000, 10000 } };
	struct tcp_sb sb = sb_of(r, 2);

	(void)state;
	assert_int_equal(tcp_sb_high(&sb), 10000);
	/* The walk: 1000 (una's segment), then 4000, then past the top. */
	assert_int_equal(tcp_sb_next_hole(&sb, 1000), 1000);
	assert_int_equal(tcp_sb_next_hole(&sb, 2000), 4000);
	assert_int_equal(tcp_sb_next_hole(&sb, 5000), 10000);
	assert_int_equal(tcp_sb_sacked_in(&sb, 3000, 6000), 2000);
	/* IsLost: more than 2 MSS SACKed above. */
	assert_true(tcp_sb_is_lost(&sb, 1000, MSS));
	assert_true(tcp_sb_is_lost(&sb, 4000, MSS));
	assert_false(tcp_sb_is_lost(&sb, 7999, MSS));
	assert_false(tcp_sb_is_lost(&sb, 8000, MSS));
	/* Three discontiguous ranges above, one byte each. */
	{
		static const uint64_t t[][2] = { { 3000, 3001 }, { 5000, 5001 }, { 7000, 7001 } };
		struct tcp_sb s3 = sb_of(t, 3);

		assert_true(tcp_sb_is_lost(&s3, 2000, MSS));
		assert_false(tcp_sb_is_lost(&s3, 3000, MSS));
	}
	/*
	 * Pipe: 10000 sent from una 1000 = 9000 out, 7000 SACKed: 2000; with
	 * both holes lost and not resent, 0; the first one resent, 1000.
	 */
	assert_int_equal(tcp_sb_pipe(&sb, 1000, 10000, 0, 0), 2000);
	assert_int_equal(tcp_sb_pipe(&sb, 1000, 10000, 1000, 10000), 0);
	assert_int_equal(tcp_sb_pipe(&sb, 1000, 10000, 2000, 10000), 1000);
	assert_int_equal(tcp_sb_pipe(&sb, 1000, 10000, 5000, 10000), 2000);
}

static void test_cbrt(void **state)
{
	uint64_t x, r;

	(void)state;
	for (x = 0; x < 100000; x++) {
		r = tcp_cbrt(x);
		assert_true(r * r * r <= x && (r + 1) * (r + 1) * (r + 1) > x);
	}
	for (r = 1; r < 2000000; r += 997) {
		assert_int_equal(tcp_cbrt(r * r * r), r);
		assert_int_equal(tcp_cbrt(r * r * r - 1), r - 1);
	}
	assert_int_equal(tcp_cbrt((1ULL << 63) - 1), 2097151);
}

/* RFC 5681 3.1: an RTT of ACKs for cwnd bytes doubles cwnd in slow start. */
static void test_reno_slow_start(void **state)
{
	struct tcp_cc cc;
	unsigned int i;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_RENO, MSS);
	assert_int_equal(cc.cwnd, 10 * MSS);
	assert_int_equal(cc.ssthresh, UINT32_MAX);
	for (i = 0; i < 5; i++)		/* delayed ACKs: 2 segments each */
		tcp_cc_on_ack(&cc, 2 * MSS, 0, NULL);
	assert_int_equal(cc.cwnd, 20 * MSS);
	/* ssthresh reached mid-ACK: the rest counts towards congestion avoidance. */
	cc.ssthresh = 21 * MSS;
	tcp_cc_on_ack(&cc, 3 * MSS, 0, NULL);
	assert_int_equal(cc.cwnd, 21 * MSS);
	assert_int_equal(cc.acked, 2 * MSS);
}

/* RFC 5681 3.1, byte counting: one MSS for each cwnd of bytes acknowledged. */
static void test_reno_avoidance(void **state)
{
	struct tcp_cc cc;
	unsigned int i;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_RENO, MSS);
	cc.cwnd = cc.ssthresh = 10 * MSS;
	for (i = 0; i < 9; i++)
		tcp_cc_on_ack(&cc, MSS, 0, NULL);
	assert_int_equal(cc.cwnd, 10 * MSS);
	tcp_cc_on_ack(&cc, MSS, 0, NULL);
	assert_int_equal(cc.cwnd, 11 * MSS);
	assert_int_equal(cc.acked, 0);
	/* The next MSS takes 11 MSS of ACKs. */
	for (i = 0; i < 10; i++)
		tcp_cc_on_ack(&cc, MSS, 0, NULL);
	assert_int_equal(cc.cwnd, 11 * MSS);
	tcp_cc_on_ack(&cc, MSS, 0, NULL);
	assert_int_equal(cc.cwnd, 12 * MSS);
}

/* RFC 5681 eq. 4 and the loss window. */
static void test_reno_loss(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_RENO, MSS);
	cc.cwnd = 40 * MSS;
	tcp_cc_on_loss(&cc, 30 * MSS);		/* FlightSize / 2 */
	assert_int_equal(cc.ssthresh, 15 * MSS);
	assert_int_equal(cc.cwnd, 15 * MSS);
	tcp_cc_on_loss(&cc, 3 * MSS);		/* never below 2 MSS */
	assert_int_equal(cc.ssthresh, 2 * MSS);
	cc.cwnd = 40 * MSS;
	tcp_cc_on_rto(&cc, 20 * MSS);
	assert_int_equal(cc.ssthresh, 10 * MSS);
	assert_int_equal(cc.cwnd, MSS);
}

/* cwnd stops at TCP_CC_CWND_MAX: no wrap past 2^32 on a long clean run. */
static void test_cwnd_cap(void **state)
{
	struct tcp_cc cc;
	unsigned int i;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_RENO, MSS);
	for (i = 0; i < 100; i++)
		tcp_cc_on_ack(&cc, 0x7fffffffu, 0, NULL);
	assert_int_equal(cc.cwnd, TCP_CC_CWND_MAX);
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	cc.ssthresh = TCP_CC_CWND_MAX - MSS;
	for (i = 0; i < 100; i++)
		tcp_cc_on_ack(&cc, 0x7fffffffu, (uint64_t)i * NS, NULL);
	assert_true(cc.cwnd <= TCP_CC_CWND_MAX && cc.cwnd >= TCP_CC_CWND_MAX - MSS);
	/* cubic backs off from the flight when the receiver kept it below cwnd. */
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	cc.cwnd = 1000 * MSS;
	tcp_cc_on_loss(&cc, 100 * MSS);
	assert_int_equal(cc.w_max, 100 * MSS);
	assert_int_equal(cc.cwnd, 70 * MSS);
}

static void test_none(void **state)
{
	struct tcp_cc cc, before;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_NONE, MSS);
	before = cc;
	tcp_cc_on_ack(&cc, 5 * MSS, 1, NULL);
	tcp_cc_on_loss(&cc, 50 * MSS);
	tcp_cc_on_rto(&cc, 50 * MSS);
	assert_memory_equal(&cc, &before, sizeof(cc));
}

/*
 * RFC 9438: W_max 100 segments, cwnd after the loss 70: K = cbrt(30 / 0.4)
 * = cbrt(75) = 4.2172 s = 4318.4 / 1024 s; W(0) = 70, W(K) = 100,
 * W(K + 1 s) = 100 + 0.4 = 100.4 segments, W(K + 5 s) = 100 + 0.4 * 125 = 150.
 */
static void test_cubic_k_w(void **state)
{
	uint32_t k;

	(void)state;
	k = tcp_cubic_k(100 * MSS, 70 * MSS, MSS);
	assert_int_equal(k, 4318);
	assert_true(fabs(k / 1024.0 - cbrt(75.0)) < 0.002);
	assert_int_equal(tcp_cubic_k(100 * MSS, 100 * MSS, MSS), 0);
	assert_int_equal(tcp_cubic_k(100 * MSS, 120 * MSS, MSS), 0);
	/* W(0) within 0.1% of 70 segments (K rounded down to 1/1024 s). */
	assert_true(fabs(tcp_cubic_w(100 * MSS, k, 0, MSS) - 70.0 * MSS) < 70);
	assert_int_equal(tcp_cubic_w(100 * MSS, k, k, MSS), 100 * MSS);
	assert_int_equal(tcp_cubic_w(100 * MSS, k, k + 1024, MSS), 100400);
	assert_int_equal(tcp_cubic_w(100 * MSS, k, k + 5 * 1024, MSS), 150 * MSS);
	assert_int_equal(tcp_cubic_w(100 * MSS, k, k - 1024, MSS), 99600);
}

/* RFC 9438 4.6, 4.7: beta 0.7, fast convergence, and growth along W_cubic. */
static void test_cubic_loss_and_growth(void **state)
{
	struct tcp_cc cc;
	uint64_t t0 = 1000 * NS;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	cc.cwnd = 100 * MSS;
	tcp_cc_on_loss(&cc, 100 * MSS);
	assert_int_equal(cc.w_max, 100 * MSS);
	assert_int_equal(cc.ssthresh, 70 * MSS);
	assert_int_equal(cc.cwnd, 70 * MSS);
	assert_int_equal(cc.epoch_ns, 0);
	/* A loss below the last W_max: fast convergence, W_max = cwnd * (1 + beta) / 2. */
	tcp_cc_on_loss(&cc, 70 * MSS);
	assert_int_equal(cc.w_max, 59500);
	assert_int_equal(cc.cwnd, 49 * MSS);

	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	cc.cwnd = 100 * MSS;
	tcp_cc_on_loss(&cc, 100 * MSS);
	/* The epoch starts at the first ACK in congestion avoidance: K from 70 to 100. */
	tcp_cc_on_ack(&cc, MSS, t0, NULL);
	assert_int_equal(cc.epoch_ns, t0);
	assert_int_equal(cc.k, 4318);
	/* Just after the epoch, cubic and Reno-friendly both near 70: a little growth. */
	assert_true(cc.cwnd >= 70 * MSS && cc.cwnd < 71 * MSS);
	/* At t = K the target is W_max: ACKs of a window bring cwnd there. */
	{
		unsigned int i;

		for (i = 0; i < 400; i++)
			tcp_cc_on_ack(&cc, MSS, t0 + 4318ULL * NS / 1024, NULL);
		assert_true(cc.cwnd > 99 * MSS && cc.cwnd <= 100 * MSS);
	}
	/* RTO: one segment, W_max from the window before. */
	tcp_cc_on_rto(&cc, cc.cwnd);
	assert_int_equal(cc.cwnd, MSS);
}

/* RFC 6298 2.2 and 2.3, in ns: 100 us, then 180 us, then 60 us. */
static void test_rtt_rfc6298(void **state)
{
	struct tcp_rtt rt;

	(void)state;
	memset(&rt, 0, sizeof(rt));
	tcp_rtt_update(&rt, 100000);
	/* First: SRTT = R, RTTVAR = R / 2. */
	assert_int_equal(rt.srtt_ns, 100000);
	assert_int_equal(rt.rttvar_ns, 50000);
	assert_int_equal(rt.min_ns, 100000);
	tcp_rtt_update(&rt, 180000);
	/* RTTVAR = 3/4 50000 + 1/4 |100000 - 180000| = 57500; SRTT = 7/8 100000 + 1/8 180000. */
	assert_int_equal(rt.rttvar_ns, 57500);
	assert_int_equal(rt.srtt_ns, 110000);
	assert_int_equal(rt.min_ns, 100000);
	tcp_rtt_update(&rt, 60000);
	/* 3/4 57500 + 1/4 50000 = 55625; 7/8 110000 + 1/8 60000 = 103750. */
	assert_int_equal(rt.rttvar_ns, 55625);
	assert_int_equal(rt.srtt_ns, 103750);
	assert_int_equal(rt.min_ns, 60000);
	assert_int_equal(rt.samples, 3);
	/* A sample of 0 counts as 1 ns; one past the cap as the cap. */
	memset(&rt, 0, sizeof(rt));
	tcp_rtt_update(&rt, 0);
	assert_int_equal(rt.srtt_ns, 1);
	assert_int_equal(rt.min_ns, 1);
	memset(&rt, 0, sizeof(rt));
	tcp_rtt_update(&rt, 10 * NS);
	assert_int_equal(rt.srtt_ns, TCP_RTT_MAX_NS);
	assert_int_equal(rt.rttvar_ns, TCP_RTT_MAX_NS / 2);
}

/*
 * The pacing gap and rate: a window of 10 segments of 1000 bytes over an
 * SRTT of 100 us is 800 Mbit/s; slow start paces at twice that, 1.6
 * Gbit/s (a segment every 5 us), congestion avoidance at 1.2 times, 960
 * Mbit/s (every 8.333 us). A smaller peer window paces instead; no --cc or
 * no RTT yet: no pacing.
 */
static void test_pace_gap(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	assert_int_equal(cc.cwnd, 10 * MSS);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, 100000, MSS), 5000);
	assert_int_equal(tcp_pace_rate_bps(&cc, 1u << 30, 100000), 1600000000ULL);
	/* Slow start ends at half of ssthresh, for the gain. */
	cc.ssthresh = 20 * MSS + 2;
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, 100000, MSS), 5000);
	cc.ssthresh = 20 * MSS;
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, 100000, MSS), 8333);
	assert_int_equal(tcp_pace_rate_bps(&cc, 1u << 30, 100000), 960000000ULL);
	/* The peer's window of 5 segments: half the rate. */
	assert_int_equal(tcp_pace_gap_ns(&cc, 5 * MSS, 100000, MSS), 16666);
	/* A zero window counts as one segment (a probe's pace). */
	assert_int_equal(tcp_pace_gap_ns(&cc, 0, 100000, MSS), 83333);
	/* A short last segment: a gap in proportion. */
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, 100000, 100), 833);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, 0, MSS), 0);
	assert_int_equal(tcp_pace_rate_bps(&cc, 1u << 30, 0), 0);
	tcp_cc_init(&cc, TCP_CC_NONE, MSS);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, 100000, MSS), 0);
	assert_int_equal(tcp_pace_rate_bps(&cc, 1u << 30, 100000), 0);
}

/*
 * When the next segment is due: a gap after the last due time while the
 * flow keeps up; a flow that fell behind catches up by at most
 * TCP_PACE_BURST segments back to back, then keeps the gap.
 */
static void test_pace_next(void **state)
{
	uint64_t now = 1000000, due = 0;
	unsigned int sent = 0;

	(void)state;
	assert_int_equal(TCP_PACE_BURST, 4);
	/* Keeping up: 100 ns late, the next is still 5000 after the last due time. */
	assert_int_equal(tcp_pace_next(1000000, 1000100, 5000), 1005000);
	/* Idle since: the due time comes from 3 gaps back. */
	assert_int_equal(tcp_pace_next(0, now, 5000), 990000);
	/* Frames at one instant: 4 go, the fifth is held until 1005000. */
	while (due <= now && sent < 100) {
		due = tcp_pace_next(due, now, 5000);
		sent++;
	}
	assert_int_equal(sent, 4);
	assert_int_equal(due, 1005000);
	/* Near the clock's start: no wrap below 0. */
	assert_int_equal(tcp_pace_next(0, 1000, 5000), 5000);
	/* No pacing (gap 0): always due now. */
	assert_int_equal(tcp_pace_next(0, now, 0), now);
}

/*
 * bbr's delivery-rate samples and its max filter: a sample is the bytes
 * delivered (snd_una + SACKed) since the timed segment went, over the time
 * since then, or since the last ACK before it went. feed() gives round
 * after round a sample of bw bytes/s (bw / 10000 bytes in 100 us).
 */
static void feed(struct tcp_bbr *b, uint64_t bw)
{
	b->delivered_at_send = 5000000;
	b->delivered_ns = 0;
	tcp_bbr_sample(b, 5000000 + bw / 10000, 7 * NS, 7 * NS + 100000);
}

static void test_bbr_sample_filter(void **state)
{
	struct tcp_bbr b;
	unsigned int r;

	(void)state;
	memset(&b, 0, sizeof(b));
	/* 100000 bytes in 100 us: 1e9 bytes/s, round 1. */
	tcp_bbr_sample(&b, 100000, NS, NS + 100000);
	assert_int_equal(b.rounds, 1);
	assert_int_equal(b.btl_bw, 1000000000ULL);
	/* The last ACK before the segment went, 50 us before it: 150 us. */
	b.delivered_at_send = 100000;
	b.delivered_ns = 2 * NS - 50000;
	tcp_bbr_sample(&b, 250000, 2 * NS, 2 * NS + 100000);
	assert_int_equal(b.bw[b.slot], 1000000000ULL);
	/* An ACK time after the sending (a later ACK): from the sending. */
	b.delivered_ns = 3 * NS + 1;
	b.delivered_at_send = 0;
	tcp_bbr_sample(&b, 300000, 3 * NS, 3 * NS + 100000);
	assert_int_equal(b.bw[b.slot], 3000000000ULL);
	assert_int_equal(b.btl_bw, 3000000000ULL);
	/* Delivered fell (a SACKed range let go): a sample of 0, not a wrap. */
	b.delivered_at_send = 500;
	tcp_bbr_sample(&b, 400, 4 * NS, 4 * NS + 1000);
	assert_int_equal(b.bw[b.slot], 0);

	/* The window: a sample is the max for TCP_BBR_ROUNDS rounds, its own and 9 more. */
	memset(&b, 0, sizeof(b));
	assert_int_equal(TCP_BBR_ROUNDS, 10);
	feed(&b, 1000000000ULL);
	feed(&b, 2000000000ULL);
	for (r = 0; r < 9; r++) {
		feed(&b, 500000000ULL);
		assert_int_equal(b.btl_bw, 2000000000ULL);
	}
	feed(&b, 500000000ULL);
	assert_int_equal(b.rounds, 12);
	assert_int_equal(b.btl_bw, 500000000ULL);
	/* Far above any veth: held at TCP_BBR_BW_MAX. */
	feed(&b, 1ULL << 40);
	assert_int_equal(b.btl_bw, TCP_BBR_BW_MAX);
}

/*
 * Startup ends after 3 rounds without 25% growth: 1e9, then 2e9 (grew),
 * then 2.4e9 (less than 25% more than 2e9), 2.4e9 and 2e9: Drain at the
 * third. Growth of 25% exactly restarts the count.
 */
static void test_bbr_startup_exit(void **state)
{
	struct tcp_bbr b;

	(void)state;
	memset(&b, 0, sizeof(b));
	feed(&b, 1000000000ULL);
	assert_int_equal(b.full_bw, 1000000000ULL);
	feed(&b, 2000000000ULL);
	assert_int_equal(b.full_bw, 2000000000ULL);
	feed(&b, 2400000000ULL);
	feed(&b, 2400000000ULL);
	assert_int_equal(b.full_cnt, 2);
	assert_int_equal(b.state, TCP_BBR_STARTUP);
	feed(&b, 3000000000ULL);	/* 2.5e9 would do: 25% over full_bw */
	assert_int_equal(b.full_cnt, 0);
	assert_int_equal(b.full_bw, 3000000000ULL);
	feed(&b, 1000000000ULL);
	feed(&b, 1000000000ULL);
	assert_int_equal(b.state, TCP_BBR_STARTUP);
	feed(&b, 1000000000ULL);
	assert_int_equal(b.state, TCP_BBR_DRAIN);
	/* Out of Startup, the count stops. */
	feed(&b, 1000000000ULL);
	assert_int_equal(b.full_cnt, 3);
}

/*
 * The gains and the window, at a bottleneck of 1 Gbit/s (1.25e8 bytes/s)
 * and min_rtt 100 us: BDP 12500 bytes; the quantum is 1 ms of it (122070
 * bytes) held at 64 KB. Pacing: gap = len / (gain x bw), 1000 bytes every
 * 8000 ns at gain 1; Startup 2.89 (2768 ns), Drain 0.35 (22857 ns),
 * ProbeBW 1.25 (6400 ns) and 0.75 (10666 ns). cwnd = 2 x BDP + 3 x 64 KB
 * = 221608 in ProbeBW, 2.89 x BDP + 3 x 64 KB = 232733 in Startup.
 */
static void test_bbr_states_gains(void **state)
{
	const uint64_t rtt = 100000, t0 = 5 * NS;
	struct tcp_cc cc;
	uint64_t del = 0;
	unsigned int i;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_BBR, MSS);
	assert_int_equal(cc.cwnd, 10 * MSS);
	/* No sample yet: slow start's growth, unpaced. */
	del += 5000;
	tcp_bbr_on_ack(&cc, del, 5000, 0, t0);
	assert_int_equal(cc.cwnd, 15 * MSS);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, rtt, MSS), 0);
	assert_int_equal(tcp_pace_rate_bps(&cc, 1u << 30, rtt), 0);

	cc.bbr.btl_bw = 125000000ULL;
	tcp_bbr_pace_set(&cc);
	assert_int_equal(tcp_bbr_bdp(&cc.bbr, rtt), 12500);
	assert_int_equal(tcp_bbr_quantum(&cc), 65536);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, rtt, MSS), 2768);
	assert_int_equal(tcp_pace_rate_bps(&cc, 1u << 30, rtt), 2890000000ULL);
	/* Startup: cwnd grows by what is delivered while below its target. */
	del += 300000;
	tcp_bbr_on_ack(&cc, del, 0, rtt, t0);
	assert_int_equal(cc.cwnd, 315000);
	del += 1000;
	tcp_bbr_on_ack(&cc, del, 0, rtt, t0);
	assert_int_equal(cc.cwnd, 315000);	/* above 232733: kept, not cut */

	/* Drain: paced at 0.35; cwnd cut to its target; ends at the BDP in flight. */
	cc.bbr.state = TCP_BBR_DRAIN;
	tcp_bbr_pace_set(&cc);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, rtt, MSS), 22857);
	tcp_bbr_on_ack(&cc, del, 12501, rtt, t0);
	assert_int_equal(cc.bbr.state, TCP_BBR_DRAIN);
	assert_int_equal(cc.cwnd, 232733);
	tcp_bbr_on_ack(&cc, del, 12500, rtt, t0);
	assert_int_equal(cc.bbr.state, TCP_BBR_PROBE_BW);
	assert_int_equal(cc.bbr.cycle, 2);
	assert_int_equal(cc.cwnd, 221608);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, rtt, MSS), 8000);
	assert_int_equal(tcp_pace_rate_bps(&cc, 1u << 30, rtt), 1000000000ULL);

	/* ProbeBW: a phase a min_rtt long; 6 phases of 1, then 1.25, then 0.75. */
	tcp_bbr_on_ack(&cc, del, 50000, rtt, t0 + rtt);
	assert_int_equal(cc.bbr.cycle, 2);
	for (i = 1; i <= 6; i++)
		tcp_bbr_on_ack(&cc, del, 50000, rtt, t0 + i * (rtt + 1));
	assert_int_equal(cc.bbr.cycle, 0);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, rtt, MSS), 6400);
	tcp_bbr_on_ack(&cc, del, 50000, rtt, t0 + 7 * (rtt + 1));
	assert_int_equal(cc.bbr.cycle, 1);
	assert_int_equal(tcp_pace_gap_ns(&cc, 1u << 30, rtt, MSS), 10666);
	/* 0.75 ends as soon as the flight is down to the BDP. */
	tcp_bbr_on_ack(&cc, del, 12500, rtt, t0 + 7 * (rtt + 1) + 1);
	assert_int_equal(cc.bbr.cycle, 2);

	/* A loss changes nothing; a timeout leaves one segment, the next ACK the model's. */
	tcp_cc_on_loss(&cc, 200000);
	assert_int_equal(cc.cwnd, 221608);
	assert_int_equal(cc.ssthresh, 0xffffffffu);
	tcp_cc_on_rto(&cc, 200000);
	assert_int_equal(cc.cwnd, MSS);
	tcp_bbr_on_ack(&cc, del, 0, rtt, t0 + 8 * rtt);
	assert_int_equal(cc.cwnd, 4 * MSS);	/* nothing newly delivered: the floor */
	del += 100000;
	tcp_bbr_on_ack(&cc, del, 0, rtt, t0 + 8 * rtt);
	assert_int_equal(cc.cwnd, 104000);
	/* tcp_cc_on_ack (reno's and cubic's) leaves bbr's window alone. */
	tcp_cc_on_ack(&cc, 50000, t0, NULL);
	assert_int_equal(cc.cwnd, 104000);

	/* A slow path: the quantum is 2 segments at least (1e6 bytes/s: 976 bytes). */
	cc.bbr.btl_bw = 1000000;
	assert_int_equal(tcp_bbr_quantum(&cc), 2 * MSS);
	tcp_bbr_pace_set(&cc);
	assert_int_equal(cc.bbr.catchup, 1);
}

/*
 * What was delivered when the timed segment went, found at the first ACK
 * after it: 30000 delivered by the ACK at 2 ms; a segment sent at 2.5 ms
 * takes 30000 and 2 ms; later ACKs (at 3 ms) leave that. The segment timed
 * before it bounds the interval from below: the round's data went since.
 */
static void test_bbr_mark(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_BBR, MSS);
	tcp_bbr_mark(&cc.bbr, 1000);
	assert_int_equal(cc.bbr.delivered_at_send, 0);
	assert_int_equal(cc.bbr.delivered_ns, 0);
	tcp_bbr_on_ack(&cc, 30000, 0, 0, 2000000);
	tcp_bbr_mark(&cc.bbr, 2500000);
	assert_int_equal(cc.bbr.delivered_at_send, 30000);
	assert_int_equal(cc.bbr.delivered_ns, 2000000);
	tcp_bbr_on_ack(&cc, 40000, 0, 0, 3000000);
	tcp_bbr_mark(&cc.bbr, 2500000);
	assert_int_equal(cc.bbr.delivered_at_send, 30000);
	assert_int_equal(cc.bbr.delivered_ns, 2000000);
	assert_int_equal(cc.bbr.tx_ns, 2500000);
	assert_int_equal(cc.bbr.tx_prev_ns, 1000);
	/*
	 * Its sample: 10000 bytes from the ACK at 2 ms to 3 ms, but sent over
	 * the 2.499 ms since the segment timed before: 4001600 bytes/s.
	 */
	tcp_bbr_sample(&cc.bbr, 40000, 2500000, 3000000);
	assert_int_equal(cc.bbr.btl_bw, 4001600);
	/* Timed at 3.1 ms, 20000 more by 3.3 ms: over 0.6 ms of sending, not 0.3 of ACKs. */
	tcp_bbr_mark(&cc.bbr, 3100000);
	tcp_bbr_on_ack(&cc, 60000, 0, 0, 3300000);
	tcp_bbr_sample(&cc.bbr, 60000, 3100000, 3300000);
	assert_int_equal(cc.bbr.tx_prev_ns, 2500000);
	assert_int_equal(cc.bbr.bw[cc.bbr.slot], 33333333);
}

/*
 * bbr's catch-up after the generator ran late: a quantum (64 KB: 65
 * segments of 1000) less one segment, not TCP_PACE_BURST; others unchanged.
 */
static void test_bbr_pace_due(void **state)
{
	struct tcp_cc cc;

	(void)state;
	tcp_cc_init(&cc, TCP_CC_BBR, MSS);
	cc.bbr.btl_bw = 125000000ULL;
	tcp_bbr_pace_set(&cc);
	assert_int_equal(cc.bbr.catchup, 64);
	assert_int_equal(tcp_pace_due(&cc, 0, 1000000, 8000), 1000000 - 64 * 8000 + 8000);
	assert_int_equal(tcp_pace_due(&cc, 999000, 1000000, 8000), 1007000);
	assert_int_equal(tcp_pace_due(&cc, 0, 1000, 8000), 8000);
	tcp_cc_init(&cc, TCP_CC_CUBIC, MSS);
	assert_int_equal(tcp_pace_due(&cc, 0, 1000000, 5000), 990000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sb_add_merge),
		cmocka_unit_test(test_sb_add_full),
		cmocka_unit_test(test_sb_add_full_moves),
		cmocka_unit_test(test_sb_trim),
		cmocka_unit_test(test_sb_block),
		cmocka_unit_test(test_sb_holes_islost_pipe),
		cmocka_unit_test(test_cbrt),
		cmocka_unit_test(test_reno_slow_start),
		cmocka_unit_test(test_reno_avoidance),
		cmocka_unit_test(test_reno_loss),
		cmocka_unit_test(test_cwnd_cap),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_cubic_k_w),
		cmocka_unit_test(test_cubic_loss_and_growth),
		cmocka_unit_test(test_rtt_rfc6298),
		cmocka_unit_test(test_pace_gap),
		cmocka_unit_test(test_pace_next),
		cmocka_unit_test(test_bbr_sample_filter),
		cmocka_unit_test(test_bbr_startup_exit),
		cmocka_unit_test(test_bbr_states_gains),
		cmocka_unit_test(test_bbr_pace_due),
		cmocka_unit_test(test_bbr_mark),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
