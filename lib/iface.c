// SPDX-License-Identifier: GPL-2.0
/*
 * Interface facts: rtnetlink for the link and its addresses, the "netdev"
 * generic netlink family for XDP features, ethtool ioctls for driver and GRO.
 * Everything is read in the caller's network namespace.
 */
#include "iface.h"

#include <net/if.h>	/* before any <linux/if.h> the netlink headers may pull in */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include <netlink/netlink.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>

#include "netdev_compat.h"

/* ---- netlink plumbing ---------------------------------------------------- */

/* libnl reports its own error codes; callers of this library want errnos. */
static int nlerr_to_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case NLE_NOMEM:		return ENOMEM;
	case NLE_PERM:		return EPERM;
	case NLE_NODEV:		return ENODEV;
	case NLE_OBJ_NOTFOUND:	return ENOENT;
	case NLE_OPNOTSUPP:	return EOPNOTSUPP;
	case NLE_AGAIN:		return EAGAIN;
	case NLE_INVAL:		return EINVAL;
	case NLE_RANGE:		return ERANGE;
	case NLE_PROTO_MISMATCH: return EPROTONOSUPPORT;
	case NLE_NOACCESS:	return EACCES;
	default:		return EIO;
	}
}

/*
 * One request, one reply. Auto-ack is off so a successful request yields
 * exactly the reply and a failed one exactly the error; the error callback
 * keeps the kernel's own errno, which libnl would otherwise fold into its
 * coarser codes (ENODEV and ENOENT both become NLE_OBJ_NOTFOUND).
 */
struct nl_req {
	int kerr;	/* errno from an NLMSG_ERROR, 0 if none */
	bool got;	/* the valid callback saw a reply */
	void *arg;	/* for the parser */
};

static int req_err_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nl_req *req = arg;

	req->kerr = e->error < 0 ? -e->error : e->error;
	return NL_STOP;
}

static int nl_open(int proto, struct nl_sock **out, struct tg_err *err)
{
	struct nl_sock *sk;
	int ret;

	sk = nl_socket_alloc();
	if (!sk)
		return tg_fail(err, ENOMEM, "cannot allocate a netlink socket: out of memory");
	ret = nl_connect(sk, proto);
	if (ret < 0) {
		nl_socket_free(sk);
		return tg_fail(err, nlerr_to_errno(ret),
			       "cannot open a netlink socket (protocol %d): %s",
			       proto, nl_geterror(ret));
	}
	nl_socket_disable_auto_ack(sk);
	*out = sk;
	return 0;
}

/*
 * Sends msg (consumed) and runs parse on the reply. Returns 0, or a negative
 * errno with the kernel's errno preferred; the caller words the message.
 */
static int nl_transact(struct nl_sock *sk, struct nl_msg *msg,
		       nl_recvmsg_msg_cb_t parse, struct nl_req *req)
{
	struct nl_cb *base, *cb;
	int ret;

	/* nl_socket_get_cb() hands out a reference of its own */
	base = nl_socket_get_cb(sk);
	cb = nl_cb_clone(base);
	nl_cb_put(base);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, req);
	nl_cb_err(cb, NL_CB_CUSTOM, req_err_cb, req);

	ret = nl_send_auto(sk, msg);
	nlmsg_free(msg);
	if (ret >= 0)
		ret = nl_recvmsgs(sk, cb);
	nl_cb_put(cb);

	if (req->kerr)
		return -req->kerr;
	if (ret < 0)
		return -nlerr_to_errno(ret);
	return req->got ? 0 : -EIO;
}

/* ---- link: RTM_GETLINK -------------------------------------------------- */

static void copy_str_attr(char *dst, size_t len, const struct nlattr *a)
{
	size_t n;

	if (!a) {
		dst[0] = '\0';
		return;
	}
	n = strnlen(nla_data(a), nla_len(a));
	if (n >= len)
		n = len - 1;
	memcpy(dst, nla_data(a), n);
	dst[n] = '\0';
}

