// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp: the connections. Each flow is a real kernel socket that
 * does the handshake (connect()); the ACK program records the SYN-ACK on the
 * way in (the peer's ISS, ours + 1, window, window scale, MSS, TSval, the
 * next hop's MAC), and TCP_INFO says what was negotiated. Then the flow is
 * handed to the generator: from that moment the ACK program consumes the
 * peer's segments, and the kernel socket, which knows nothing of the data
 * sent in its name, must never see them or speak again (tcp_ctl.c ends
 * it).
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "neigh.h"
#include "packet_tcp.h"
#include "percpu.h"
#include "tcp.h"
#include "tcp/cfg.h"
#include "tcp_ack.skel.h"

#define NS_PER_MS 1000000ULL
#define CONNECT_TIMEOUT_MS 3000

/* glibc's <netinet/tcp.h> may predate these. */
#ifndef TCP_TIMESTAMP
#define TCP_TIMESTAMP 24
#endif
#ifndef TCPI_OPT_TIMESTAMPS
#define TCPI_OPT_TIMESTAMPS 1
#endif
#ifndef TCPI_OPT_WSCALE
#define TCPI_OPT_WSCALE 4
#endif

int tcp_ack_open(struct tcp_run *r)
{
	long page = sysconf(_SC_PAGESIZE);
	struct tg_err err = { "" };
	int ret;

	ret = tg_tcp_load_ack(&r->progs, &err);
	if (ret) {
		tg_error("%s\n", err.msg);
		return ret;
	}
	r->ack_link = bpf_program__attach_xdp(r->progs.ack->progs.tcp_ack, r->iface.ifindex);
	if (!r->ack_link) {
		ret = -errno;
		tg_error("could not attach the TCP ACK program to %s: %s%s\n", r->o.ifname,
			 strerror(-ret), ret == -EBUSY || ret == -EEXIST ?
			 " (is another XDP program attached? See 'ip link show dev' it)" : "");
		return ret;
	}
	r->ctl_len = (sizeof(struct tcp_flow_ctl) * TCP_GEN_MAX_FLOWS + page - 1) / page * page;
	r->ctl = mmap(NULL, r->ctl_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		      bpf_map__fd(r->progs.ack->maps.flow_ctl), 0);
	if (r->ctl == MAP_FAILED) {
		ret = -errno;
		r->ctl = NULL;
		tg_error("could not map the flows' control block: %s\n", strerror(-ret));
		return ret;
	}
	return 0;
}

int tcp_flow_read(const struct tcp_run *r, unsigned int i, struct tcp_flow *st)
{
	return bpf_map_lookup_elem_flags(bpf_map__fd(r->progs.ack->maps.flows), &i, st, BPF_F_LOCK);
}

static int flow_write(const struct tcp_run *r, unsigned int i, const struct tcp_flow *st)
{
	return bpf_map_update_elem(bpf_map__fd(r->progs.ack->maps.flows), &i, st, BPF_F_LOCK);
}

uint64_t tcp_flow_acked(const struct tcp_run *r, unsigned int i, const struct tcp_flow *st)
{
	uint64_t end = __atomic_load_n(&r->ctl[i].closing, __ATOMIC_ACQUIRE) ?
		       r->ctl[i].fin_seq : st->snd_max;

	return st->snd_una < end ? st->snd_una : end;
}

uint32_t tcp_tsval_now(const struct tcp_run *r, unsigned int i)
{
	/* The generator's clock: ticks of 2^20 ns from ts_t0_ns (bpf/tcp_gen.bpf.c). */
	return r->flow[i].ts_base + (uint32_t)((tg_now_ns() - r->ts_t0_ns) >> 20);
}

/* The address the kernel would send from to the host, out of the interface. */
static int source_addr(struct tcp_run *r)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	char host[INET6_ADDRSTRLEN];
	int fd, ret = 0;

	fd = socket(r->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, r->o.ifname, strlen(r->o.ifname) + 1) ||
	    connect(fd, (struct sockaddr *)&r->peer, r->peer_len) ||
	    getsockname(fd, (struct sockaddr *)&ss, &len)) {
		ret = -errno;
		inet_ntop(r->family, &r->dst, host, sizeof(host));
		tg_error("no route to %s out of %s: %s (does %s have an address on the host's "
			 "network?)\n", host, r->o.ifname, strerror(-ret), r->o.ifname);
	} else if (r->family == AF_INET) {
		r->src.v4 = ((struct sockaddr_in *)&ss)->sin_addr;
	} else {
		r->src.v6 = ((struct sockaddr_in6 *)&ss)->sin6_addr;
	}
	close(fd);
	return ret;
}

static void addr_words(int family, const union tg_addr *a, __u32 w[4])
{
	memset(w, 0, 16);
	memcpy(w, a, family == AF_INET ? 4 : 16);
}

