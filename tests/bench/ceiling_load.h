/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_BENCH_CEILING_LOAD_H
#define TG_BENCH_CEILING_LOAD_H

#include <errno.h>
#include "ceiling.skel.h"

/*
 * The framework's own ceiling (tests/progs/ceiling.bpf.c), loaded the same
 * way by every bench tool that measures against it: redirecting every
 * frame to ifindex. NULL with errno set on failure.
 */
static inline struct ceiling_bpf *bench_ceiling_load(int ifindex)
{
	struct ceiling_bpf *skel = ceiling_bpf__open();
	int ret;

	if (!skel)
		return NULL;
	skel->rodata->target_ifindex = ifindex;
	ret = ceiling_bpf__load(skel);
	if (ret) {
		ceiling_bpf__destroy(skel);
		errno = -ret;
		return NULL;
	}
	return skel;
}

#endif
