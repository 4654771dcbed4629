// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/libbpf.h>
#include "tcp/far_end.h"
#include "xdp_pass.skel.h"

/* In the receiver's namespace: the pass program, the listener, the thread. */
static int open_far_end(struct tg_tcp_far_end *f, const void *addr, unsigned int addr_len,
			struct tg_err *err)
{
	int ret;

	f->pass = xdp_pass_bpf__open_and_load();
	if (!f->pass)
		return tg_fail(err, errno, "could not load the XDP pass program: %s",
			       strerror(errno));
	ret = tg_vethenv_enter_sink(&f->env, err);
	if (ret)
		return ret;
	/* The index is looked up in the attaching thread's namespace. */
	f->link = bpf_program__attach_xdp(f->pass->progs.tg_xdp_pass, f->env.sink_ifindex);
	if (!f->link)
		return tg_fail(err, errno, "could not attach the pass program to %s: %s",
			       f->env.sink_if, strerror(errno));
	ret = tg_receiver_listen(&f->rx, addr, addr_len, err);
	/* Made here, the thread stays in this namespace (a thread's is fixed at its start). */
	if (!ret)
		ret = tg_receiver_start(&f->rx, err);
	return ret;
}

int tg_tcp_far_end_open(struct tg_tcp_far_end *f, unsigned int queues, int family,
			const void *addr, unsigned int addr_len, struct tg_err *err)
{
	int ret;

	memset(f, 0, sizeof(*f));
	tg_receiver_init(&f->rx);
	f->env_made = true;
	ret = tg_vethenv_create(&f->env, queues, err);
	if (!ret && family == AF_INET6)
		ret = tg_vethenv_add_ipv6(&f->env, err);
	if (!ret)
		ret = open_far_end(f, addr, addr_len, err);
	if (!ret)
		ret = tg_vethenv_enter_gen(&f->env, err);
	return ret;
}

/*
 * A flow closed cleanly has been read to its end already (the receiver's
 * FIN, which the close waits for, follows its end of stream); the bound is
 * for a reset to reach the receiver.
 */
bool tg_tcp_far_end_finish(struct tg_tcp_far_end *f, unsigned int flows)
{
	bool all = tg_receiver_wait(&f->rx, flows, TG_TCP_FAR_END_WAIT_NS);

	tg_receiver_stop(&f->rx);
	return all;
}

void tg_tcp_far_end_close(struct tg_tcp_far_end *f)
{
	tg_receiver_close(&f->rx);
	bpf_link__destroy(f->link);
	f->link = NULL;
	xdp_pass_bpf__destroy(f->pass);
	f->pass = NULL;
	/* Back to the caller's namespace; the last references to ours go. */
	if (f->env_made)
		tg_vethenv_destroy(&f->env);
	f->env_made = false;
}
