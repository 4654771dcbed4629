// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "sink/load.h"
#include "sink.skel.h"

int tg_sink_load(struct sink_bpf **skelp, const struct sink_cfg *cfg, uint32_t ring_bytes,
		 struct tg_sink_maps *maps, struct tg_err *err)
{
	struct sink_bpf *skel;
	int ret;

	*skelp = NULL;
	skel = sink_bpf__open();
	if (!skel)
		return tg_fail(err, errno, "could not open the sink program: %s", strerror(errno));
	skel->rodata->cfg = *cfg;
	skel->rodata->cfg.udp4_fast = cfg->proto == SINK_PROTO_ANY && !cfg->port_filter &&
				       !cfg->pcap;
	ret = bpf_map__set_max_entries(skel->maps.pcap_rb,
				       ring_bytes ? ring_bytes : (uint32_t)getpagesize());
	if (!ret)
		ret = sink_bpf__load(skel);
	if (ret) {
		tg_fail(err, -ret, "could not load the sink program: %s (%s)", strerror(-ret),
			ret == -EPERM ? "needs root or CAP_BPF and CAP_NET_ADMIN" :
			"run with -v for the verifier's log; is this kernel >= 5.18?");
		goto fail;
	}
	if (maps) {
		ret = tg_sink_maps_open(maps, bpf_map__fd(skel->maps.stats),
					bpf_map__fd(skel->maps.lat),
					bpf_map__fd(skel->maps.streams), err);
		if (ret)
			goto fail;
	}
	*skelp = skel;
	return 0;
fail:
	sink_bpf__destroy(skel);
	return ret;
}
