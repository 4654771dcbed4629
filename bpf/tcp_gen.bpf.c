// SPDX-License-Identifier: GPL-2.0
/*
 * TCP generator: runs once per live frame. Each frame becomes the next
 * segment of one of this CPU's flows that has room for it in the peer's
 * window: the flow's template headers are written back, then the sequence
 * number, acknowledgment number and timestamps, with the TCP checksum
 * updated by RFC 1624 from the restored template's words.
 *
 * Restoring first matters for the same reasons as in udp_gen: live-frame
 * pages are recycled with whatever they last held (another flow's headers,
 * an earlier sequence number), and a GRO receiver on a veth rewrites the IP
 * length, the TCP flags and checksum of our pages in place.
 *
 * A frame for which no flow has room is dropped and counted: a segment
 * outside the window would only be thrown away by the receiver. Userspace
 * sizes each call's repeat to keep those few.
 *
 * tcp_ctl sends userspace's own crafted segments (FIN, ACK, RST, window
 * probes) out of the same interface, one frame per call, unchanged.
 */
#include <stdbool.h>
#include "compat.bpf.h"
#include <linux/tcp.h>
#include "csum.bpf.h"
#include "tcp_maps.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct tcp_gen_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tcp_gen_pcpu);
} pcpu SEC(".maps");

/*
 * The template is read through volatile pointers: cfg is a const object
 * initialised to zeros here, and plain reads could be folded to those
 * zeros instead of the values set at load.
 */
static __always_inline void copy_hdr(void *data, const volatile __u8 *src, const int len)
{
	const volatile __u64 *s8 = (const volatile __u64 *)src;
	__u64 *dst = data;
	int i;

#pragma unroll
	for (i = 0; i < len / 8; i++)
		dst[i] = s8[i];
	if (len & 4)
		*(__u32 *)(data + (len & ~7)) = *(const volatile __u32 *)(src + (len & ~7));
	if (len & 2)
		*(__u16 *)(data + (len & ~3)) = *(const volatile __u16 *)(src + (len & ~3));
}

/* Constant lengths let clang unroll: IPv4 or IPv6, with or without timestamps. */
static __always_inline void restore_hdr(void *data, __u32 f)
{
	const volatile __u8 *src = cfg.flow[f].hdr;

	switch (cfg.hdr_len) {
	case 54: copy_hdr(data, src, 54); break;
	case 66: copy_hdr(data, src, 66); break;
	case 74: copy_hdr(data, src, 74); break;
	default: copy_hdr(data, src, 86); break;
	}
}

/* A flow of this algorithm is paced: with a --cc (cfg.pace: the clock is read). */
static __always_inline bool paced(__u8 algo)
{
	return cfg.pace && algo != TCP_CC_NONE;
}

/* A flow's turn, by the lock-free look (may_fit). */
enum {
	FIT_NO = 0,		/* no room, or not ours to send */
	FIT_YES,		/* may fit: take() decides */
	FIT_NOT_DUE,		/* room, but paced: its next segment is not due yet */
};

/* What a taken segment needs from the flow, copied out under the lock. */
struct taken {
	__u32 seq, ack, tsecr;
	bool retransmit;
};

/*
 * Takes the next segment of flow st if it fits: inside the peer's window
 * and the congestion window (pipe + len <= cwnd, with a --cc), and either a
 * retransmission (a hole marked lost, below snd_max) or new data up to the
 * limit; with pacing, not before the flow's pace_next_ns.
 * Runs under st->lock: no helper calls.
 */
static __always_inline bool take_seg(struct tcp_flow *st, const struct tcp_flow_ctl *ctl,
				     __u32 rto_req, __u32 rxt_req, __u32 len, __u64 now,
				     struct taken *t)
{
	__u64 nxt = st->snd_nxt, end, hole;

