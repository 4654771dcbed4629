// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP generator's ACK handler (bpf/tcp_ack.bpf.c) under
 * BPF_PROG_TEST_RUN (normal mode, one segment per run), as a fixture table:
 * {description, flow state before, control block, the peer's segment,
 * expected verdict, expected flow state after, which counter moves}.
 *
 * The state after is compared field by field in full (the lock and the time
 * of the last ACK aside; that one must move exactly when an ACK advances
 * snd_una), so "untouched" means untouched.
 *
 * Segments are built with lib/packet_tcp's tg_build_tcp; options other than
 * timestamps, and the damage of the malformed rows, are written over the
 * built segment here.
 *
 * Needs root (or CAP_BPF + CAP_NET_ADMIN).
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
#include "packet_tcp.h"
#include "percpu.h"
#include "tcp_gen.h"
#include "tcp/load.h"
#include "tcp_ack.skel.h"
#include "wire.h"

/* The rows start from a base state and override a few fields. */
#pragma GCC diagnostic ignored "-Woverride-init"

#define ISS1 0x40000000u	/* our ISS + 1 */
#define IRS 0x00004fffu		/* the peer's ISS */
#define RCV (IRS + 1)		/* what we acknowledge */
#define TSR 777u		/* the peer's last TSval */
#define WS 7
#define WIN 234			/* the window field of the base segments */
#define WND (WIN << WS)
#define UNA 14480ULL		/* offsets from ISS1: 10 segments of 1448 */
#define NXT 28960ULL
#define LPORT 40000		/* ours */
#define RPORT 10000		/* the peer's */

static const uint8_t peer_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t our_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

#define F_BASE (TCP_FLOW_F_SYNACK | TCP_FLOW_F_TS | TCP_FLOW_F_WS)

/* An owned flow with 14480 bytes in flight, snd_nxt == snd_max. */
#define OWNED .phase = TCP_FLOW_OWNED, .flags = F_BASE, .iss1 = ISS1, .irs = IRS, \
	.peer_mss = 1460, .wscale = WS, .rcv_nxt = RCV, .ts_recent = TSR, \
	.snd_una = UNA, .snd_nxt = NXT, .snd_max = NXT, .wnd = WND, \
	.peer_mac = { 0x02, 0, 0, 0, 0, 0x01 }
#define HANDSHAKE .phase = TCP_FLOW_HANDSHAKE

/* Damage done to the built segment, in this order. */
enum {
	D_DOFF4 = 1 << 0,	/* data offset 4 words: below the header */
	D_DOFF_BIG = 1 << 1,	/* data offset 15 words: past the IP length */
	D_IPLEN_BIG = 1 << 2,	/* IP length 200 bytes past the frame */
	D_UDP = 1 << 3,		/* IP protocol UDP */
	D_ARP = 1 << 4,		/* EtherType ARP */
	D_FRAG = 1 << 5,	/* IPv4: a non-first fragment */
	D_V6EXT = 1 << 6,	/* IPv6: next header hop-by-hop */
	D_OTHER_PORT = 1 << 7,	/* to a port we do not track */
	D_IHL4 = 1 << 8,	/* IPv4 header length below 20 */
};

struct segment {
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t win;
	bool ts;
	uint32_t tsval;
	uint32_t payload;
	const char *opts;	/* raw options (instead of ts), as a C string of bytes */
	uint8_t optlen;
	/*
	 * SACK blocks (start, end), written after NOP, NOP, timestamps (as
	 * Linux does; unless sack_no_ts) as NOP, NOP, kind 5, length
	 * sack_len (0: 2 + 8 * nsack).
	 */
	uint8_t nsack;
	uint32_t sack[8];
	bool sack_no_ts;
	uint8_t sack_len;
	unsigned int damage;
	uint32_t cut;		/* run only the first cut bytes, if not 0 */
};

enum counter { C_NONE, C_PASSED, C_CONSUMED, C_MALFORMED_DROP, C_MALFORMED_PASS };

struct fixture {
	const char *desc;
	int family;
	struct tcp_flow before;
	struct tcp_flow_ctl ctl;
	struct segment seg;
	int verdict;
	struct tcp_flow after;
	enum counter counter;
};

/* SACK negotiated; the MSS the generator sends with (IsLost counts in it). */
#define F_SACKB (F_BASE | TCP_FLOW_F_SACK)
#define OWNED_S OWNED, .flags = F_SACKB, .cc = { .mss = 1448 }
#define OWNED_RENO OWNED, .flags = F_SACKB, \
	.cc = { .mss = 1448, .algo = TCP_CC_RENO, .cwnd = 14480, .ssthresh = 0xffffffffu }
/* Offset k segments above snd_una, on the wire; the same as an offset. */
#define SQ(k) (ISS1 + (uint32_t)UNA + (k) * 1448u)
#define OF(k) (UNA + (k) * 1448ULL)
#define SB1(a, b) { .start = { OF(a) }, .end = { OF(b) }, .sacked = ((b) - (a)) * 1448ULL, .n = 1 }

/* The base ACK: in order, acknowledging nothing new, base window, a newer TSval. */
#define ACK(...) { .flags = TG_TCP_ACK, .seq = RCV, .ack = ISS1 + (uint32_t)UNA, \
		   .win = WIN, .ts = true, .tsval = 800, __VA_ARGS__ }
#define SYNACK(...) { .flags = TG_TCP_SYN | TG_TCP_ACK, .seq = IRS, .ack = ISS1, \
		      .win = 65160, __VA_ARGS__ }
#define ST(...) { __VA_ARGS__ }
#define CTL(...) { .limit = UINT64_MAX, __VA_ARGS__ }

/* MSS 1460, SACK permitted, timestamps 0x11223344/0, NOP, window scale 7: Linux's SYN-ACK. */
#define LINUX_SYNACK_OPTS "\x02\x04\x05\xb4\x04\x02\x08\x0a\x11\x22\x33\x44\x00\x00\x00\x00\x01\x03\x03\x07"
/* NOP, NOP, timestamps 900/0, NOP, NOP, one SACK block: a duplicate ACK with SACK. */
#define SACK_DUP_OPTS "\x01\x01\x08\x0a\x00\x00\x03\x84\x00\x00\x00\x00\x01\x01\x05\x0a\x40\x00\x50\x00\x40\x00\x60\x00"

