/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_CC_H
#define TG_TCP_CC_H
/*
 * The SACK scoreboard and the congestion window of one flow of `trafficgen
 * tcp`: plain C, shared by bpf/tcp_ack.bpf.c, bpf/tcp_gen.bpf.c (which run
 * it under the flow's bpf_spin_lock, where no helper or global function
 * may be called: static subprograms and bounded loops only) and userspace
 * (the unit tests check it against worked examples, the BPF tests use it
 * as the reference).
 *
 * Sequence numbers are 64-bit offsets from the first payload byte, as in
 * bpf/tcp_gen.h; windows and sizes are bytes.
 */
#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
/*
 * For the verifier (kernel 6.18): the scoreboard's walks are subprograms
 * (static ones may be called under a bpf_spin_lock, global ones may not),
 * which it walks anew for each state of their caller, but which leave none
 * of their own state behind to split the caller's; and their 8-step loops
 * are unrolled, for the verifier prunes the paths through a loop's body
 * poorly (a path that leaves one step went on through all the steps left).
 */
#ifdef __bpf__
#define TCP_SB_SUBPROG inline __attribute__((noinline))
#define TCP_SB_UNROLL _Pragma("unroll")
#else
#define TCP_SB_SUBPROG inline
#define TCP_SB_UNROLL
#endif

/* Ranges kept: the receiver reports at most 4 blocks an ACK, Linux 3 with timestamps. */
#define TCP_SB_MAX 8

/* SACKed ranges above snd_una: sorted, disjoint, not touching. */
struct tcp_sb {
	__u64 start[TCP_SB_MAX];
	__u64 end[TCP_SB_MAX];	/* exclusive */
	__u64 sacked;		/* bytes in the ranges */
	__u32 n;
	__u32 pad;		/* scratch of tcp_sb_add, 0 between calls */
};

/* tcp_sb_block's verdicts. */
enum {
	TCP_SB_OK = 0,
	TCP_SB_EMPTY,		/* start == end, or start past end */
	TCP_SB_BELOW,		/* wholly at or below snd_una: old news, or a D-SACK */
	TCP_SB_ABOVE,		/* ends past snd_max: data never sent */
};

static TCP_SB_SUBPROG void tcp_sb_sum(struct tcp_sb *sb)
{
	__u64 s = 0;
	__u32 i;

	TCP_SB_UNROLL
	for (i = 0; i < TCP_SB_MAX; i++) {
		if (i >= sb->n)
			break;
		s += sb->end[i] - sb->start[i];
	}
	sb->sacked = s;
}

/*
 * Adds [s, e) (s < e, as tcp_sb_block passes), merging it with the ranges
 * it overlaps or touches. With no room left the lowest range goes: its
 * bytes count as missing again, which costs a needless retransmission,
 * never a byte the receiver lacks.
 * Returns the bytes newly SACKed.
 *
 * Written for the verifier, which walks this once for each SACK block of
 * the ACK program: one pass counts the ranges wholly below [s, e) (lo) and
 * those not wholly above it (hi); sorted, ranges lo..hi-1 are the ones it
 * meets. The counts go through sb->pad, in the map value: read back from
 * there they are numbers the verifier does not know, so every way through
 * the pass ends in one state, not one per count (as a local counter or a
 * loop that stops at the first range above would). Then one unrolled loop
 * moves the ranges the change displaces, in place. Indices are masked to
 * the arrays (no-ops: they are below TCP_SB_MAX).
 */
