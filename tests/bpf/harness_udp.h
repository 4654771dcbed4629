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
 * Builds p's config into *cfg and its template into tmpl, then loads
 * udp_gen with it through tg_udp_load(), as `trafficgen udp` does: only the
 * program that runs cfg is loaded. Fails the test, naming desc, when any of
 * it does not work.
 */
static inline struct tg_udp_gen th_udp_gen_load(const char *desc,
						const struct tg_udp_params *p,
						struct udp_gen_cfg *cfg, uint8_t *tmpl)
{
	struct tg_err err = { "" };
	struct tg_udp_gen g;

	if (tg_udp_cfg_build(p, cfg, tmpl, NULL, &err))
		fail_msg("%s: %s", desc, err.msg);
	if (tg_udp_load(&g, &(struct tg_udp_load){ .cfg = cfg, .params = p }, &err))
		fail_msg("%s: %s", desc, err.msg);
	return g;
}

/*
 * What the generator tests start from: fixed MACs, TTL 64, ifindex 1, and
 * the four ranges as a user would type them. Fails the test, naming desc,
 * on a range that does not parse.
 */
static inline struct tg_udp_params th_udp_params(const char *desc, int family, uint32_t frame_len,
						 unsigned int nthreads, const char *src,
						 const char *dst, const char *sport,
						 const char *dport)
{
	struct tg_udp_params p = {
		.spec = {
			.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
			.src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
			.family = family,
			.ttl = 64,
			.frame_len = frame_len,
		},
		.ifindex = 1,
		.nthreads = nthreads,
	};
	struct tg_err err = { "" };

	if (tg_parse_addr_range(src, &p.src, &err) ||
	    tg_parse_addr_range(dst, &p.dst, &err) ||
	    tg_parse_port_range(sport, &p.sport, &err) ||
	    tg_parse_port_range(dport, &p.dport, &err))
		fail_msg("%s: %s", desc, err.msg);
	return p;
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