static const struct fixture fixtures[] = {
	/* New data acknowledged. */
	{ "new ACK advances snd_una", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 2896), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 2896, .acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "new ACK of everything sent", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT), XDP_DROP,
	  ST(OWNED, .snd_una = NXT, .acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "new ACK past snd_nxt after a go-back pulls snd_nxt along", AF_INET,
	  ST(OWNED, .snd_nxt = UNA), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 5792), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 5792, .snd_nxt = UNA + 5792, .acks = 1, .ts_recent = 800),
	  C_CONSUMED },
	{ "new ACK resets the duplicate count", AF_INET, ST(OWNED, .dupacks = 2, .dup_acks = 2),
	  CTL(), ACK(.ack = ISS1 + (uint32_t)UNA + 1448), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 1448, .dup_acks = 2, .acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "ACK for data never sent is ignored, window too", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT + 1, .win = 9), XDP_DROP,
	  ST(OWNED, .ts_recent = 800), C_CONSUMED },
	{ "old ACK is ignored, window too", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA - 1448, .win = 9), XDP_DROP,
	  ST(OWNED, .ts_recent = 800), C_CONSUMED },
	{ "older TSval is not echoed", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 1448, .tsval = 700), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 1448, .acks = 1), C_CONSUMED },
	{ "TSval across 2^32 is newer", AF_INET, ST(OWNED, .ts_recent = 0xfffffff0), CTL(),
	  ACK(.tsval = 5, .win = WIN + 1), XDP_DROP,
	  ST(OWNED, .ts_recent = 5, .wnd = (WIN + 1) << WS), C_CONSUMED },

	/*
	 * Round-trip time: the generator timed the segment ending at rtt.seq,
	 * sent at rtt.sent_ns = 1 ns after boot, so the sample is the cap.
	 */
	{ "the timed segment acknowledged: RFC 6298's first sample", AF_INET,
	  ST(OWNED, .rtt = { .seq = UNA + 2896, .sent_ns = 1 }), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 2896), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 2896, .acks = 1, .ts_recent = 800,
	     .rtt = { .srtt_ns = TCP_RTT_MAX_NS, .rttvar_ns = TCP_RTT_MAX_NS / 2,
		      .min_ns = TCP_RTT_MAX_NS, .samples = 1, .sent_ns = 1 }), C_CONSUMED },
	{ "a later sample is smoothed (RFC 6298 2.3)", AF_INET,
	  ST(OWNED, .rtt = { .srtt_ns = 2000000000, .rttvar_ns = 1000000000,
			     .min_ns = 1000000000, .samples = 5, .seq = UNA + 1448, .sent_ns = 1 }),
	  CTL(), ACK(.ack = ISS1 + (uint32_t)UNA + 2896), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 2896, .acks = 1, .ts_recent = 800,
	     .rtt = { .srtt_ns = 2250000000, .rttvar_ns = 1250000000,
		      .min_ns = 1000000000, .samples = 6, .sent_ns = 1 }), C_CONSUMED },
	{ "an ACK short of the timed segment: no sample yet", AF_INET,
	  ST(OWNED, .rtt = { .seq = UNA + 4344, .sent_ns = 1 }), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 2896), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 2896, .acks = 1, .ts_recent = 800,
	     .rtt = { .seq = UNA + 4344, .sent_ns = 1 }), C_CONSUMED },
	{ "the timed segment SACKed above a hole: a sample", AF_INET,
	  ST(OWNED_S, .rtt = { .seq = OF(5), .sent_ns = 1 }), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack = { SQ(4), SQ(6) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sb = SB1(4, 6),
	     .sacked_bytes = 2 * 1448,
	     .rtt = { .srtt_ns = TCP_RTT_MAX_NS, .rttvar_ns = TCP_RTT_MAX_NS / 2,
		      .min_ns = TCP_RTT_MAX_NS, .samples = 1, .sent_ns = 1 }), C_CONSUMED },
	{ "a SACK block short of the timed segment's end: no sample yet", AF_INET,
	  ST(OWNED_S, .rtt = { .seq = OF(5), .sent_ns = 1 }), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack = { SQ(3), SQ(4) + 1000 }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800,
	     .sb = { .start = { OF(3) }, .end = { OF(4) + 1000 }, .sacked = 2448, .n = 1 },
	     .sacked_bytes = 2448, .rtt = { .seq = OF(5), .sent_ns = 1 }), C_CONSUMED },
	{ "the timed segment acknowledged in a loss recovery: no sample (Karn)", AF_INET,
	  ST(OWNED, .flags = F_BASE | TCP_FLOW_F_RECOVERY, .recover = UNA + 2896,
	     .rtt = { .seq = UNA + 1448, .sent_ns = 1 }), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 2896), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 2896, .acks = 1, .ts_recent = 800, .recover = UNA + 2896,
	     .rtt = { .sent_ns = 1 }), C_CONSUMED },

	/* Duplicates and fast retransmit. */
	{ "duplicate ACK counted", AF_INET, ST(OWNED), CTL(), ACK(), XDP_DROP,
	  ST(OWNED, .dupacks = 1, .dup_acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "third duplicate ACK starts a recovery: snd_una's segment again", AF_INET,
	  ST(OWNED, .dupacks = 2, .dup_acks = 2), CTL(), ACK(), XDP_DROP,
	  ST(OWNED, .dupacks = 3, .dup_acks = 3, .fast_retransmits = 1, .ts_recent = 800,
	     .flags = F_BASE | TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE, .hole = UNA,
	     .recover = NXT, .lost_segs = 1), C_CONSUMED },
	{ "fourth duplicate ACK in the recovery changes nothing more", AF_INET,
	  ST(OWNED, .dupacks = 3, .dup_acks = 3, .flags = F_BASE | TCP_FLOW_F_RECOVERY,
	     .hole = UNA, .recover = NXT), CTL(), ACK(), XDP_DROP,
	  ST(OWNED, .dupacks = 4, .dup_acks = 4, .flags = F_BASE | TCP_FLOW_F_RECOVERY,
	     .hole = UNA, .recover = NXT, .ts_recent = 800), C_CONSUMED },
	{ "third duplicate ACK of a new loss after a recovery", AF_INET,
	  ST(OWNED, .dupacks = 2, .dup_acks = 9, .fast_retransmits = 1, .hole = 1448,
	     .recover = 2896), CTL(), ACK(), XDP_DROP,
	  ST(OWNED, .dupacks = 3, .dup_acks = 10, .fast_retransmits = 2, .ts_recent = 800,
	     .flags = F_BASE | TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE, .hole = UNA,
	     .recover = NXT, .lost_segs = 1), C_CONSUMED },
	{ "partial ACK in a recovery points at the next hole", AF_INET,
	  ST(OWNED, .dupacks = 5, .dup_acks = 5, .flags = F_BASE | TCP_FLOW_F_RECOVERY,
	     .hole = UNA, .recover = NXT), CTL(), ACK(.ack = ISS1 + (uint32_t)UNA + 4344),
	  XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 4344, .dup_acks = 5, .acks = 1, .ts_recent = 800,
	     .flags = F_BASE | TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE, .hole = UNA + 4344,
	     .recover = NXT, .lost_segs = 1), C_CONSUMED },
	{ "ACK reaching recover ends the recovery", AF_INET,
	  ST(OWNED, .flags = F_BASE | TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE, .hole = UNA,
	     .recover = UNA + 2896), CTL(), ACK(.ack = ISS1 + (uint32_t)UNA + 2896), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 2896, .acks = 1, .ts_recent = 800, .hole = UNA,
	     .recover = UNA + 2896), C_CONSUMED },
	{ "duplicate ACK with SACK blocks counted, its TSval read", AF_INET, ST(OWNED), CTL(),
	  ACK(.ts = false, .opts = SACK_DUP_OPTS, .optlen = 24), XDP_DROP,
	  ST(OWNED, .dupacks = 1, .dup_acks = 1, .ts_recent = 900), C_CONSUMED },
	{ "window update is not a duplicate", AF_INET, ST(OWNED, .dupacks = 1, .dup_acks = 1),
	  CTL(), ACK(.win = WIN + 10), XDP_DROP,
	  ST(OWNED, .dupacks = 1, .dup_acks = 1, .wnd = (WIN + 10) << WS, .ts_recent = 800),
	  C_CONSUMED },
	{ "same ACK carrying data is not a duplicate", AF_INET, ST(OWNED), CTL(),
	  ACK(.payload = 100), XDP_DROP, ST(OWNED, .ts_recent = 800), C_CONSUMED },
	{ "same ACK with nothing outstanding is not a duplicate", AF_INET,
	  ST(OWNED, .snd_una = NXT), CTL(), ACK(.ack = ISS1 + (uint32_t)NXT), XDP_DROP,
	  ST(OWNED, .snd_una = NXT, .ts_recent = 800), C_CONSUMED },

	/* SACK (RFC 2018, RFC 6675), on a flow that negotiated it. */
	{ "one SACK block after the timestamps: scoreboard, no recovery yet", AF_INET,
	  ST(OWNED_S), CTL(), ACK(.ts = false, .nsack = 1, .sack = { SQ(1), SQ(2) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sb = SB1(1, 2),
	     .sacked_bytes = 1448), C_CONSUMED },
	{ "three SACK blocks after the timestamps: IsLost(snd_una), the holes marked lost", AF_INET,
	  ST(OWNED_S), CTL(),
	  ACK(.ts = false, .nsack = 3, .sack = { SQ(6), SQ(7), SQ(4), SQ(5), SQ(2), SQ(3) }),
	  XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800,
	     .sb = { .start = { OF(2), OF(4), OF(6) }, .end = { OF(3), OF(5), OF(7) },
		     .sacked = 3 * 1448, .n = 3 }, .sacked_bytes = 3 * 1448,
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = NXT, .rxt_next = UNA,
	     .lost_end = OF(7), .fast_retransmits = 1, .lost_segs = 4), C_CONSUMED },
	{ "four SACK blocks without timestamps (the option loop), merged", AF_INET,
	  ST(OWNED_S), CTL(),
	  ACK(.ts = false, .sack_no_ts = true, .nsack = 4,
	      .sack = { SQ(1), SQ(2), SQ(2), SQ(3), SQ(5), SQ(6), SQ(8), SQ(9) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1,
	     .sb = { .start = { OF(1), OF(5), OF(8) }, .end = { OF(3), OF(6), OF(9) },
		     .sacked = 4 * 1448, .n = 3 }, .sacked_bytes = 4 * 1448,
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = NXT, .rxt_next = UNA,
	     .lost_end = OF(9), .fast_retransmits = 1, .lost_segs = 5), C_CONSUMED },
	{ "SACK blocks on a flow that did not negotiate SACK are not read", AF_INET,
	  ST(OWNED), CTL(), ACK(.ts = false, .nsack = 1, .sack = { SQ(1), SQ(2) }), XDP_DROP,
	  ST(OWNED, .dupacks = 1, .dup_acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "SACK length 11 (not 2 + 8n): rejected, the TSval still read", AF_INET,
	  ST(OWNED_S), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack_len = 11, .sack = { SQ(1), SQ(2) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sack_rejected = 1),
	  C_CONSUMED },
	{ "SACK length past the options (cut short): rejected", AF_INET,
	  ST(OWNED_S), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack_len = 26, .sack = { SQ(1), SQ(2) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sack_rejected = 1),
	  C_CONSUMED },
	{ "SACK length past the options, no timestamps (the loop): rejected", AF_INET,
	  ST(OWNED_S), CTL(),
	  ACK(.ts = false, .sack_no_ts = true, .nsack = 1, .sack_len = 18,
	      .sack = { SQ(1), SQ(2) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .sack_rejected = 1), C_CONSUMED },
	{ "SACK blocks below snd_una, past snd_max, empty and inverted: rejected, one kept",
	  AF_INET, ST(OWNED_S), CTL(),
	  ACK(.ts = false, .sack_no_ts = true, .nsack = 4,
	      .sack = { SQ(0) - 2896, SQ(0), SQ(9), SQ(11), SQ(3), SQ(3), SQ(2), SQ(1) }),
	  XDP_DROP, ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .sack_rejected = 4), C_CONSUMED },
	{ "SACK block up to snd_max exactly is kept", AF_INET, ST(OWNED_S), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack = { SQ(9), SQ(10) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sb = SB1(9, 10),
	     .sacked_bytes = 1448), C_CONSUMED },
	{ "cumulative ACK trims the scoreboard and ends the recovery", AF_INET,
	  ST(OWNED_S, .sb = { .start = { OF(2), OF(4) }, .end = { OF(3), OF(5) },
			      .sacked = 2 * 1448, .n = 2 },
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = OF(3), .rxt_next = OF(2),
	     .lost_end = OF(4)), CTL(),
	  ACK(.ack = SQ(3), .ts = false, .nsack = 1, .sack = { SQ(4), SQ(5) }), XDP_DROP,
	  ST(OWNED_S, .snd_una = OF(3), .acks = 1, .ts_recent = 800, .sb = SB1(4, 5),
	     .recover = OF(3)),
	  C_CONSUMED },
	{ "partial ACK in a SACK recovery: scoreboard trimmed, the walk goes on", AF_INET,
	  ST(OWNED_S, .sb = { .start = { OF(2), OF(6) }, .end = { OF(3), OF(7) },
			      .sacked = 2 * 1448, .n = 2 },
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = NXT, .rxt_next = OF(1),
	     .lost_end = OF(6)), CTL(),
	  ACK(.ack = SQ(3), .ts = false, .nsack = 1, .sack = { SQ(6), SQ(8) }), XDP_DROP,
	  ST(OWNED_S, .snd_una = OF(3), .acks = 1, .ts_recent = 800,
	     .sb = SB1(6, 8), .sacked_bytes = 1448,
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = NXT, .rxt_next = OF(1),
	     .lost_end = OF(8), .lost_segs = 0), C_CONSUMED },
	{ "walk done, first seen so: snd_max marked, the walk finished past SACKed ranges",
	  AF_INET,
	  ST(OWNED_S, .sb = SB1(1, 5), .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = NXT,
	     .rxt_next = OF(5), .lost_end = OF(5)), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack = { SQ(5), SQ(6) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sb = SB1(1, 6),
	     .sacked_bytes = 1448, .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = NXT,
	     .rxt_next = OF(6), .lost_end = OF(6), .rxt_mark = NXT), C_CONSUMED },
	{ "data sent after the walk SACKed 3 segments higher: the resent hole was lost, "
	  "the walk starts again", AF_INET,
	  ST(OWNED_S, .sb = SB1(1, 5), .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = OF(6),
	     .rxt_next = OF(5), .lost_end = OF(5), .rxt_mark = OF(6)), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack = { SQ(5), SQ(10) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sb = SB1(1, 10),
	     .sacked_bytes = 5 * 1448, .flags = F_SACKB | TCP_FLOW_F_RECOVERY,
	     .recover = OF(6), .rxt_next = UNA, .lost_end = OF(10), .rxt_mark = 0,
	     .lost_segs = 1), C_CONSUMED },
	{ "... not when the scoreboard had to drop a range in this recovery", AF_INET,
	  ST(OWNED_S, .sb = SB1(1, 5),
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY | TCP_FLOW_F_SB_FULL, .recover = OF(6),
	     .rxt_next = OF(5), .lost_end = OF(5), .rxt_mark = OF(6)), CTL(),
	  ACK(.ts = false, .nsack = 1, .sack = { SQ(5), SQ(10) }), XDP_DROP,
	  ST(OWNED_S, .dupacks = 1, .dup_acks = 1, .ts_recent = 800, .sb = SB1(1, 10),
	     .sacked_bytes = 5 * 1448,
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY | TCP_FLOW_F_SB_FULL,
	     .recover = OF(6), .rxt_next = OF(10), .lost_end = OF(10), .rxt_mark = OF(6)),
	  C_CONSUMED },
	{ "reno: recovery halves the flight (RFC 5681 eq. 4), pipe per RFC 6675", AF_INET,
	  ST(OWNED_RENO, .snd_nxt = NXT), CTL(),
	  ACK(.ts = false, .nsack = 3, .sack = { SQ(6), SQ(7), SQ(4), SQ(5), SQ(2), SQ(3) }),
	  XDP_DROP,
	  ST(OWNED_RENO, .dupacks = 1, .dup_acks = 1, .ts_recent = 800,
	     .sb = { .start = { OF(2), OF(4), OF(6) }, .end = { OF(3), OF(5), OF(7) },
		     .sacked = 3 * 1448, .n = 3 }, .sacked_bytes = 3 * 1448,
	     .flags = F_SACKB | TCP_FLOW_F_RECOVERY, .recover = NXT, .rxt_next = UNA,
	     .lost_end = OF(7), .fast_retransmits = 1, .lost_segs = 4,
	     .cc = { .mss = 1448, .algo = TCP_CC_RENO, .cwnd = 7240, .ssthresh = 7240 },
	     /* 10 out, 3 SACKed, 4 lost: 3 in flight */
	     .pipe = 3 * 1448), C_CONSUMED },
	{ "reno: a new ACK in slow start grows cwnd by the bytes acknowledged", AF_INET,
	  ST(OWNED_RENO), CTL(), ACK(.ack = SQ(2)), XDP_DROP,
	  ST(OWNED_RENO, .snd_una = OF(2), .acks = 1, .ts_recent = 800,
	     .cc = { .mss = 1448, .algo = TCP_CC_RENO, .cwnd = 14480 + 2896,
		     .ssthresh = 0xffffffffu }, .pipe = NXT - OF(2)), C_CONSUMED },

	/* Windows. */
	{ "window scaled by 14", AF_INET, ST(OWNED, .wscale = 14), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 1448, .win = 0xffff), XDP_DROP,
	  ST(OWNED, .wscale = 14, .snd_una = UNA + 1448, .wnd = 0xffffu << 14, .acks = 1,
	     .ts_recent = 800), C_CONSUMED },
	{ "window not scaled (scale 0)", AF_INET, ST(OWNED, .wscale = 0), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 1448, .win = 1000), XDP_DROP,
	  ST(OWNED, .wscale = 0, .snd_una = UNA + 1448, .wnd = 1000, .acks = 1,
	     .ts_recent = 800), C_CONSUMED },
	{ "zero window", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 1448, .win = 0), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 1448, .wnd = 0, .acks = 1, .ts_recent = 800), C_CONSUMED },

	/* Sequence arithmetic. */
	{ "ACK across the 2^32 wrap of sequence numbers", AF_INET,
	  ST(OWNED, .iss1 = 0xfffff000, .snd_una = 0x800, .snd_nxt = 0x2000, .snd_max = 0x2000),
	  CTL(), ACK(.ack = 0xfffff000u + 0x800 + 0x1000), XDP_DROP,
	  ST(OWNED, .iss1 = 0xfffff000, .snd_una = 0x1800, .snd_nxt = 0x2000, .snd_max = 0x2000,
	     .acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "64-bit offsets past 4 GiB", AF_INET,
	  ST(OWNED, .snd_una = (5ULL << 32) + 100, .snd_nxt = (5ULL << 32) + 90000,
	     .snd_max = (5ULL << 32) + 90000),
	  CTL(), ACK(.ack = ISS1 + 100 + 50000), XDP_DROP,
	  ST(OWNED, .snd_una = (5ULL << 32) + 50100, .snd_nxt = (5ULL << 32) + 90000,
	     .snd_max = (5ULL << 32) + 90000, .acks = 1, .ts_recent = 800), C_CONSUMED },

	/* Closing. */
	{ "the peer's FIN in order", AF_INET, ST(OWNED), CTL(),
	  ACK(.flags = TG_TCP_FIN | TG_TCP_ACK), XDP_DROP,
	  ST(OWNED, .rcv_nxt = RCV + 1, .flags = F_BASE | TCP_FLOW_F_PEER_FIN, .ts_recent = 800),
	  C_CONSUMED },
	{ "the peer's FIN out of order is not taken", AF_INET, ST(OWNED), CTL(),
	  ACK(.flags = TG_TCP_FIN | TG_TCP_ACK, .seq = RCV + 5), XDP_DROP,
	  ST(OWNED, .ts_recent = 800), C_CONSUMED },
	{ "our FIN acknowledged", AF_INET, ST(OWNED, .snd_una = NXT),
	  CTL(.closing = 1, .fin_seq = NXT), ACK(.ack = ISS1 + (uint32_t)NXT + 1), XDP_DROP,
	  ST(OWNED, .snd_una = NXT + 1, .snd_nxt = NXT + 1, .acks = 1,
	     .flags = F_BASE | TCP_FLOW_F_FIN_ACKED, .ts_recent = 800), C_CONSUMED },
	{ "our FIN acknowledged with the peer's FIN", AF_INET, ST(OWNED, .snd_una = NXT),
	  CTL(.closing = 1, .fin_seq = NXT),
	  ACK(.flags = TG_TCP_FIN | TG_TCP_ACK, .ack = ISS1 + (uint32_t)NXT + 1), XDP_DROP,
	  ST(OWNED, .snd_una = NXT + 1, .snd_nxt = NXT + 1, .acks = 1, .rcv_nxt = RCV + 1,
	     .flags = F_BASE | TCP_FLOW_F_FIN_ACKED | TCP_FLOW_F_PEER_FIN, .ts_recent = 800),
	  C_CONSUMED },
	{ "FIN position past an ACK: data before it acknowledged, FIN not", AF_INET,
	  ST(OWNED), CTL(.closing = 1, .fin_seq = UNA), ACK(.ack = ISS1 + (uint32_t)UNA + 2896),
	  XDP_DROP, ST(OWNED, .snd_una = UNA + 2896, .acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "RST exactly at rcv_nxt is believed", AF_INET, ST(OWNED), CTL(),
	  ACK(.flags = TG_TCP_RST | TG_TCP_ACK), XDP_DROP,
	  ST(OWNED, .flags = F_BASE | TCP_FLOW_F_RST), C_CONSUMED },
	{ "RST elsewhere is not", AF_INET, ST(OWNED), CTL(),
	  ACK(.flags = TG_TCP_RST, .seq = RCV + 1000), XDP_DROP, ST(OWNED), C_CONSUMED },
	{ "segment without ACK changes nothing", AF_INET, ST(OWNED), CTL(),
	  ACK(.flags = 0, .ack = ISS1 + (uint32_t)NXT), XDP_DROP, ST(OWNED), C_CONSUMED },

	/* Not ours, or not anything: passed, untouched. */
	{ "segment of an unknown flow passes", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .damage = D_OTHER_PORT), XDP_PASS, ST(OWNED), C_NONE },
	{ "UDP passes", AF_INET, ST(OWNED), CTL(), ACK(.damage = D_UDP), XDP_PASS, ST(OWNED), C_NONE },
	{ "ARP passes", AF_INET, ST(OWNED), CTL(), ACK(.damage = D_ARP), XDP_PASS, ST(OWNED), C_NONE },
	{ "IPv4 fragment passes", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .damage = D_FRAG), XDP_PASS, ST(OWNED), C_NONE },
	{ "IPv4 header length below 20 passes", AF_INET, ST(OWNED), CTL(),
	  ACK(.damage = D_IHL4), XDP_PASS, ST(OWNED), C_NONE },
	{ "frame cut before the ports passes", AF_INET, ST(OWNED), CTL(),
	  ACK(.cut = 14 + 20 + 3), XDP_PASS, ST(OWNED), C_NONE },
	{ "frame cut inside the TCP header: dropped, untouched", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .cut = 14 + 20 + 12), XDP_DROP, ST(OWNED),
	  C_MALFORMED_DROP },
	{ "frame cut inside the options: dropped, untouched", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .cut = 14 + 20 + 26), XDP_DROP, ST(OWNED),
	  C_MALFORMED_DROP },
	{ "data offset below 5: dropped, untouched", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .damage = D_DOFF4), XDP_DROP, ST(OWNED),
	  C_MALFORMED_DROP },
	{ "data offset past the IP length: dropped, untouched", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .ts = false, .damage = D_DOFF_BIG), XDP_DROP,
	  ST(OWNED), C_MALFORMED_DROP },
	{ "IP length past the frame: dropped, untouched", AF_INET, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .damage = D_IPLEN_BIG), XDP_DROP, ST(OWNED),
	  C_MALFORMED_DROP },
	{ "malformed during the handshake: passed, untouched", AF_INET, ST(HANDSHAKE), CTL(),
	  SYNACK(.damage = D_DOFF4), XDP_PASS, ST(HANDSHAKE), C_MALFORMED_PASS },
	{ "flow not in use (free): passes, untouched", AF_INET, ST(.phase = TCP_FLOW_FREE), CTL(),
	  SYNACK(), XDP_PASS, ST(.phase = TCP_FLOW_FREE), C_PASSED },

	/* The handshake. */
	{ "Linux's SYN-ACK recorded and passed", AF_INET, ST(HANDSHAKE), CTL(),
	  SYNACK(.opts = LINUX_SYNACK_OPTS, .optlen = 20), XDP_PASS,
	  ST(OWNED, .phase = TCP_FLOW_HANDSHAKE, .flags = F_BASE | TCP_FLOW_F_SACK,
	     .snd_una = 0, .snd_nxt = 0, .snd_max = 0, .wnd = 65160, .ts_recent = 0x11223344),
	  C_PASSED },
	{ "SYN-ACK without options", AF_INET, ST(HANDSHAKE), CTL(), SYNACK(), XDP_PASS,
	  ST(OWNED, .phase = TCP_FLOW_HANDSHAKE, .flags = TCP_FLOW_F_SYNACK, .peer_mss = 0,
	     .wscale = 0, .ts_recent = 0, .snd_una = 0, .snd_nxt = 0, .snd_max = 0, .wnd = 65160),
	  C_PASSED },
	{ "SYN-ACK window scale 15 is taken as 14", AF_INET, ST(HANDSHAKE), CTL(),
	  SYNACK(.opts = "\x01\x03\x03\x0f", .optlen = 4), XDP_PASS,
	  ST(OWNED, .phase = TCP_FLOW_HANDSHAKE, .flags = TCP_FLOW_F_SYNACK | TCP_FLOW_F_WS,
	     .peer_mss = 0, .wscale = 14, .ts_recent = 0, .snd_una = 0, .snd_nxt = 0,
	     .snd_max = 0, .wnd = 65160), C_PASSED },
	{ "SYN-ACK options cut short by a zero length: what came before stays", AF_INET,
	  ST(HANDSHAKE), CTL(), SYNACK(.opts = "\x02\x04\x05\xb4\x03\x00\x07\x00", .optlen = 8),
	  XDP_PASS,
	  ST(OWNED, .phase = TCP_FLOW_HANDSHAKE, .flags = TCP_FLOW_F_SYNACK, .wscale = 0,
	     .ts_recent = 0, .snd_una = 0, .snd_nxt = 0, .snd_max = 0, .wnd = 65160), C_PASSED },
	{ "after the SYN-ACK, the handshake phase follows TSvals and passes", AF_INET,
	  ST(OWNED, .phase = TCP_FLOW_HANDSHAKE), CTL(), ACK(.tsval = 1000), XDP_PASS,
	  ST(OWNED, .phase = TCP_FLOW_HANDSHAKE, .ts_recent = 1000), C_PASSED },

	/* IPv6. */
	{ "IPv6: new ACK advances snd_una", AF_INET6, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)UNA + 1448), XDP_DROP,
	  ST(OWNED, .snd_una = UNA + 1448, .acks = 1, .ts_recent = 800), C_CONSUMED },
	{ "IPv6: third duplicate ACK", AF_INET6, ST(OWNED, .dupacks = 2, .dup_acks = 2), CTL(),
	  ACK(), XDP_DROP,
	  ST(OWNED, .dupacks = 3, .dup_acks = 3, .fast_retransmits = 1, .ts_recent = 800,
	     .flags = F_BASE | TCP_FLOW_F_RECOVERY | TCP_FLOW_F_HOLE, .hole = UNA,
	     .recover = NXT, .lost_segs = 1), C_CONSUMED },
	{ "IPv6: SYN-ACK recorded", AF_INET6, ST(HANDSHAKE), CTL(),
	  SYNACK(.opts = LINUX_SYNACK_OPTS, .optlen = 20), XDP_PASS,
	  ST(OWNED, .phase = TCP_FLOW_HANDSHAKE, .flags = F_BASE | TCP_FLOW_F_SACK,
	     .snd_una = 0, .snd_nxt = 0, .snd_max = 0, .wnd = 65160, .ts_recent = 0x11223344),
	  C_PASSED },
	{ "IPv6: extension header passes", AF_INET6, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .damage = D_V6EXT), XDP_PASS, ST(OWNED), C_NONE },
	{ "IPv6: cut inside the TCP header: dropped, untouched", AF_INET6, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .cut = 14 + 40 + 10), XDP_DROP, ST(OWNED),
	  C_MALFORMED_DROP },
	{ "IPv6: payload length past the frame: dropped, untouched", AF_INET6, ST(OWNED), CTL(),
	  ACK(.ack = ISS1 + (uint32_t)NXT, .damage = D_IPLEN_BIG), XDP_DROP, ST(OWNED),
	  C_MALFORMED_DROP },
	{ "IPv6: unknown flow passes", AF_INET6, ST(OWNED), CTL(),
	  ACK(.damage = D_OTHER_PORT), XDP_PASS, ST(OWNED), C_NONE },
};

