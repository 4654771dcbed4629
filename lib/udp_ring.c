// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "udp_ring.h"

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
	uint32_t entry = tg_udp_cfg_ring_entry(cfg), j;
	uint8_t *buf;
	int ret;

	if (!cfg->ring_len)
		return 0;
	buf = malloc((size_t)cfg->ring_len * entry);
	if (!buf)
		return tg_fail(err, ENOMEM, "no memory for %u ring headers", cfg->ring_len);
	ret = tg_udp_cfg_ring(p, cfg, buf, err);
	for (j = 0; j < cfg->ring_len && !ret; j++) {
		ret = bpf_map__update_elem(ring, &j, sizeof(j), buf + (size_t)j * entry, entry, 0);
		if (ret)
			tg_fail(err, -ret, "could not write header %u of the ring: %s", j,
				strerror(-ret));
	}
	free(buf);
	return ret;
}
