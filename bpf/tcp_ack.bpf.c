// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP generator's companion: attached (through a bpf_link) to the
 * interface the generator sends on, it sees the peer's segments of the
 * tracked flows before the kernel does.
 *
 * - While connect() is under way (TCP_FLOW_HANDSHAKE) it records from the
 *   SYN-ACK what the generator needs (the peer's ISS, our ISS + 1, window,
 *   window scale, MSS, TSval, the next hop's MAC) and passes everything:
 *   the kernel completes the handshake.
 * - Once the generator owns the flow (TCP_FLOW_OWNED) it consumes every
 *   segment and drops it, so the kernel socket, which knows nothing of the
 *   data sent in its name, never sees or answers them: new ACKs advance
 *   snd_una, windows are scaled by the peer's window scale, duplicate ACKs
 *   are counted and the third starts a fast recovery (the segment at
 *   snd_una is sent again, then each one a partial ACK points at), the
 *   peer's FIN and its ACK of ours are noted for the close.
 *
 * Anything else (other flows, other protocols, frames too short to name a
 * flow) passes untouched. The state is shared with the generator on every
 * CPU, so it is changed only under the flow's spin lock.
 */
#include <stdbool.h>
#include "compat.bpf.h"
#include "tcp_maps.bpf.h"
#include "tcp_parse.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tcp_ack_stats);
} ack_stats SEC(".maps");

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_ACK 0x10

#define TCP_MAX_OPTLEN 40
/* RFC 2018: kind 5, length 2 + 8n; 40 bytes of options hold at most 4 blocks. */
#define TCP_SACK_BLOCKS 4

/* What one segment says, read before the lock is taken. */
struct seg {
	__u32 seq, ack;
	__u32 payload;		/* bytes of data, per the IP length */
	__u32 tsval;
	__u16 win;
	__u16 mss;
	__u8 flags;
	__u8 has_ts, has_ws, has_sack;
	__u8 ws;
	__u8 nsack;		/* SACK blocks read */
	__u8 sack_bad;		/* not 0: a SACK option not 2 + 8n long, or cut short */
	__u32 sack[2 * TCP_SACK_BLOCKS];	/* start, end of each */
};

/*
 * A SACK option's blocks, from b (the option from its kind byte, at least
 * 2 + 8 * max bytes readable), n = (length - 2) / 8 worked out from the
 * length byte. n must not be a constant the verifier knows: the option loop
 * would then be verified once for every count each of its steps could
 * leave (likewise sack_bad, set to the length byte with its top bit).
 */
static __always_inline void sack_blocks(struct seg *s, const __u8 *b, __u32 n, const int max)
{
	int j;

	for (j = 0; j < max; j++) {
		if (j >= n)
			break;
		s->sack[2 * j] = (__u32)b[2 + 8 * j] << 24 | (__u32)b[3 + 8 * j] << 16 |
				 (__u32)b[4 + 8 * j] << 8 | b[5 + 8 * j];
		s->sack[2 * j + 1] = (__u32)b[6 + 8 * j] << 24 | (__u32)b[7 + 8 * j] << 16 |
				     (__u32)b[8 + 8 * j] << 8 | b[9 + 8 * j];
	}
	s->nsack = n;
}

/*
 * TCP options (RFC 9293 3.1): kinds 0 and 1 are one byte, the others carry
 * a length. A malformed list ends the parse; what was read stays. The loop
 * runs under bpf_loop() and reads with bpf_xdp_load_bytes(): an open-coded
 * loop over packet pointers made the verifier walk every combination of
 * options and offsets (past its million instructions).
 */
struct opt_ctx {
	struct xdp_md *xdp;
	__u32 off;		/* from ctx->data */
	__u32 end;
	struct seg s;
};

