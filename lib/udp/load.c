// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "udp/load.h"

/*
 * Whether a run's only change per frame is the stamp: udp_copy writes it
 * over the template's copy as well as udp_gen does, with less to do.
 */
static bool only_stamp(const struct udp_gen_cfg *cfg)
{
	return cfg->stamp && !cfg->random && cfg->nsizes <= 1 &&
	       cfg->sport.span <= 1 && cfg->dport.span <= 1 &&
	       cfg->saddr.span <= 1 && cfg->daddr.span <= 1;
}

enum tg_udp_prog tg_udp_prog_for(const struct udp_gen_cfg *cfg, bool captures)
{
	if (captures)
		return TG_UDP_PROG_CAPTURE;
	if (!cfg->ring_len && cfg->varies && !only_stamp(cfg))
		return TG_UDP_PROG_GEN;
	return cfg->stamp || cfg->pace || cfg->multi_if ? TG_UDP_PROG_COPY : TG_UDP_PROG_PLAIN;
}

struct bpf_program *tg_udp_prog(struct udp_gen_bpf *skel, enum tg_udp_prog which)
{
	switch (which) {
	case TG_UDP_PROG_COPY:
		return skel->progs.udp_copy;
	case TG_UDP_PROG_PLAIN:
		return skel->progs.udp_plain;
	case TG_UDP_PROG_CAPTURE:
		return skel->progs.udp_tmpl;
	default:
		return skel->progs.udp_gen;
	}
}

void tg_udp_prog_only(struct udp_gen_bpf *skel, enum tg_udp_prog which)
{
	enum tg_udp_prog i;

	for (i = TG_UDP_PROG_GEN; i < TG_UDP_PROG_N; i++)
		bpf_program__set_autoload(tg_udp_prog(skel, i), i == which);
}

int tg_udp_ring_size(struct bpf_map *ring, const struct udp_gen_cfg *cfg)
{
	int ret;

	if (!cfg->ring_len)
		return 0;
	ret = bpf_map__set_max_entries(ring, cfg->ring_len);
	return ret ? ret : bpf_map__set_value_size(ring, tg_udp_cfg_ring_entry(cfg));
}

int tg_udp_ring_fill(struct bpf_map *ring, const struct tg_udp_params *p,
		     const struct udp_gen_cfg *cfg, struct tg_err *err)
{
	uint32_t entry = tg_udp_cfg_ring_entry(cfg), n = cfg->ring_len, j, *keys;
	uint8_t *buf;
	int ret;

	if (!n)
		return 0;
	buf = malloc((size_t)n * entry);
	keys = malloc((size_t)n * sizeof(*keys));
	if (!buf || !keys) {
		ret = tg_fail(err, ENOMEM, "no memory for %u ring headers", n);
		goto out;
	}
	ret = tg_udp_cfg_ring(p, cfg, buf, err);
	if (ret)
		goto out;
	for (j = 0; j < n; j++)
		keys[j] = j;
	/* One call for the whole ring rather than a syscall per header. */
	if (bpf_map_update_batch(bpf_map__fd(ring), keys, buf, &n, NULL)) {
		int e = errno;

		ret = tg_fail(err, e, "could not write the header ring (%u of %u headers written): %s",
			      n, cfg->ring_len, strerror(e));
	}
out:
	free(keys);
	free(buf);
	return ret;
}

int tg_udp_load(struct tg_udp_gen *g, const struct tg_udp_load *in, struct tg_err *err)
{
	struct udp_gen_bpf *skel;
	unsigned int i;
	int ret;

	*g = (struct tg_udp_gen){ .prog_fd = -1 };
	skel = udp_gen_bpf__open();
	if (!skel) {
		ret = errno;
		return tg_fail(err, ret, "could not open the UDP generator program: %s",
			       strerror(ret));
	}
	skel->rodata->cfg = *in->cfg;
	/* One of the programs runs: the others are not loaded. */
	g->which = tg_udp_prog_for(in->cfg, in->captures);
	tg_udp_prog_only(skel, g->which);
	if (in->captures)
		bpf_map__set_max_entries(skel->maps.tmpls, in->ncaptures);
	ret = tg_udp_ring_size(skel->maps.ring, in->cfg);
	if (ret) {
		tg_fail(err, -ret, "could not size the header ring: %s", strerror(-ret));
		goto fail;
	}
	ret = udp_gen_bpf__load(skel);
	if (ret) {
		g->refused = true;
		tg_fail(err, -ret, "could not load the UDP generator program: %s", strerror(-ret));
		goto fail;
	}
	for (i = 0; in->captures && i < in->ncaptures; i++) {
		ret = bpf_map__update_elem(skel->maps.tmpls, &i, sizeof(i), &in->captures[i],
					   sizeof(in->captures[i]), 0);
		if (ret) {
			tg_fail(err, -ret, "could not load template frame %u: %s", i, strerror(-ret));
			goto fail;
		}
	}
	ret = tg_udp_ring_fill(skel->maps.ring, in->params, in->cfg, err);
	if (ret)
		goto fail;
	if (in->cfg->devmap && !in->cfg->multi_if) {
		__u32 key = 0, val = in->cfg->ifindex;

		ret = bpf_map__update_elem(skel->maps.tx_port, &key, sizeof(key), &val,
					   sizeof(val), 0);
		if (ret) {
			tg_fail(err, -ret, "could not put interface %u into the redirect map: %s",
				val, strerror(-ret));
			goto fail;
		}
	}
	g->skel = skel;
	g->prog_fd = bpf_program__fd(tg_udp_prog(skel, g->which));
	return 0;
fail:
	udp_gen_bpf__destroy(skel);
	return ret;
}
