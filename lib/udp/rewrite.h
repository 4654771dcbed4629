/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_UDP_REWRITE_H
#define TG_UDP_REWRITE_H

/*
 * bpf/udp_gen's per-frame work (programs udp_copy and udp_gen) in
 * userspace, for engines that build frames themselves (udp --xsk): the
 * same config (struct udp_gen_cfg) and per-thread state (struct
 * udp_gen_pcpu) give byte-identical frames, with the same incremental
 * checksum updates. Pacing and several interfaces are the caller's.
 */
#include <stdint.h>
#include "udp_gen.h"

/*
 * Rewrites frame, which holds the template frame (cfg->frame_len bytes;
 * its headers may be those of an earlier rewrite), into the thread's next
 * frame and returns that frame's length. ring is the header ring
 * (cfg->ring_len entries of tg_udp_cfg_ring_entry(cfg) bytes, from
 * tg_udp_cfg_ring) or NULL without one. now_ns goes into a stamp; rng is
 * the thread's random state for cfg->random (any value but 0 to start).
 */
uint32_t tg_udp_rewrite(const struct udp_gen_cfg *cfg, const uint8_t *ring,
			struct udp_gen_pcpu *pc, uint64_t *rng, uint8_t *frame,
			uint64_t now_ns);

/*
 * The capture program's (udp_tmpl) frame: the thread's next template of
 * tmpls (cfg->ntmpl of them) written over frame, with the user's fields
 * (cfg->rw) rewritten as the program rewrites them; returns its length.
 * frame needs room for the longest template; what it held does not matter.
 */
uint32_t tg_udp_rewrite_tmpl(const struct udp_gen_cfg *cfg, const struct udp_gen_tmpl *tmpls,
			     struct udp_gen_pcpu *pc, uint64_t *rng, uint8_t *frame);

/* Whether every frame of cfg is the template itself: nothing to rewrite. */
static inline int tg_udp_rewrite_none(const struct udp_gen_cfg *cfg)
{
	return !cfg->varies && !cfg->ring_len && !cfg->stamp && cfg->nsizes <= 1;
}

#endif
