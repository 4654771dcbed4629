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
 * + the stamp at the start of the payload.
 */
#define UDP_GEN_HDR_MAX 96

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
	__u8 pad[6];
	__u32 stream_base;	/* stamp stream of thread t: stream_base | t */
	__u32 pad2;
	struct udp_gen_field sport, dport, saddr, daddr;
	__u8 hdr[UDP_GEN_HDR_MAX];	/* the template's headers */
};

/* Per-CPU, one entry: counters read by userspace, cursors of sequential mode. */
struct udp_gen_pcpu {
	__u64 packets;		/* frames redirected */
	__u64 bytes;		/* their length, FCS excluded */
	__u64 short_frames;	/* frames shorter than the headers: a bug */
	__u64 cur_sport, cur_dport, cur_saddr, cur_daddr;	/* offsets into the spans */
	__u64 seq;		/* next stamp sequence number */
	__u32 stream;		/* this thread's stream id */
	__u32 pad;
};

#endif
