/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_GEN_H
#define TG_TCP_GEN_H

/*
 * Shared by bpf/tcp_ack.bpf.c (the companion program on the interface that
 * intercepts the peer's segments), bpf/tcp_gen.bpf.c (the live-frame
 * generator) and userspace (trafficgen/tcp*.c, the BPF tests).
 *
 * A flow's sequence space is kept as 64-bit offsets from iss1 (our ISS + 1,
 * the sequence number of the first payload byte): offsets never wrap, so
 * "acknowledged", "sent" and "allowed" compare as plain integers and byte
 * counts above 4 GiB stay exact. Only the wire uses iss1 + (u32)offset.
 */
#include <linux/types.h>
#include <linux/bpf.h>	/* struct bpf_spin_lock */
#include "tcp_cc.h"

#define TCP_GEN_MAX_FLOWS 64	/* a power of 2: bpf/tcp_gen.bpf.c masks with it */
/* Ethernet + IPv6 + TCP + the timestamp option (NOP, NOP, TS): 86 bytes. */
#define TCP_GEN_HDR_MAX 88
/* Consecutive segments of one flow before the generator turns to the next. */
#define TCP_GEN_BURST 32
/* The aligned timestamp option Linux sends: NOP, NOP, kind 8, length 10. */
#define TCP_GEN_TSOPT_LEN 12

/* struct tcp_flow.phase */
enum {
	TCP_FLOW_FREE = 0,	/* not ours: the ACK program passes its segments */
	TCP_FLOW_HANDSHAKE,	/* connect() under way: record the SYN-ACK, pass all */
	TCP_FLOW_OWNED,		/* the generator owns it: consume, drop all */
};

/* struct tcp_flow.flags */
#define TCP_FLOW_F_SYNACK	0x01	/* the SYN-ACK was seen and recorded */
#define TCP_FLOW_F_TS		0x02	/* it carried the timestamp option */
#define TCP_FLOW_F_WS		0x04	/* ... window scale */
#define TCP_FLOW_F_SACK		0x08	/* ... SACK permitted */
#define TCP_FLOW_F_PEER_FIN	0x10	/* the peer's FIN arrived in order */
#define TCP_FLOW_F_FIN_ACKED	0x20	/* the peer acknowledged our FIN */
#define TCP_FLOW_F_RST		0x40	/* the peer reset the connection */
#define TCP_FLOW_F_RECOVERY	0x80	/* loss recovery: until snd_una reaches recover */
#define TCP_FLOW_F_HOLE		0x100	/* the segment at hole is to be sent again, next */
#define TCP_FLOW_F_SB_FULL	0x200	/* the scoreboard dropped a range in this recovery */

/*
 * A tracked flow, as seen from our side: local is our address and port,
 * remote the peer's. Addresses in network order (IPv4 in the first word,
 * the rest zero); ports in network order.
 */
struct tcp_flow_key {
	__u32 local[4];
	__u32 remote[4];
	__u16 lport;
	__u16 rport;
	__u16 family;		/* 4 or 6 */
	__u16 pad;
};

/*
 * One flow's state, in an array map indexed like the flows; written by the
 * ACK program (on whichever CPU the peer's segment arrives) and by the
 * generator (on every sending CPU), so every access holds the lock.
 * Userspace reads and writes it with BPF_F_LOCK.
 */