static TCP_SB_SUBPROG __u64 tcp_sb_add(struct tcp_sb *sb, __u64 s, __u64 e)
{
	volatile __u32 *kp = &sb->pad;
	__u64 before = sb->sacked;
	__u32 i, j, n = sb->n, lo, hi, d;

	if (n > TCP_SB_MAX)
		n = TCP_SB_MAX;
	*kp = 0;
	TCP_SB_UNROLL
	for (i = 0; i < TCP_SB_MAX; i++) {
		if (i >= n)
			break;
		*kp += (sb->end[i] < s) + ((sb->start[i] <= e) << 8);
	}
	lo = *kp & 0xff;
	hi = *kp >> 8;
	*kp = 0;
	if (hi > n || lo > hi)
		return 0;	/* not sorted: cannot be */
	if (lo < hi) {
		/* One range from the lowest met to the highest, at lo; those above move down. */
		if (sb->start[lo & (TCP_SB_MAX - 1)] < s)
			s = sb->start[lo & (TCP_SB_MAX - 1)];
		if (sb->end[(hi - 1) & (TCP_SB_MAX - 1)] > e)
			e = sb->end[(hi - 1) & (TCP_SB_MAX - 1)];
		sb->start[lo & (TCP_SB_MAX - 1)] = s;
		sb->end[lo & (TCP_SB_MAX - 1)] = e;
		d = hi - lo - 1;
		TCP_SB_UNROLL
		for (j = 1; j < TCP_SB_MAX; j++) {
			if (j <= lo)
				continue;
			if (j + d >= n)
				break;
			sb->start[j] = sb->start[(j + d) & (TCP_SB_MAX - 1)];
			sb->end[j] = sb->end[(j + d) & (TCP_SB_MAX - 1)];
		}
		sb->n = n - d;
	} else if (n < TCP_SB_MAX) {
		/* A range of its own at lo: those from lo up move up one. */
		TCP_SB_UNROLL
		for (i = 0; i < TCP_SB_MAX - 1; i++) {
			j = TCP_SB_MAX - 2 - i;	/* from the top down */
			if (j < lo)
				break;
			if (j >= n)
				continue;
			sb->start[j + 1] = sb->start[j];
			sb->end[j + 1] = sb->end[j];
		}
		sb->start[lo & (TCP_SB_MAX - 1)] = s;
		sb->end[lo & (TCP_SB_MAX - 1)] = e;
		sb->n = n + 1;
	} else if (lo) {
		/* Full: the lowest range goes, those below lo move down one. */
		TCP_SB_UNROLL
		for (i = 0; i < TCP_SB_MAX - 1; i++) {
			if (i + 1 >= lo)
				break;
			sb->start[i] = sb->start[i + 1];
			sb->end[i] = sb->end[i + 1];
		}
		sb->start[(lo - 1) & (TCP_SB_MAX - 1)] = s;
		sb->end[(lo - 1) & (TCP_SB_MAX - 1)] = e;
	}
	/* else full and [s, e) the lowest: it goes itself. */
	tcp_sb_sum(sb);
	return sb->sacked > before ? sb->sacked - before : 0;
}

/*
 * One SACK block off the wire (32-bit sequence numbers) against the flow:
 * una32 is snd_una on the wire, una and max its offsets. A block that
 * starts below snd_una but ends above it is kept from snd_una.
 */
static __always_inline int tcp_sb_block(struct tcp_sb *sb, __u64 una, __u64 max, __u32 una32,
					__u32 start32, __u32 end32, __u64 *newly)
{
	__s32 ds = (__s32)(start32 - una32), de = (__s32)(end32 - una32);

	*newly = 0;
	if (de <= ds)
		return TCP_SB_EMPTY;
	if (de <= 0)
		return TCP_SB_BELOW;
	if (una + (__u64)de > max)
		return TCP_SB_ABOVE;
	*newly = tcp_sb_add(sb, una + (ds < 0 ? 0 : (__u64)ds), una + (__u64)de);
	return TCP_SB_OK;
}

/*
 * A cumulative ACK to una: ranges at or below it go, one across it is cut.
 * The count kept goes through sb->pad, as in tcp_sb_add.
 */
static TCP_SB_SUBPROG void tcp_sb_trim(struct tcp_sb *sb, __u64 una)
{
	volatile __u32 *kp = &sb->pad;
	__u32 i, k;
	__u64 a, b;

	*kp = 0;
	TCP_SB_UNROLL
	for (i = 0; i < TCP_SB_MAX; i++) {
		if (i >= sb->n)
			break;
		a = sb->start[i];
		b = sb->end[i];
		if (b <= una)
			continue;
		k = *kp;
		sb->start[k & (TCP_SB_MAX - 1)] = a < una ? una : a;
		sb->end[k & (TCP_SB_MAX - 1)] = b;
		*kp = k + 1;
	}
	k = *kp;
	sb->n = k > TCP_SB_MAX ? TCP_SB_MAX : k;
	*kp = 0;
	tcp_sb_sum(sb);
}

/* The highest SACKed byte + 1, 0 with none. */
static __always_inline __u64 tcp_sb_high(const struct tcp_sb *sb)
{
	__u32 n = sb->n;

	if (!n || n > TCP_SB_MAX)
		return 0;
	return sb->end[(n - 1) & (TCP_SB_MAX - 1)];
}

/* The first byte at or after p that is not SACKed. */
static TCP_SB_SUBPROG __u64 tcp_sb_next_hole(const struct tcp_sb *sb, __u64 p)
{
	__u32 i;

	TCP_SB_UNROLL
	for (i = 0; i < TCP_SB_MAX; i++) {
		if (i >= sb->n)
			break;
		if (p >= sb->start[i] && p < sb->end[i])
			p = sb->end[i];
	}
	return p;
}

/* SACKed bytes in [a, b). */
static TCP_SB_SUBPROG __u64 tcp_sb_sacked_in(const struct tcp_sb *sb, __u64 a, __u64 b)
{
	__u64 sum = 0, s, e;
	__u32 i;

	TCP_SB_UNROLL
	for (i = 0; i < TCP_SB_MAX; i++) {
		if (i >= sb->n)
			break;
		s = sb->start[i] > a ? sb->start[i] : a;
		e = sb->end[i] < b ? sb->end[i] : b;
		if (e > s)
			sum += e - s;
	}
	return sum;
}

/*
 * RFC 6675 IsLost(seq), DupThresh 3: three discontiguous SACKed ranges
 * above seq, or more than 2 * mss bytes SACKed above it.
 */