static long opt_step(__u32 idx, void *arg)
{
	struct opt_ctx *c = arg;
	__u8 b[2 + 8 * TCP_SACK_BLOCKS];
	__u32 len;

	if (c->off >= c->end || bpf_xdp_load_bytes(c->xdp, c->off, b, 1) || b[0] == 0)
		return 1;
	if (b[0] == 1) {
		c->off++;
		return 0;
	}
	if (c->off + 2 > c->end || bpf_xdp_load_bytes(c->xdp, c->off, b, 2))
		return 1;
	len = b[1];
	if (len < 2 || c->off + len > c->end) {
		if (b[0] == 5)
			c->s.sack_bad = len | 0x80;	/* cut short by the header's end */
		return 1;
	}
	switch (b[0]) {
	case 2:
		if (len == 4 && !bpf_xdp_load_bytes(c->xdp, c->off, b, 4))
			c->s.mss = (__u16)b[2] << 8 | b[3];
		break;
	case 3:
		if (len == 3 && !bpf_xdp_load_bytes(c->xdp, c->off, b, 3)) {
			c->s.has_ws = 1;
			c->s.ws = b[2];
		}
		break;
	case 4:
		if (len == 2)
			c->s.has_sack = 1;
		break;
	case 5:
		if (len < 10 || (len - 2) % 8)
			c->s.sack_bad = len | 0x80;
		else if (len > 2 + 8 * TCP_SACK_BLOCKS)
			c->s.sack_bad = len | 0x80;	/* longer than 40 bytes of options hold */
		else if (!bpf_xdp_load_bytes(c->xdp, c->off, b, 2 + 8 * TCP_SACK_BLOCKS))
			sack_blocks(&c->s, b, (len - 2) / 8, TCP_SACK_BLOCKS);
		else if (!bpf_xdp_load_bytes(c->xdp, c->off, b, 2 + 8 * 3))
			sack_blocks(&c->s, b, (len - 2) / 8, 3);	/* the frame ends sooner */
		else if (!bpf_xdp_load_bytes(c->xdp, c->off, b, 2 + 8 * 2))
			sack_blocks(&c->s, b, (len - 2) / 8, 2);
		else if (!bpf_xdp_load_bytes(c->xdp, c->off, b, 2 + 8))
			sack_blocks(&c->s, b, (len - 2) / 8, 1);
		break;
	case 8:
		if (len == 10 && !bpf_xdp_load_bytes(c->xdp, c->off, b, 10)) {
			c->s.has_ts = 1;
			c->s.tsval = (__u32)b[2] << 24 | (__u32)b[3] << 16 |
				     (__u32)b[4] << 8 | b[5];
		}
		break;
	}
	c->off += len;
	return 0;
}

/*
 * After the handshake Linux puts NOP, NOP, timestamps first and SACK blocks,
 * if any, after NOP, NOP: those are read without the loop; any other
 * layout goes through it.
 */
static __always_inline void parse_opts(struct xdp_md *ctx, const __u8 *p,
				       const void *data_end, __u32 off, __u32 optlen,
				       struct seg *s)
{
	struct opt_ctx c = { .xdp = ctx, .off = off, .end = off + optlen };
	__u32 len;

	if (!(s->flags & TH_SYN) && optlen >= TCP_GEN_TSOPT_LEN &&
	    (const void *)(p + 12) <= data_end &&
	    p[0] == 1 && p[1] == 1 && p[2] == 8 && p[3] == 10) {
		s->has_ts = 1;
		s->tsval = bpf_ntohl(*(const __u32 *)(p + 4));
		if (optlen == TCP_GEN_TSOPT_LEN)
			return;
		if (optlen >= TCP_GEN_TSOPT_LEN + 4 && (const void *)(p + 16) <= data_end &&
		    p[12] == 1 && p[13] == 1 && p[14] == 5) {
			/* Room for 3 blocks after the timestamps; constant lengths for the verifier. */
			len = p[15];
			if (len < 10 || (len - 2) % 8 || TCP_GEN_TSOPT_LEN + 2 + len > optlen) {
				s->sack_bad = len | 0x80;
				return;
			}
			if ((const void *)(p + 14 + 26) <= data_end) {
				sack_blocks(s, p + 14, (len - 2) / 8, 3);
				return;
			}
		}
		c.off += TCP_GEN_TSOPT_LEN;
	}
	c.s = *s;
	bpf_loop(TCP_MAX_OPTLEN, opt_step, &c, 0);
	*s = c.s;
}

