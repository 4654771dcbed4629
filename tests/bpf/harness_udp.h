/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TESTS_BPF_HARNESS_UDP_H
#define TG_TESTS_BPF_HARNESS_UDP_H

/*
 * What the two tests of the UDP generator (test_udp_gen, test_udp_shape)
 * share on top of harness.h: loading udp_gen as `trafficgen udp` does, from
 * lib/udp/cfg's config, and setting a thread's starting state. Kept apart
 * from harness.h so that the other tests need not include udp_gen's
 * skeleton. The same rebuild caveat applies (see harness.h).
 */

#include "harness.h"
#include "udp/cfg.h"
#include "udp_gen.skel.h"
#include "udp/load.h"

/*
 * Builds p's config into *cfg and its template into tmpl, then opens and
 * loads udp_gen with that config. Fails the test, naming desc, when any of
 * it does not work.
 */
static inline struct udp_gen_bpf *th_udp_gen_load(const char *desc,
						  const struct tg_udp_params *p,
						  struct udp_gen_cfg *cfg, uint8_t *tmpl)
{
	struct tg_err err = { "" };
	struct udp_gen_bpf *skel;
	int ret;

	if (tg_udp_cfg_build(p, cfg, tmpl, NULL, &err))
		fail_msg("%s: %s", desc, err.msg);
	skel = udp_gen_bpf__open();
	if (!skel)
		fail_msg("%s: opening the skeleton: %s", desc, strerror(errno));
	skel->rodata->cfg = *cfg;
	ret = tg_udp_ring_size(skel->maps.ring, cfg);
	if (ret)
		fail_msg("%s: sizing the header ring: %s", desc, strerror(-ret));
	ret = udp_gen_bpf__load(skel);
	if (ret)
		fail_msg("%s: loading udp_gen: %s", desc, strerror(-ret));
	if (tg_udp_ring_fill(skel->maps.ring, p, cfg, &err))
		fail_msg("%s: %s", desc, err.msg);
	return skel;
}

/* The program `trafficgen udp` runs for cfg (without templates). */
static inline int th_udp_prog_fd(struct udp_gen_bpf *skel, const struct udp_gen_cfg *cfg)
{
	return bpf_program__fd(tg_udp_prog(skel, tg_udp_prog_for(cfg, false)));
}

/* Thread `thread`'s starting state as CPU cpu's, zeros as every other CPU's. */
static inline void th_udp_gen_thread_init(struct udp_gen_bpf *skel, const struct udp_gen_cfg *cfg,
					  int cpu, unsigned int thread)
{
	struct udp_gen_pcpu pc;

	tg_udp_cfg_thread_init(cfg, thread, &pc);
	th_pcpu_write(skel->maps.pcpu, cpu, &pc, sizeof(pc));
}

#endif
