/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_UDP_GEN_H
#define TG_UDP_GEN_H

/*
 * Shared by bpf/udp_gen.bpf.c and userspace: the generator's configuration
 * (a const volatile struct set through the skeleton before load, so the
 * verifier prunes the paths a run does not use) and its per-CPU state.
 */
#include <linux/types.h>

/*
 * Longest block restored on each frame: Ethernet + 2 VLAN tags + IPv6 + UDP
 * + the stamp (its longer form, with the total) at the start of the payload.
 */
#define UDP_GEN_HDR_MAX 104

/*
 * The header ring, for sequential runs whose fields have a short common
 * period: every header the run can send (the least common multiple of the
 * fields' spans of them), built in userspace with full checksums, one per
 * entry of the program's `ring` array map (value_size: hdr_len rounded up
 * to 8). A frame then costs one copy, the same as a template restore, in
 * place of a cursor and a checksum update per field.
 */
#define UDP_GEN_RING_MAX 16384

/* Entries of the size wheel: every frame length from 60 to 3408 fits. */
#define UDP_GEN_MAX_SIZES 4096

/*
 * One frame length of the size wheel and what it does to the UDP checksum:
 * the template is built at the largest length, and a frame cut to `len`
 * loses payload bytes and changes the UDP length, which the checksum sees
 * twice (header and pseudo-header). csum is that change as a one's
 * complement sum to add (S_len - S_template, computed in userspace from
 * full checksums), so the program needs no loop over the payload.
 */
struct udp_gen_size {
	__u16 len;		/* frame length, FCS excluded */
	__u16 csum;
};

/*
 * Templates from a capture (udp --template), one per entry of the
 * program's `tmpls` array map, picked per packet. UDP frames of either
 * family get the user's fields written in (rw: which ones); other IPv4 and
 * IPv6 frames get the MACs and the TTL or hop limit, which are no UDP
 * matter; other frames (ARP, ...) are sent as they are, since an
 * Ethernet-only rewrite would contradict addresses they carry inside.
 */
#define UDP_GEN_TMPL_MAX 3408	/* lib/packet.h's TG_MAX_FRAME_LEN: the room for a frame */

enum {
	UDP_GEN_TMPL_RAW,	/* not IP, or not understood: sent as it is */
	UDP_GEN_TMPL_UDP4,
	UDP_GEN_TMPL_UDP6,
	UDP_GEN_TMPL_IP4,	/* IPv4 but not plain UDP (ICMP, a fragment, ...): l3_off only */
	UDP_GEN_TMPL_IP6,
};

#define UDP_GEN_RW_SPORT (1u << 0)
#define UDP_GEN_RW_DPORT (1u << 1)
#define UDP_GEN_RW_SADDR (1u << 2)	/* of frames of the family of rw_ipv6 */
#define UDP_GEN_RW_DADDR (1u << 3)
#define UDP_GEN_RW_SMAC (1u << 4)
#define UDP_GEN_RW_DMAC (1u << 5)
#define UDP_GEN_RW_TTL (1u << 6)

struct udp_gen_tmpl {
	__u16 len;		/* frame length, 14..UDP_GEN_TMPL_MAX */
	__u16 l3_off, l4_off;	/* l3_off with every kind but RAW, l4_off with UDP4 or UDP6 */
	__u8 kind;
	__u8 pad;
	__u8 data[UDP_GEN_TMPL_MAX];
};

/*
 * A field that takes `span` values base, base+1, ..., base+span-1 (host
 * order). 16-bit for ports; for addresses the last 32 bits of the address.
 * In sequential mode each thread starts at its own index and steps by the
 * thread count (stride, already reduced modulo span) so that the threads
 * together visit every value.
 */
struct udp_gen_field {
	__u32 base;
	__u32 pad;
	__u64 span;		/* up to 2^32 (an IPv6 /96) */
	__u64 stride;
};

