// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include "sink/xsk_load.h"
#include "xsk_rx.h"
#include "xsk_rx.skel.h"

int tg_xsk_rx_load(struct xsk_rx_bpf **out, const struct sink_cfg *cfg, unsigned int nqueues,
		   struct tg_err *err)
{
	struct xsk_rx_bpf *skel;
	int ret;

	*out = NULL;
	skel = xsk_rx_bpf__open();
	if (!skel)
		return tg_fail(err, errno, "could not open the AF_XDP redirect program: %s",
			       strerror(errno));
	skel->rodata->cfg = (struct xsk_rx_cfg){
		.proto = cfg->proto, .port_filter = cfg->port_filter,
		.port_lo = cfg->port_lo, .port_hi = cfg->port_hi,
	};
	ret = bpf_map__set_max_entries(skel->maps.xsks, nqueues ? nqueues : 1);
	if (!ret)
		ret = xsk_rx_bpf__load(skel);
	if (ret) {
		xsk_rx_bpf__destroy(skel);
		return tg_fail(err, -ret, "could not load the AF_XDP redirect program: %s "
			       "(run with -v for the verifier's messages)", strerror(-ret));
	}
	*out = skel;
	return 0;
}
