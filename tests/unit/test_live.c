// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for lib/live.c's deadline: a duration counts from the moment
 * every thread is running and has sized its first call, not from the
 * threads' creation. The callbacks never ask for frames, so no program runs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdatomic.h>
#include "clock.h"
#include "cpu.h"
#include "live.h"

#define MS 1000000ULL
#define SLOW_START_NS (200 * MS)
#define DURATION_NS (50 * MS)

struct slow {
	atomic_uint asked;		/* next() calls, all threads */
	atomic_bool started[2];		/* past its first call */
	unsigned int slow_thread;	/* the one that starts late; ~0u: all */
};

/*
 * A thread that starts late (a pinned thread waiting for a busy CPU, as
 * a loaded machine made trafficgen tcp's): its first call returns only
 * after SLOW_START_NS, four times the run's duration. Then nothing to
 * send, as a sender whose windows are full.
 */
static int64_t slow_next(void *arg, unsigned int t)
{
	struct slow *s = arg;

	atomic_fetch_add(&s->asked, 1);
	if (!atomic_load(&s->started[t]) && (s->slow_thread == ~0u || t == s->slow_thread))
		tg_sleep_ns(SLOW_START_NS);
	atomic_store(&s->started[t], true);
	return 0;
}

static void run_slow(unsigned int nthreads, unsigned int slow_thread)
{
	int cpus[TG_LIVE_MAX_THREADS], n = tg_cpus_allowed(cpus, TG_LIVE_MAX_THREADS);
	struct slow s = { .slow_thread = slow_thread };
	struct tg_live_cfg cfg = {
		.prog_fd = -1,
		.nthreads = nthreads,
		.cpus = cpus,
		.duration_ns = DURATION_NS,
		.next = slow_next,
		.arg = &s,
		.wait_min_ns = MS,
		.wait_max_ns = MS,
	};
	struct tg_live_result res;
	struct tg_err err = { "" };
	unsigned int asked_late;
	uint64_t t0;
	int i;

	if (n < (int)nthreads)
		skip();
	for (i = 1; i < (int)nthreads; i++)
		cpus[i] = cpus[i % n];
	t0 = tg_now_ns();
	assert_int_equal(tg_live_run(&cfg, &res, &err), 0);
	assert_int_equal(res.stop, TG_LIVE_DEADLINE);
	asked_late = atomic_load(&s.asked);
	/* The duration ran after the slow start: it was asked again then. */
	if (tg_now_ns() - t0 < SLOW_START_NS + DURATION_NS)
		fail_msg("the run ended after %.0f ms: its deadline counted from before "
			 "the threads ran", (tg_now_ns() - t0) / 1e6);
	if (asked_late <= nthreads)
		fail_msg("asked %u times: the deadline passed during the slow first call",
			 asked_late);
}

/* One thread whose first call is slow. */
static void test_deadline_after_slow_start(void **state)
{
	(void)state;
	run_slow(1, ~0u);
}

/* Two threads, the second late: the deadline waits for it too. */
static void test_deadline_waits_for_every_thread(void **state)
{
	(void)state;
	run_slow(2, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_after_slow_start),
		cmocka_unit_test(test_deadline_waits_for_every_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
