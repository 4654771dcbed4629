// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include "ethtool.h"

_Static_assert(TG_ETHTOOL_NAMELEN == ETH_GSTRING_LEN, "ethtool's string length");

int tg_ethtool_ioctl(const char *ifname, void *cmd)
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

int tg_ethtool_stats_open(struct tg_ethtool_stats *s, const char *ifname)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ethtool_gstrings *g;
	unsigned int i;
	int ret;

	memset(s, 0, sizeof(*s));
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	ret = tg_ethtool_ioctl(ifname, &info);
	if (ret || !info.n_stats)
		return ret == -EOPNOTSUPP ? 0 : ret;
	g = calloc(1, sizeof(*g) + (size_t)info.n_stats * ETH_GSTRING_LEN);
	s->names = calloc(info.n_stats, sizeof(*s->names));
	s->vals = calloc(info.n_stats, sizeof(*s->vals));
	if (!g || !s->names || !s->vals) {
		ret = -ENOMEM;
		goto out;
	}
	g->cmd = ETHTOOL_GSTRINGS;
	g->string_set = ETH_SS_STATS;
	g->len = info.n_stats;
	ret = tg_ethtool_ioctl(ifname, g);
	if (ret)
		goto out;
	for (i = 0; i < g->len && i < info.n_stats; i++)
		memcpy(s->names[i], g->data + (size_t)i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
	s->n = i;
out:
	free(g);
	if (ret)
		tg_ethtool_stats_close(s);
	return ret;
}

int tg_ethtool_stats_read(struct tg_ethtool_stats *s)
{
	struct ethtool_stats *st;
	int ret;

	if (!s->n)
		return 0;
	st = calloc(1, sizeof(*st) + (size_t)s->n * sizeof(uint64_t));
	if (!st)
		return -ENOMEM;
	st->cmd = ETHTOOL_GSTATS;
	st->n_stats = s->n;
	ret = tg_ethtool_ioctl(s->ifname, st);
	/* The set of statistics changed under us (queues added): say so, never misread. */
	if (!ret && st->n_stats != s->n)
		ret = -ESTALE;
	if (!ret)
		memcpy(s->vals, st->data, (size_t)s->n * sizeof(uint64_t));
	free(st);
	return ret;
}

void tg_ethtool_stats_close(struct tg_ethtool_stats *s)
{
	free(s->names);
	free(s->vals);
	s->names = NULL;
	s->vals = NULL;
	s->n = 0;
}

/* Whether name is "<dir><anything>_<what>", the anything not empty. */
static bool per_queue(const char *name, const char *dir, const char *what)
{
	size_t ln = strlen(name), ld = strlen(dir), lw = strlen(what);

	return ln > ld + lw + 1 && !strncmp(name, dir, ld) &&
	       name[ln - lw - 1] == '_' && !strcmp(name + ln - lw, what);
}

bool tg_ethtool_sum(const char (*names)[TG_ETHTOOL_NAMELEN + 1], const uint64_t *vals,
		    unsigned int n, const char *dir, const char *what, uint64_t *sum)
{
	char total[TG_ETHTOOL_NAMELEN + 1];
	bool found = false;
	unsigned int i;

	snprintf(total, sizeof(total), "%s_%s", dir, what);
	for (i = 0; i < n; i++) {
		if (!strcmp(names[i], total)) {
			*sum = vals[i];
			return true;
		}
	}
	*sum = 0;
	for (i = 0; i < n; i++) {
		if (per_queue(names[i], dir, what)) {
			*sum += vals[i];
			found = true;
		}
	}
	return found;
}
