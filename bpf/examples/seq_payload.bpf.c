// SPDX-License-Identifier: GPL-2.0
/*
 * An example for `trafficgen udp --prog`: the first 12 bytes of each UDP
 * payload, over IPv4 or IPv6, become the thread's sequence number (8
 * bytes) and the thread's index (4), big-endian, with the UDP checksum
 * updated; a receiver can tell every frame apart and spot losses. Frames
 * with less payload, and other frames, go out as they are.
 *
 *   trafficgen udp --prog build/bpf/examples/seq_payload.bpf.o:seq_payload \
 *           -n 1M -s 100 -m 02:00:00:00:00:01 -a 2001:2::1 eth0
 */
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <trafficgen/gen.h>

char LICENSE[] SEC("license") = "GPL";

/* The UDP header of a plain (no options, no extension headers) UDP frame, or NULL. */
static __always_inline struct udphdr *udp_of(void *data, void *data_end)
{
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > data_end)
		return NULL;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
			return NULL;
		return (void *)(ip + 1);
	}
	if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > data_end || ip6->nexthdr != IPPROTO_UDP)
			return NULL;
		return (void *)(ip6 + 1);
	}
	return NULL;
}

SEC("xdp")
int seq_payload(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct udphdr *udp = udp_of(data, data_end);
	__u32 *p, w[3];
	__u16 check;
	__u64 seq;
	int i;

	if (!udp || (void *)(udp + 1) + 12 > data_end)
		return tg_gen_send(ctx);
	p = (__u32 *)(udp + 1);
	seq = tg_gen_seq();
	w[0] = bpf_htonl(seq >> 32);
	w[1] = bpf_htonl((__u32)seq);
	w[2] = bpf_htonl(tg_gen_thread());
	/* Written whole on every frame; the checksum follows the bytes replaced. */
	check = udp->check;
#pragma unroll
	for (i = 0; i < 3; i++) {
		check = tg_csum_replace32(check, p[i], w[i]);
		p[i] = w[i];
	}
	udp->check = tg_udp_csum(check);
	return tg_gen_send(ctx);
}