static __always_inline void record_synack(struct tcp_flow *st, const struct seg *s,
					  const __u8 *smac)
{
	__u32 f = TCP_FLOW_F_SYNACK;

	st->irs = s->seq;
	st->rcv_nxt = s->seq + 1;
	st->iss1 = s->ack;
	st->snd_una = st->snd_nxt = st->snd_max = 0;
	/* RFC 7323 2.2: the window of a SYN segment is never scaled. */
	st->wnd = s->win;
	st->peer_mss = s->mss;
	/* RFC 7323 2.3: a shift above 14 is taken as 14. */
	st->wscale = s->has_ws ? (s->ws > 14 ? 14 : s->ws) : 0;
	if (s->has_ts) {
		f |= TCP_FLOW_F_TS;
		st->ts_recent = s->tsval;
	}
	if (s->has_ws)
		f |= TCP_FLOW_F_WS;
	if (s->has_sack)
		f |= TCP_FLOW_F_SACK;
	st->flags = f;
	__builtin_memcpy(st->peer_mac, smac, 6);
}

/* Segments lost in [from, to): the bytes the scoreboard does not hold, rounded up. */
static __always_inline __u64 lost_in(const struct tcp_flow *st, __u64 from, __u64 to)
{
	__u64 mss = st->cc.mss ? st->cc.mss : 1, b;

	if (to <= from)
		return 0;
	b = to - from - tcp_sb_sacked_in(&st->sb, from, to);
	return (b + mss - 1) / mss;
}

/*
 * SACK (RFC 6675): the blocks go into the scoreboard; a loss recovery
 * begins on the third duplicate ACK or once snd_una's segment is lost by
 * IsLost, and marks the holes below the highest SACKed byte lost; within
 * it, each SACK that reaches higher marks more.
 */
static __always_inline void sack_blocks_add(struct tcp_flow *st, const struct seg *s)
{
	__u32 una32 = st->iss1 + (__u32)st->snd_una, i;
	__u64 newly;

	st->sack_rejected += s->sack_bad != 0;
	/* Unrolled: the verifier prunes the ways through a loop's body poorly. */
#pragma unroll
	for (i = 0; i < TCP_SACK_BLOCKS; i++) {
		if (i >= s->nsack)
			break;
		if (st->sb.n >= TCP_SB_MAX)
			st->flags |= TCP_FLOW_F_SB_FULL;	/* a range may go */
		if (tcp_sb_block(&st->sb, st->snd_una, st->snd_max, una32, s->sack[2 * i],
				 s->sack[2 * i + 1], &newly))
			st->sack_rejected++;
		else
			st->sacked_bytes += newly;
	}
}

