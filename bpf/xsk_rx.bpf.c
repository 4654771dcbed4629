// SPDX-License-Identifier: GPL-2.0
/*
 * `sink --xsk`: redirects the frames the sink's filter matches into the
 * AF_XDP socket of the queue they arrived on (the XSKMAP's entry for
 * rx_queue_index); all else goes to the stack. Userspace counts what the
 * sockets receive; this program counts only what it let by.
 */
#include "compat.bpf.h"
#include "sink_parse.h"
#include "xsk_rx.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct xsk_rx_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, XSK_RX_MAX_QUEUES);	/* set to the queue count at load */
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xsk_rx_pcpu);
} stats SEC(".maps");

SEC("xdp")
int xsk_rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct xsk_rx_pcpu *pc;
	struct pkt p = {};
	__u32 key = 0;
	int ret;

	pc = bpf_map_lookup_elem(&stats, &key);
	if (!pc)
		return XDP_PASS;
	/* A frame cut short with no filter goes on: userspace counts it as truncated. */
	switch (sink_classify(data, end, &p, cfg.proto, cfg.port_filter, cfg.port_lo, cfg.port_hi)) {
	case SINK_TRUNCATED_PASS:
		pc->truncated++;
		return XDP_PASS;
	case SINK_IGNORED:
		pc->ignored++;
		return XDP_PASS;
	default:
		break;
	}
	ret = bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
	if (ret != XDP_REDIRECT)
		pc->no_socket++;
	return ret;
}
