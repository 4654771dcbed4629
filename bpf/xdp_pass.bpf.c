// SPDX-License-Identifier: GPL-2.0
/*
 * Attached for the length of a run to a redirect target whose driver sets up
 * its XDP transmit rings only while a program is attached (mlx5, i40e, ice,
 * virtio_net, ...), or to a veth's peer so that the veth accepts redirects.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

SEC("xdp")
int tg_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
