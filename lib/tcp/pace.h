/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_PACE_H
#define TG_TCP_PACE_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The arithmetic of `trafficgen tcp`'s sending loop, kept apart from BPF and
 * threads so that it can be tested as plain C: how many segments fit a
 * flow's window, how many frames to ask of the next live-frame call, and the
 * retransmission timer. Sequence numbers are 64-bit offsets from the first
 * payload byte (bpf/tcp_gen.h).
 */

#define TG_TCP_RTO_INIT_NS (200ULL * 1000000ULL)	/* RFC 6298 says 1 s; a LAN wants less */
#define TG_TCP_RTO_MAX_NS (1600ULL * 1000000ULL)
/*
 * A SACK recovery whose holes were all sent again and that makes no
 * progress for this long walks them again (its resends were lost, and with
 * the peer's window full no later data can show it): an eighth of the
 * initial RTO, many round trips on the LANs a generator drives.
 */
#define TG_TCP_RXT_PROBE_NS (TG_TCP_RTO_INIT_NS / 8)
#define TG_TCP_REPEAT_MAX (1u << 20)
/*
 * Floor of a call's repeat: ending a call costs tens of ms when the receiver
 * holds its frames, while 8192 frames that find the window full cost about
 * half a millisecond of drops.
 */
#define TG_TCP_REPEAT_MIN 8192u

/* One flow as the sender sees it. */
struct tg_tcp_view {
	uint64_t una, nxt, max;		/* snd_una, snd_nxt, snd_max */
	uint64_t wnd;			/* the peer's window, bytes */
	uint64_t limit;			/* new data allowed up to here */
	bool rto_pending;		/* an RTO request the generator has not acted on */
	bool hole;			/* a segment to send again ahead of the rest */
	uint64_t lost;			/* bytes marked lost and not sent again yet (at most) */
	bool cwnd_limited;		/* a --cc: cwnd_room bounds what goes */
	uint64_t cwnd_room;		/* bytes the congestion window allows now */
};

/*
 * Whole segments of len bytes the generator could send now: inside the
 * window, and retransmissions (below max, or lost holes) or new data up to
 * limit; no more than the congestion window's room, unless a timeout is
 * pending (the generator must run to act on it).
 */
uint64_t tg_tcp_free_segs(const struct tg_tcp_view *v, uint32_t len);

/*
 * How many frames the next call asks for. Live-frame calls are expensive to
 * end (the kernel waits for an RCU grace period, tens of ms, when frames of
 * the call are still held by the receiver, as TCP's receive queue holds
 * them), and a call cannot know how far the window will open while it runs:
 * ACKs are processed between its batches. So a call asks for the free
 * window plus what the ACK clock carried in the previous call: double when
 * the previous call was not window-bound, its sent segments + 1/4 when it
 * was, and never less than TG_TCP_REPEAT_MIN. Frames that find no room are
 * dropped and counted; they cost a few tens of ns each. The caller does not
 * call at all while the window is full.
 */
struct tg_tcp_pace {
	uint64_t repeat;		/* asked of the last call, 0 before the first */
	uint64_t max;			/* upper bound per call */
};

uint64_t tg_tcp_pace_next(struct tg_tcp_pace *p, uint64_t free_segs,
			  uint64_t last_sent, uint64_t last_dropped);

/*
 * Retransmission timer of one flow, ticked by userspace every few ms. It
 * runs while data is outstanding; it restarts (and falls back to the
 * initial timeout) whenever snd_una moves; on expiry it doubles, up to the
 * cap, and tells the caller to send the generator back to snd_una.
 */
struct tg_tcp_rto {
	uint64_t rto_ns;
	uint64_t since_ns;
	uint64_t una;
	bool armed;
	uint64_t fired;
};

void tg_tcp_rto_init(struct tg_tcp_rto *r);
bool tg_tcp_rto_tick(struct tg_tcp_rto *r, uint64_t now_ns, uint64_t una,
		     uint64_t max);

/* bits per second from bytes over ns (0 when ns is 0). */
double tg_tcp_goodput_bps(uint64_t bytes, uint64_t ns);

#endif
