/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_PERCPU_H
#define TG_PERCPU_H

#include <stddef.h>
#include <stdint.h>

struct bpf_map;

/*
 * Per-CPU array maps from userspace: a value is one slot per possible CPU
 * (not per online one: the kernel sizes the copy by cpu_possible_mask),
 * each slot the value's size rounded up to 8 bytes (bpf_map_value_size).
 */

/* Possible CPUs, or a negative errno. */
int tg_percpu_ncpus(void);

static inline size_t tg_percpu_slot(size_t size)
{
	return (size + 7) & ~(size_t)7;
}

/* Zeroed room for ncpus values of size bytes; NULL when out of memory. */
void *tg_percpu_alloc(size_t size, int ncpus);

/*
 * Zeroed room for every possible CPU's value, their number in *ncpus.
 * NULL on failure, with *ncpus then the negative errno to return.
 */
void *tg_percpu_alloc_all(size_t size, int *ncpus);

/* Every CPU's value of key into vals (ncpus slots). 0 or a negative errno. */
int tg_percpu_read(const struct bpf_map *map, uint32_t key, void *vals, size_t size, int ncpus);

/* vals (ncpus slots) as every CPU's value of key. 0 or a negative errno. */
int tg_percpu_write(const struct bpf_map *map, uint32_t key, const void *vals, size_t size,
		    int ncpus);

/* The sum over CPUs of the 64-bit field at offset in each slot. */
uint64_t tg_percpu_sum_u64(const void *vals, size_t size, int ncpus, size_t offset);

/*
 * For a value made of 64-bit counters only (size a multiple of 8): the
 * sum over CPUs of each, into *sum (size bytes).
 */
void tg_percpu_sum_all(const void *vals, size_t size, int ncpus, void *sum);

/* The sum over the ncpus values at vals (an array of a struct) of its u64 field. */
#define TG_PERCPU_SUM(vals, ncpus, field)					\
	tg_percpu_sum_u64((vals), sizeof(*(vals)), (ncpus),			\
			  offsetof(__typeof__(*(vals)), field))

#endif