/* Socket bound to the interface and a port, its 4-tuple tracked, state HANDSHAKE. */
static int flow_register(struct tcp_run *r, unsigned int i)
{
	struct tcp_flow_user *fu = &r->flow[i];
	struct tcp_flow st = { .phase = TCP_FLOW_HANDSHAKE };
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int ret;

	fu->fd = socket(r->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fu->fd < 0)
		return -errno;
	ss.ss_family = r->family;
	if (r->family == AF_INET) {
		((struct sockaddr_in *)&ss)->sin_addr = r->src.v4;
		len = sizeof(struct sockaddr_in);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_addr = r->src.v6;
		s6->sin6_scope_id = ((struct sockaddr_in6 *)&r->peer)->sin6_scope_id;
		len = sizeof(struct sockaddr_in6);
	}
	/* Bound to the interface: the flow must run where the ACK program listens. */
	if (setsockopt(fu->fd, SOL_SOCKET, SO_BINDTODEVICE, r->o.ifname, strlen(r->o.ifname) + 1) ||
	    bind(fu->fd, (struct sockaddr *)&ss, len) ||
	    getsockname(fu->fd, (struct sockaddr *)&ss, &len))
		return -errno;

	fu->key.family = r->family == AF_INET ? 4 : 6;
	addr_words(r->family, &r->src, fu->key.local);
	addr_words(r->family, &r->dst, fu->key.remote);
	fu->key.lport = r->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port;
	fu->key.rport = htons((uint16_t)r->o.dport);
	r->ctl[i] = (struct tcp_flow_ctl){ .limit = UINT64_MAX };
	ret = flow_write(r, i, &st);
	if (!ret)
		ret = bpf_map_update_elem(bpf_map__fd(r->progs.ack->maps.flow_keys), &fu->key, &i,
					  BPF_NOEXIST);
	if (ret)
		return ret;
	fu->registered = true;
	return 0;
}

