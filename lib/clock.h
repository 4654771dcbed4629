/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CLOCK_H
#define TG_CLOCK_H

#include <stdint.h>
#include <time.h>

#define TG_NS_PER_SEC 1000000000ULL

/*
 * CLOCK_MONOTONIC in ns: the clock bpf_ktime_get_ns() reads too, so a time
 * taken here can be compared with one a BPF program took.
 */
static inline uint64_t tg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * TG_NS_PER_SEC + ts.tv_nsec;
}

/* Sleeps about ns; a signal may end it early, which the callers' loops allow. */
static inline void tg_sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / TG_NS_PER_SEC, .tv_nsec = ns % TG_NS_PER_SEC };

	nanosleep(&ts, NULL);
}

static inline uint64_t tg_min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

#endif
