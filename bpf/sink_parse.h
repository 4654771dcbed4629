/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_PARSE_H
#define TG_SINK_PARSE_H

/*
 * The sink's frame parse and filter, shared by bpf/sink.bpf.c, bpf/xsk_rx
 * (which redirects what the filter matches to AF_XDP sockets) and the
 * userspace accounting of `sink --xsk` (lib/sink/acct.c), so that all
 * three match, and find stamps, alike. Pointer checks against `end` are
 * what the verifier needs and what a C caller's bounds are.
 */
#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "sink.h"

#define SINK_PARSE_INLINE static inline __attribute__((always_inline))

/*
 * ICMP's header is 8 bytes (RFC 792), ICMPv6's 4 (RFC 4443). Not from
 * <linux/icmp.h>: it drags in libc's socket headers, which do not build
 * for the BPF target.
 */
#define ICMP4_HLEN 8
#define ICMP6_HLEN 4

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

/* What parse() found; l4 is IPPROTO_ICMP for ICMPv6 too, 0 for anything not parsed. */
struct pkt {
	__u8 l4;
	__u16 dport;		/* UDP/TCP, host order */
	void *payload;		/* UDP payload */
	__u32 udp_len;		/* from the UDP header */
};

enum { PARSE_OK, PARSE_TRUNCATED };

SINK_PARSE_INLINE int parse_l4(void *l4, void *end, __u8 proto, struct pkt *p)
{
	switch (proto) {
	case IPPROTO_UDP: {
		struct udphdr *udp = l4;

		if ((void *)(udp + 1) > end)
			return PARSE_TRUNCATED;
		p->l4 = IPPROTO_UDP;
		p->dport = bpf_ntohs(udp->dest);
		p->payload = udp + 1;
		p->udp_len = bpf_ntohs(udp->len);
		return PARSE_OK;
	}
	case IPPROTO_TCP: {
		struct tcphdr *tcp = l4;

		if ((void *)(tcp + 1) > end)
			return PARSE_TRUNCATED;
		p->l4 = IPPROTO_TCP;
		p->dport = bpf_ntohs(tcp->dest);
		return PARSE_OK;
	}
	case IPPROTO_ICMP:
		if (l4 + ICMP4_HLEN > end)
			return PARSE_TRUNCATED;
		p->l4 = IPPROTO_ICMP;
		return PARSE_OK;
	case IPPROTO_ICMPV6:
		if (l4 + ICMP6_HLEN > end)
			return PARSE_TRUNCATED;
		p->l4 = IPPROTO_ICMP;
		return PARSE_OK;
	}
	return PARSE_OK;
}

SINK_PARSE_INLINE int parse_ipv4(void *l3, void *end, struct pkt *p)
{
	struct iphdr *ip = l3;
	__u32 hlen;

	if ((void *)(ip + 1) > end)
		return PARSE_TRUNCATED;
	hlen = ip->ihl * 4;
	if (hlen < sizeof(*ip))
		return PARSE_OK;	/* not IPv4 as we know it: "other" */
	if (l3 + hlen > end || l3 + bpf_ntohs(ip->tot_len) > end)
		return PARSE_TRUNCATED;
	/* Only the first fragment carries the transport header. */
	if (ip->frag_off & bpf_htons(0x1fff))
		return PARSE_OK;
	return parse_l4(l3 + hlen, end, ip->protocol, p);
}

SINK_PARSE_INLINE int parse_ipv6(void *l3, void *end, struct pkt *p)
{
	struct ipv6hdr *ip6 = l3;
	__u16 plen;

	if ((void *)(ip6 + 1) > end)
		return PARSE_TRUNCATED;
	plen = bpf_ntohs(ip6->payload_len);
	/* 0 is a jumbogram (RFC 2675), whose length is in an option. */
	if (plen && (void *)(ip6 + 1) + plen > end)
		return PARSE_TRUNCATED;
	/* Extension headers are not walked: their next header is "other". */
	return parse_l4(ip6 + 1, end, ip6->nexthdr, p);
}

SINK_PARSE_INLINE int parse(void *data, void *end, struct pkt *p)
{
	struct ethhdr *eth = data;
	void *l3 = eth + 1;
	__u16 proto;
	int i;

	if (l3 > end)
		return PARSE_TRUNCATED;
	proto = eth->h_proto;
	/* 802.1ad outer and 802.1Q inner, or a single tag of either kind. */
#ifdef __clang__
#pragma unroll
#endif
	for (i = 0; i < 2; i++) {
		struct vlan_tag *tag = l3;

		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		if ((void *)(tag + 1) > end)
			return PARSE_TRUNCATED;
		proto = tag->proto;
		l3 = tag + 1;
	}
	if (proto == bpf_htons(ETH_P_IP))
		return parse_ipv4(l3, end, p);
	if (proto == bpf_htons(ETH_P_IPV6))
		return parse_ipv6(l3, end, p);
	return PARSE_OK;
}

/* Whether p passes the filter: proto (SINK_PROTO_ANY or one), ports lo..hi. */
SINK_PARSE_INLINE int sink_matches(const struct pkt *p, __u8 proto, __u8 port_filter,
				   __u16 lo, __u16 hi)
{
	if (proto != SINK_PROTO_ANY && p->l4 != proto)
		return 0;
	if (port_filter &&
	    ((p->l4 != IPPROTO_UDP && p->l4 != IPPROTO_TCP) || p->dport < lo || p->dport > hi))
		return 0;
	return 1;
}

/* What the sink does with a frame, by its parse and the filter. */
enum sink_class {
	SINK_MATCHED,		/* the filter takes it */
	SINK_TRUNCATED,		/* headers cut short, no filter: counted as matching */
	SINK_TRUNCATED_PASS,	/* headers cut short under a filter: cannot tell, passed on */
	SINK_IGNORED,		/* the filter does not take it: passed on uncounted */
};

SINK_PARSE_INLINE enum sink_class sink_classify(void *data, void *end, struct pkt *p, __u8 proto,
						__u8 port_filter, __u16 lo, __u16 hi)
{
	if (parse(data, end, p) == PARSE_TRUNCATED)
		/* Under a filter we cannot tell whether it was meant to match. */
		return proto == SINK_PROTO_ANY && !port_filter ? SINK_TRUNCATED : SINK_TRUNCATED_PASS;
	return sink_matches(p, proto, port_filter, lo, hi) ? SINK_MATCHED : SINK_IGNORED;
}

#endif
