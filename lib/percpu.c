// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "percpu.h"

int tg_percpu_ncpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n ? n : -EINVAL;
}

void *tg_percpu_alloc(size_t size, int ncpus)
{
	return ncpus > 0 ? calloc((size_t)ncpus, tg_percpu_slot(size)) : NULL;
}

void *tg_percpu_alloc_all(size_t size, int *ncpus)
{
	void *v;

	*ncpus = tg_percpu_ncpus();
	if (*ncpus < 0)
		return NULL;
	v = tg_percpu_alloc(size, *ncpus);
	if (!v)
		*ncpus = -ENOMEM;
	return v;
}

int tg_percpu_read(const struct bpf_map *map, uint32_t key, void *vals, size_t size, int ncpus)
{
	return bpf_map__lookup_elem(map, &key, sizeof(key), vals,
				    tg_percpu_slot(size) * ncpus, 0);
}

int tg_percpu_write(const struct bpf_map *map, uint32_t key, const void *vals, size_t size,
		    int ncpus)
{
	return bpf_map__update_elem(map, &key, sizeof(key), vals,
				    tg_percpu_slot(size) * ncpus, 0);
}

uint64_t tg_percpu_sum_u64(const void *vals, size_t size, int ncpus, size_t offset)
{
	const uint8_t *p = (const uint8_t *)vals + offset;
	size_t slot = tg_percpu_slot(size);
	uint64_t sum = 0, v;
	int cpu;

	for (cpu = 0; cpu < ncpus; cpu++, p += slot) {
		memcpy(&v, p, sizeof(v));
		sum += v;
	}
	return sum;
}

void tg_percpu_sum_all(const void *vals, size_t size, int ncpus, void *sum)
{
	size_t off;

	for (off = 0; off + sizeof(uint64_t) <= size; off += sizeof(uint64_t)) {
		uint64_t v = tg_percpu_sum_u64(vals, size, ncpus, off);

		memcpy((uint8_t *)sum + off, &v, sizeof(v));
	}
}
