/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_LIVE_H
#define TG_LIVE_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include "clock.h"
#include "cpu.h"
#include "errbuf.h"

/*
 * The live-frame driver: N threads, each pinned to its own CPU, each calling
 * BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES on one template frame.
 *
 * Why it looks the way it does (doc/live-frames.md):
 * - every call has a fixed cost on top of its frames (the page pool's set-up
 *   and teardown), so calls are made as large as possible (max_repeat
 *   frames);
 * - a pending signal ends a call at once with EINTR and no count comes back,
 *   which is how -D and Ctrl-C stop a long call: the main thread sends each
 *   worker SIGUSR1 until it has left; the frames that were really sent are
 *   counted by the BPF program, not here;
 * - `count` is exact because calls that complete run exactly `repeat`
 *   frames, and the threads split the count between them.
 *
 * A sender whose calls depend on the state of the run (tcp: the peers'
 * windows) sizes each call itself through `next` instead of sharing
 * `count`, and runs its own timers through `on_tick`.
 */

#define TG_LIVE_MAX_THREADS 256
#define TG_LIVE_MAX_BATCH 256	/* the kernel refuses more with E2BIG */
#define TG_LIVE_DEFAULT_BATCH 64
#define TG_LIVE_DEFAULT_REPEAT (1u << 30)	/* opts.repeat is an int */

struct tg_live_cfg {
	int prog_fd;
	const void *frame;
	uint32_t frame_len;
	uint32_t batch_size;		/* 1..TG_LIVE_MAX_BATCH */
	uint32_t max_repeat;		/* frames per call at most; 0 = default */
	unsigned int nthreads;
	const int *cpus;		/* CPU of each thread */
	uint64_t count;			/* frames in all; 0 = until stopped */
	/*
	 * 0 = no limit. Counted from the moment every thread runs on its CPU
	 * and has sized its first call (not from the threads' creation).
	 */
	uint64_t duration_ns;
	uint64_t interval_ns;		/* 0 = no on_interval calls */
	/* Called from the main thread every interval_ns while threads run. */
	void (*on_interval)(void *arg, uint64_t elapsed_ns);
	/*
	 * Optional: frames thread `thread` has sent so far, as counted by the
	 * BPF program. Used only if a stray signal interrupts a call, whose
	 * frames would otherwise be unknown.
	 */
	uint64_t (*thread_sent)(void *arg, unsigned int thread);
	/*
	 * Optional: called from the main thread at least every 250 ms; a
	 * negative errno return ends the run with TG_LIVE_ERROR (e.g. the
	 * target interface went away).
	 */
	int (*check)(void *arg);
	void *arg;
	/*
	 * Optional, for a program that may drop frames instead of sending
	 * them (udp --rate drops the batches that come before their slot): a
	 * call then sends an unknown part of its frames. With it set,
	 * thread_sent is required and is a thread's progress; the program
	 * must itself send no more than the thread's quota (tg_live_quota);
	 * calls are whole numbers of batches, so that the program can count
	 * its way to each batch's first frame; and the main thread asks
	 * thread_sent every poll_ns (0: 2 ms) and interrupts the call of a
	 * thread that has sent its quota.
	 */
	bool prog_counts;
	uint64_t poll_ns;
	/*
	 * Optional, instead of count and prog_counts: called by thread
	 * `thread` before each of its calls, returns the frames of the call
	 * (1..UINT32_MAX), 0 when there is nothing to send yet, or a negative
	 * number when the thread is done. After a 0 the thread sleeps
	 * wait_min_ns, twice as long after each further 0, up to wait_max_ns,
	 * and asks again; a signal cuts the sleep short. A stray signal's EINTR
	 * is not an error with it: the callback keeps its own count.
	 */
	int64_t (*next)(void *arg, unsigned int thread);
	uint64_t wait_min_ns;
	uint64_t wait_max_ns;
	/* Optional: called by thread `thread` after each of its calls. */
	void (*after_call)(void *arg, unsigned int thread);
	/*
	 * Optional: called from the main thread when the threads start and
	 * then every tick_ns (timers of the run's own, e.g. tcp's
	 * retransmission timeouts); now_ns is tg_now_ns().
	 */
	void (*on_tick)(void *arg, uint64_t now_ns);
	uint64_t tick_ns;
};

enum tg_live_stop {
	TG_LIVE_DONE,			/* every thread ran its share of count */
	TG_LIVE_DEADLINE,			/* duration_ns passed */
	TG_LIVE_SIGNAL,			/* SIGINT, SIGTERM or SIGHUP */
	TG_LIVE_ERROR,			/* a thread's call failed */
};

struct tg_live_result {
	enum tg_live_stop stop;
	int signo;			/* with TG_LIVE_SIGNAL */
	uint64_t elapsed_ns;		/* from the first call to the last return */
	uint64_t calls_completed;	/* frames of completed calls, all threads */
	int error;			/* with TG_LIVE_ERROR: -errno of the call */
	unsigned int error_thread;
	bool check_failed;		/* the error came from cfg->check */
	/*
	 * Threads still inside a call when the driver gave up stopping them:
	 * they were detached, and what their callbacks use (arg) must outlive
	 * them.
	 */
	unsigned int threads_left;
};

/*
 * Runs until the count is sent, the duration passes, a signal arrives or a
 * call fails. Blocks SIGINT, SIGTERM and SIGHUP for its duration and
 * restores the signal mask and handlers after. Returns 0 when the run
 * happened (whatever ended it: see res->stop) or -errno when it could not
 * start (threads, affinity), with err set.
 */
int tg_live_run(const struct tg_live_cfg *cfg, struct tg_live_result *res,
	      struct tg_err *err);

/*
 * Blocks, in the calling thread, the signals the driver takes: SIGINT,
 * SIGTERM and SIGHUP (they stop a run) and SIGUSR1 and SIGUSR2 (between its
 * threads). tg_live_run does so for its own duration; this is for a caller
 * whose stop requests must wait for it longer, e.g. from before threads of
 * its own start (they inherit the mask) to the end of a clean shutdown.
 * old, if not NULL, receives the previous mask.
 */
void tg_live_block_signals(sigset_t *old);

/* Thread `thread`'s share of cfg->count (0 when count is 0: no limit). */
uint64_t tg_live_quota(const struct tg_live_cfg *cfg, unsigned int thread);

#endif