	if (st->phase != TCP_FLOW_OWNED || (st->flags & TCP_FLOW_F_RST))
		return false;
	if (rto_req != st->rto_seen) {
		/* Userspace saw no progress for an RTO. */
		st->rto_seen = rto_req;
		st->timeouts++;
		st->dupacks = 0;
		st->flags &= ~TCP_FLOW_F_HOLE;
		tcp_cc_on_rto(&st->cc, st->snd_max - st->snd_una);
		if (st->flags & TCP_FLOW_F_SACK) {
			/*
			 * All that is outstanding is lost but what the scoreboard
			 * holds; a second timeout without progress drops the
			 * scoreboard too, in case the receiver reneged on it.
			 */
			if (st->rto_una == st->snd_una + 1)
				st->sb.n = 0, st->sb.sacked = 0;
			st->rto_una = st->snd_una + 1;
			st->flags |= TCP_FLOW_F_RECOVERY;
			st->flags &= ~TCP_FLOW_F_SB_FULL;
			st->recover = st->snd_max;
			st->rxt_next = st->snd_una;
			st->lost_end = st->snd_max;
			st->rxt_mark = 0;
			if (st->snd_max > st->snd_una)
				st->lost_segs += (st->snd_max - st->snd_una - st->sb.sacked + len - 1) / len;
		} else {
			/* Go back to snd_una. */
			st->flags &= ~TCP_FLOW_F_RECOVERY;
			st->lost_segs += (st->snd_max - st->snd_una + len - 1) / len;
			nxt = st->snd_una;
			st->snd_nxt = nxt;
		}
		st->pipe = 0;
	}
	if (rxt_req != st->rxt_seen) {
		/*
		 * Userspace saw the recovery stuck with its walk done: a resent
		 * hole was lost again and nothing sent after it can be SACKed
		 * (the peer's window is full). The holes go once more.
		 */
		st->rxt_seen = rxt_req;
		if ((st->flags & TCP_FLOW_F_RECOVERY) && (st->flags & TCP_FLOW_F_SACK) &&
		    st->rxt_next > st->snd_una) {
			st->rxt_next = st->snd_una;
			st->rxt_mark = 0;
			if (st->cc.algo != TCP_CC_NONE)
				st->pipe = tcp_sb_pipe(&st->sb, st->snd_una, st->snd_nxt,
						       st->rxt_next, st->lost_end);
		}
	}
	if ((st->flags & TCP_FLOW_F_HOLE) && st->hole < st->snd_una)
		st->flags &= ~TCP_FLOW_F_HOLE;	/* acknowledged meanwhile */
	if (paced(st->cc.algo) && now < st->pace_next_ns)
		return false;
	if (st->flags & TCP_FLOW_F_HOLE) {
		/* The hole goes first, once; snd_nxt stays where it was. */
		if (st->hole + len > st->snd_una + st->wnd)
			return false;
		st->flags &= ~TCP_FLOW_F_HOLE;
		t->retransmit = true;
		t->seq = st->iss1 + (__u32)st->hole;
		t->ack = st->rcv_nxt;
		t->tsecr = st->ts_recent;
		return true;
	}
	if (st->cc.algo != TCP_CC_NONE && st->pipe + len > st->cc.cwnd)
		return false;
	if (st->rxt_next < st->lost_end) {
		/* RFC 6675 NextSeg rule 1: the next lost hole, once a recovery. */
		hole = tcp_sb_next_hole(&st->sb, st->rxt_next > st->snd_una ? st->rxt_next
									 : st->snd_una);
		if (hole < st->lost_end && hole + len <= st->snd_max) {
			if (hole + len > st->snd_una + st->wnd)
				return false;
			st->rxt_next = hole + len;
			st->pipe += len;
			t->retransmit = true;
			t->seq = st->iss1 + (__u32)hole;
			t->ack = st->rcv_nxt;
			t->tsecr = st->ts_recent;
			return true;
		}
		/*
		 * A hole whose segment would reach past snd_max (snd_una off
		 * the segment grid): from there it goes as new data would.
		 */
		if (hole < st->lost_end)
			nxt = st->snd_nxt = hole;
		st->rxt_next = st->lost_end;
	}
	end = nxt + len;
	if (end > st->snd_una + st->wnd)
		return false;
	if (end > st->snd_max && end > ctl->limit)
		return false;
	st->snd_nxt = end;
	if (st->cc.algo != TCP_CC_NONE)
		st->pipe += len;
	t->retransmit = nxt < st->snd_max;
	if (end > st->snd_max)
		st->snd_max = end;
	t->seq = st->iss1 + (__u32)nxt;
	t->ack = st->rcv_nxt;
	t->tsecr = st->ts_recent;
	return true;
}