struct tcp_flow {
	struct bpf_spin_lock lock;
	__u32 phase;
	__u32 flags;
	/* From the SYN-ACK. */
	__u32 iss1;		/* its acknowledgment number: our ISS + 1 */
	__u32 irs;		/* its sequence number: the peer's ISS */
	__u16 peer_mss;		/* its MSS option, 0 if none */
	__u8 wscale;		/* the peer's window scale (applied to its windows) */
	__u8 pad0;
	__u8 peer_mac[6];	/* its Ethernet source: the next hop towards the peer */
	__u16 pad1;
	/* Receive side: what our segments acknowledge and echo. */
	__u32 rcv_nxt;		/* next sequence number expected from the peer */
	__u32 ts_recent;	/* the peer's latest TSval, echoed as our TSecr */
	/* Send side, offsets from iss1. */
	__u64 snd_una;		/* oldest unacknowledged */
	__u64 snd_nxt;		/* next to send */
	__u64 snd_max;		/* highest sent + 1 */
	__u32 wnd;		/* the peer's receive window in bytes (scaled) */
	__u32 dupacks;		/* duplicate ACKs in a row */
	__u32 rto_seen;		/* last tcp_flow_ctl.rto_req acted on */
	__u32 pad2;
	/*
	 * Fast recovery (RFC 6582, NewReno): the third duplicate ACK marks
	 * the segment at snd_una as a hole to send again, once, ahead of new
	 * data; each partial ACK until recover marks the next one.
	 */
	__u64 hole;
	__u64 recover;		/* snd_max when the recovery began */
	/* Counters. */
	__u64 acks;		/* ACKs that acknowledged new data */
	__u64 dup_acks;		/* duplicate ACKs */
	__u64 fast_retransmits;	/* recoveries begun by a third duplicate ACK */
	__u64 timeouts;		/* go-back-to-snd_una on userspace's RTO request */
	__u64 last_ack_ns;	/* bpf_ktime_get_ns of the last new ACK */
	/*
	 * With SACK (TCP_FLOW_F_SACK), loss recovery per RFC 6675: the
	 * unSACKed bytes in [rxt_next, lost_end) are lost and go again, once
	 * each, ahead of new data; rxt_next walks them. A fast recovery marks
	 * the holes below the highest SACKed byte, a timeout all that is
	 * outstanding (what the scoreboard holds is not sent again).
	 */
	__u64 rxt_next;
	__u64 lost_end;
	__u64 pipe;		/* bytes in flight, RFC 6675's pipe (kept with a --cc only) */
	__u64 rto_una;		/* snd_una + 1 at the last timeout, 0 before */
	__u64 rxt_mark;		/* snd_max once the walk was seen done, 0 before (lost resends) */
	__u32 rxt_seen;		/* last tcp_flow_ctl.rxt_req acted on */
	__u32 pad3;
	struct tcp_sb sb;	/* the SACK scoreboard */
	struct tcp_cc cc;	/* the congestion window (algo TCP_CC_NONE: none) */
	__u64 sacked_bytes;	/* bytes newly SACKed, over the run */
	__u64 sack_rejected;	/* SACK blocks not taken: malformed, old, or past snd_max */
	__u64 lost_segs;	/* segments marked lost (holes, or outstanding at a timeout) */
	/*
	 * With a --cc: the round-trip time, and the earliest time
	 * (bpf_ktime_get_ns) the flow's next segment may go (tcp_pace_gap_ns).
	 */
	struct tcp_rtt rtt;
	__u64 pace_next_ns;
};

/*
 * Per flow, written only by userspace (through mmap), read by both
 * programs: what the generator may send and where our FIN sits.
 */
struct tcp_flow_ctl {
	__u64 limit;		/* new data may be sent up to this offset */
	__u64 fin_seq;		/* with closing: offset of our FIN */
	__u32 rto_req;		/* bumped on a retransmission timeout */
	__u32 closing;		/* our FIN has been (or is being) sent */
	__u32 rxt_req;		/* bumped: a SACK recovery stuck on its holes walks them again */
	__u32 pad;
};

/* Per-CPU statistics of the ACK program. */
struct tcp_ack_stats {
	__u64 passed;		/* segments of tracked flows handed to the kernel (handshake) */
	__u64 consumed;		/* segments of owned flows consumed and dropped */
	__u64 malformed;	/* segments of tracked flows too short or inconsistent */
};

/* One flow's template: its headers, and its TSval at ts_t0_ns. */
struct tcp_gen_tmpl {
	__u8 hdr[TCP_GEN_HDR_MAX];
	__u32 ts_base;
	__u32 pad;
};

struct tcp_gen_cfg {
	__u32 ifindex;		/* redirect target */
	__u16 l3_off;
	__u16 l4_off;
	__u16 hdr_len;		/* bytes of each template restored per frame */
	__u16 frame_len;	/* every data segment's frame, FCS excluded */
	__u16 payload_len;	/* bytes of payload per segment (the MSS we use) */
	__u8 ipv6;
	__u8 ts;		/* the timestamp option follows the TCP header */
	__u32 nflows;
	__u8 pace;		/* read the clock for every frame: flows may be paced (a --cc) */
	__u8 pad[3];
	__u64 ts_t0_ns;		/* bpf_ktime_get_ns() when ts_base was read */
	struct tcp_gen_tmpl flow[TCP_GEN_MAX_FLOWS];
};

/* Per CPU: the flows this CPU's thread sends, and its counters. */
struct tcp_gen_pcpu {
	__u32 first;		/* flows first, first + stride, ... */
	__u32 stride;
	__u32 nflows;
	__u32 cursor;		/* round-robin position among them */
	__u32 burst;		/* segments of the flow at cursor in a row */
	__u32 slot;		/* scratch of the program (tcp_gen.bpf.c), not a figure */
	__u64 segments;		/* frames redirected */
	__u64 bytes;		/* their length, FCS excluded */
	__u64 payload;		/* their payload bytes */
	__u64 retransmitted;	/* of them, segments sent before (below snd_max) */
	__u64 window_drops;	/* frames dropped: no flow had room for a segment (or was due) */
	__u64 pace_holds;	/* of them, those a flow with room was not due for (pacing) */
	__u64 short_frames;	/* frames not of the template's length: a bug */
};

#endif
