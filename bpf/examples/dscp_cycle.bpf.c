// SPDX-License-Identifier: GPL-2.0
/*
 * An example for `trafficgen udp --prog`: each IPv4 frame gets the next of
 * four DSCP classes in turn (best effort, AF11, AF21, EF), per thread, with
 * the IPv4 header checksum updated. Other frames go out as they are.
 *
 *   trafficgen udp --prog build/bpf/examples/dscp_cycle.bpf.o -n 1M \
 *           -m 02:00:00:00:00:01 -a 198.18.0.1 -A 198.18.0.2 eth0
 *
 * Built with: clang -target bpf -O2 -g -I<prefix>/include -c dscp_cycle.bpf.c
 * (trafficgen's own build: make, into build/bpf/examples/).
 */
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <trafficgen/gen.h>

char LICENSE[] SEC("license") = "GPL";

/* DSCP values (RFC 2474, 2597, 3246); the TOS byte holds them shifted by 2. */
static const __u8 classes[4] = { 0, 10, 18, 46 };

SEC("xdp")
int dscp_cycle(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u16 *word, old, new;

	if ((void *)(ip + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return tg_gen_send(ctx);
	/*
	 * Version, header length and TOS make the header's first 16-bit word.
	 * The page may hold a frame of the last round: the TOS is written
	 * whole, and the checksum changed from the bytes in the frame.
	 */
	word = (__u16 *)ip;
	old = *word;
	new = old;
	((__u8 *)&new)[1] = classes[tg_gen_seq() & 3] << 2;
	ip->check = tg_csum_replace16(ip->check, old, new);
	*word = new;
	return tg_gen_send(ctx);
}
