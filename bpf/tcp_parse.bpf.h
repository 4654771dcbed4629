/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_PARSE_BPF_H
#define TG_TCP_PARSE_BPF_H
/*
 * Where the TCP header of an Ethernet frame starts, for the programs that
 * look at TCP segments (tcp_ack, and the tests' lossy receiver), so that
 * they agree on which frames carry one.
 */
#include "compat.bpf.h"
#include <linux/tcp.h>

#ifndef IP_MF_OFFSET
#define IP_MF_OFFSET 0x3fff	/* more fragments, or a fragment's offset */
#endif

struct tg_tcp_loc {
	struct tcphdr *th;	/* not yet checked against data_end */
	__u32 l4_len;		/* TCP header and payload, as the IP header says */
	struct iphdr *ip;	/* the IPv4 header, or NULL */
	struct ipv6hdr *ip6;	/* the IPv6 header, or NULL */
};

/*
 * 0 for TCP over IPv4 or IPv6 with l filled in; -1 for anything else. Not
 * followed, so not TCP here: IPv4 fragments, whose TCP header (if any) the
 * first fragment alone holds, and IPv6 extension headers. IPv4 headers the
 * kernel would drop (a header length below 20, a total length below it)
 * are not TCP either: there is nothing to name a flow by.
 */
static __always_inline int tg_tcp_locate(void *data, void *data_end, struct tg_tcp_loc *l)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return -1;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);
		__u32 hl, tot;

		if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_TCP ||
		    (ip->frag_off & bpf_htons(IP_MF_OFFSET)))
			return -1;
		hl = ip->ihl * 4;
		tot = bpf_ntohs(ip->tot_len);
		if (hl < sizeof(*ip) || tot < hl)
			return -1;
		l->th = (void *)ip + hl;
		l->l4_len = tot - hl;
		l->ip = ip;
		l->ip6 = NULL;
		return 0;
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != IPPROTO_TCP)
			return -1;
		l->th = (void *)(ip6 + 1);
		l->l4_len = bpf_ntohs(ip6->payload_len);
		l->ip = NULL;
		l->ip6 = ip6;
		return 0;
	}
	return -1;
}

#endif