static int flow_connect(struct tcp_run *r, unsigned int i)
{
	struct tcp_flow_user *fu = &r->flow[i];
	struct pollfd p = { .fd = fu->fd, .events = POLLOUT };
	socklen_t len = sizeof(int);
	int ret, soerr = 0;

	if (!connect(fu->fd, (struct sockaddr *)&r->peer, r->peer_len))
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	do {
		ret = poll(&p, 1, CONNECT_TIMEOUT_MS);
	} while (ret < 0 && errno == EINTR);
	if (ret == 0)
		return -ETIMEDOUT;
	if (ret < 0)
		return -errno;
	if (getsockopt(fu->fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		return -errno;
	return -soerr;
}

/* What the handshake negotiated, from the kernel and from the SYN-ACK. */
static int flow_learn(struct tcp_run *r, unsigned int i, struct tcp_info *ti)
{
	struct tcp_flow_user *fu = &r->flow[i];
	socklen_t len = sizeof(*ti);
	uint32_t tsnow = 0;
	uint64_t now;

	if (getsockopt(fu->fd, IPPROTO_TCP, TCP_INFO, ti, &len))
		return -errno;
	len = sizeof(tsnow);
	now = tg_now_ns();
	if ((ti->tcpi_options & TCPI_OPT_TIMESTAMPS) &&
	    getsockopt(fu->fd, IPPROTO_TCP, TCP_TIMESTAMP, &tsnow, &len))
		return -errno;
	/* Our TSval at ts_t0_ns, such that at `now` it is the socket's own. */
	fu->ts_base = tsnow - (uint32_t)((now - r->ts_t0_ns) >> 20);
	return 0;
}

static void describe_peer(const struct tcp_run *r, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(r->family, &r->dst, a, sizeof(a));
	snprintf(buf, len, r->family == AF_INET6 ? "[%s]:%llu" : "%s:%llu", a,
		 (unsigned long long)r->o.dport);
}

int tcp_flows_connect(struct tcp_run *r)
{
	struct tcp_info ti, first = { 0 };
	char peer[INET6_ADDRSTRLEN + 16];
	struct tcp_flow st;
	unsigned int i;
	int ret;

	describe_peer(r, peer, sizeof(peer));
	ret = source_addr(r);
	if (ret)
		return ret;
	r->ts_t0_ns = tg_now_ns();
	for (i = 0; i < r->nflows; i++) {
		ret = flow_register(r, i);
		if (ret) {
			tg_error("could not set up flow %u's socket on %s: %s\n", i, r->o.ifname,
				 strerror(-ret));
			return ret;
		}
		ret = flow_connect(r, i);
		if (ret) {
			tg_error("could not connect flow %u to %s: %s%s\n", i, peer, strerror(-ret),
				 ret == -ECONNREFUSED ? " (is something listening there?)" : "");
			return ret;
		}
		ret = flow_learn(r, i, &ti);
		if (ret) {
			tg_error("could not read flow %u's TCP state: %s\n", i, strerror(-ret));
			return ret;
		}
		ret = tcp_flow_read(r, i, &st);
		if (ret || !(st.flags & TCP_FLOW_F_SYNACK)) {
			tg_error("the SYN-ACK from %s did not come in through %s: is the host reached "
				 "through another interface? The generator must own the interface "
				 "the peer's segments arrive on\n", peer, r->o.ifname);
			return -EHOSTUNREACH;
		}
		if (!i) {
			first = ti;
			if (!r->mac_source) {
				if (!tg_neigh_lookup(r->iface.ifindex, r->family, &r->dst, r->dst_mac,
						     NULL)) {
					r->mac_source = "the neighbour table";
				} else {
					/* Behind a router: the next hop that delivered the SYN-ACK. */
					memcpy(r->dst_mac, st.peer_mac, 6);
					r->mac_source = "the SYN-ACK's source";
				}
			}
		} else if ((ti.tcpi_options ^ first.tcpi_options) &
			   (TCPI_OPT_TIMESTAMPS | TCPI_OPT_WSCALE)) {
			tg_error("flows 0 and %u to %s negotiated different TCP options\n", i, peer);
			return -EPROTO;
		}
		if (!i || ti.tcpi_snd_mss < r->mss)
			r->mss = ti.tcpi_snd_mss;
	}
	r->ts = first.tcpi_options & TCPI_OPT_TIMESTAMPS;
	/* Our window field: what the socket would advertise, in its scale. */
	{
		uint32_t w = first.tcpi_rcv_space >>
			     ((first.tcpi_options & TCPI_OPT_WSCALE) ? first.tcpi_rcv_wscale : 0);

		r->window = w > 65535 ? 65535 : w ? w : 1;
	}
	return 0;
}

int tcp_gen_open(struct tcp_run *r)
{
	struct tg_err err = { "" };
	struct tg_tcp_spec spec = {
		.family = r->family, .src = r->src, .dst = r->dst,
		.dport = (uint16_t)r->o.dport, .ttl = (uint8_t)r->o.ttl,
		.flags = TG_TCP_ACK, .window = r->window, .ts = r->ts,
		.payload_len = r->mss,
	};
	uint16_t sports[TCP_GEN_MAX_FLOWS];
	uint32_t ts_base[TCP_GEN_MAX_FLOWS];
	struct tcp_gen_cfg *c = &r->cfg;
	unsigned int i;
	int ret;

	memcpy(spec.dst_mac, r->dst_mac, 6);
	memcpy(spec.src_mac, r->iface.mac, 6);
	for (i = 0; i < r->nflows && i < TCP_GEN_MAX_FLOWS; i++) {
		sports[i] = ntohs(r->flow[i].key.lport);
		ts_base[i] = r->flow[i].ts_base;
	}
	ret = tg_tcp_cfg_build(&spec, sports, ts_base, r->nflows, r->iface.ifindex, c, r->frame,
			       &err);
	if (ret) {
		tg_error("%s\n", err.msg);
		return ret;
	}
	c->ts_t0_ns = r->ts_t0_ns;
	/* A congestion window paces its flow; --cc none sends unpaced (bpf/tcp_cc.h). */
	c->pace = r->o.cc != TCP_CC_NONE;
	ret = tg_tcp_load_gen(&r->progs, c, &err);
	if (ret) {
		tg_error("%s\n", err.msg);
		return ret;
	}
	r->pcpu = tg_percpu_alloc_all(sizeof(*r->pcpu), &r->ncpus);
	if (!r->pcpu)
		return r->ncpus;
	ret = tg_tcp_gen_assign(r->progs.gen, r->cpus, r->nthreads, r->nflows, r->pcpu, r->ncpus,
				&err);
	if (ret)
		tg_error("%s\n", err.msg);
	return ret;
}

int tcp_flows_own(struct tcp_run *r)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	struct tcp_flow st;
	unsigned int i;
	int ret;

	for (i = 0; i < r->nflows; i++) {
		if (getsockopt(r->flow[i].fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
			return -errno;
		ret = tcp_flow_read(r, i, &st);
		if (ret)
			return ret;
		/* The peer's scale applies only if both sides offered one (RFC 7323 2.2). */
		st.wscale = (ti.tcpi_options & TCPI_OPT_WSCALE) ? ti.tcpi_snd_wscale : 0;
		st.phase = TCP_FLOW_OWNED;
		tcp_cc_init(&st.cc, (__u8)r->o.cc, (__u16)r->mss);
		ret = flow_write(r, i, &st);
		if (ret)
			return ret;
		r->flow[i].owned = true;
	}
	return 0;
}
