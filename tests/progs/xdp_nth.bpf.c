// SPDX-License-Identifier: GPL-2.0
/*
 * A test helper (tests/e2e/path.sh): on a router's ingress from the
 * sender, it drops every Nth TCP segment that carries data (the Nth, 2Nth,
 * ... it sees, retransmissions counted like any other) and passes the rest
 * to the stack, which forwards them. Unlike xdp_lossy's random loss the
 * rule is deterministic and counted: the segments it saw and the ones it
 * dropped are in the map nth_state, so a test can compare a sender's
 * retransmissions with exactly what the path lost, and two senders meet
 * the same rule. Loaded with `ip link set ... xdp obj`, which cannot set
 * a program's configuration: N is the map's `every` (0 means
 * NTH_DEFAULT), written with bpftool after the attach.
 */
#include "tcp_parse.bpf.h"

#define NTH_DEFAULT 97

struct nth_state {
	__u64 every;	/* N; 0 for NTH_DEFAULT */
	__u64 seen;	/* data segments seen, dropped ones included */
	__u64 dropped;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct nth_state);
} nth_state SEC(".maps");

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tg_xdp_nth(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct nth_state *st;
	struct tg_tcp_loc l;
	struct tcphdr *th;
	__u32 key = 0;
	__u64 every, n;

	if (tg_tcp_locate(data, data_end, &l))
		return XDP_PASS;
	th = l.th;
	if ((void *)(th + 1) > data_end || l.l4_len <= th->doff * 4u)
		return XDP_PASS;
	st = bpf_map_lookup_elem(&nth_state, &key);
	if (!st)
		return XDP_PASS;
	/*
	 * The count is shared by every CPU the veth's receive runs on: a
	 * fetch-and-add gives each segment its own number, so "every Nth"
	 * holds exactly whichever CPU sees it.
	 */
	n = __sync_fetch_and_add(&st->seen, 1) + 1;
	every = st->every ? st->every : NTH_DEFAULT;
	if (n % every)
		return XDP_PASS;
	__sync_fetch_and_add(&st->dropped, 1);
	return XDP_DROP;
}