/*
 * take_seg, then with a --cc: the segment's pacing (the next one is due a
 * gap later, tcp_pace_due) and the round-trip timing of one new segment at a time, which a
 * retransmission of that segment cancels (Karn). Runs under st->lock.
 */
static __always_inline bool take(struct tcp_flow *st, const struct tcp_flow_ctl *ctl,
				 __u32 rto_req, __u32 rxt_req, __u32 len, __u64 now,
				 struct taken *t)
{
	if (!take_seg(st, ctl, rto_req, rxt_req, len, now, t))
		return false;
	if (!paced(st->cc.algo))
		return true;
	if (t->retransmit) {
		/* Karn: the timed segment sent again (its last byte in this one). */
		if (st->rtt.seq && (__u32)(st->iss1 + (__u32)st->rtt.seq - 1 - t->seq) < len)
			st->rtt.seq = 0;
	} else if (!st->rtt.seq) {
		st->rtt.seq = st->snd_nxt;	/* the end of this segment */
		st->rtt.sent_ns = now;
	}
	st->pace_next_ns = tcp_pace_due(&st->cc, st->pace_next_ns, now,
					tcp_pace_gap_ns(&st->cc, st->wnd, st->rtt.srtt_ns, len));
	return true;
}

/* A lock-free look first, so that full flows cost no locking. */
static __always_inline int may_fit(const struct tcp_flow *st,
				   const struct tcp_flow_ctl *ctl,
				   __u32 rto_req, __u32 rxt_req, __u32 len, __u64 now)
{
	const volatile struct tcp_flow *v = st;
	__u64 end;

	if (v->phase != TCP_FLOW_OWNED || (v->flags & TCP_FLOW_F_RST))
		return FIT_NO;
	if (rto_req != v->rto_seen || rxt_req != v->rxt_seen || (v->flags & TCP_FLOW_F_HOLE))
		return FIT_YES;
	if (v->cc.algo != TCP_CC_NONE && v->pipe + len > v->cc.cwnd)
		return FIT_NO;
	if (v->rxt_next >= v->lost_end) {
		end = v->snd_nxt + len;
		if (end > v->snd_una + v->wnd)
			return FIT_NO;
		if (end > v->snd_max && end > ctl->limit)
			return FIT_NO;
	}
	if (paced(v->cc.algo) && now < v->pace_next_ns)
		return FIT_NOT_DUE;
	return FIT_YES;
}

