// SPDX-License-Identifier: GPL-2.0
/*
 * Counts redirect and transmit failures towards the generator's targets.
 * Loaded beside the generator; if the tracepoints are missing on a kernel,
 * userspace says so and runs without it (never refuses to start).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "txerr.h"

char LICENSE[] SEC("license") = "GPL";

/* Only the fields read here; CO-RE relocates them against the running kernel. */
struct ns_common {
	unsigned int inum;
} __attribute__((preserve_access_index));

struct net {
	struct ns_common ns;
} __attribute__((preserve_access_index));

struct net_device {
	int ifindex;
	struct {
		struct net *net;
	} nd_net;
} __attribute__((preserve_access_index));

const volatile struct txerr_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, TXERR_MAX_TARGETS);
	__type(key, __u32);
	__type(value, struct txerr_counts);
} counts SEC(".maps");

/* A device of the targets' namespace; an ifindex means nothing elsewhere. */
static __always_inline int ours(const struct net_device *dev)
{
	return !cfg.netns_ino || BPF_CORE_READ(dev, nd_net.net, ns.inum) == cfg.netns_ino;
}

static __always_inline struct txerr_counts *slot(int ifindex)
{
	__u32 i;

#pragma unroll
	for (i = 0; i < TXERR_MAX_TARGETS; i++) {
		if (i >= cfg.ntargets)
			break;
		if (cfg.ifindex[i] == (__u32)ifindex)
			return bpf_map_lookup_elem(&counts, &i);
	}
	return NULL;
}

SEC("tp_btf/xdp_devmap_xmit")
int BPF_PROG(tg_devmap_xmit, const struct net_device *from_dev,
	     const struct net_device *to_dev, int sent, int drops, int err)
{
	struct txerr_counts *c;

	if (drops <= 0 || !ours(to_dev))
		return 0;
	c = slot(BPF_CORE_READ(to_dev, ifindex));
	if (c)
		c->xmit_drops += drops;
	return 0;
}

SEC("tp_btf/xdp_redirect_err")
int BPF_PROG(tg_redirect_err, const struct net_device *dev, const void *xdp,
	     const void *tgt, int err, int map_type, __u32 map_id, __u32 index)
{
	struct txerr_counts *c;

	/*
	 * For a plain bpf_redirect() the index is the target's ifindex, in
	 * the namespace of the device whose program redirected.
	 */
	if (map_type != BPF_MAP_TYPE_UNSPEC || !ours(dev))
		return 0;
	c = slot(index);
	if (c)
		c->redirect_errs++;
	return 0;
}
