// SPDX-License-Identifier: GPL-2.0
/*
 * Loaded by 'trafficgen probe' to see whether this kernel runs live frames:
 * it drops every frame, so a probe run sends nothing anywhere.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tg_probe_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}