/* Loaded as `trafficgen tcp` loads it; skel is progs.ack. */
static struct tg_tcp_progs progs;
static struct tcp_ack_bpf *skel;

static void addrs(int family, union tg_addr *ours, union tg_addr *peer)
{
	if (family == AF_INET) {
		inet_pton(AF_INET, "198.18.0.2", &ours->v4);
		inet_pton(AF_INET, "198.18.0.1", &peer->v4);
	} else {
		inet_pton(AF_INET6, "2001:2::2", &ours->v6);
		inet_pton(AF_INET6, "2001:2::1", &peer->v6);
	}
}

static struct tcp_flow_key key_of(int family)
{
	struct tcp_flow_key k = { .lport = htons(LPORT), .rport = htons(RPORT),
				  .family = family == AF_INET ? 4 : 6 };
	union tg_addr ours, peer;

	addrs(family, &ours, &peer);
	memcpy(k.local, &ours, family == AF_INET ? 4 : 16);
	memcpy(k.remote, &peer, family == AF_INET ? 4 : 16);
	return k;
}

/* Recomputes the TCP checksum in full over l4len bytes, after changes. */
static void fix_csum(uint8_t *f, int family, uint32_t l4_off, uint32_t l4len)
{
	union tg_addr s, d;
	uint16_t c;

	f[l4_off + 16] = f[l4_off + 17] = 0;
	if (family == AF_INET) {
		memcpy(&s, f + 26, 4);
		memcpy(&d, f + 30, 4);
		c = tg_l4_csum4(&s.v4, &d.v4, IPPROTO_TCP, f + l4_off, l4len);
	} else {
		memcpy(&s, f + 22, 16);
		memcpy(&d, f + 38, 16);
		c = tg_l4_csum6(&s.v6, &d.v6, IPPROTO_TCP, f + l4_off, l4len);
	}
	memcpy(f + l4_off + 16, &c, 2);
}

