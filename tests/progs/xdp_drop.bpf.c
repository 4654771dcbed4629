// SPDX-License-Identifier: GPL-2.0
/*
 * The bench's empty receiver (tests/bench/bench.sh): drops every frame and
 * does nothing else, so that `trafficgen sink` (which also drops, after
 * counting and, for stamped frames, tracking) can be given as a fraction of
 * what receiving costs at all. The receiving veth's own rx counter counts.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}
