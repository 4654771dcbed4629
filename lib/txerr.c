// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "txerr_user.h"
#include "txerr.skel.h"

/*
 * The calling thread's network namespace, where the targets' indexes are
 * valid; 0 (count any namespace's) if it cannot be told.
 */
static __u32 netns_ino(void)
{
	struct stat st;

	return stat("/proc/thread-self/ns/net", &st) ? 0 : (__u32)st.st_ino;
}

/* Loads the object with the programs still marked for autoload; attaches them. */
static int load_attach(struct tg_txerr *t, const int *ifindex, unsigned int n,
		       bool with_redirect_err)
{
	unsigned int i;
	int ret;

	t->skel = txerr_bpf__open();
	if (!t->skel)
		return -errno;
	t->skel->rodata->cfg.ntargets = n;
	for (i = 0; i < n; i++)
		t->skel->rodata->cfg.ifindex[i] = ifindex[i];
	t->skel->rodata->cfg.netns_ino = netns_ino();
	bpf_program__set_autoload(t->skel->progs.tg_redirect_err, with_redirect_err);
	ret = txerr_bpf__load(t->skel);
	if (!ret)
		ret = txerr_bpf__attach(t->skel);
	if (ret) {
		txerr_bpf__destroy(t->skel);
		t->skel = NULL;
	}
	return ret;
}

void tg_txerr_open(struct tg_txerr *t, const int *ifindex, unsigned int n)
{
	memset(t, 0, sizeof(*t));
	if (n > TXERR_MAX_TARGETS)
		n = TXERR_MAX_TARGETS;
	t->ntargets = n;
	if (!load_attach(t, ifindex, n, true)) {
		t->counting = true;
		return;
	}
	/* xdp_devmap_xmit alone still catches frames a target's ring refused. */
	if (!load_attach(t, ifindex, n, false)) {
		tg_warn("the kernel has no xdp_redirect_err tracepoint: failed redirects "
			"are not counted, full transmit rings are\n");
		t->counting = true;
		return;
	}
	tg_warn("cannot attach to the xdp tracepoints (no BTF or no tracepoints?): "
		"transmit errors are not counted in this run (run with -v for details)\n");
}

uint64_t tg_txerr_read(const struct tg_txerr *t, unsigned int i)
{
	int ncpus = libbpf_num_possible_cpus();
	struct txerr_counts *v;
	uint64_t sum = 0;
	int cpu;

	if (!t->skel || i >= t->ntargets || ncpus <= 0)
		return 0;
	v = calloc(ncpus, sizeof(*v));
	if (!v)
		return 0;
	if (!bpf_map__lookup_elem(t->skel->maps.counts, &i, sizeof(i), v,
				  sizeof(*v) * ncpus, 0))
		for (cpu = 0; cpu < ncpus; cpu++)
			sum += v[cpu].xmit_drops + v[cpu].redirect_errs;
	free(v);
	return sum;
}

void tg_txerr_close(struct tg_txerr *t)
{
	txerr_bpf__destroy(t->skel);
	t->skel = NULL;
	t->counting = false;
}