static uint32_t attr_u32(const struct nlattr *a, uint32_t dflt)
{
	return a && nla_len(a) >= (int)sizeof(uint32_t) ? nla_get_u32(a) : dflt;
}

/*
 * The kernel reports IFLA_XDP_PROG_ID only when exactly one mode is in use;
 * with several (XDP_ATTACHED_MULTI) only the per-mode ids are there.
 */
static uint32_t xdp_prog_id(struct nlattr *xdp)
{
	struct nlattr *tb[IFLA_XDP_MAX + 1];
	static const int order[] = {
		IFLA_XDP_PROG_ID, IFLA_XDP_DRV_PROG_ID,
		IFLA_XDP_SKB_PROG_ID, IFLA_XDP_HW_PROG_ID,
	};
	uint32_t id;
	size_t i;

	if (!xdp || nla_parse_nested(tb, IFLA_XDP_MAX, xdp, NULL) < 0)
		return 0;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		id = attr_u32(tb[order[i]], 0);
		if (id)
			return id;
	}
	return 0;
}

static void link_kind(struct nlattr *linkinfo, char *kind, size_t len)
{
	struct nlattr *tb[IFLA_INFO_MAX + 1];

	kind[0] = '\0';
	if (linkinfo && nla_parse_nested(tb, IFLA_INFO_MAX, linkinfo, NULL) == 0)
		copy_str_attr(kind, len, tb[IFLA_INFO_KIND]);
}

static int link_parse(struct nl_msg *msg, void *arg)
{
	struct nl_req *req = arg;
	struct tg_iface *out = req->arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[IFLA_MAX + 1];
	struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlh, sizeof(*ifi), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	ifi = nlmsg_data(nlh);

	out->ifindex = ifi->ifi_index;
	out->up = ifi->ifi_flags & IFF_UP;
	copy_str_attr(out->name, sizeof(out->name), tb[IFLA_IFNAME]);
	if (tb[IFLA_ADDRESS] && nla_len(tb[IFLA_ADDRESS]) == sizeof(out->mac))
		memcpy(out->mac, nla_data(tb[IFLA_ADDRESS]), sizeof(out->mac));
	out->mtu = attr_u32(tb[IFLA_MTU], 0);
	out->num_rx_queues = attr_u32(tb[IFLA_NUM_RX_QUEUES], 1);
	out->num_tx_queues = attr_u32(tb[IFLA_NUM_TX_QUEUES], 1);
	link_kind(tb[IFLA_LINKINFO], out->kind, sizeof(out->kind));
	out->xdp_prog_id = xdp_prog_id(tb[IFLA_XDP]);

	/* IFLA_LINK means "lower device" for vlan, macvlan, ...; only a veth's is its peer. */
	if (strcmp(out->kind, "veth") == 0) {
		out->peer_ifindex = attr_u32(tb[IFLA_LINK], 0);
		if (tb[IFLA_LINK_NETNSID])
			out->peer_netnsid = (int32_t)nla_get_u32(tb[IFLA_LINK_NETNSID]);
	}
	req->got = true;
	return NL_OK;
}

/* Exactly one of ifindex (> 0) and name selects the link. */
static int link_query(struct nl_sock *sk, int ifindex, const char *name,
		      struct tg_iface *out)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	struct nl_req req = { .arg = out };
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
	if (!msg)
		return -ENOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    (name && nla_put_string(msg, IFLA_IFNAME, name) < 0) ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return nl_transact(sk, msg, link_parse, &req);
}

/* ---- addresses ----------------------------------------------------------- */

/* Lower is better: global, then link-local, then anything (lo's ::1). */
static int ipv6_rank(int scope)
{
	if (scope == RT_SCOPE_UNIVERSE)
		return 0;
	if (scope == RT_SCOPE_LINK)
		return 1;
	return 2;
}

struct addr_pick {
	struct tg_iface *out;
	int v6_rank;
};

