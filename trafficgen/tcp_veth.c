// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp --veth: a self-contained run. A veth pair joins two
 * throwaway namespaces (lib/vethenv.h: anonymous, held by this process's
 * fds, gone when it exits however it exits). The generator's end is the
 * interface the run sends on; at the receiver's end a thread of ours
 * (lib/tcp/receiver.h) accepts the flows and reads each to end of stream, so the
 * summary can put what the receiving application read next to what was
 * acknowledged.
 *
 * The receiver's end gets an XDP pass program rather than GRO: a veth
 * takes redirected frames only while its peer has one or the other, and
 * GRO would rewrite the generator's live-frame pages in place
 * (doc/live-frames.md) and merge segments into what the receiving
 * stack sees, while the pass program hands each segment to it as sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "tcp.h"
#include "tcp/receiver.h"
#include "vethenv.h"
#include "xdp_pass.skel.h"

#define NS_PER_MS 1000000ULL
/*
 * After the close. A flow closed cleanly has been read to its end already
 * (the receiver's FIN, which the close waits for, follows its end of
 * stream); this bounds the wait for a reset to reach the receiver.
 */
#define RX_WAIT_NS (1000ULL * NS_PER_MS)

struct tcp_veth {
	struct tg_vethenv env;
	bool env_made;
	struct xdp_pass_bpf *pass;
	struct bpf_link *link;
	struct tg_receiver rx;
};

/* In the receiver's namespace: the pass program, the listener, the thread. */
static int open_far_end(struct tcp_run *r, struct tcp_veth *v, struct tg_err *err)
{
	int ret;

	v->pass = xdp_pass_bpf__open_and_load();
	if (!v->pass)
		return tg_fail(err, errno, "could not load the XDP pass program: %s",
			       strerror(errno));
	ret = tg_vethenv_enter_sink(&v->env, err);
	if (ret)
		return ret;
	/* The index is looked up in the attaching thread's namespace. */
	v->link = bpf_program__attach_xdp(v->pass->progs.tg_xdp_pass, v->env.sink_ifindex);
	if (!v->link)
		return tg_fail(err, errno, "could not attach the pass program to %s: %s",
			       v->env.sink_if, strerror(errno));
	ret = tg_receiver_listen(&v->rx, &r->peer, r->peer_len, err);
	/* Made here, the thread stays in this namespace (a thread's is fixed at its start). */
	if (!ret)
		ret = tg_receiver_start(&v->rx, err);
	return ret;
}

int tcp_veth_open(struct tcp_run *r)
{
	struct tg_err err = { "" };
	struct tcp_veth *v;
	int ret;

	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r->veth = v;
	tg_receiver_init(&v->rx);
	v->env_made = true;
	ret = tg_vethenv_create(&v->env, r->nthreads, &err);
	if (!ret && r->family == AF_INET6)
		ret = tg_vethenv_add_ipv6(&v->env, &err);
	if (!ret)
		ret = open_far_end(r, v, &err);
	if (!ret)
		ret = tg_vethenv_enter_gen(&v->env, &err);
	if (ret) {
		tg_error("--veth: %s\n", err.msg);
		return ret;
	}
	r->o.ifname = v->env.gen_if;
	return 0;
}

/* Each connection the receiver accepted against the flow it belongs to. */
static void compare_flows(struct tcp_run *r, const struct tg_receiver *rx)
{
	const struct tg_receiver_conn *c;
	struct tcp_flow st;
	unsigned int i, k;

	for (k = 0; k < rx->nconns; k++) {
		c = &rx->conn[k];
		for (i = 0; i < r->nflows; i++)
			if (r->flow[i].owned && ntohs(r->flow[i].key.lport) == c->peer_port)
				break;
		if (i == r->nflows || tcp_flow_read(r, i, &st))
			continue;
		tg_debug("flow %u: %llu bytes acknowledged, %llu read by the receiver, %s\n", i,
			 (unsigned long long)tcp_flow_acked(r, i, &st),
			 (unsigned long long)c->bytes, c->eof ? "end of stream" :
			 c->error ? strerror(c->error) : "still open");
		if (r->flow[i].how == TCP_CLOSE_CLEAN && c->bytes != tcp_flow_acked(r, i, &st))
			tg_warn("flow %u closed cleanly, but its receiver read %llu bytes where %llu "
				"were acknowledged\n", i, (unsigned long long)c->bytes,
				(unsigned long long)tcp_flow_acked(r, i, &st));
	}
}

void tcp_veth_finish(struct tcp_run *r)
{
	struct tcp_veth *v = r->veth;

	if (!tg_receiver_wait(&v->rx, r->nflows, RX_WAIT_NS))
		tg_debug("the receiver had not seen every flow end after %llu ms\n",
			 RX_WAIT_NS / NS_PER_MS);
	tg_receiver_stop(&v->rx);
	r->received_bytes = tg_receiver_bytes(&v->rx);
	r->eof_clean = tg_receiver_eofs(&v->rx);
	r->rx_known = true;
	compare_flows(r, &v->rx);
}

void tcp_veth_close(struct tcp_run *r)
{
	struct tcp_veth *v = r->veth;

	if (!v)
		return;
	tg_receiver_close(&v->rx);
	bpf_link__destroy(v->link);
	xdp_pass_bpf__destroy(v->pass);
	/* Back to the caller's namespace; the last references to ours go. */
	if (v->env_made)
		tg_vethenv_destroy(&v->env);
	free(v);
	r->veth = NULL;
}