/* The peer's segment of a fixture; returns its length. */
static uint32_t build(const struct fixture *fx, uint8_t *f, size_t len)
{
	const struct segment *g = &fx->seg;
	struct tg_tcp_spec s = {
		.family = fx->family, .sport = RPORT, .dport = LPORT, .ttl = 64,
		.seq = g->seq, .ack = g->ack, .flags = g->flags, .window = g->win,
		.ts = g->ts, .tsval = g->tsval, .tsecr = 12345,
		.payload_len = g->payload + g->optlen +
			       (g->nsack || g->sack_len ? (g->sack_no_ts ? 0 : 12) + 4 + 8 * g->nsack : 0),
	};
	uint32_t l3 = 14, l4 = fx->family == AF_INET ? 34 : 54, l4len;
	struct tg_layout l;

	memcpy(s.dst_mac, our_mac, 6);
	memcpy(s.src_mac, peer_mac, 6);
	addrs(fx->family, &s.dst, &s.src);
	assert_int_equal(tg_build_tcp(&s, f, len, &l, NULL), 0);
	l4len = l.len - l4;
	if (fx->family == AF_INET)
		l4len = (uint32_t)(f[16] << 8 | f[17]) - 20;
	if (g->optlen) {
		/* The options become the first bytes of what was built as payload. */
		memcpy(f + l4 + 20, g->opts, g->optlen);
		f[l4 + 12] = (uint8_t)(((20 + g->optlen) / 4) << 4);
	}
	if (g->nsack || g->sack_len) {
		uint8_t *o = f + l4 + 20, n = 0, i;

		if (!g->sack_no_ts) {
			o[n++] = 1;
			o[n++] = 1;
			o[n++] = 8;
			o[n++] = 10;
			tg_put32(o + n, g->tsval);
			tg_put32(o + n + 4, 12345);
			n += 8;
		}
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 5;
		o[n++] = g->sack_len ? g->sack_len : (uint8_t)(2 + 8 * g->nsack);
		for (i = 0; i < 2 * g->nsack; i++, n += 4)
			tg_put32(o + n, g->sack[i]);
		f[l4 + 12] = (uint8_t)(((20 + n + 3) / 4) << 4);
	}
	if (g->damage & D_DOFF4)
		f[l4 + 12] = 4 << 4;
	if (g->damage & D_DOFF_BIG)
		f[l4 + 12] = 15 << 4;
	if (g->damage & D_OTHER_PORT)
		tg_put16(f + l4 + 2, LPORT + 1);
	fix_csum(f, fx->family, l4, l4len);
	if (g->damage & D_IPLEN_BIG)
		tg_put16(f + l3 + (fx->family == AF_INET ? 2 : 4),
		      (uint16_t)(l.len - l3 + 200 - (fx->family == AF_INET ? 0 : 40)));
	if (g->damage & D_UDP)
		f[fx->family == AF_INET ? l3 + 9 : l3 + 6] = IPPROTO_UDP;
	if (g->damage & D_ARP)
		tg_put16(f + 12, 0x0806);
	if (g->damage & D_FRAG)
		tg_put16(f + l3 + 6, 0x2000 | 100);	/* MF, offset 800 */
	if (g->damage & D_V6EXT)
		f[l3 + 6] = 0;
	if (g->damage & D_IHL4)
		f[l3] = 0x44;
	return g->cut ? g->cut : l.len;
}

