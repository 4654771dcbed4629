/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SINK_LOAD_H
#define TG_SINK_LOAD_H

#include <stdint.h>
#include "errbuf.h"
#include "sink.h"
#include "sink/maps.h"

struct sink_bpf;

/*
 * The one load sequence of bpf/sink, for `trafficgen sink`, the far end of
 * `udp --veth` and the BPF tests alike: open, cfg into rodata, the record
 * ring's size (0: the smallest the kernel takes, one page, for runs that
 * record nothing), load; then, where maps is given, its readers opened on
 * the program's maps. 0 with the skeleton in *skel, or a negative errno
 * with the reason in err and nothing left open.
 */
int tg_sink_load(struct sink_bpf **skel, const struct sink_cfg *cfg, uint32_t ring_bytes,
		 struct tg_sink_maps *maps, struct tg_err *err);

#endif
