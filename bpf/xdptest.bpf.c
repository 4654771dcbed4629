// SPDX-License-Identifier: GPL-2.0
/*
 * `trafficgen xdptest`'s program (bpf/xdptest.h): counts the run's frames
 * and gives them the configured verdict.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdptest.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct xdptest_cfg cfg = { .verdict = XDPTEST_PASS };

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdptest_pcpu);
} counts SEC(".maps");

/* Entry 0: the interface XDPTEST_REDIRECT sends to. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} redirect SEC(".maps");

static __always_inline int is_ours(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl < 5)
		return 0;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > end)
		return 0;
	return udp->dest == cfg.dport;
}

static __always_inline void swap_macs(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tmp, ETH_ALEN);
}

SEC("xdp")
int xdptest(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct xdptest_pcpu *c;
	__u32 key = 0;

	c = bpf_map_lookup_elem(&counts, &key);
	if (!c)
		return XDP_ABORTED;
	if (!is_ours(data, end)) {
		c->others++;
		return XDP_PASS;
	}
	c->frames++;
	c->bytes += end - data;
	switch (cfg.verdict) {
	case XDPTEST_DROP:
		return XDP_DROP;
	case XDPTEST_TX:
		swap_macs(data);
		return XDP_TX;
	case XDPTEST_REDIRECT:
		return bpf_redirect_map(&redirect, 0, 0);
	default:
		return XDP_PASS;
	}
}