static struct tcp_ack_stats stats_sum(void)
{
	int n = tg_percpu_ncpus();
	struct tcp_ack_stats *v = tg_percpu_alloc(sizeof(*v), n), sum;

	assert_non_null(v);
	assert_int_equal(tg_percpu_read(skel->maps.ack_stats, 0, v, sizeof(*v), n), 0);
	tg_percpu_sum_all(v, sizeof(*v), n, &sum);
	free(v);
	return sum;
}

/* Everything but the lock and the time of the last ACK. */
static void assert_state(const char *desc, const struct tcp_flow *got,
			 const struct tcp_flow *want)
{
#define FIELD(f) \
	if (got->f != want->f) \
		fail_msg("%s: " #f " is %llu (%#llx), expected %llu (%#llx)", desc, \
			 (unsigned long long)got->f, (unsigned long long)got->f, \
			 (unsigned long long)want->f, (unsigned long long)want->f)
	FIELD(phase); FIELD(flags); FIELD(iss1); FIELD(irs); FIELD(peer_mss); FIELD(wscale);
	FIELD(rcv_nxt); FIELD(ts_recent); FIELD(snd_una); FIELD(snd_nxt); FIELD(snd_max);
	FIELD(wnd); FIELD(dupacks); FIELD(rto_seen); FIELD(acks); FIELD(dup_acks);
	FIELD(fast_retransmits); FIELD(timeouts); FIELD(hole); FIELD(recover);
	FIELD(rxt_next); FIELD(lost_end); FIELD(rxt_mark); FIELD(rxt_seen); FIELD(pipe); FIELD(rto_una); FIELD(sb.n);
	FIELD(sb.sacked); FIELD(sb.pad); FIELD(cc.cwnd); FIELD(cc.ssthresh); FIELD(cc.acked);
	FIELD(cc.w_max); FIELD(cc.w_est); FIELD(cc.k); FIELD(cc.mss); FIELD(cc.algo);
	FIELD(cc.epoch_ns); FIELD(sacked_bytes); FIELD(sack_rejected); FIELD(lost_segs);
	FIELD(rtt.srtt_ns); FIELD(rtt.rttvar_ns); FIELD(rtt.min_ns); FIELD(rtt.seq);
	FIELD(rtt.sent_ns); FIELD(rtt.samples); FIELD(pace_next_ns);
	/* The ranges in use: what lies past them is left over. */
	for (unsigned int i = 0; i < want->sb.n && i < TCP_SB_MAX; i++) {
		FIELD(sb.start[i]);
		FIELD(sb.end[i]);
	}
#undef FIELD
	if (memcmp(got->peer_mac, want->peer_mac, 6))
		fail_msg("%s: peer_mac differs", desc);
}

