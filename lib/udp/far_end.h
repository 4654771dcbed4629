/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_FAR_END_H
#define TG_FAR_END_H

#include <stdbool.h>
#include "errbuf.h"
#include "sink/maps.h"
#include "sink/report.h"
#include "vethenv.h"

struct sink_bpf;
struct bpf_link;

/*
 * The far end of a self-contained run (`udp --veth`): a veth pair between
 * two throwaway namespaces (lib/vethenv.h) with the sink program dropping
 * and counting everything on the receiver's end. The sink's program is
 * also what makes the generator's end a valid redirect target.
 */
struct tg_far_end {
	struct tg_vethenv env;
	struct sink_bpf *skel;
	struct bpf_link *link;
	struct tg_sink_maps maps;
	bool maps_open;
};

/*
 * Builds it all and leaves the calling thread in the generator's
 * namespace, where env.gen_if is the interface to send on.
 */
int tg_far_end_open(struct tg_far_end *f, unsigned int queues, struct tg_err *err);

/*
 * What arrived, once the receiving side has finished with what was sent
 * (waits until the count stops moving, at most a second).
 */
int tg_far_end_read(struct tg_far_end *f, struct tg_sink_totals *t);

/* Detaches, and removes the namespaces and the pair. */
void tg_far_end_close(struct tg_far_end *f);

#endif
