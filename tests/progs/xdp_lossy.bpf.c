// SPDX-License-Identifier: GPL-2.0
/*
 * A test helper (tests/e2e/test_tcp.sh): attached to a receiver's
 * interface instead of a pass program, it drops about one in LOSSY_ONE_IN
 * TCP segments that carry data, at random, and passes everything else, so
 * that a sender's loss recovery is exercised on a veth, which loses
 * nothing of its own. Loaded with `ip link set ... xdp obj`, which cannot
 * set a program's configuration: the rate is fixed here.
 */
#include "tcp_parse.bpf.h"

#define LOSSY_ONE_IN 1000

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tg_xdp_lossy(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct tg_tcp_loc l;
	struct tcphdr *th;

	if (tg_tcp_locate(data, data_end, &l))
		return XDP_PASS;
	th = l.th;
	if ((void *)(th + 1) > data_end || l.l4_len <= th->doff * 4u)
		return XDP_PASS;
	return bpf_get_prandom_u32() % LOSSY_ONE_IN ? XDP_PASS : XDP_DROP;
}