static void test_fixture(void **state)
{
	const struct fixture *fx = *state;
	struct tcp_flow_key key = key_of(fx->family);
	struct tcp_flow before = fx->before, after;
	struct tcp_ack_stats s0, s1;
	uint8_t frame[256];
	__u32 idx = 0;
	uint32_t len;
	LIBBPF_OPTS(bpf_test_run_opts, opts, .repeat = 1);

	assert_int_equal(bpf_map__update_elem(skel->maps.flows, &idx, sizeof(idx), &before,
					      sizeof(before), BPF_F_LOCK), 0);
	assert_int_equal(bpf_map__update_elem(skel->maps.flow_ctl, &idx, sizeof(idx), &fx->ctl,
					      sizeof(fx->ctl), 0), 0);
	assert_int_equal(bpf_map__update_elem(skel->maps.flow_keys, &key, sizeof(key), &idx,
					      sizeof(idx), BPF_ANY), 0);
	len = build(fx, frame, sizeof(frame));
	opts.data_in = frame;
	opts.data_size_in = len;
	s0 = stats_sum();
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.tcp_ack), &opts), 0);
	s1 = stats_sum();
	if ((int)opts.retval != fx->verdict)
		fail_msg("%s: verdict %u, expected %d", fx->desc, opts.retval, fx->verdict);
	assert_int_equal(bpf_map__lookup_elem(skel->maps.flows, &idx, sizeof(idx), &after,
					      sizeof(after), BPF_F_LOCK), 0);
	assert_state(fx->desc, &after, &fx->after);
	if ((after.last_ack_ns != 0) != (fx->after.acks > fx->before.acks))
		fail_msg("%s: the time of the last ACK %s", fx->desc,
			 after.last_ack_ns ? "moved" : "did not move");
	assert_int_equal(s1.passed - s0.passed,
			 fx->counter == C_PASSED || fx->counter == C_MALFORMED_PASS);
	assert_int_equal(s1.consumed - s0.consumed,
			 fx->counter == C_CONSUMED || fx->counter == C_MALFORMED_DROP);
	assert_int_equal(s1.malformed - s0.malformed,
			 fx->counter == C_MALFORMED_DROP || fx->counter == C_MALFORMED_PASS);
	assert_int_equal(bpf_map__delete_elem(skel->maps.flow_keys, &key, sizeof(key), 0), 0);
}