static void addr_visit(struct nl_object *obj, void *arg)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct addr_pick *pick = arg;
	struct tg_iface *out = pick->out;
	struct nl_addr *local;
	int rank;

	if (rtnl_addr_get_ifindex(a) != out->ifindex)
		return;
	local = rtnl_addr_get_local(a);
	if (!local)
		return;

	switch (rtnl_addr_get_family(a)) {
	case AF_INET:
		if (out->has_ipv4 || nl_addr_get_len(local) != sizeof(out->ipv4))
			return;
		memcpy(&out->ipv4, nl_addr_get_binary_addr(local), sizeof(out->ipv4));
		out->has_ipv4 = true;
		break;
	case AF_INET6:
		rank = ipv6_rank(rtnl_addr_get_scope(a));
		if (rank >= pick->v6_rank || nl_addr_get_len(local) != sizeof(out->ipv6))
			return;
		memcpy(&out->ipv6, nl_addr_get_binary_addr(local), sizeof(out->ipv6));
		out->has_ipv6 = true;
		pick->v6_rank = rank;
		break;
	}
}

/* The cache keeps the kernel's dump order, so "first" means the kernel's first. */
static int addrs_fill(struct nl_sock *sk, struct tg_iface *out, struct tg_err *err)
{
	struct addr_pick pick = { .out = out, .v6_rank = 3 };
	struct nl_cache *cache;
	int ret;

	ret = rtnl_addr_alloc_cache(sk, &cache);
	if (ret < 0)
		return tg_fail(err, nlerr_to_errno(ret),
			       "cannot list the addresses of %s over netlink: %s",
			       out->name, nl_geterror(ret));
	nl_cache_foreach(cache, addr_visit, &pick);
	nl_cache_free(cache);
	return 0;
}

/* ---- ethtool ------------------------------------------------------------- */

static int ethtool_socket(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static int ethtool_ioctl(int fd, const char *name, void *data)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_data = data;
	return ioctl(fd, SIOCETHTOOL, &ifr) < 0 ? -errno : 0;
}

/* Best effort: many virtual devices have no driver info, and "" says so. */
static void driver_fill(struct tg_iface *out)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	int fd;

	out->driver[0] = '\0';
	fd = ethtool_socket();
	if (fd < 0)
		return;
	if (ethtool_ioctl(fd, out->name, &info) == 0)
		snprintf(out->driver, sizeof(out->driver), "%.*s",
			 (int)sizeof(out->driver) - 1, info.driver);
	close(fd);
}

/* Number of strings in an ethtool string set, or a negative errno. */
static int ethtool_sset_len(int fd, const char *name, int sset)
{
	/* room for the one u32 of data[] that a single-bit mask asks for */
	union {
		struct ethtool_sset_info hdr;
		uint8_t room[sizeof(struct ethtool_sset_info) + sizeof(uint32_t)];
	} req;
	int ret;

	memset(&req, 0, sizeof(req));
	req.hdr.cmd = ETHTOOL_GSSET_INFO;
	req.hdr.sset_mask = 1ULL << sset;
	ret = ethtool_ioctl(fd, name, &req);
	if (ret < 0)
		return ret;
	if (!(req.hdr.sset_mask & (1ULL << sset)))
		return -EOPNOTSUPP;
	return req.hdr.data[0];
}

/* Index of str in string set sset, or a negative errno (-ENOENT: not there). */
static int ethtool_string_index(int fd, const char *name, int sset, const char *str)
{
	struct ethtool_gstrings *gs;
	int n, i, ret;

	n = ethtool_sset_len(fd, name, sset);
	if (n <= 0)
		return n < 0 ? n : -ENOENT;
	gs = calloc(1, sizeof(*gs) + (size_t)n * ETH_GSTRING_LEN);
	if (!gs)
		return -ENOMEM;
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = sset;
	gs->len = n;
	ret = ethtool_ioctl(fd, name, gs);
	if (ret == 0) {
		ret = -ENOENT;
		for (i = 0; i < (int)gs->len && i < n; i++) {
			if (strncmp((char *)gs->data + i * ETH_GSTRING_LEN, str,
				    ETH_GSTRING_LEN) == 0) {
				ret = i;
				break;
			}
		}
	}
	free(gs);
	return ret;
}