static __always_inline void sack_recovery(struct tcp_flow *st)
{
	__u64 high, mark;

	high = tcp_sb_high(&st->sb);
	if (!(st->flags & TCP_FLOW_F_RECOVERY)) {
		if (st->snd_una >= st->snd_max ||
		    (st->dupacks < 3 && !tcp_sb_is_lost(&st->sb, st->snd_una, st->cc.mss)))
			return;
		st->flags |= TCP_FLOW_F_RECOVERY;
		st->flags &= ~TCP_FLOW_F_SB_FULL;
		st->recover = st->snd_max;
		st->rxt_next = st->lost_end = st->snd_una;
		st->rxt_mark = 0;
		st->fast_retransmits++;
		tcp_cc_on_loss(&st->cc, st->snd_max - st->snd_una);
		/* No SACK information (the peer's blocks lost): snd_una's segment, as NewReno. */
		mark = st->snd_una + (st->cc.mss ? st->cc.mss : 1);
		if (high < mark)
			high = mark < st->snd_max ? mark : st->snd_max;
	}
	mark = st->lost_end > st->snd_una ? st->lost_end : st->snd_una;
	if (high > mark) {
		st->lost_segs += lost_in(st, mark, high);
		st->lost_end = high;
	}
	/*
	 * A resent hole can be lost again. Once the walk is done, data sent
	 * after its last segment arriving (SACKed 3 segments above the
	 * highest byte sent then) says the holes still below rxt_next are
	 * lost again: the walk starts over from snd_una, rather than waiting
	 * for a timeout. A path that reorders would resend needlessly, and so
 * would a scoreboard that had to let ranges go: not then.
	 */
	/*
	 * The walk over ranges SACKed since: done when no hole is left below
	 * lost_end (else only the generator's next take() would find out,
	 * and a full congestion window keeps it from trying).
	 */
	if (st->rxt_next > st->snd_una && st->rxt_next < st->lost_end &&
	    tcp_sb_next_hole(&st->sb, st->rxt_next) >= st->lost_end)
		st->rxt_next = st->lost_end;
	if (st->rxt_next < st->lost_end || st->rxt_next <= st->snd_una ||
	    (st->flags & TCP_FLOW_F_SB_FULL))
		return;
	if (!st->rxt_mark) {
		st->rxt_mark = st->snd_max;
	} else if (high > st->rxt_mark + 3ULL * st->cc.mss) {
		st->lost_segs += lost_in(st, st->snd_una, st->rxt_next);
		st->rxt_next = st->snd_una;
		st->rxt_mark = 0;
	}
}

/*
 * bbr, after consume(): the delivery-rate sample of a round trip that
 * ended with this ACK (the RTT samples counted past samples: its timed
 * segment was ACKed or SACKed), then the model's response to the ACK.
 * Delivered bytes are snd_una + SACKed: a cumulative ACK over SACKed
 * ranges moves bytes from one to the other, not counting them twice.
 */
static __always_inline void bbr_ack(struct tcp_flow *st, __u64 samples, __u64 now)
{
	__u64 delivered = st->snd_una + st->sb.sacked;

	tcp_bbr_mark(&st->cc.bbr, st->rtt.sent_ns);
	if (st->rtt.samples != samples)
		tcp_bbr_sample(&st->cc.bbr, delivered, st->rtt.sent_ns, now);
	tcp_bbr_on_ack(&st->cc, delivered, st->pipe, st->rtt.min_ns, now);
}

/* The timed segment's round trip is over: a sample if it may be trusted, and timing ends. */
static __always_inline void rtt_sample(struct tcp_flow *st, __u64 now, bool trusted)
{
	if (trusted && now > st->rtt.sent_ns)
		tcp_rtt_update(&st->rtt, now - st->rtt.sent_ns);
	st->rtt.seq = 0;
}

