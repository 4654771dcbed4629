/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
#ifndef TRAFFICGEN_GEN_H
#define TRAFFICGEN_GEN_H

/*
 * trafficgen/gen.h: what an XDP program run by `trafficgen udp --prog
 * FILE.bpf.o[:NAME]` gets from trafficgen. Installed as
 * <prefix>/include/trafficgen/gen.h; see trafficgen(8), "Your own program".
 *
 * The contract:
 * - trafficgen builds the template frame from its options (MACs, one
 *   address and one port each way, -s, --vlan, --ttl) and runs the
 *   program over it with live frames, one kernel call per thread, each
 *   thread pinned to its own CPU.
 * - Before load it sets tg_gen (below): the interface to redirect to and
 *   the thread count. Before the run it sets each thread's tg_gen_state
 *   (per-CPU): its thread index, a zero sequence number, its share of -n.
 * - The program returns tg_gen_send(ctx) for each frame it sends (that
 *   counts it, and keeps -n exact) and XDP_DROP for frames it does not.
 * - Live-frame pages are recycled: a frame may be the template or a
 *   frame this program (or a receiver, such as a veth peer with GRO)
 *   changed before. Write every field the program changes absolutely on
 *   every frame, and take checksum changes from the bytes in the frame
 *   (tg_csum_replace16/32 do).
 *
 * The structs are shared with trafficgen's loader; everything else is for
 * the BPF side only.
 */
#include <linux/types.h>

/* Set by trafficgen before load: a const volatile, so branches on it are pruned. */
struct tg_gen_cfg {
	__u32 ifindex;		/* the interface to send on */
	__u32 nthreads;		/* threads of the run */
};

/* Per-CPU, one entry, in the map tg_gen_state. */
struct tg_gen_state {
	__u64 packets;		/* frames sent: counted by tg_gen_send() */
	__u64 bytes;		/* their length, FCS excluded */
	__u64 seq;		/* this thread's next sequence number: tg_gen_seq() */
	__u64 limit;		/* frames this thread may send (-n); 0: no limit */
	__u64 over_limit;	/* frames dropped past the limit */
	__u32 thread;		/* this thread's index, 0 .. nthreads - 1 */
	__u32 pad;
};

#if defined(__bpf__) || defined(__BPF__)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile struct tg_gen_cfg tg_gen = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tg_gen_state);
} tg_gen_state SEC(".maps");

/* This thread's state; never NULL in a program run by trafficgen. */
static __always_inline struct tg_gen_state *tg_gen_self(void)
{
	__u32 key = 0;

	return bpf_map_lookup_elem(&tg_gen_state, &key);
}

/* This thread's index, 0 .. tg_gen.nthreads - 1. */
static __always_inline __u32 tg_gen_thread(void)
{
	struct tg_gen_state *s = tg_gen_self();

	return s ? s->thread : 0;
}

/* This thread's next sequence number: 0, 1, 2, ... (per thread). */
static __always_inline __u64 tg_gen_seq(void)
{
	struct tg_gen_state *s = tg_gen_self();

	return s ? s->seq++ : 0;
}

/* Counts the frame and redirects it to the interface; return its result. */
static __always_inline int tg_gen_send(struct xdp_md *ctx)
{
	struct tg_gen_state *s = tg_gen_self();

	if (!s)
		return XDP_ABORTED;
	if (s->limit && s->packets >= s->limit) {
		s->over_limit++;
		return XDP_DROP;
	}
	s->packets++;
	s->bytes += ctx->data_end - ctx->data;
	return bpf_redirect(tg_gen.ifindex, 0);
}

/*
 * Checksums (RFC 1071 sums, RFC 1624 updates). Words are 16-bit values as
 * they sit in the frame (network order): a one's complement sum does not
 * care about byte order. HC' = ~(~HC + ~m + m') is right even when the
 * new value is below the old, which adding a difference is not.
 */
static __always_inline __u16 tg_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/* The checksum after a 16-bit word changes from old to new. */
static __always_inline __u16 tg_csum_replace16(__u16 check, __u16 old, __u16 new)
{
	return tg_csum_fold((__u16)~check + (__u16)~old + (__u32)new);
}

/* The checksum after a 32-bit word (two 16-bit ones) changes. */
static __always_inline __u16 tg_csum_replace32(__u16 check, __u32 old, __u32 new)
{
	__u32 sum = (__u16)~check;

	sum += (__u16)~(old & 0xffff) + (new & 0xffff);
	sum += (__u16)~(old >> 16) + (new >> 16);
	return tg_csum_fold(sum);
}

/* UDP sends a computed 0 as 0xffff (RFC 768; 0 means "none"). */
static __always_inline __u16 tg_udp_csum(__u16 c)
{
	return c ? c : 0xffff;
}

#endif /* __bpf__ */
#endif