/* A SYN-ACK's source MAC is recorded: the next hop for a host behind a router. */
static void test_synack_mac(void **state)
{
	const struct fixture *fx = NULL;
	struct tcp_flow after;
	size_t i;

	for (i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		if (!strcmp(fixtures[i].desc, "Linux's SYN-ACK recorded and passed"))
			fx = &fixtures[i];
	assert_non_null(fx);
	test_fixture((void **)&fx);
	assert_int_equal(bpf_map__lookup_elem(skel->maps.flows, &(__u32){ 0 }, sizeof(__u32),
					      &after, sizeof(after), BPF_F_LOCK), 0);
	assert_memory_equal(after.peer_mac, peer_mac, 6);
}

static int setup(void **state)
{
	struct tg_err err = { "" };

	if (tg_tcp_load_ack(&progs, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	skel = progs.ack;
	return 0;
}

static int teardown(void **state)
{
	tg_tcp_unload(&progs);
	skel = NULL;
	return 0;
}

int main(void)
{
	const size_t nfix = sizeof(fixtures) / sizeof(fixtures[0]);
	struct CMUnitTest *tests = calloc(nfix + 1, sizeof(*tests));
	size_t i;
	int ret;

	if (!tests)
		return 1;
	for (i = 0; i < nfix; i++) {
		tests[i].name = fixtures[i].desc;
		tests[i].test_func = test_fixture;
		tests[i].initial_state = (void *)&fixtures[i];
	}
	tests[nfix] = (struct CMUnitTest)cmocka_unit_test(test_synack_mac);
	ret = _cmocka_run_group_tests("tcp_ack", tests, nfix + 1, setup, teardown);
	free(tests);
	return ret;
}
