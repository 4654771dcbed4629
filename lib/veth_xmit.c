// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/ethtool.h>
#include "veth_xmit.h"

/* The statistic's queue if name is "tx_queue_<q>_<what>", else -1. */
static long queue_of(const char *name, const char *what)
{
	unsigned int q;
	int end = 0;

	if (sscanf(name, "tx_queue_%u_%n", &q, &end) != 1 || !end || strcmp(name + end, what))
		return -1;
	return q;
}

/* Index i's statistic as the counter of queue q, in a list grown to fit. */
static int note(uint32_t **idx, unsigned int *n, long q, uint32_t i)
{
	uint32_t *p;

	if (q < 0)
		return 0;
	if ((unsigned long)q >= *n) {
		p = realloc(*idx, (q + 1) * sizeof(*p));
		if (!p)
			return -ENOMEM;
		memset(p + *n, 0xff, (q + 1 - *n) * sizeof(*p));
		*idx = p;
		*n = q + 1;
	}
	(*idx)[q] = i;
	return 0;
}

int tg_veth_xmit_open(struct tg_veth_xmit *v, int ifindex)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	char ifname[IF_NAMESIZE];
	unsigned int nok = 0, nerr = 0, i;
	int ret;

	memset(v, 0, sizeof(*v));
	if (!if_indextoname(ifindex, ifname))
		return -errno;
	ret = tg_ethtool_ioctl(ifname, &info);
	if (ret)
		return ret;
	if (strcmp(info.driver, "veth") || !info.n_stats)
		return -ENODEV;
	ret = tg_ethtool_stats_open(&v->st, ifname);
	for (i = 0; !ret && i < v->st.n; i++) {
		ret = note(&v->ok, &nok, queue_of(v->st.names[i], "xdp_xmit"), i);
		if (!ret)
			ret = note(&v->err, &nerr, queue_of(v->st.names[i], "xdp_xmit_errors"), i);
	}
	v->nq = nok;
	/* Every queue needs both counters, or the sums would miss frames. */
	for (i = 0; !ret && i < nok; i++)
		if (i >= nerr || v->ok[i] == UINT32_MAX || v->err[i] == UINT32_MAX)
			ret = -ENODEV;
	if (!ret && (!nok || nok != nerr))
		ret = -ENODEV;
	if (ret)
		tg_veth_xmit_close(v);
	return ret;
}

int tg_veth_xmit_read(const struct tg_veth_xmit *v, uint64_t *ok, uint64_t *err)
{
	/* Only the values change: the names and the set are the open's. */
	struct tg_ethtool_stats st = v->st;
	unsigned int q;
	int ret;

	*ok = *err = 0;
	ret = tg_ethtool_stats_read(&st);
	for (q = 0; !ret && q < v->nq; q++) {
		*ok += st.vals[v->ok[q]];
		*err += st.vals[v->err[q]];
	}
	return ret;
}

void tg_veth_xmit_close(struct tg_veth_xmit *v)
{
	tg_ethtool_stats_close(&v->st);
	free(v->ok);
	free(v->err);
	v->ok = v->err = NULL;
	v->nq = 0;
}
