// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "veth_xmit.h"

/* One SIOCETHTOOL request on ifname; returns 0 or a negative errno. */
static int ethtool(const char *ifname, void *cmd)
{
	struct ifreq ifr = { 0 };
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = cmd;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		ret = -errno;
	close(fd);
	return ret;
}

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
	struct ethtool_gstrings *s;
	unsigned int nok = 0, nerr = 0, i;
	int ret;

	memset(v, 0, sizeof(*v));
	if (!if_indextoname(ifindex, v->ifname))
		return -errno;
	ret = ethtool(v->ifname, &info);
	if (ret)
		return ret;
	if (strcmp(info.driver, "veth") || !info.n_stats)
		return -ENODEV;
	s = calloc(1, sizeof(*s) + (size_t)info.n_stats * ETH_GSTRING_LEN);
	if (!s)
		return -ENOMEM;
	s->cmd = ETHTOOL_GSTRINGS;
	s->string_set = ETH_SS_STATS;
	s->len = info.n_stats;
	ret = ethtool(v->ifname, s);
	for (i = 0; !ret && i < s->len; i++) {
		char name[ETH_GSTRING_LEN + 1] = "";

		memcpy(name, s->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		ret = note(&v->ok, &nok, queue_of(name, "xdp_xmit"), i);
		if (!ret)
			ret = note(&v->err, &nerr, queue_of(name, "xdp_xmit_errors"), i);
	}
	v->nstats = s->len;
	free(s);
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
	struct ethtool_stats *st;
	unsigned int q;
	int ret;

	st = calloc(1, sizeof(*st) + (size_t)v->nstats * sizeof(uint64_t));
	if (!st)
		return -ENOMEM;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = v->nstats;
	ret = ethtool(v->ifname, st);
	/* The set of statistics changed under us (queues added): say so, never misread. */
	if (!ret && st->n_stats != v->nstats)
		ret = -ESTALE;
	*ok = *err = 0;
	for (q = 0; !ret && q < v->nq; q++) {
		*ok += st->data[v->ok[q]];
		*err += st->data[v->err[q]];
	}
	free(st);
	return ret;
}

void tg_veth_xmit_close(struct tg_veth_xmit *v)
{
	free(v->ok);
	free(v->err);
	v->ok = v->err = NULL;
	v->nq = 0;
}