/* Active state of feature bit idx, via ETHTOOL_GFEATURES. */
static int ethtool_feature_active(int fd, const char *name, int idx, bool *on)
{
	unsigned int blocks = idx / 32 + 1;
	struct ethtool_gfeatures *gf;
	int ret;

	gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
	if (!gf)
		return -ENOMEM;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = blocks;
	ret = ethtool_ioctl(fd, name, gf);
	if (ret == 0)
		*on = gf->features[idx / 32].active & (1U << (idx % 32));
	free(gf);
	return ret;
}

/*
 * Feature names are looked up by string because their bit numbers are kernel
 * internals that move between versions. ETHTOOL_GGRO is the fallback for
 * kernels whose feature string set lacks "rx-gro".
 */
static int gro_read(int fd, const char *name, bool *on)
{
	struct ethtool_value val = { .cmd = ETHTOOL_GGRO };
	int idx, ret;

	idx = ethtool_string_index(fd, name, ETH_SS_FEATURES, "rx-gro");
	if (idx >= 0) {
		ret = ethtool_feature_active(fd, name, idx, on);
		if (ret != -EOPNOTSUPP)
			return ret;
	} else if (idx == -ENODEV || idx == -ENOMEM) {
		return idx;
	}
	ret = ethtool_ioctl(fd, name, &val);
	if (ret == 0)
		*on = val.data;
	return ret;
}

int tg_iface_gro(const char *name, bool *on, struct tg_err *err)
{
	int fd, ret;

	if (!name || !*name || strlen(name) >= IF_NAMESIZE)
		return tg_fail(err, EINVAL, "interface name '%s' is not valid (1 to %d characters)",
			       name ? name : "", IF_NAMESIZE - 1);
	fd = ethtool_socket();
	if (fd < 0)
		return tg_fail(err, -fd, "cannot open a socket for ethtool: %s", strerror(-fd));
	ret = gro_read(fd, name, on);
	close(fd);
	if (ret == -ENODEV)
		return tg_fail(err, ENODEV, "no interface named '%s' (see 'ip link')", name);
	if (ret < 0)
		return tg_fail(err, -ret, "cannot read the GRO state of %s via ethtool: %s",
			       name, strerror(-ret));
	return 0;
}

/* ---- public: link facts -------------------------------------------------- */

static void iface_init(struct tg_iface *out)
{
	memset(out, 0, sizeof(*out));
	out->peer_netnsid = -1;
}

static int iface_read(int ifindex, const char *name, struct tg_iface *out,
		      struct tg_err *err)
{
	struct nl_sock *sk;
	int ret;

	iface_init(out);
	ret = nl_open(NETLINK_ROUTE, &sk, err);
	if (ret < 0)
		return ret;

	ret = link_query(sk, ifindex, name, out);
	if (ret == -ENODEV) {
		if (name)
			tg_fail(err, ENODEV, "no interface named '%s' (see 'ip link')", name);
		else
			tg_fail(err, ENODEV, "no interface with index %d (see 'ip link')", ifindex);
	} else if (ret < 0) {
		if (name)
			tg_fail(err, ret, "cannot read link '%s' over rtnetlink: %s",
				name, strerror(-ret));
		else
			tg_fail(err, ret, "cannot read link with index %d over rtnetlink: %s",
				ifindex, strerror(-ret));
	} else {
		ret = addrs_fill(sk, out, err);
	}
	nl_socket_free(sk);
	if (ret < 0)
		return ret;

	driver_fill(out);
	return 0;
}

int tg_iface_get(const char *name, struct tg_iface *out, struct tg_err *err)
{
	if (!name || !*name)
		return tg_fail(err, EINVAL, "no interface name given");
	/* The kernel would say EINVAL too, but not which limit was broken. */
	if (strlen(name) >= IF_NAMESIZE)
		return tg_fail(err, EINVAL,
			       "interface name '%s' is too long (at most %d characters)",
			       name, IF_NAMESIZE - 1);
	return iface_read(0, name, out, err);
}

