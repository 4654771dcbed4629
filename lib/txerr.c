// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "percpu.h"
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
		       bool with_redirect_err, bool with_xmit)
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
	bpf_program__set_autoload(t->skel->progs.tg_devmap_xmit, with_xmit);
	ret = txerr_bpf__load(t->skel);
	if (!ret)
		ret = txerr_bpf__attach(t->skel);
	if (ret) {
		txerr_bpf__destroy(t->skel);
		t->skel = NULL;
	}
	return ret;
}

int tg_txerr_try(int ifindex, bool with_redirect_err)
{
	struct tg_txerr t = { 0 };
	int ret = load_attach(&t, &ifindex, 1, with_redirect_err, true);

	tg_txerr_close(&t);
	return ret;
}

static void warn_no_redirect_err(void)
{
	tg_warn("the kernel has no xdp_redirect_err tracepoint: failed redirects "
		"are not counted, full transmit rings are\n");
}

/* Every target's veth counters, with their values now; false if any has none. */
static bool veth_open(struct tg_txerr *t, const int *ifindex, unsigned int n)
{
	unsigned int i, j;

	t->veth = calloc(n, sizeof(*t->veth));
	if (!t->veth)
		return false;
	for (i = 0; i < n; i++) {
		struct tg_txerr_veth *e = &t->veth[i];

		if (tg_veth_xmit_open(&e->v, ifindex[i]) ||
		    tg_veth_xmit_read(&e->v, &e->ok0, &e->err0))
			break;
	}
	if (i == n)
		return true;
	/* Target i may be open (its read failed); closing a closed one is harmless. */
	for (j = 0; j <= i; j++)
		tg_veth_xmit_close(&t->veth[j].v);
	free(t->veth);
	t->veth = NULL;
	return false;
}

void tg_txerr_open(struct tg_txerr *t, const int *ifindex, unsigned int n)
{
	const char *env;
	bool veth;

	memset(t, 0, sizeof(*t));
	if (n > TXERR_MAX_TARGETS)
		n = TXERR_MAX_TARGETS;
	t->ntargets = n;
	/* TRAFFICGEN_TXERR=trace: the tracepoint even on veths (to compare the two). */
	env = getenv("TRAFFICGEN_TXERR");
	veth = !(env && !strcmp(env, "trace")) && veth_open(t, ifindex, n);
	if (!load_attach(t, ifindex, n, true, !veth)) {
		t->counting = true;
		tg_info("refused frames counted from %s\n", veth ? "the veths' own counters" :
			"the xdp_devmap_xmit tracepoint (once per transmit flush)");
		return;
	}
	if (veth) {
		t->counting = true;
		warn_no_redirect_err();
		return;
	}
	/* xdp_devmap_xmit alone still catches frames a target's ring refused. */
	if (!load_attach(t, ifindex, n, false, true)) {
		warn_no_redirect_err();
		t->counting = true;
		return;
	}
	tg_warn("cannot attach to the xdp tracepoints (no BTF or no tracepoints?): "
		"transmit errors are not counted in this run (run with -v for details)\n");
}

/* What the tracepoints counted towards target i. */
static uint64_t traced(const struct tg_txerr *t, unsigned int i)
{
	int ncpus = tg_percpu_ncpus();
	struct txerr_counts *v;
	uint64_t sum = 0;

	if (!t->skel || i >= t->ntargets || ncpus < 0)
		return 0;
	v = tg_percpu_alloc(sizeof(*v), ncpus);
	if (!v)
		return 0;
	if (!tg_percpu_read(t->skel->maps.counts, i, v, sizeof(*v), ncpus))
		sum = TG_PERCPU_SUM(v, ncpus, xmit_drops) + TG_PERCPU_SUM(v, ncpus, redirect_errs);
	free(v);
	return sum;
}

/* Target i's veth counters since open: frames taken, refused; false if none read. */
static bool veth_since_open(const struct tg_txerr *t, unsigned int i, uint64_t *ok, uint64_t *err)
{
	if (!t->veth || i >= t->ntargets || tg_veth_xmit_read(&t->veth[i].v, ok, err))
		return false;
	*ok -= t->veth[i].ok0;
	*err -= t->veth[i].err0;
	return true;
}

uint64_t tg_txerr_read(const struct tg_txerr *t, unsigned int i)
{
	uint64_t ok, err, sum = traced(t, i);

	if (veth_since_open(t, i, &ok, &err))
		sum += err;
	return sum;
}

uint64_t tg_txerr_read_final(const struct tg_txerr *t, unsigned int i, uint64_t redirected)
{
	uint64_t ok, err, sum = traced(t, i);

	if (!veth_since_open(t, i, &ok, &err))
		return sum;
	sum += err;
	/*
	 * Every frame redirected there was taken, refused, or dropped by a
	 * veth whose peer could not receive (not counted by the driver).
	 * Frames others redirected into it make this smaller, never wrong
	 * upwards, so the larger of the two counts is kept.
	 */
	if (redirected > ok && redirected - ok > sum)
		sum = redirected - ok;
	return sum;
}

void tg_txerr_close(struct tg_txerr *t)
{
	unsigned int i;

	txerr_bpf__destroy(t->skel);
	t->skel = NULL;
	for (i = 0; t->veth && i < t->ntargets; i++)
		tg_veth_xmit_close(&t->veth[i].v);
	free(t->veth);
	t->veth = NULL;
	t->counting = false;
}
