// SPDX-License-Identifier: GPL-2.0
/*
 * UDP generator: runs once per live frame, rewrites the varying fields and
 * redirects the frame out of the target interface.
 *
 * Live mode recycles pages without re-initialising them: this program sees
 * frames it already rewrote, and frames a receiver changed in place (a veth
 * peer with GRO rewrites the IPv6 payload length and the UDP checksum inside
 * our pages). So every frame first gets the template's headers back, which
 * makes each field and checksum absolute, and the checksum updates below
 * start from bytes known to be consistent.
 */
#include "compat.bpf.h"
#include "csum.bpf.h"
#include "stamp.h"
#include "udp_gen.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct udp_gen_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct udp_gen_pcpu);
} pcpu SEC(".maps");

/* Next offset into a field's span. */
static __always_inline __u32 next_off(const volatile struct udp_gen_field *f,
				      __u64 *cur)
{
	__u64 off, span = f->span;

	if (cfg.random)
		/* Multiply-shift maps 32 random bits onto [0, span) without a division. */
		return ((__u64)bpf_get_prandom_u32() * span) >> 32;
	off = *cur;
	*cur = off + f->stride >= span ? off + f->stride - span : off + f->stride;
	return off;
}

/*
 * The template's header bytes are read through volatile pointers: cfg is a
 * const object initialised to zeros in this file, and a plain read would let
 * the compiler fold it to those zeros instead of the values set at load.
 */
static __always_inline void copy_hdr(void *data, const int len)
{
	const volatile __u64 *src = (const volatile __u64 *)cfg.hdr;
	__u64 *dst = data;
	int i;

#pragma unroll
	for (i = 0; i < len / 8; i++)
		dst[i] = src[i];
	if (len & 4)
		*(__u32 *)(data + (len & ~7)) =
			*(const volatile __u32 *)((const volatile __u8 *)cfg.hdr + (len & ~7));
	if (len & 2)
		*(__u16 *)(data + (len & ~3)) =
			*(const volatile __u16 *)((const volatile __u8 *)cfg.hdr + (len & ~3));
}

static __always_inline int hdr_differs_len(const void *data, const int len)
{
	const volatile __u64 *ref = (const volatile __u64 *)cfg.hdr;
	const __u64 *cur = data;
	__u64 d = 0;
	int i;

#pragma unroll
	for (i = 0; i < len / 8; i++)
		d |= cur[i] ^ ref[i];
	if (len & 4)
		d |= *(const __u32 *)(data + (len & ~7)) ^
		     *(const volatile __u32 *)((const volatile __u8 *)cfg.hdr + (len & ~7));
	if (len & 2)
		d |= *(const __u16 *)(data + (len & ~3)) ^
		     *(const volatile __u16 *)((const volatile __u8 *)cfg.hdr + (len & ~3));
	return d != 0;
}

/*
 * Constant lengths let clang unroll into wide loads and stores: headers of
 * IPv4 or IPv6, each with or without the stamp.
 */
static __always_inline void restore_hdr(void *data)
{
	switch (cfg.hdr_len) {
	case 42: copy_hdr(data, 42); break;
	case 62: copy_hdr(data, 62); break;
	case 42 + TG_STAMP_LEN: copy_hdr(data, 42 + TG_STAMP_LEN); break;
	default: copy_hdr(data, 62 + TG_STAMP_LEN); break;
	}
}

/* Only the fixed path asks, and it never stamps. */
static __always_inline int hdr_differs(const void *data)
{
	if (cfg.hdr_len == 62)
		return hdr_differs_len(data, 62);
	return hdr_differs_len(data, 42);
}

/*
 * Writes stream, sequence number and transmit time into the stamp the
 * template carries (magic and zeros), and accounts for them in the UDP
 * checksum, word by word from the bytes in the frame.
 */
