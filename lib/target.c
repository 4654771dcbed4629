// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "netdev_compat.h"
#include "target.h"
#include "xdp_pass.skel.h"

static bool can_xmit(const struct tg_target *t)
{
	return t->features & NETDEV_XDP_ACT_NDO_XMIT;
}

static int refresh_features(struct tg_target *t, struct tg_err *err)
{
	int ret = tg_iface_xdp_features(t->iface.ifindex, &t->features, err);

	t->features_known = !ret;
	if (ret == -EOPNOTSUPP) {
		/* Kernels before 6.3 do not report features: try and see. */
		tg_warn("cannot read XDP features of %s (kernel older than 6.3?); "
			"assuming it can take redirected frames\n", t->iface.name);
		return 0;
	}
	return ret;
}

static int veth_advice(const struct tg_target *t, struct tg_err *err)
{
	char peer[IF_NAMESIZE + 64];
	struct tg_iface p;

	if (t->iface.peer_netnsid < 0 && t->iface.peer_ifindex > 0 &&
	    !tg_iface_get_index(t->iface.peer_ifindex, &p, NULL))
		snprintf(peer, sizeof(peer), "its peer %s", p.name);
	else
		snprintf(peer, sizeof(peer), "its peer (ifindex %d, in another network namespace)",
			 t->iface.peer_ifindex);
	return tg_fail(err, EOPNOTSUPP,
		       "veth %s cannot take redirected frames now: a veth accepts them only "
		       "while %s has an XDP program attached or GRO on "
		       "(e.g. 'ethtool -K <peer> gro on'), and the peer has no more TX "
		       "queues than %s has RX queues", t->iface.name, peer, t->iface.name);
}

/* Attaches the pass program and checks whether that enabled ndo_xdp_xmit. */
static int try_pass_program(struct tg_target *t, struct tg_err *err)
{
	int ret;

	t->pass = xdp_pass_bpf__open_and_load();
	if (!t->pass)
		return tg_fail(err, errno, "could not load the XDP pass program for %s: %s",
			       t->iface.name, strerror(errno));
	t->link = bpf_program__attach_xdp(t->pass->progs.tg_xdp_pass, t->iface.ifindex);
	if (!t->link) {
		ret = -errno;
		xdp_pass_bpf__destroy(t->pass);
		t->pass = NULL;
		return tg_fail(err, ret, "could not attach an XDP program to %s to enable its "
			       "XDP transmit rings: %s", t->iface.name, strerror(-ret));
	}
	ret = refresh_features(t, err);
	if (ret)
		return ret;
	if (can_xmit(t)) {
		tg_info("attached an XDP pass program to %s for the run (its driver %s "
			"transmits redirected frames only with one)\n",
			t->iface.name, t->iface.driver);
		return 0;
	}
	tg_target_close(t);
	return -EOPNOTSUPP;
}

int tg_target_open(const char *name, struct tg_target *t, struct tg_err *err)
{
	int ret;

	memset(t, 0, sizeof(*t));
	ret = tg_iface_get(name, &t->iface, err);
	if (ret)
		return ret;
	if (!t->iface.up)
		return tg_fail(err, ENETDOWN, "interface %s is down; bring it up with "
			       "'ip link set dev %s up'", name, name);
	ret = refresh_features(t, err);
	if (ret || !t->features_known || can_xmit(t))
		return ret;

	if (!strcmp(t->iface.kind, "veth"))
		return veth_advice(t, err);
	if (!t->iface.xdp_prog_id) {
		ret = try_pass_program(t, err);
		if (ret != -EOPNOTSUPP)
			return ret;
	}
	return tg_fail(err, EOPNOTSUPP,
		       "%s (driver %s) cannot be the target of XDP redirects: its driver "
		       "does not implement ndo_xdp_xmit%s. See 'trafficgen probe -i %s'",
		       name, t->iface.driver[0] ? t->iface.driver : "unknown",
		       t->iface.xdp_prog_id ? " (an XDP program is attached already)" : "",
		       name);
}

void tg_target_close(struct tg_target *t)
{
	bpf_link__destroy(t->link);
	t->link = NULL;
	xdp_pass_bpf__destroy(t->pass);
	t->pass = NULL;
}