/* A segment of an owned flow. Runs under st->lock: no helper calls. */
static __always_inline void consume(struct tcp_flow *st,
				    const struct tcp_flow_ctl *ctl,
				    const struct seg *s, __u64 now,
				    const struct tcp_cubic_hint *hint)
{
	bool sack = st->flags & TCP_FLOW_F_SACK;
	__u64 max_off = st->snd_max;
	__u32 una32, d, wnd;

	if (s->flags & TH_RST) {
		/* RFC 5961 3.2: only an exactly placed RST is believed. */
		if (s->seq == st->rcv_nxt)
			st->flags |= TCP_FLOW_F_RST;
		return;
	}
	if (!(s->flags & TH_ACK))
		return;
	/* RFC 7323 4.3, simplified: the peer sends no data, so the newest TSval wins. */
	if (s->has_ts && (__s32)(s->tsval - st->ts_recent) >= 0)
		st->ts_recent = s->tsval;
	if (ctl->closing && ctl->fin_seq + 1 > max_off)
		max_off = ctl->fin_seq + 1;

	una32 = st->iss1 + (__u32)st->snd_una;
	d = s->ack - una32;
	wnd = (__u32)s->win << st->wscale;
	/* An old ACK, or one for data never sent: its window is not news either. */
	if ((__s32)d < 0 || st->snd_una + d > max_off)
		goto fin;
	if (d) {
		st->snd_una += d;
		st->dupacks = 0;
		st->acks++;
		st->last_ack_ns = now;
		/*
		 * The timed segment acknowledged: a round-trip sample. Without
		 * SACK, not in a loss recovery: its ACK may have waited on a hole.
		 * With SACK it was SACKed on arrival if it lay above one (below).
		 */
		if (st->rtt.seq && st->snd_una >= st->rtt.seq)
			rtt_sample(st, now, sack || !(st->flags & TCP_FLOW_F_RECOVERY));
		if (st->snd_nxt < st->snd_una)
			st->snd_nxt = st->snd_una;
		if (ctl->closing && st->snd_una == ctl->fin_seq + 1)
			st->flags |= TCP_FLOW_F_FIN_ACKED;
		if (sack)
			tcp_sb_trim(&st->sb, st->snd_una);
		if (st->flags & TCP_FLOW_F_RECOVERY) {
			if (st->snd_una >= st->recover) {
				st->flags &= ~(TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE);
				st->rxt_next = st->lost_end = st->rxt_mark = 0;
			} else if (!sack) {
				/* RFC 6582 3.2 step 5: a partial ACK points at the next hole. */
				st->hole = st->snd_una;
				st->flags |= TCP_FLOW_F_HOLE;
				st->lost_segs++;
			}
		} else if (2 * (st->snd_max - st->snd_una + d) >= st->cc.cwnd) {
			/* At least half the window was in flight: it was used (RFC 7661). */
			tcp_cc_on_ack(&st->cc, d, now, hint);
		}
	} else if (!s->payload && !(s->flags & (TH_SYN | TH_FIN)) && wnd == st->wnd &&
		   st->snd_una < st->snd_max) {
		/* RFC 5681 2: no data, no window change, data outstanding. */
		st->dup_acks++;
		if (++st->dupacks == 3 && !(st->flags & TCP_FLOW_F_RECOVERY) && !sack) {
			/* RFC 6582 3.2 steps 2-3: send the missing segment again. */
			st->flags |= TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE;
			st->hole = st->snd_una;
			st->recover = st->snd_max;
			st->fast_retransmits++;
			st->lost_segs++;
			tcp_cc_on_loss(&st->cc, st->snd_max - st->snd_una);
		}
	}
	st->wnd = wnd;
	if (sack)
		sack_recovery(st);
	/*
	 * The timed segment SACKed: its round trip ended on arrival, above a
	 * hole (recoveries are when most samples would be lost otherwise).
	 */
	if (sack && st->rtt.seq > st->snd_una && now > st->rtt.sent_ns &&
	    tcp_sb_sacked_in(&st->sb, st->rtt.seq - 1, st->rtt.seq))
		rtt_sample(st, now, true);
	if (st->cc.algo != TCP_CC_NONE)
		st->pipe = tcp_sb_pipe(&st->sb, st->snd_una, st->snd_nxt, st->rxt_next,
				       st->lost_end);
fin:
	if ((s->flags & TH_FIN) && !(st->flags & TCP_FLOW_F_PEER_FIN) &&
	    s->seq + s->payload == st->rcv_nxt) {
		st->rcv_nxt++;
		st->flags |= TCP_FLOW_F_PEER_FIN;
	}
}