SEC("xdp")
int tcp_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u32 len = cfg.payload_len, key = 0, k, n, f = 0, slot = 0, rto_req = 0, rxt_req = 0;
	struct tcp_flow_ctl *ctl;
	struct tcp_flow *st;
	struct tcp_gen_pcpu *pc;
	struct taken t = {};
	bool found = false, held = false;
	struct tcphdr *th;
	__u32 ucsum;
	__u64 now = 0;
	int fit;

	pc = bpf_map_lookup_elem(&pcpu, &key);
	if (!pc)
		return XDP_ABORTED;
	/* frame_len >= hdr_len is a load-time constant: this bounds the header accesses. */
	if (data + cfg.hdr_len > data_end || data_end - data != cfg.frame_len) {
		pc->short_frames++;
		return XDP_DROP;
	}
	/*
	 * The first flow (round robin from the cursor) that may fit, by the
	 * lock-free look; then one locked take() of it. One take() a frame,
	 * outside the loop: the verifier walks the loop once per flow, and
	 * take() with its scoreboard walk in every step made the program
	 * slow to load. A flow that looked free and is not (another CPU
	 * took the room, or its hole is outside the window) costs the frame.
	 * With pacing the clock is read once a frame, before the walk: a
	 * frame that finds its flows not due yet is dropped as cheaply as
	 * one that finds them full.
	 */
	if (cfg.pace)
		now = bpf_ktime_get_ns();
	n = pc->nflows;
	for (k = 0; k < TCP_GEN_MAX_FLOWS; k++) {
		if (k >= n)
			break;
		slot = pc->cursor + k;
		if (slot >= n)
			slot -= n;
		f = pc->first + slot * pc->stride;
		if (f >= cfg.nflows || f >= TCP_GEN_MAX_FLOWS)
			continue;
		st = bpf_map_lookup_elem(&flows, &f);
		ctl = bpf_map_lookup_elem(&flow_ctl, &f);
		if (!st || !ctl)
			continue;
		rto_req = *(volatile __u32 *)&ctl->rto_req;
		rxt_req = *(volatile __u32 *)&ctl->rxt_req;
		fit = may_fit(st, ctl, rto_req, rxt_req, len, now);
		if (fit == FIT_YES) {
			found = true;
			break;
		}
		if (fit == FIT_NOT_DUE)
			held = true;
	}
	if (found) {
		/*
		 * The flow's slot goes through the map value and back: the
		 * verifier then knows it no more, and walks what follows once,
		 * not once for each step the walk could have stopped at (ten
		 * times the instructions, a tenth of a second or more a load).
		 */
		*(volatile __u32 *)&pc->slot = slot;
		slot = *(volatile __u32 *)&pc->slot;
		f &= TCP_GEN_MAX_FLOWS - 1;
		st = bpf_map_lookup_elem(&flows, &f);
		ctl = bpf_map_lookup_elem(&flow_ctl, &f);
		if (!st || !ctl)
			return XDP_ABORTED;
		bpf_spin_lock(&st->lock);
		found = take(st, ctl, rto_req, rxt_req, len, now, &t);
		bpf_spin_unlock(&st->lock);
	}
	if (found) {
		/*
		 * Bursts of one flow's segments: the receiver then handles
		 * runs of one socket (coalescing into its queue, fewer ACKs),
		 * not one segment of each in turn.
		 */
		if (slot != pc->cursor || ++pc->burst >= TCP_GEN_BURST) {
			pc->burst = slot == pc->cursor ? 0 : 1;
			pc->cursor = pc->burst ? slot : (slot + 1 >= n ? 0 : slot + 1);
		}
	}
	if (!found) {
		pc->window_drops++;
		pc->pace_holds += held;
		return XDP_DROP;
	}
	/* f < TCP_GEN_MAX_FLOWS already; the mask tells the verifier, which lost track. */
	f &= TCP_GEN_MAX_FLOWS - 1;

	restore_hdr(data, f);
	th = data + cfg.l4_off;
	ucsum = csum_begin(th->check);
	ucsum = csum_word32(ucsum, th->seq, bpf_htonl(t.seq));
	th->seq = bpf_htonl(t.seq);
	ucsum = csum_word32(ucsum, th->ack_seq, bpf_htonl(t.ack));
	th->ack_seq = bpf_htonl(t.ack);
	if (cfg.ts) {
		/* NOP, NOP, kind, length | TSval | TSecr */
		__u32 *opt = (__u32 *)(th + 1), tsval;

		if (!cfg.pace)
			now = bpf_ktime_get_ns();
		/*
		 * A clock of 2^20 ns (about 1 ms) ticks: RFC 7323 asks only
		 * that it be monotonic and between 1 ms and 1 s a tick.
		 */
		tsval = bpf_htonl(cfg.flow[f].ts_base + (__u32)((now - cfg.ts_t0_ns) >> 20));
		ucsum = csum_word32(ucsum, opt[1], tsval);
		opt[1] = tsval;
		ucsum = csum_word32(ucsum, opt[2], bpf_htonl(t.tsecr));
		opt[2] = bpf_htonl(t.tsecr);
	}
	th->check = csum_end(ucsum);

	pc->segments++;
	pc->bytes += cfg.frame_len;
	pc->payload += len;
	if (t.retransmit)
		pc->retransmitted++;
	return bpf_redirect(cfg.ifindex, 0);
}

SEC("xdp")
int tcp_ctl(struct xdp_md *ctx)
{
	return bpf_redirect(cfg.ifindex, 0);
}