static __always_inline int tcp_sb_is_lost(const struct tcp_sb *sb, __u64 seq, __u32 mss)
{
	__u32 n = sb->n;

	/* Sorted: three ranges above seq if the third from the top starts above it. */
	if (n >= 3 && n <= TCP_SB_MAX && sb->start[(n - 3) & (TCP_SB_MAX - 1)] > seq)
		return 1;
	return tcp_sb_sacked_in(sb, seq + 1, (__u64)-1) > 2ULL * mss;
}

/*
 * RFC 6675 SetPipe, in the form the generator keeps cheaply: what was sent
 * (una to nxt), less what the receiver SACKed, less the holes marked lost
 * and not sent again yet ([rxt, lost_end), the retransmit pointer's walk).
 */
static TCP_SB_SUBPROG __u64 tcp_sb_pipe(const struct tcp_sb *sb, __u64 una, __u64 nxt,
					 __u64 rxt, __u64 lost_end)
{
	__u64 out = nxt > una ? nxt - una : 0, gone = sb->sacked, from = rxt > una ? rxt : una;

	if (lost_end > nxt)
		lost_end = nxt;
	if (lost_end > from)
		gone += lost_end - from - tcp_sb_sacked_in(sb, from, lost_end);
	return out > gone ? out - gone : 0;
}

/* --cc: struct tcp_cc.algo */
enum {
	TCP_CC_NONE = 0,	/* no congestion window: fill the peer's window */
	TCP_CC_RENO,		/* RFC 5681 */
	TCP_CC_CUBIC,		/* RFC 9438 */
	TCP_CC_BBR,		/* a BBR (v1) model: struct tcp_bbr */
};

#define TCP_CC_IW_SEGS 10	/* RFC 6928's initial window */
/* Far above any window a peer offers (2^30 at most, RFC 7323), and room below 2^32 to grow. */
#define TCP_CC_CWND_MAX (1u << 30)
/* RFC 9438: C = 0.4, beta = 0.7; cubic's time in units of 1/1024 s. */
#define TCP_CUBIC_HZ_SHIFT 10

/*
 * BBR, version 1, simplified (the man page lists what is left out): the
 * bottleneck bandwidth is the largest delivery rate of the last
 * TCP_BBR_ROUNDS round trips, one sample a round trip (the timed segment's:
 * bytes delivered, cumulatively or SACKed, from its sending to its ACK,
 * over that time, tcp_bbr_sample); the propagation delay is the smallest RTT sample
 * (struct tcp_rtt, never aged out: no ProbeRTT). Pacing is gain x
 * bandwidth, cwnd is cwnd_gain x BDP + 3 quanta; loss does not change
 * the model.
 */
#define TCP_BBR_ROUNDS 10
#define TCP_BBR_BW_MAX (1ULL << 34)	/* bytes/s, 137 Gbit/s: keeps BDP's product in 64 bits */
#define TCP_BBR_RTT_MAX (1ULL << 29)	/* ns, about 0.5 s, likewise */
/* Gains in hundredths: 2/ln 2 in Startup, its inverse in Drain. */
#define TCP_BBR_GAIN_HIGH 289
#define TCP_BBR_GAIN_DRAIN 35
#define TCP_BBR_CWND_GAIN 200
#define TCP_BBR_CYCLE 8		/* ProbeBW: 1.25, 0.75, then 1 six times */

enum {
	TCP_BBR_STARTUP = 0,
	TCP_BBR_DRAIN,
	TCP_BBR_PROBE_BW,
};

struct tcp_bbr {
	__u64 bw[TCP_BBR_ROUNDS];	/* bytes/s: one sample a round, in turn */
	__u64 btl_bw;		/* the largest of bw[]: the bottleneck bandwidth, 0 none yet */
	__u64 full_bw;		/* Startup: the bandwidth last seen to grow by 25% */
	__u64 rounds;		/* rate samples taken (round trips) */
	__u64 delivered_at_send;	/* snd_una + SACKed when the timed segment went */
	__u64 delivered_ns;	/* the last ACK before it went (0: none) */
	__u64 delivered_seen;	/* snd_una + SACKed after the last ACK: an ACK delivered the rise */
	__u64 ack_ns;		/* when that ACK came */
	__u64 tx_ns;		/* when the timed segment went (as last seen by tcp_bbr_mark) */
	__u64 tx_prev_ns;	/* when the one before it went (0: none) */
	__u64 cycle_ns;		/* ProbeBW: when the gain phase began */
	__u8 state;
	__u8 cycle;		/* ProbeBW: the phase, 0 to TCP_BBR_CYCLE - 1 */
	__u8 full_cnt;		/* Startup: rounds without 25% growth */
	__u8 slot;		/* bw[] of the latest round */
	__u8 pad[4];
	/*
	 * The pacing the model asks for, worked out by the ACK program
	 * (tcp_bbr_pace_set) so that the generator's per-segment path stays
	 * short: fs a byte (0: unpaced, no bandwidth yet), and the segments
	 * beyond one a late flow may catch up by.
	 */
	__u64 gap_fs;
	__u64 catchup;
};