struct udp_gen_cfg {
	__u32 ifindex;		/* redirect target */
	__u16 l3_off;		/* IP header offset */
	__u16 l4_off;		/* UDP header offset */
	__u16 hdr_len;		/* bytes of hdr[] restored on every frame */
	__u8 ipv6;
	__u8 random;		/* uniform random pick instead of sequential */
	__u8 varies;		/* any field's span > 1, or stamping */
	__u8 stamp;		/* write struct tg_stamp (bpf/stamp.h) into the payload */
	__u8 stamp_total;	/* ... in its form with the thread's stamp_total */
	__u8 devmap;		/* redirect through tx_port (entry 0: ifindex), not by ifindex */
	/*
	 * Frames of a kernel batch (the driver's batch_size), > 1: stamps
	 * read the clock once a batch (see stamp()); else once a frame.
	 */
	__u32 stamp_batch;
	__u32 stream_base;	/* stamp stream of thread t: stream_base | t */
	__u32 pad2;
	struct udp_gen_field sport, dport, saddr, daddr;
	__u8 hdr[UDP_GEN_HDR_MAX];	/* the template's headers */
	/*
	 * Pacing (lib/udp/pace.h), with pace set: `burst` frames a slot, each slot
	 * one kernel batch of `burst` frames, slots interval_ns +
	 * interval_frac / 2^32 ns apart per thread.
	 */
	__u8 pace;
	__u8 pad3[3];
	__u32 burst;
	__u64 interval_ns;
	__u32 interval_frac;
	__u32 pad4;
	__u64 max_lag_ns;	/* catch up at most this far behind */
	__u64 spin_ns;		/* wait at most this long for a slot */
	/*
	 * Sizes per packet, with nsizes > 1: each frame is cut from frame_len
	 * (the template's, the largest) to the next length of the wheel,
	 * taken in sequence (a thread starts at its index and steps by
	 * size_stride) or, with random, at random.
	 */
	__u32 nsizes;
	__u32 size_stride;
	__u16 frame_len;
	__u16 pad5[3];
	struct udp_gen_size sizes[UDP_GEN_MAX_SIZES];
	/*
	 * Templates (program udp_tmpl), with ntmpl > 0: frame_len is the
	 * longest template's, the length each live page starts with.
	 */
	__u32 ntmpl;
	__u32 tmpl_stride;
	__u32 rw;		/* UDP_GEN_RW_* */
	__u8 rw_ipv6;		/* the address fields are IPv6 */
	__u8 ttl;
	__u8 dst_mac[6], src_mac[6];
	__u8 pad6[2];
	__u32 saddr_hi[3], daddr_hi[3];	/* an IPv6 range's first 96 bits, as stored */
	/*
	 * Several interfaces (udp if1,if2): each thread sends to the target in
	 * its per-CPU state, ifindex above unused, and with multi_mac writes
	 * its interface's MAC as the source.
	 */
	__u8 multi_if;
	__u8 multi_mac;
	__u8 pad8[6];
	/*
	 * Checksum bases of the rewrite path (udp_gen with varies): each frame
	 * starts from the template's headers, so the old value of every word
	 * the program changes is known before load. A base is the template's
	 * checksum, complemented, plus the complement of each such old word
	 * (RFC 1624 eqn. 3 with the ~m terms summed once), as a 32-bit
	 * one's-complement accumulator: the program adds the new words and
	 * folds, with no read of the frame. ucsum_base covers the ports and
	 * the addresses' last 32 bits; icsum_base (IPv4) the addresses and,
	 * with sizes, the total length. The stamp is not in them.
	 */
	__u32 ucsum_base;
	__u32 icsum_base;
	/* The header ring, with ring_len > 0: thread t sends entries t, t + T, ... */
	__u32 ring_len;
	__u32 ring_stride;	/* the thread count modulo ring_len */
};

/* Per-CPU, one entry: counters read by userspace, cursors of sequential mode. */
struct udp_gen_pcpu {
	__u64 packets;		/* frames redirected */
	__u64 bytes;		/* their length, FCS excluded */
	__u64 short_frames;	/* frames shorter than the headers: a bug */
	__u64 cur_sport, cur_dport, cur_saddr, cur_daddr;	/* offsets into the spans */
	__u64 seq;		/* next stamp sequence number */
	__u32 stream;		/* this thread's stream id */
	__u32 ifindex;		/* with cfg.multi_if: this thread's target */
	/* Pacing, with cfg.pace. */
	__u64 limit;		/* send at most this many frames; 0: no limit */
	__u64 next_slot;	/* ns (bpf_ktime_get_ns) of the next slot; 0: at once */
	__u64 slot_frac;	/* fraction of a ns of next_slot, / 2^32 */
	__u64 pace_drops;	/* frames dropped unsent: their batch was early, or over limit */
	__u64 first_tx, last_tx;	/* ns of the first and last slot that sent */
	__u32 batch_left;	/* frames left in the current batch */
	__u32 slot_open;	/* whether the current batch sends */
	__u64 cur_size;		/* index into cfg.sizes */
	__u64 cur_tmpl;		/* index into the templates */
	__u8 src_mac[6];	/* with cfg.multi_if: this thread's interface's */
	__u8 pad7[2];
	__u64 max_behind_ns;	/* pacing: the furthest behind its schedule a slot went */
	__u64 forgiven_ns;	/* pacing: schedule given up beyond max_lag_ns */
	__u64 stop_at;		/* pacing: no slot at or after this (ns); 0: none */
	__u64 cur_ring;		/* index into the header ring */
	__u64 stamp_total;	/* with cfg.stamp_total: the frames this thread sends */
	__u64 stamp_ns;		/* with cfg.stamp_batch: the clock at this batch's start */
	__u32 stamp_left;	/* frames of the batch still to stamp with it */
	__u32 pad9;
};

#endif
