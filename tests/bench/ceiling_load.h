/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_BENCH_CEILING_LOAD_H
#define TG_BENCH_CEILING_LOAD_H

#include <errno.h>
#include <stdbool.h>
#include <bpf/libbpf.h>
#include "ceiling.skel.h"

/*
 * The framework's own ceiling (tests/progs/ceiling.bpf.c), loaded the same
 * way by every bench tool that measures against it: redirecting every
 * frame to ifindex, by ifindex (program `ceiling`) or through the devmap
 * (program `ceiling_map`). NULL with errno set on failure.
 */
static inline struct ceiling_bpf *bench_ceiling_load(int ifindex)
{
	struct ceiling_bpf *skel = ceiling_bpf__open();
	__u32 key = 0, val = ifindex;
	int ret;

	if (!skel)
		return NULL;
	skel->rodata->target_ifindex = ifindex;
	ret = ceiling_bpf__load(skel);
	if (!ret)
		ret = bpf_map__update_elem(skel->maps.tx_port, &key, sizeof(key), &val,
					   sizeof(val), 0);
	if (ret) {
		ceiling_bpf__destroy(skel);
		errno = -ret;
		return NULL;
	}
	return skel;
}

/* The program of the form asked for. */
static inline int bench_ceiling_fd(const struct ceiling_bpf *skel, bool devmap)
{
	return bpf_program__fd(devmap ? skel->progs.ceiling_map : skel->progs.ceiling);
}

#endif