struct tcp_cc {
	__u32 cwnd;		/* bytes */
	__u32 ssthresh;
	__u32 acked;		/* congestion avoidance: bytes acknowledged towards the next MSS */
	__u32 w_max;		/* cubic: the window before the last reduction */
	__u32 w_est;		/* cubic: the Reno-friendly estimate */
	__u32 k;		/* cubic: K, 1/1024 s */
	__u16 mss;
	__u8 algo;
	__u8 pad;
	__u32 pad2;
	__u64 epoch_ns;		/* cubic: start of the congestion avoidance epoch, 0 none */
	struct tcp_bbr bbr;	/* bbr: the model */
};

static __always_inline void tcp_cc_init(struct tcp_cc *cc, __u8 algo, __u16 mss)
{
	__builtin_memset(cc, 0, sizeof(*cc));
	cc->algo = algo;
	cc->mss = mss ? mss : 536;
	cc->cwnd = TCP_CC_IW_SEGS * cc->mss;
	cc->ssthresh = 0xffffffffu;
}

/*
 * Cube root of x (below 2^63), rounded down, by Newton's iteration from
 * above: each step lands at or above the root, so a fixed count of steps
 * and one correction give it. (The bit-by-bit method branches on every
 * bit of a result the verifier knows exactly: 2^21 paths.)
 */
#define TCP_CBRT_STEPS 48
static __always_inline __u64 tcp_cbrt(__u64 x)
{
	__u64 y = 1ULL << 21, q;	/* above cbrt(2^63) */
	int i;

	if (!x)
		return 0;
	for (i = 0; i < TCP_CBRT_STEPS; i++) {
		q = y * y;
		y = (2 * y + x / (q ? q : 1)) / 3;
		if (!y)
			y = 1;
	}
	if (y * y * y > x)
		y--;
	return y;
}

/* RFC 9438 eq. 2, K = cbrt((W_max - cwnd_epoch) / C), in 1/1024 s. */
static __always_inline __u32 tcp_cubic_k(__u32 w_max, __u32 cwnd, __u16 mss)
{
	/* The difference in 1/16 segments keeps K's precision and the cube below 2^64. */
	__u64 d16;

	if (w_max <= cwnd)
		return 0;
	d16 = ((__u64)(w_max - cwnd) << 4) / mss;
	if (d16 > (1ULL << 26))
		d16 = 1ULL << 26;
	/* (d16 / 16) / 0.4 * 1024^3 = d16 * 5 * 2^25 */
	return (__u32)tcp_cbrt(d16 * (5ULL << 25));
}

/* RFC 9438 eq. 1, W_cubic(t) = C (t - K)^3 + W_max, bytes; t in 1/1024 s. */
static __always_inline __u32 tcp_cubic_w(__u32 w_max, __u32 k, __u64 t, __u16 mss)
{
	__u64 off = t > k ? t - k : k - t, delta;

	if (off > (1ULL << 16))
		off = 1ULL << 16;	/* 64 s: well past any window's growth */
	/* 0.4 * (off / 1024)^3 segments = off^3 * 2 / (5 * 2^30) */
	delta = ((off * off * off) >> 10) * mss * 2 / (5ULL << 20);
	if (t >= k)
		return delta > 0xffffffffULL - w_max ? 0xffffffffu : w_max + (__u32)delta;
	return delta >= w_max ? mss : w_max - (__u32)delta;
}

/*
 * K worked out ahead, for the w_max and cwnd it was worked out from. The
 * BPF programs compute it before taking the flow's lock and pass it in:
 * the cube root's loop, verified on every path through the locked code,
 * made the ACK program too big to load. Userspace passes NULL.
 */
struct tcp_cubic_hint {
	__u32 w_max, cwnd, k;
};

static __always_inline void tcp_cubic_hint(struct tcp_cubic_hint *h, const struct tcp_cc *cc)
{
	const volatile struct tcp_cc *v = cc;

	h->w_max = v->w_max;
	h->cwnd = v->cwnd;
	h->k = tcp_cubic_k(h->w_max, h->cwnd, v->mss);
}

/*
 * Congestion avoidance of cubic, for `acked` bytes newly acknowledged at
 * now_ns. With a hint that does not match (another CPU changed the window
 * meanwhile) the epoch waits for the next ACK.
 */
