/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_LOAD_H
#define TG_TCP_LOAD_H

#include "errbuf.h"
#include "tcp_gen.h"

/*
 * The TCP programs of a run, loaded the one way `trafficgen tcp` and the
 * BPF tests load them. bpf/tcp_ack.bpf.c first: it follows each flow from
 * its handshake on, before the segment size (and so the generator's
 * config) is known. Then bpf/tcp_gen.bpf.c (tcp_gen and tcp_ctl), its
 * config in rodata and the ACK program's flows, flow_ctl and flow_keys
 * maps as its own, so that both programs see one state per flow.
 */
struct tcp_ack_bpf;
struct tcp_gen_bpf;

struct tg_tcp_progs {
	struct tcp_ack_bpf *ack;
	struct tcp_gen_bpf *gen;
};

/* Each returns 0, or a negative errno with err set. */
int tg_tcp_load_ack(struct tg_tcp_progs *p, struct tg_err *err);
int tg_tcp_load_gen(struct tg_tcp_progs *p, const struct tcp_gen_cfg *cfg, struct tg_err *err);

/*
 * The generator's per-CPU state: thread t of nthreads, on CPU cpus[t],
 * sends flows t, t + nthreads, t + 2 * nthreads, ...; every other CPU none.
 * pcpu is the caller's buffer of ncpus entries (tg_percpu_ncpus()).
 */
int tg_tcp_gen_assign(struct tcp_gen_bpf *gen, const int *cpus, unsigned int nthreads,
		      unsigned int nflows, struct tcp_gen_pcpu *pcpu, int ncpus,
		      struct tg_err *err);

/* Destroys what was loaded; any state after a zeroed struct. */
void tg_tcp_unload(struct tg_tcp_progs *p);

#endif