int tg_iface_get_index(int ifindex, struct tg_iface *out, struct tg_err *err)
{
	if (ifindex <= 0)
		return tg_fail(err, EINVAL, "interface index %d is not valid (must be > 0)",
			       ifindex);
	return iface_read(ifindex, NULL, out, err);
}

/* ---- public: XDP features ------------------------------------------------ */

static int xdp_features_parse(struct nl_msg *msg, void *arg)
{
	struct nl_req *req = arg;
	struct nlattr *tb[NETDEV_A_DEV_XDP_FEATURES + 1];
	struct nlattr *a;

	/* Attributes newer than the ones we know are ignored by the parse. */
	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NETDEV_A_DEV_XDP_FEATURES, NULL) < 0)
		return NL_SKIP;
	a = tb[NETDEV_A_DEV_XDP_FEATURES];
	if (!a || nla_len(a) < (int)sizeof(uint64_t))
		return NL_SKIP;
	*(uint64_t *)req->arg = nla_get_u64(a);
	req->got = true;
	return NL_OK;
}

int tg_iface_xdp_features(int ifindex, uint64_t *features, struct tg_err *err)
{
	struct nl_req req = { .arg = features };
	struct nl_sock *sk;
	struct nl_msg *msg;
	int family, ret;

	if (ifindex <= 0)
		return tg_fail(err, EINVAL, "interface index %d is not valid (must be > 0)",
			       ifindex);
	ret = nl_open(NETLINK_GENERIC, &sk, err);
	if (ret < 0)
		return ret;

	family = genl_ctrl_resolve(sk, NETDEV_FAMILY_NAME);
	if (family < 0) {
		nl_socket_free(sk);
		if (family == -NLE_OBJ_NOTFOUND)
			return tg_fail(err, EOPNOTSUPP,
				       "kernel has no '%s' generic netlink family, so it cannot report XDP features (needs Linux 6.3 or newer)",
				       NETDEV_FAMILY_NAME);
		return tg_fail(err, nlerr_to_errno(family),
			       "cannot look up the '%s' generic netlink family: %s",
			       NETDEV_FAMILY_NAME, nl_geterror(family));
	}

	msg = nlmsg_alloc();
	if (!msg || !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, 0,
				 NETDEV_CMD_DEV_GET, NETDEV_FAMILY_VERSION) ||
	    nla_put_u32(msg, NETDEV_A_DEV_IFINDEX, ifindex) < 0) {
		nlmsg_free(msg);
		nl_socket_free(sk);
		return tg_fail(err, ENOMEM, "cannot build a netdev dev-get request: out of memory");
	}
	*features = 0;
	ret = nl_transact(sk, msg, xdp_features_parse, &req);
	nl_socket_free(sk);

	if (ret == -ENODEV)
		return tg_fail(err, ENODEV, "no interface with index %d (see 'ip link')", ifindex);
	if (ret < 0)
		return tg_fail(err, ret, "cannot read the XDP features of interface %d over netlink: %s",
			       ifindex, strerror(-ret));
	return 0;
}

static const char *const xdp_feature_names[] = {
	"basic", "redirect", "ndo-xmit", "xsk-zerocopy",
	"hw-offload", "rx-sg", "ndo-xmit-sg",
};

void tg_xdp_features_str(uint64_t features, char *buf, size_t len)
{
	size_t used = 0;
	unsigned int bit;
	int n;

	if (!len)
		return;
	buf[0] = '\0';
	if (!features) {
		snprintf(buf, len, "none");
		return;
	}
	for (bit = 0; bit < 64 && used < len; bit++) {
		if (!(features & (1ULL << bit)))
			continue;
		if (bit < sizeof(xdp_feature_names) / sizeof(xdp_feature_names[0]))
			n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
				     xdp_feature_names[bit]);
		else
			n = snprintf(buf + used, len - used, "%sbit%u", used ? "," : "", bit);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}