static __always_inline void tcp_cubic_ca(struct tcp_cc *cc, __u32 acked, __u64 now_ns,
					 const struct tcp_cubic_hint *h)
{
	__u64 t, target, inc, cwnd = cc->cwnd;

	if (!cc->epoch_ns) {
		if (h && (h->w_max != cc->w_max || h->cwnd != cc->cwnd))
			return;
#ifdef __bpf__
		if (!h)
			return;
		cc->k = h->k;
#else
		cc->k = h ? h->k : tcp_cubic_k(cc->w_max, cc->cwnd, cc->mss);
#endif
		cc->epoch_ns = now_ns ? now_ns : 1;
		cc->w_est = cc->cwnd;
		if (cc->w_max < cc->cwnd) {
			cc->w_max = cc->cwnd;	/* no loss yet: the plateau is here */
			cc->k = 0;
		}
	}
	t = now_ns > cc->epoch_ns ? ((now_ns - cc->epoch_ns) << 7) / 125000000ULL : 0;
	target = tcp_cubic_w(cc->w_max, cc->k, t, cc->mss);
	if (target > cwnd + cwnd / 2)
		target = cwnd + cwnd / 2;
	if (acked > cc->cwnd)
		acked = cc->cwnd;
	/*
	 * RFC 9438 4.3: W_est grows by alpha segments an RTT, alpha =
	 * 3 (1 - beta) / (1 + beta) = 9/17 below W_max, 1 above.
	 */
	inc = (__u64)acked * cc->mss / cwnd;
	cc->w_est += (__u32)(cc->w_est < cc->w_max ? inc * 9 / 17 : inc);
	if (target < cc->w_est) {
		cc->cwnd = cc->w_est;	/* the Reno-friendly region */
	} else if (target > cwnd) {
		inc = (target - cwnd) * acked / cwnd;
		cc->cwnd += (__u32)inc;
	}
}

/*
 * New data acknowledged, outside a loss recovery (in one, cwnd does not
 * grow); the caller calls it only while the flow uses its window (RFC 7661:
 * a window nobody fills is not validated by its ACKs).
 */
static __always_inline void tcp_cc_on_ack(struct tcp_cc *cc, __u32 acked, __u64 now_ns,
					  const struct tcp_cubic_hint *h)
{
	__u32 room;

	if (cc->algo == TCP_CC_NONE || cc->algo == TCP_CC_BBR || !acked ||
	    cc->cwnd >= TCP_CC_CWND_MAX)
		return;
	if (acked > TCP_CC_CWND_MAX)
		acked = TCP_CC_CWND_MAX;
	if (cc->cwnd < cc->ssthresh) {
		/*
		 * Slow start counts every byte acknowledged (RFC 5681 3.1 allows
		 * at most one MSS an ACK; a GRO receiver acknowledges tens of
		 * segments at once, so the limit would make it crawl, and
		 * Linux counts them all too). What passes ssthresh goes on to
		 * congestion avoidance.
		 */
		room = cc->ssthresh - cc->cwnd;
		if (acked < room) {
			cc->cwnd += acked;
			if (cc->cwnd > TCP_CC_CWND_MAX)
				cc->cwnd = TCP_CC_CWND_MAX;
			return;
		}
		if (cc->ssthresh > TCP_CC_CWND_MAX) {
			cc->cwnd = TCP_CC_CWND_MAX;
			return;
		}
		cc->cwnd = cc->ssthresh;
		acked -= room;
		if (!acked)
			return;
	}
	if (cc->algo == TCP_CC_CUBIC) {
		tcp_cubic_ca(cc, acked, now_ns, h);
		if (cc->cwnd > TCP_CC_CWND_MAX)
			cc->cwnd = TCP_CC_CWND_MAX;
		return;
	}
	/* RFC 5681 3.1, byte counting: one MSS for each cwnd of bytes acknowledged. */
	cc->acked += acked;
	if (cc->acked >= cc->cwnd) {
		cc->acked -= cc->cwnd;
		cc->cwnd += cc->mss;
		if (cc->acked >= cc->cwnd)
			cc->acked = 0;
	}
}

/*
 * A loss found by duplicate ACKs or SACK (fast recovery begins); flight is
 * the data outstanding (RFC 5681's FlightSize). cwnd = ssthresh: with the
 * pipe estimate of RFC 6675 no inflation is needed.
 */
static __always_inline void tcp_cc_on_loss(struct tcp_cc *cc, __u64 flight)
{
	__u64 two = 2ULL * cc->mss, th;
	__u32 w;

	/* bbr (v1): a loss is no signal; the recovery resends the holes only. */
	if (cc->algo == TCP_CC_NONE || cc->algo == TCP_CC_BBR)
		return;
	if (cc->algo == TCP_CC_CUBIC) {
		/*
		 * RFC 9438 4.6 and 4.7 (fast convergence), from the flight size
		 * if below cwnd (4.6 allows it): a window the receiver limited
		 * says nothing of the path.
		 */
		w = flight < cc->cwnd ? (__u32)flight : cc->cwnd;
		if (w < cc->w_max)
			cc->w_max = (__u32)((__u64)w * 17 / 20);
		else
			cc->w_max = w;
		th = (__u64)w * 7 / 10;
		cc->epoch_ns = 0;
	} else {
		/* RFC 5681 eq. 4 */
		th = flight / 2;
	}
	if (th < two)
		th = two;
	if (th > 0xffffffffULL)
		th = 0xffffffffULL;
	cc->ssthresh = (__u32)th;
	cc->cwnd = cc->ssthresh;
	cc->acked = 0;
}

