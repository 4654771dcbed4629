// SPDX-License-Identifier: GPL-2.0
/*
 * The framework's ceiling for `make bench`: the template redirected
 * untouched by a program that does nothing else, so each generator mode can
 * be given as a fraction of what live frames allow on the same run. Packets
 * are counted at the receiving end, as for the generator.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "GPL";

const volatile __u32 target_ifindex = 0;

SEC("xdp")
int ceiling(struct xdp_md *ctx)
{
	return bpf_redirect(target_ifindex, 0);
}

/*
 * The other no-op form: through a one-entry devmap (entry 0: the target,
 * written by tests/bench/ceiling_load.h), as trafficgen udp redirects.
 */
#include "tx_port.bpf.h"

SEC("xdp")
int ceiling_map(struct xdp_md *ctx)
{
	return bpf_redirect_map(&tx_port, 0, 0);
}
