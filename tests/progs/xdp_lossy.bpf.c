// SPDX-License-Identifier: GPL-2.0
/*
 * A test helper (tests/e2e/test_tcp.sh): attached to a receiver's
 * interface instead of a pass program, it drops about one in LOSSY_ONE_IN
 * TCP segments that carry data, at random, and passes everything else, so
 * that a sender's loss recovery is exercised on a veth, which loses
 * nothing of its own. Loaded with `ip link set ... xdp obj`, which cannot
 * set a program's configuration: the rate is fixed here.
 */
#include "compat.bpf.h"
#include <linux/tcp.h>

#define LOSSY_ONE_IN 1000

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tg_xdp_lossy(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct tcphdr *th;
	__u32 l4_len;

	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_TCP || ip->ihl != 5)
			return XDP_PASS;
		th = (void *)(ip + 1);
		l4_len = bpf_ntohs(ip->tot_len) - sizeof(*ip);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != IPPROTO_TCP)
			return XDP_PASS;
		th = (void *)(ip6 + 1);
		l4_len = bpf_ntohs(ip6->payload_len);
	} else {
		return XDP_PASS;
	}
	if ((void *)(th + 1) > data_end || l4_len <= th->doff * 4u)
		return XDP_PASS;
	return bpf_get_prandom_u32() % LOSSY_ONE_IN ? XDP_PASS : XDP_DROP;
}