/* A retransmission timeout: as a loss, then one segment (RFC 5681 3.1's loss window). */
static __always_inline void tcp_cc_on_rto(struct tcp_cc *cc, __u64 flight)
{
	if (cc->algo == TCP_CC_NONE)
		return;
	tcp_cc_on_loss(cc, flight);
	cc->cwnd = cc->mss;	/* bbr: regrown to its model's by the next ACKs */
}

/* BDP = btl_bw x min_rtt, bytes. */
static __always_inline __u64 tcp_bbr_bdp(const struct tcp_bbr *b, __u64 min_rtt_ns)
{
	if (min_rtt_ns > TCP_BBR_RTT_MAX)
		min_rtt_ns = TCP_BBR_RTT_MAX;
	return b->btl_bw * min_rtt_ns / 1000000000ULL;
}

static __always_inline __u32 tcp_bbr_pacing_gain(const struct tcp_bbr *b)
{
	if (b->state == TCP_BBR_STARTUP)
		return TCP_BBR_GAIN_HIGH;
	if (b->state == TCP_BBR_DRAIN)
		return TCP_BBR_GAIN_DRAIN;
	return b->cycle == 0 ? 125 : b->cycle == 1 ? 75 : 100;
}

static __always_inline __u32 tcp_bbr_cwnd_gain(const struct tcp_bbr *b)
{
	return b->state == TCP_BBR_PROBE_BW ? TCP_BBR_CWND_GAIN : TCP_BBR_GAIN_HIGH;
}

/*
 * At an ACK, before its sample if any: a timed segment sent (at sent_ns)
 * after the last ACK found delivered what that ACK left. Worked out here,
 * on the ACK side, and not when the segment goes: the generator's path
 * per segment stays short.
 */
static __always_inline void tcp_bbr_mark(struct tcp_bbr *b, __u64 sent_ns)
{
	if (sent_ns > b->ack_ns) {
		b->delivered_at_send = b->delivered_seen;
		b->delivered_ns = b->ack_ns;
		if (sent_ns != b->tx_ns) {
			b->tx_prev_ns = b->tx_ns;
			b->tx_ns = sent_ns;
		}
	}
}

/*
 * A round trip's delivery-rate sample, at now_ns, when the timed segment
 * sent at sent_ns was ACKed or SACKed; delivered is snd_una + SACKed bytes
 * now. As Linux's rate samples, the interval is the longer of the time
 * since the last ACK before the segment went, if any (the deliveries
 * counted came after it: a segment sent just before a burst of ACKs would
 * see their bytes arrive in less than its round trip), and the time over
 * which they were sent (below). It ends the round: the sample takes the
 * slot of the round TCP_BBR_ROUNDS ago, and Startup ends after 3 rounds in
 * which the bandwidth did not grow by 25%.
 */
static __always_inline void tcp_bbr_sample(struct tcp_bbr *b, __u64 delivered, __u64 sent_ns,
					   __u64 now_ns)
{
	__u64 from = b->delivered_ns && b->delivered_ns < sent_ns ? b->delivered_ns : sent_ns;
	__u64 interval_ns = now_ns > from ? now_ns - from : 1, d, bw, max = 0;
	__u32 i, slot;

	/*
	 * Nor faster than the data went: what this round delivered was sent
	 * since the timed segment before (timed only once that one was
	 * delivered), as Linux's send_elapsed bounds a burst of ACKs.
	 */
	if (sent_ns == b->tx_ns && b->tx_prev_ns && sent_ns - b->tx_prev_ns > interval_ns)
		interval_ns = sent_ns - b->tx_prev_ns;
	d = delivered > b->delivered_at_send ? delivered - b->delivered_at_send : 0;
	if (d > (1ULL << 32))
		d = 1ULL << 32;
	bw = d * 1000000000ULL / interval_ns;
	if (bw > TCP_BBR_BW_MAX)
		bw = TCP_BBR_BW_MAX;
	b->rounds++;
	/* The slot read back from the map: a bound the verifier sees checked. */
	slot = *(volatile __u8 *)&b->slot + 1;
	if (slot >= TCP_BBR_ROUNDS)
		slot = 0;
	b->slot = (__u8)slot;
	b->bw[slot] = bw;
	for (i = 0; i < TCP_BBR_ROUNDS; i++)
		if (b->bw[i] > max)
			max = b->bw[i];
	b->btl_bw = max;
	if (b->state != TCP_BBR_STARTUP)
		return;
	if (max * 4 >= b->full_bw * 5) {
		b->full_bw = max;
		b->full_cnt = 0;
	} else if (++b->full_cnt >= 3) {
		b->state = TCP_BBR_DRAIN;
	}
}

