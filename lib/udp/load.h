/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_UDP_LOAD_H
#define TG_UDP_LOAD_H

/*
 * Loading bpf/udp_gen for a run: the one sequence `trafficgen udp`, the
 * BPF tests and the bench all call, so that what the tests and the bench
 * measure is what the CLI runs.
 */

#include <stdbool.h>
#include <bpf/libbpf.h>
#include "errbuf.h"
#include "udp/cfg.h"
#include "udp_gen.skel.h"

/*
 * The programs of bpf/udp_gen.bpf.c; one of them runs a given run. The
 * capture program keeps its name udp_tmpl in the BPF object: it is named
 * by the skeleton (skel->progs.udp_tmpl), by the verifier's log and by
 * bpftool's listing of a running generator, and the object is not ours to
 * change here.
 */
enum tg_udp_prog {
	TG_UDP_PROG_GEN,	/* fields computed per frame */
	TG_UDP_PROG_COPY,	/* each frame a copy: the template, or a ring entry */
	TG_UDP_PROG_CAPTURE,	/* frames of a capture (udp_tmpl) */
	TG_UDP_PROG_PLAIN,	/* a copy, with no pacing, stamp or second interface */
	TG_UDP_PROG_N,
};

/* The program that runs cfg: udp_plain or udp_copy where they can, else udp_gen. */
enum tg_udp_prog tg_udp_prog_for(const struct udp_gen_cfg *cfg, bool captures);

struct bpf_program *tg_udp_prog(struct udp_gen_bpf *skel, enum tg_udp_prog which);

/* Leaves only `which` of the programs to be loaded with the skeleton. */
void tg_udp_prog_only(struct udp_gen_bpf *skel, enum tg_udp_prog which);

/*
 * The UDP generator's header ring (bpf/udp_gen.h) into its map: sized
 * before the program is loaded, filled after. Both do nothing when cfg has
 * no ring. Return 0 or a negative errno (with err set, for the fill).
 */
int tg_udp_ring_size(struct bpf_map *ring, const struct udp_gen_cfg *cfg);
int tg_udp_ring_fill(struct bpf_map *ring, const struct tg_udp_params *p,
		     const struct udp_gen_cfg *cfg, struct tg_err *err);

/* What a run of bpf/udp_gen is loaded with. */
struct tg_udp_load {
	const struct udp_gen_cfg *cfg;
	/* What cfg was built from: the header ring's source (unused without a ring). */
	const struct tg_udp_params *params;
	/* Frames of a capture (udp/capture.h), or NULL: the template of cfg. */
	const struct udp_gen_tmpl *captures;
	unsigned int ncaptures;
};

/* bpf/udp_gen, loaded: the skeleton and the one of its programs that runs. */
struct tg_udp_gen {
	struct udp_gen_bpf *skel;
	enum tg_udp_prog which;
	int prog_fd;
	bool refused;		/* the kernel would not load it: its verifier's log says why */
};

/*
 * Opens bpf/udp_gen, sets cfg in its .rodata, leaves only the program that
 * runs cfg to be loaded, sizes the header ring (or the capture map), loads
 * it, and writes the capture frames and the header ring into its maps.
 * Returns 0, or a negative errno with err set and nothing left open.
 * Undone by udp_gen_bpf__destroy(g->skel).
 */
int tg_udp_load(struct tg_udp_gen *g, const struct tg_udp_load *in, struct tg_err *err);

#endif
