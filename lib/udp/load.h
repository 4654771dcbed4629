/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_UDP_LOAD_H
#define TG_UDP_LOAD_H

/*
 * What loading bpf/udp_gen for a run takes besides its config: picking the
 * one of its programs that runs, and the header ring's map.
 */

#include <stdbool.h>
#include <bpf/libbpf.h>
#include "errbuf.h"
#include "udp/cfg.h"
#include "udp_gen.skel.h"

/* The programs of bpf/udp_gen.bpf.c; one of them runs a given run. */
enum tg_udp_prog {
	TG_UDP_PROG_GEN,	/* fields computed per frame */
	TG_UDP_PROG_COPY,	/* each frame a copy: the template, or a ring entry */
	TG_UDP_PROG_TMPL,	/* templates from a capture */
};

/* The program that runs cfg: udp_copy where it can, else udp_gen. */
enum tg_udp_prog tg_udp_prog_for(const struct udp_gen_cfg *cfg, bool tmpls);

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

#endif