/*
 * The unit a flow's segments go and come back in, as Linux's bbr counts
 * it (its TSO burst): about 1 ms of the bandwidth, 2 segments to 64 KB.
 * The generator sends no TSO bursts, but the receiver's GRO acknowledges
 * tens of segments at once: with a window of 2 BDP + 3 segments a path of
 * a few microseconds (a BDP below one segment) would stall between ACKs.
 */
#define TCP_BBR_QUANTUM_MAX 65536u
static __always_inline __u64 tcp_bbr_quantum(const struct tcp_cc *cc)
{
	__u64 q = cc->bbr.btl_bw >> 10;

	if (q > TCP_BBR_QUANTUM_MAX)
		q = TCP_BBR_QUANTUM_MAX;
	return q < 2ULL * cc->mss ? 2ULL * cc->mss : q;
}

/*
 * The model's pacing for the generator: a gap of len / (gain x btl_bw), in
 * fs a byte; a catch-up of a quantum (tcp_bbr_quantum) in whole segments,
 * less the one sent. Called after each change of the model.
 */
static __always_inline void tcp_bbr_pace_set(struct tcp_cc *cc)
{
	struct tcp_bbr *b = &cc->bbr;

	b->gap_fs = b->btl_bw ? 100000000000000000ULL / (b->btl_bw * tcp_bbr_pacing_gain(b)) : 0;
	b->catchup = tcp_bbr_quantum(cc) / cc->mss - 1;
}

/*
 * An ACK (after any sample it completed): delivered as for tcp_bbr_sample,
 * inflight RFC 6675's pipe. Drain ends once the flight is down to the BDP;
 * a ProbeBW phase lasts min_rtt (0.75's ends sooner at the BDP); cwnd goes
 * to cwnd_gain x BDP + 3 quanta (tcp_bbr_quantum), growing by what was
 * delivered (as slow start does) until the first sample and while Startup
 * is below it.
 */
static __always_inline void tcp_bbr_on_ack(struct tcp_cc *cc, __u64 delivered, __u64 inflight,
					   __u64 min_rtt_ns, __u64 now_ns)
{
	struct tcp_bbr *b = &cc->bbr;
	__u64 acked = delivered > b->delivered_seen ? delivered - b->delivered_seen : 0;
	__u64 bdp = tcp_bbr_bdp(b, min_rtt_ns), target, cwnd = cc->cwnd;

	b->delivered_seen = delivered;
	b->ack_ns = now_ns;
	if (b->state == TCP_BBR_DRAIN && b->btl_bw && inflight <= bdp) {
		/* Into the cruising phase: the cycle's probe comes next turn round. */
		b->state = TCP_BBR_PROBE_BW;
		b->cycle = 2;
		b->cycle_ns = now_ns;
	} else if (b->state == TCP_BBR_PROBE_BW &&
		   (now_ns - b->cycle_ns > min_rtt_ns || (b->cycle == 1 && inflight <= bdp))) {
		b->cycle = b->cycle + 1 >= TCP_BBR_CYCLE ? 0 : b->cycle + 1;
		b->cycle_ns = now_ns;
	}
	if (acked > TCP_CC_CWND_MAX)
		acked = TCP_CC_CWND_MAX;
	if (!b->btl_bw) {
		cwnd += acked;
	} else {
		target = bdp * tcp_bbr_cwnd_gain(b) / 100 + 3ULL * tcp_bbr_quantum(cc);
		if (b->state != TCP_BBR_STARTUP)
			cwnd = cwnd + acked < target ? cwnd + acked : target;
		else if (cwnd < target)
			cwnd += acked;
	}
	if (cwnd < 4ULL * cc->mss)
		cwnd = 4ULL * cc->mss;
	cc->cwnd = cwnd > TCP_CC_CWND_MAX ? TCP_CC_CWND_MAX : (__u32)cwnd;
	tcp_bbr_pace_set(cc);
}

/*
 * Round-trip time and pacing. The generator times one new segment at a
 * time; the ACK program takes the sample when an ACK covers it, or a SACK
 * block (above a hole). Sending that segment again cancels the timing,
 * since its ACK may answer either copy (Karn's rule); so does a loss
 * recovery without SACK, whose ACKs may have waited on a hole. Samples are
 * smoothed as RFC 6298 does (alpha 1/8, beta 1/4), in ns.
 */
struct tcp_rtt {
	__u64 srtt_ns;		/* 0: no sample yet */
	__u64 rttvar_ns;
	__u64 min_ns;		/* the smallest sample */
	__u64 seq;		/* end offset of the timed segment; 0: none timed */
	__u64 sent_ns;		/* when it went */
	__u64 samples;
};

/* A sample longer than this is taken as this (a peer that stalled). */
#define TCP_RTT_MAX_NS (4000ULL * 1000000ULL)

