/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_VETHENV_H
#define TG_VETHENV_H

#include <stdint.h>
#include "errbuf.h"
#include "iface.h"

/*
 * A self-contained test bed for `--veth`: two new network namespaces
 * joined by a veth pair, the generator's end in one, the receiver's in the
 * other. The namespaces are anonymous (no /run/netns entry) and held only
 * by file descriptors of this process, so when it exits, however it exits,
 * they and the veth pair are gone with it.
 *
 * The calling thread is moved between namespaces; threads created while it
 * is in the generator's namespace stay there (a thread's namespace is fixed
 * when it is created).
 */
struct tg_vethenv {
	int orig_ns;			/* the caller's namespace, to return to */
	int gen_ns, sink_ns;
	char gen_if[IF_NAMESIZE], sink_if[IF_NAMESIZE];
	int gen_ifindex, sink_ifindex;	/* each in its own namespace */
	uint8_t sink_mac[6];
};

/*
 * Creates both namespaces and the pair, with `queues` queues each way on
 * both ends (one per sending thread, so that no receive ring is shared),
 * both ends up, 198.18.0.1/24 on the receiver's end and 198.18.0.2/24 on
 * the generator's. Leaves the calling thread in the generator's namespace.
 */
int tg_vethenv_create(struct tg_vethenv *e, unsigned int queues,
		      struct tg_err *err);

/*
 * For runs that speak IPv6 (`tcp --veth`): 2001:2::1/64 on the receiver's
 * end, 2001:2::2/64 on the generator's, both without DAD, and IPv6 back on
 * at the generator's end. Its own neighbour discovery and MLD frames then
 * reach the far end, so not for runs that count frames there. Leaves the
 * calling thread in the generator's namespace.
 */
int tg_vethenv_add_ipv6(struct tg_vethenv *e, struct tg_err *err);

/* Moves the calling thread into one of the namespaces. */
int tg_vethenv_enter_gen(struct tg_vethenv *e, struct tg_err *err);
int tg_vethenv_enter_sink(struct tg_vethenv *e, struct tg_err *err);

/* Back to the caller's namespace; closing the namespaces removes it all. */
void tg_vethenv_destroy(struct tg_vethenv *e);

/*
 * The pieces the beds are made of, for beds of other shapes (`xdptest
 * --veth`: one namespace, two pairs). Each acts in the calling thread's
 * network namespace.
 */

/* A new namespace, left as the calling thread's; its fd in *fd. */
int tg_netns_new(int *fd, struct tg_err *err);

/*
 * A veth pair name/peer_name with `queues` queues each way (0: 1), the
 * peer moved into the namespace peer_ns (-1: left here).
 */
int tg_veth_add(const char *name, const char *peer_name, unsigned int queues,
		int peer_ns, struct tg_err *err);

/*
 * lo and name up, addr ("198.18.0.1/24", or NULL) on name; its ifindex and
 * (mac not NULL) MAC read back.
 */
int tg_link_setup(const char *name, const char *addr, int *ifindex, uint8_t *mac,
		  struct tg_err *err);

/* Writes a /proc/sys file (of the calling thread's namespace); ENOENT is no error. */
int tg_sysctl_write(const char *path, const char *val, struct tg_err *err);

#endif
