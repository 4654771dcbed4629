// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "percpu.h"
#include "tcp/load.h"
#include "tcp_ack.skel.h"
#include "tcp_gen.skel.h"

int tg_tcp_load_ack(struct tg_tcp_progs *p, struct tg_err *err)
{
	int e;

	p->ack = tcp_ack_bpf__open_and_load();
	if (p->ack)
		return 0;
	e = errno;
	return tg_fail(err, e, "could not load the TCP ACK program: %s (run with -v for the "
		       "verifier's log; are you root?)", strerror(e));
}

int tg_tcp_load_gen(struct tg_tcp_progs *p, const struct tcp_gen_cfg *cfg, struct tg_err *err)
{
	struct tcp_ack_bpf *a;
	struct tcp_gen_bpf *g;
	int ret;

	p->gen = tcp_gen_bpf__open();
	if (!p->gen) {
		ret = errno;
		return tg_fail(err, ret, "could not open the TCP generator program: %s",
			       strerror(ret));
	}
	g = p->gen;
	a = p->ack;
	g->rodata->cfg = *cfg;
	ret = bpf_map__reuse_fd(g->maps.flows, bpf_map__fd(a->maps.flows));
	if (!ret)
		ret = bpf_map__reuse_fd(g->maps.flow_ctl, bpf_map__fd(a->maps.flow_ctl));
	if (!ret)
		ret = bpf_map__reuse_fd(g->maps.flow_keys, bpf_map__fd(a->maps.flow_keys));
	if (!ret)
		ret = tcp_gen_bpf__load(g);
	if (ret)
		return tg_fail(err, -ret, "could not load the TCP generator program: %s (run with "
			       "-v for the verifier's log)", strerror(-ret));
	return 0;
}

int tg_tcp_gen_assign(struct tcp_gen_bpf *gen, const int *cpus, unsigned int nthreads,
		      unsigned int nflows, struct tcp_gen_pcpu *pcpu, int ncpus,
		      struct tg_err *err)
{
	struct tcp_gen_pcpu *v;
	unsigned int t;
	int ret;

	memset(pcpu, 0, sizeof(*pcpu) * ncpus);
	for (t = 0; t < nthreads; t++) {
		v = &pcpu[cpus[t]];
		v->first = t;
		v->stride = nthreads;
		v->nflows = (nflows - t + nthreads - 1) / nthreads;
	}
	ret = tg_percpu_write(gen->maps.pcpu, 0, pcpu, sizeof(*pcpu), ncpus);
	if (ret)
		return tg_fail(err, -ret, "could not initialise the generator's per-CPU state: %s",
			       strerror(-ret));
	return 0;
}

void tg_tcp_unload(struct tg_tcp_progs *p)
{
	tcp_gen_bpf__destroy(p->gen);
	p->gen = NULL;
	tcp_ack_bpf__destroy(p->ack);
	p->ack = NULL;
}
