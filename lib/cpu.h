/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CPU_H
#define TG_CPU_H

#include <pthread.h>

/*
 * Pins thread tid to CPU cpu alone: a test run executes on the caller's CPU,
 * so a thread's per-CPU state stays its own only if it cannot migrate.
 * Returns 0 or a negative errno.
 */
int tg_cpu_pin(pthread_t tid, int cpu);

/* The CPUs this process may run on, in order; returns how many (<= max) or -errno. */
int tg_cpus_allowed(int *cpus, int max);

#endif
