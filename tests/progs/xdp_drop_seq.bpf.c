// SPDX-License-Identifier: GPL-2.0
/*
 * A test helper (tests/e2e/test_tail.sh): on a router's ingress, it drops
 * a known set of stamped frames and passes everything else to the stack,
 * which forwards it. Dropped: seq DROP_EVERY / 2, then every DROP_EVERY
 * on, and the stream's last DROP_TAIL frames, found by the total that
 * stamps announce (bpf/stamp.h); so a run of N frames loses exactly
 * N / DROP_EVERY (rounded as the seqs fall) + DROP_TAIL, the tail being
 * what a receiver cannot see by sequence alone. IPv4 without options
 * only. Loaded with `ip link set ... xdp obj`: the set is fixed here.
 */
#include "compat.bpf.h"
#include "stamp.h"

#define DROP_EVERY 1000
#define DROP_TAIL 3

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tg_xdp_drop_seq(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct tg_stamp_total *st = (void *)(udp + 1);
	__u64 seq, total;

	if ((void *)(st + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP ||
	    st->s.magic != bpf_htonl(TG_STAMP_MAGIC_TOTAL))
		return XDP_PASS;
	seq = bpf_be64_to_cpu(st->s.seq);
	total = bpf_be64_to_cpu(st->total);
	if (seq % DROP_EVERY == DROP_EVERY / 2 || seq + DROP_TAIL >= total)
		return XDP_DROP;
	return XDP_PASS;
}