static __always_inline void tcp_rtt_update(struct tcp_rtt *rt, __u64 r)
{
	__u64 d;

	if (!r)
		r = 1;
	if (r > TCP_RTT_MAX_NS)
		r = TCP_RTT_MAX_NS;
	if (!rt->srtt_ns) {
		/* RFC 6298 2.2 */
		rt->srtt_ns = r;
		rt->rttvar_ns = r / 2;
	} else {
		/* RFC 6298 2.3: RTTVAR first, from the old SRTT. */
		d = rt->srtt_ns > r ? rt->srtt_ns - r : r - rt->srtt_ns;
		rt->rttvar_ns = rt->rttvar_ns - rt->rttvar_ns / 4 + d / 4;
		rt->srtt_ns = rt->srtt_ns - rt->srtt_ns / 8 + r / 8;
		if (!rt->srtt_ns)
			rt->srtt_ns = 1;
	}
	if (!rt->min_ns || r < rt->min_ns)
		rt->min_ns = r;
	rt->samples++;
}

/*
 * Pacing (with a --cc): a flow's segments leave no faster than gain x W /
 * SRTT, W the congestion window or the peer's window if that is smaller
 * (the most a round trip carries), gain 2 in slow start (below half of
 * ssthresh) and 1.2 after, as Linux paces: a window's worth spread over
 * most of a round trip instead of leaving in one burst at the generator's
 * tens of millions of frames a second, which a bottleneck's small queue
 * drops. Gains in tenths.
 */
#define TCP_PACE_GAIN_SS 20
#define TCP_PACE_GAIN_CA 12

static __always_inline __u32 tcp_pace_gain(const struct tcp_cc *cc)
{
	return cc->cwnd < cc->ssthresh / 2 ? TCP_PACE_GAIN_SS : TCP_PACE_GAIN_CA;
}

static __always_inline __u64 tcp_pace_window(const struct tcp_cc *cc, __u64 wnd)
{
	__u64 w = cc->cwnd < wnd ? cc->cwnd : wnd;

	return w < cc->mss ? cc->mss : w;
}

/*
 * ns from one segment of len bytes to the next; 0: no pacing (no --cc, or
 * no RTT yet; bbr: no bandwidth yet, its gap worked out by tcp_bbr_pace_set).
 */
static __always_inline __u64 tcp_pace_gap_ns(const struct tcp_cc *cc, __u64 wnd, __u64 srtt_ns,
					     __u32 len)
{
	if (cc->algo == TCP_CC_BBR)
		return (__u64)len * cc->bbr.gap_fs / 1000000;
	if (cc->algo == TCP_CC_NONE || !srtt_ns)
		return 0;
	return (__u64)len * srtt_ns * 10 / (tcp_pace_window(cc, wnd) * tcp_pace_gain(cc));
}

/*
 * When the segment after one sent at now is due, its gap later: counted
 * from the last due time while the flow keeps up, and from no earlier than
 * TCP_PACE_BURST - 1 gaps ago when it fell behind (the generator sends only
 * during its calls, and a busy CPU may run it late): a flow catches up at
 * most that many segments back to back, and never by a window's burst.
 */
#define TCP_PACE_BURST 4

/* The due time a gap after due_ns, or after now_ns - back_ns if that is later. */
static __always_inline __u64 tcp_pace_after(__u64 due_ns, __u64 now_ns, __u64 back_ns,
					    __u64 gap_ns)
{
	__u64 floor = now_ns > back_ns ? now_ns - back_ns : 0;

	return (due_ns > floor ? due_ns : floor) + gap_ns;
}

static __always_inline __u64 tcp_pace_next(__u64 due_ns, __u64 now_ns, __u64 gap_ns)
{
	return tcp_pace_after(due_ns, now_ns, (TCP_PACE_BURST - 1) * gap_ns, gap_ns);
}

/*
 * tcp_pace_next for the flow's algorithm: bbr catches up by as much as a
 * quantum (tcp_bbr_pace_set's catchup) after the generator ran late, as
 * Linux's bbr sends a TSO burst: the generator runs in calls, between which
 * (and while the CPU delivers what it sent) time goes by unsent, and 3
 * gaps of catch up held a flow paced at about 12 Gbit/s to about 2 through
 * the lossy path. The others keep TCP_PACE_BURST.
 */
static __always_inline __u64 tcp_pace_due(const struct tcp_cc *cc, __u64 due_ns, __u64 now_ns,
					  __u64 gap_ns)
{
	if (cc->algo != TCP_CC_BBR)
		return tcp_pace_next(due_ns, now_ns, gap_ns);
	return tcp_pace_after(due_ns, now_ns, cc->bbr.catchup * gap_ns, gap_ns);
}

/* The same rate in bit/s, for reports; 0: unpaced. */
static __always_inline __u64 tcp_pace_rate_bps(const struct tcp_cc *cc, __u64 wnd, __u64 srtt_ns)
{
	if (cc->algo == TCP_CC_BBR)
		return cc->bbr.btl_bw * 8 * tcp_bbr_pacing_gain(&cc->bbr) / 100;
	if (cc->algo == TCP_CC_NONE || !srtt_ns)
		return 0;
	return tcp_pace_window(cc, wnd) * 8 * 100000000ULL * tcp_pace_gain(cc) / srtt_ns;
}

#endif
