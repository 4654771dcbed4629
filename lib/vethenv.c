// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include "vethenv.h"

static int open_ns(void)
{
	return open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
}

static int enter(int fd, const char *what, struct tg_err *err)
{
	if (setns(fd, CLONE_NEWNET))
		return tg_fail(err, errno, "could not enter the %s network namespace: %s",
			       what, strerror(errno));
	return 0;
}

int tg_netns_new(int *fd, struct tg_err *err)
{
	if (unshare(CLONE_NEWNET))
		return tg_fail(err, errno, "could not create a network namespace: %s "
			       "(needs CAP_SYS_ADMIN)", strerror(errno));
	*fd = open_ns();
	if (*fd < 0)
		return tg_fail(err, errno, "could not open the new network namespace: %s",
			       strerror(errno));
	return 0;
}

int tg_sysctl_write(const char *path, const char *val, struct tg_err *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = -1;

	if (fd >= 0) {
		n = write(fd, val, strlen(val));
		close(fd);
	}
	/* Without IPv6 in the kernel there is nothing to silence. */
	if (n < 0 && errno != ENOENT)
		return tg_fail(err, errno, "could not write %s: %s", path, strerror(errno));
	return 0;
}

static struct nl_sock *route_sock(struct tg_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || nl_connect(sk, NETLINK_ROUTE)) {
		nl_socket_free(sk);
		tg_fail(err, ENOMEM, "could not open a route netlink socket");
		return NULL;
	}
	return sk;
}

/* Sets IFF_UP on a link of the current namespace. */
static int link_up(struct nl_sock *sk, const char *name, struct tg_err *err)
{
	struct rtnl_link *cur = NULL, *chg = rtnl_link_alloc();
	int ret;

	ret = rtnl_link_get_kernel(sk, 0, name, &cur);
	if (!ret && chg) {
		rtnl_link_set_flags(chg, IFF_UP);
		ret = rtnl_link_change(sk, cur, chg, 0);
	}
	rtnl_link_put(cur);
	rtnl_link_put(chg);
	if (ret < 0)
		return tg_fail(err, EIO, "could not bring %s up: %s", name, nl_geterror(ret));
	return 0;
}

/* flags: IFA_F_* (IFA_F_NODAD: usable at once, no duplicate detection to wait for). */
static int add_addr(struct nl_sock *sk, int ifindex, int family, const char *cidr,
		    unsigned int flags, struct tg_err *err)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int ret = -NLE_NOMEM;

	if (a && !nl_addr_parse(cidr, family, &local)) {
		rtnl_addr_set_ifindex(a, ifindex);
		rtnl_addr_set_flags(a, flags);
		ret = rtnl_addr_set_local(a, local);
		if (!ret)
			ret = rtnl_addr_add(sk, a, 0);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	if (ret < 0)
		return tg_fail(err, EIO, "could not add %s: %s", cidr, nl_geterror(ret));
	return 0;
}

int tg_veth_add(const char *name, const char *peer_name, unsigned int queues,
		int peer_ns, struct tg_err *err)
{
	struct nl_sock *sk = route_sock(err);
	struct rtnl_link *veth, *peer;
	int ret;

	if (!sk)
		return -ENOMEM;
	veth = rtnl_link_veth_alloc();
	if (!veth) {
		nl_socket_free(sk);
		return tg_fail(err, ENOMEM, "out of memory for a veth pair");
	}
	queues = queues ? queues : 1;
	peer = rtnl_link_veth_get_peer(veth);
	rtnl_link_set_name(veth, name);
	rtnl_link_set_name(peer, peer_name);
	rtnl_link_set_num_tx_queues(veth, queues);
	rtnl_link_set_num_rx_queues(veth, queues);
	rtnl_link_set_num_tx_queues(peer, queues);
	rtnl_link_set_num_rx_queues(peer, queues);
	if (peer_ns >= 0)
		rtnl_link_set_ns_fd(peer, peer_ns);
	ret = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(peer);
	rtnl_link_veth_release(veth);
	nl_socket_free(sk);
	if (ret < 0)
		return tg_fail(err, EIO, "could not create veth pair %s/%s: %s",
			       name, peer_name, nl_geterror(ret));
	return 0;
}

/* Brings up an end and lo in the current namespace and reads its facts. */
int tg_link_setup(const char *name, const char *addr, int *ifindex, uint8_t *mac,
		  struct tg_err *err)
{
	struct nl_sock *sk = route_sock(err);
	struct tg_iface ifc;
	int ret;