static __always_inline __u32 stamp(struct udphdr *udp, struct udp_gen_pcpu *pc,
				   __u32 ucsum)
{
	__u32 *w = (__u32 *)(udp + 1);
	__u64 seq = pc->seq++, now = bpf_ktime_get_ns();
	__u32 nw[5] = {
		bpf_htonl(pc->stream),
		bpf_htonl(seq >> 32), bpf_htonl((__u32)seq),
		bpf_htonl(now >> 32), bpf_htonl((__u32)now),
	};
	int i;

	/* Word 0 is the magic, already in the template. */
#pragma unroll
	for (i = 0; i < 5; i++) {
		ucsum = csum_word32(ucsum, w[i + 1], nw[i]);
		w[i + 1] = nw[i];
	}
	return ucsum;
}

SEC("xdp")
int udp_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct udp_gen_pcpu *pc;
	__u32 key = 0;

	pc = bpf_map_lookup_elem(&pcpu, &key);
	if (!pc)
		return XDP_ABORTED;
	/* hdr_len is a load-time constant, so this also bounds every access below. */
	if (data + cfg.hdr_len > data_end) {
		pc->short_frames++;
		return XDP_DROP;
	}

	if (!cfg.varies) {
		/* Nothing to rewrite: only undo what a receiver may have changed. */
		if (hdr_differs(data))
			restore_hdr(data);
		goto out;
	}

	restore_hdr(data);
	{
		struct udphdr *udp = data + cfg.l4_off;
		__u32 ucsum = csum_begin(udp->check);
		__u16 nv;

		if (cfg.sport.span > 1) {
			nv = bpf_htons(cfg.sport.base + next_off(&cfg.sport, &pc->cur_sport));
			ucsum = csum_word(ucsum, udp->source, nv);
			udp->source = nv;
		}
		if (cfg.dport.span > 1) {
			nv = bpf_htons(cfg.dport.base + next_off(&cfg.dport, &pc->cur_dport));
			ucsum = csum_word(ucsum, udp->dest, nv);
			udp->dest = nv;
		}
		if (cfg.saddr.span > 1 || cfg.daddr.span > 1) {
			__u32 *sa, *da, na;

			if (cfg.ipv6) {
				struct ipv6hdr *ip6 = data + cfg.l3_off;

				sa = &ip6->saddr.in6_u.u6_addr32[3];
				da = &ip6->daddr.in6_u.u6_addr32[3];
			} else {
				struct iphdr *ip = data + cfg.l3_off;

				sa = &ip->saddr;
				da = &ip->daddr;
			}
			/* IPv4 addresses are in the IP header checksum and, through the
			 * pseudo-header, in the UDP one; IPv6 has only the latter. */
			__u32 icsum = 0;
			struct iphdr *ip = data + cfg.l3_off;

			if (!cfg.ipv6)
				icsum = csum_begin(ip->check);
			if (cfg.saddr.span > 1) {
				na = bpf_htonl(cfg.saddr.base + next_off(&cfg.saddr, &pc->cur_saddr));
				ucsum = csum_word32(ucsum, *sa, na);
				if (!cfg.ipv6)
					icsum = csum_word32(icsum, *sa, na);
				*sa = na;
			}
			if (cfg.daddr.span > 1) {
				na = bpf_htonl(cfg.daddr.base + next_off(&cfg.daddr, &pc->cur_daddr));
				ucsum = csum_word32(ucsum, *da, na);
				if (!cfg.ipv6)
					icsum = csum_word32(icsum, *da, na);
				*da = na;
			}
			if (!cfg.ipv6)
				ip->check = csum_end(icsum);
		}
		if (cfg.stamp)
			ucsum = stamp(udp, pc, ucsum);
		nv = csum_end(ucsum);
		/* RFC 768: a computed zero goes out as all ones. */
		udp->check = nv ? nv : 0xffff;
	}
out:
	pc->packets++;
	pc->bytes += data_end - data;
	return bpf_redirect(cfg.ifindex, 0);
}