SEC("xdp")
int tcp_ack(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct tcp_flow_key key = {};
	struct tg_tcp_loc loc;
	struct tcp_ack_stats *stats;
	struct tcp_flow_ctl *ctl;
	struct tcp_flow *st;
	struct tcphdr *th;
	struct tcp_cubic_hint hint = {};
	struct seg s = {};
	__u32 l4_len, hl, zero = 0, *idx;
	bool owned;
	int verdict;
	__u64 now, samples;

	if (tg_tcp_locate(data, data_end, &loc))
		return XDP_PASS;
	th = loc.th;
	l4_len = loc.l4_len;
	if (loc.ip) {
		key.family = 4;
		key.local[0] = loc.ip->daddr;
		key.remote[0] = loc.ip->saddr;
	} else {
		key.family = 6;
		__builtin_memcpy(key.local, &loc.ip6->daddr, 16);
		__builtin_memcpy(key.remote, &loc.ip6->saddr, 16);
	}
	if ((void *)th + 4 > data_end || l4_len > 0xffff)
		return XDP_PASS;
	key.lport = th->dest;
	key.rport = th->source;
	idx = bpf_map_lookup_elem(&flow_keys, &key);
	if (!idx)
		return XDP_PASS;
	st = bpf_map_lookup_elem(&flows, idx);
	ctl = bpf_map_lookup_elem(&flow_ctl, idx);
	stats = bpf_map_lookup_elem(&ack_stats, &zero);
	if (!st || !ctl || !stats)
		return XDP_PASS;
	owned = *(volatile __u32 *)&st->phase == TCP_FLOW_OWNED;

	/*
	 * Ours, but too short or inconsistent to act on: the kernel must not
	 * see it either while we own the flow (it would answer with its own,
	 * stale, sequence numbers). No state changes.
	 */
	hl = 0;
	if ((void *)(th + 1) <= data_end)
		hl = th->doff * 4;
	if (hl < sizeof(*th) || hl > l4_len || (void *)th + l4_len > data_end) {
		stats->malformed++;
		goto out_untouched;
	}
	s.seq = bpf_ntohl(th->seq);
	s.ack = bpf_ntohl(th->ack_seq);
	s.win = bpf_ntohs(th->window);
	s.flags = ((__u8 *)th)[13];
	s.payload = l4_len - hl;
	if (hl > sizeof(*th))
		parse_opts(ctx, (const __u8 *)(th + 1), data_end,
			   (__u32)((void *)(th + 1) - data), hl - sizeof(*th), &s);

	now = bpf_ktime_get_ns();
	verdict = XDP_PASS;
	/* cubic's K, should this ACK start an epoch: the cube root stays out of the lock. */
	if (owned && *(volatile __u8 *)&st->cc.algo == TCP_CC_CUBIC &&
	    !*(volatile __u64 *)&st->cc.epoch_ns)
		tcp_cubic_hint(&hint, &st->cc);
	bpf_spin_lock(&st->lock);
	if (st->phase == TCP_FLOW_HANDSHAKE) {
		if ((s.flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK))
			record_synack(st, &s, eth->h_source);
		else if (s.has_ts && (st->flags & TCP_FLOW_F_TS) &&
			 (__s32)(s.tsval - st->ts_recent) >= 0)
			st->ts_recent = s.tsval;
	} else if (st->phase == TCP_FLOW_OWNED) {
		if (st->flags & TCP_FLOW_F_SACK)
			sack_blocks_add(st, &s);
		samples = st->rtt.samples;
		consume(st, ctl, &s, now, &hint);
		/* After consume's every path: verified there, it multiplied them. */
		if (st->cc.algo == TCP_CC_BBR)
			bbr_ack(st, samples, now);
		verdict = XDP_DROP;
	}
	bpf_spin_unlock(&st->lock);
	if (verdict == XDP_DROP)
		stats->consumed++;
	else
		stats->passed++;
	return verdict;

out_untouched:
	if (owned) {
		stats->consumed++;
		return XDP_DROP;
	}
	stats->passed++;
	return XDP_PASS;
}