	if (!sk)
		return -ENOMEM;
	ret = link_up(sk, "lo", err);
	if (!ret)
		ret = link_up(sk, name, err);
	if (!ret)
		ret = tg_iface_get(name, &ifc, err);
	if (!ret && addr)
		ret = add_addr(sk, ifc.ifindex, AF_INET, addr, 0, err);
	nl_socket_free(sk);
	if (ret)
		return ret;
	*ifindex = ifc.ifindex;
	if (mac)
		memcpy(mac, ifc.mac, 6);
	return 0;
}

int tg_vethenv_create(struct tg_vethenv *e, unsigned int queues,
		      struct tg_err *err)
{
	int ret;

	memset(e, 0, sizeof(*e));
	e->orig_ns = e->gen_ns = e->sink_ns = -1;
	snprintf(e->gen_if, sizeof(e->gen_if), "tgv%dg", (int)getpid());
	snprintf(e->sink_if, sizeof(e->sink_if), "tgv%ds", (int)getpid());
	e->orig_ns = open_ns();
	if (e->orig_ns < 0)
		return tg_fail(err, errno, "could not open this network namespace: %s",
			       strerror(errno));
	ret = tg_netns_new(&e->sink_ns, err);
	if (!ret)
		ret = tg_netns_new(&e->gen_ns, err);
	if (ret)
		return ret;
	/*
	 * The generator's end must send nothing of its own (IPv6 DAD, router
	 * solicitations), or the far end would count more than was sent.
	 */
	ret = tg_sysctl_write("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1", err);
	if (ret)
		return ret;

	ret = tg_veth_add(e->gen_if, e->sink_if, queues, e->sink_ns, err);
	if (!ret)
		ret = tg_vethenv_enter_sink(e, err);
	if (!ret)
		ret = tg_link_setup(e->sink_if, "198.18.0.1/24", &e->sink_ifindex,
				    e->sink_mac, err);
	if (!ret)
		ret = tg_vethenv_enter_gen(e, err);
	if (!ret)
		ret = tg_link_setup(e->gen_if, "198.18.0.2/24", &e->gen_ifindex, NULL, err);
	return ret;
}

int tg_vethenv_enter_gen(struct tg_vethenv *e, struct tg_err *err)
{
	return enter(e->gen_ns, "generator's", err);
}

int tg_vethenv_enter_sink(struct tg_vethenv *e, struct tg_err *err)
{
	return enter(e->sink_ns, "receiver's", err);
}

/* An address on an end of the current namespace, without DAD. */
static int add_addr6(int ifindex, const char *cidr, struct tg_err *err)
{
	struct nl_sock *sk = route_sock(err);
	int ret;

	if (!sk)
		return -ENOMEM;
	ret = add_addr(sk, ifindex, AF_INET6, cidr, IFA_F_NODAD, err);
	nl_socket_free(sk);
	return ret;
}

int tg_vethenv_add_ipv6(struct tg_vethenv *e, struct tg_err *err)
{
	char path[96];
	int ret;

	ret = tg_vethenv_enter_sink(e, err);
	if (!ret)
		ret = add_addr6(e->sink_ifindex, "2001:2::1/64", err);
	if (!ret)
		ret = tg_vethenv_enter_gen(e, err);
	if (ret)
		return ret;
	/*
	 * The generator's end was made with IPv6 off (tg_vethenv_create).
	 * Its link-local address skips DAD too: nothing to wait for.
	 */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_dad", e->gen_if);
	ret = tg_sysctl_write(path, "0", err);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", e->gen_if);
	if (!ret)
		ret = tg_sysctl_write(path, "0", err);
	if (!ret && access(path, F_OK))
		return tg_fail(err, EAFNOSUPPORT, "this kernel has no IPv6");
	return ret ? ret : add_addr6(e->gen_ifindex, "2001:2::2/64", err);
}

void tg_vethenv_destroy(struct tg_vethenv *e)
{
	if (e->orig_ns >= 0) {
		setns(e->orig_ns, CLONE_NEWNET);
		close(e->orig_ns);
	}
	/* The last references: the namespaces, the pair with them, go away. */
	if (e->gen_ns >= 0)
		close(e->gen_ns);
	if (e->sink_ns >= 0)
		close(e->sink_ns);
	e->orig_ns = e->gen_ns = e->sink_ns = -1;
}
