/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_FAR_END_H
#define TG_TCP_FAR_END_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"
#include "tcp/receiver.h"
#include "vethenv.h"

struct xdp_pass_bpf;
struct bpf_link;

/* The receiver's addresses on its end of the pair (lib/vethenv.h), one a family. */
#define TG_TCP_FAR_END_HOST4 "198.18.0.1"
#define TG_TCP_FAR_END_HOST6 "2001:2::1"

/*
 * The far end of a self-contained run (`tcp --veth`): a veth pair between
 * two throwaway namespaces (lib/vethenv.h: anonymous, held by this
 * process's fds, gone when it exits however it exits). At the receiver's
 * end a thread (lib/tcp/receiver.h) accepts the flows and reads each to end
 * of stream, so that what the receiving application read can be put next
 * to what was acknowledged.
 *
 * The receiver's end gets an XDP pass program rather than GRO: a veth
 * takes redirected frames only while its peer has one or the other, and
 * GRO would rewrite the generator's live-frame pages in place (they go
 * back to the generator's page pool and out again as they were left) and
 * merge segments into what the receiving stack sees, while the pass
 * program hands each segment to it as sent.
 */
struct tg_tcp_far_end {
	struct tg_vethenv env;
	bool env_made;
	struct xdp_pass_bpf *pass;
	struct bpf_link *link;
	struct tg_receiver rx;
};

/*
 * Builds it all, the receiver listening on addr (a struct sockaddr_in or
 * _in6 of family's far-end address), and leaves the calling thread in the
 * generator's namespace, where env.gen_if is the interface to send on.
 * On failure too, tg_tcp_far_end_close() undoes what was made.
 */
int tg_tcp_far_end_open(struct tg_tcp_far_end *f, unsigned int queues, int family,
			const void *addr, unsigned int addr_len, struct tg_err *err);

/* How long tg_tcp_far_end_finish() waits at most. */
#define TG_TCP_FAR_END_WAIT_NS 1000000000ULL

/*
 * After the flows' close: waits (within a bound) for the receiver to see
 * `flows` connections end, then stops it; f->rx holds what it read. False
 * if the bound passed first.
 */
bool tg_tcp_far_end_finish(struct tg_tcp_far_end *f, unsigned int flows);

/* The receiver's thread, then the namespaces, which take the pair with them. */
void tg_tcp_far_end_close(struct tg_tcp_far_end *f);

#endif
