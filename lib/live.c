// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "live.h"

/* How long stopping may take before the driver gives up on a thread. */
#define STOP_TIMEOUT_NS (5ULL * 1000000000ULL)
#define STOP_RESEND_NS (5ULL * 1000000ULL)
#define CHECK_EVERY_NS (250ULL * 1000000ULL)
#define POLL_DEFAULT_NS (2ULL * 1000000ULL)

struct worker {
	const struct tg_live_cfg *cfg;
	unsigned int idx;
	pthread_t tid;
	pthread_t main;
	bool started;
	uint64_t quota;			/* 0: until stopped */
	uint64_t done;			/* frames of completed calls */
	int error;
	atomic_bool *stop;
	atomic_bool ready;		/* on its CPU, its first call sized */
	atomic_bool exited;
};

/*
 * What the threads share. Kept (leaked) when a thread is left in the kernel,
 * with a copy of the cfg, since the caller's may be gone when it leaves.
 */
struct run {
	struct tg_live_cfg cfg;
	atomic_bool stop;
	struct worker w[];
};

static void on_sigusr1(int sig)
{
	/* Only here so that the signal interrupts the test run with EINTR. */
	(void)sig;
}

uint64_t tg_live_quota(const struct tg_live_cfg *cfg, unsigned int thread)
{
	if (!cfg->count || !cfg->nthreads)
		return 0;
	return cfg->count / cfg->nthreads + (thread < cfg->count % cfg->nthreads);
}

/* What stops a run: a Ctrl-C, a kill, a closed terminal. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

/* Those, and the two the driver's threads signal each other with. */
static void driver_signals(sigset_t *set)
{
	stop_signals(set);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGUSR2);
}

void tg_live_block_signals(sigset_t *old)
{
	sigset_t block;

	driver_signals(&block);
	pthread_sigmask(SIG_BLOCK, &block, old);
}

/* Frames per call: with prog_counts, whole batches (see live.h). */
static uint32_t call_repeat(const struct tg_live_cfg *cfg)
{
	uint32_t max = cfg->max_repeat ? cfg->max_repeat : TG_LIVE_DEFAULT_REPEAT;
	uint32_t batch = cfg->batch_size ? cfg->batch_size : TG_LIVE_DEFAULT_BATCH;

	if (!cfg->prog_counts)
		return max;
	return max < batch ? batch : max - max % batch;
}

/* The next call's frames when the thread shares cfg->count; -1: done. */
static int64_t quota_repeat(const struct worker *w, uint32_t max_repeat)
{
	uint64_t n = max_repeat;

	if (w->quota) {
		if (w->done >= w->quota)
			return -1;
		/* A program that drops frames needs more than the rest. */
		if (w->quota - w->done < n && !w->cfg->prog_counts)
			n = w->quota - w->done;
	}
	return n;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct tg_live_cfg *cfg = w->cfg;
	uint32_t max_repeat = call_repeat(cfg);
	uint64_t wait = cfg->wait_min_ns;
	sigset_t usr1;
	int ret;
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = cfg->frame,
		.data_size_in = cfg->frame_len,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = cfg->batch_size,
	);

	ret = tg_cpu_pin(pthread_self(), cfg->cpus[w->idx]);
	if (ret) {
		w->error = ret;
		goto out;
	}
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);

	while (!atomic_load(w->stop)) {
		int64_t n = cfg->next ? cfg->next(cfg->arg, w->idx) :
			    quota_repeat(w, max_repeat);

		if (!atomic_load(&w->ready)) {
			/* The deadline starts counting now (supervise). */
			atomic_store(&w->ready, true);
			pthread_kill(w->main, SIGUSR2);
		}
		if (n < 0)
			break;
		if (!n) {
			tg_sleep_ns(wait);
			wait = wait * 2 > cfg->wait_max_ns ? cfg->wait_max_ns : wait * 2;
			continue;
		}
		wait = cfg->wait_min_ns;
		if (n > UINT32_MAX)
			n = UINT32_MAX;
		opts.repeat = n;
		ret = bpf_prog_test_run_opts(cfg->prog_fd, &opts);
		if (cfg->after_call)
			cfg->after_call(cfg->arg, w->idx);
		if (ret < 0) {
			if (ret == -EINTR && atomic_load(w->stop))
				break;
			/* With next, the callback counts for itself: ask it again. */
			if (ret == -EINTR && cfg->next)
				continue;
			/*
			 * An interrupted call returns no count, so a stray signal
			 * would make -n inexact: ask the program what it sent.
			 */
			if (ret == -EINTR && cfg->thread_sent) {
				w->done = cfg->thread_sent(cfg->arg, w->idx);
				continue;
			}
			w->error = ret;
			break;
		}
		w->done = cfg->prog_counts ? cfg->thread_sent(cfg->arg, w->idx) : w->done + n;
	}
out:
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	atomic_store(&w->exited, true);
	pthread_kill(w->main, SIGUSR2);
	return NULL;
}

/* Every started thread is running, or has left already. */
static bool all_ready(struct worker *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (w[i].started && !atomic_load(&w[i].ready) && !atomic_load(&w[i].exited))
			return false;
	return true;
}

static unsigned int count_exited(struct worker *w, unsigned int n)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		k += !w[i].started || atomic_load(&w[i].exited);
	return k;
}

static int first_error(struct worker *w, unsigned int n, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (w[i].error) {
			*idx = i;
			return w[i].error;
		}
	}
	return 0;
}

static int wait_signal(const sigset_t *set, uint64_t timeout_ns)
{
	struct timespec ts = {
		.tv_sec = timeout_ns / 1000000000ULL,
		.tv_nsec = timeout_ns % 1000000000ULL,
	};
	int sig;

	do {
		sig = sigtimedwait(set, NULL, &ts);
	} while (sig < 0 && errno == EINTR);
	return sig;
}

/* Sets the stop flag and signals every worker until all have left. */
static void stop_workers(struct worker *w, unsigned int n, atomic_bool *stop,
			 const sigset_t *usr2)
{
	uint64_t give_up = tg_now_ns() + STOP_TIMEOUT_NS;
	unsigned int i;

	atomic_store(stop, true);
	while (count_exited(w, n) < n && tg_now_ns() < give_up) {
		/*
		 * Resent because a worker may be between its check of the flag
		 * and its next call, where one signal would be lost.
		 */
		for (i = 0; i < n; i++)
			if (w[i].started && !atomic_load(&w[i].exited))
				pthread_kill(w[i].tid, SIGUSR1);
		wait_signal(usr2, STOP_RESEND_NS);
	}
}

static void drain(const sigset_t *set)
{
	struct timespec zero = { 0 };

	while (sigtimedwait(set, NULL, &zero) > 0)
		;
}

/*
 * With prog_counts: interrupts the call of each thread that has sent its
 * quota (the program drops the frames beyond it until then). Sent again at
 * every poll until the thread leaves, like stop_workers.
 */
static void poll_quotas(const struct tg_live_cfg *cfg, struct worker *w,
			unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (w[i].started && w[i].quota && !atomic_load(&w[i].exited) &&
		    cfg->thread_sent(cfg->arg, i) >= w[i].quota)
			pthread_kill(w[i].tid, SIGUSR1);
}

/*
 * The main thread's loop: ticks, deadline, signals, workers leaving. The
 * duration counts from the moment every thread is running on its CPU and
 * has sized its first call: on a loaded machine a new thread pinned to a
 * busy CPU was seen to wait longer than a short -D for its first turn,
 * and the run then ended before it had sent anything.
 */
static void supervise(const struct tg_live_cfg *cfg, struct worker *w,
		      uint64_t start, struct tg_live_result *res)
{
	uint64_t deadline = UINT64_MAX;
	bool counting = !cfg->duration_ns;
	uint64_t tick = cfg->interval_ns ? start + cfg->interval_ns : UINT64_MAX;
	bool polling = cfg->prog_counts && cfg->count;
	uint64_t poll_ns = cfg->poll_ns ? cfg->poll_ns : POLL_DEFAULT_NS;
	uint64_t poll = polling ? start + poll_ns : UINT64_MAX;
	uint64_t timer = cfg->on_tick ? start : UINT64_MAX;
	unsigned int n = cfg->nthreads;
	sigset_t wait_set;

	stop_signals(&wait_set);
	sigaddset(&wait_set, SIGUSR2);

	for (;;) {
		uint64_t now = tg_now_ns(), until;
		int sig;

		if (first_error(w, n, &res->error_thread)) {
			res->stop = TG_LIVE_ERROR;
			return;
		}
		if (cfg->check) {
			int ret = cfg->check(cfg->arg);

			if (ret < 0) {
				res->stop = TG_LIVE_ERROR;
				res->error = ret;
				res->check_failed = true;
				return;
			}
		}
		if (count_exited(w, n) == n) {
			res->stop = TG_LIVE_DONE;
			return;
		}
		if (!counting && all_ready(w, n)) {
			counting = true;
			deadline = now + cfg->duration_ns;
		}
		if (now >= deadline) {
			res->stop = TG_LIVE_DEADLINE;
			return;
		}
		if (now >= poll) {
			poll_quotas(cfg, w, n);
			poll = now + poll_ns;
			continue;
		}
		if (now >= timer) {
			cfg->on_tick(cfg->arg, now);
			timer = now + cfg->tick_ns;
			continue;
		}
		if (now >= tick) {
			cfg->on_interval(cfg->arg, now - start);
			tick += cfg->interval_ns;
			if (tick <= now)	/* a slow callback: skip missed ticks */
				tick = now + cfg->interval_ns;
			continue;
		}
		until = tg_min_u64(tg_min_u64(deadline, tick), tg_min_u64(poll, now + CHECK_EVERY_NS));
		until = tg_min_u64(until, timer);
		sig = wait_signal(&wait_set, until - now);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			res->stop = TG_LIVE_SIGNAL;
			res->signo = sig;
			return;
		}
	}
}

int tg_live_run(const struct tg_live_cfg *cfg, struct tg_live_result *res,
	      struct tg_err *err)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 }, old_sa;
	sigset_t block, old_mask, usr2;
	struct worker *w;
	struct run *run;
	uint64_t start;
	unsigned int i;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	if (!cfg->nthreads || cfg->nthreads > TG_LIVE_MAX_THREADS)
		return tg_fail(err, EINVAL, "thread count %u is out of range (1-%d)",
			       cfg->nthreads, TG_LIVE_MAX_THREADS);
	if (cfg->prog_counts && !cfg->thread_sent)
		return tg_fail(err, EINVAL, "a program that counts its own frames needs thread_sent");
	if (cfg->next && (cfg->count || cfg->prog_counts))
		return tg_fail(err, EINVAL, "a run whose callback sizes the calls has no count to split");
	run = calloc(1, sizeof(*run) + cfg->nthreads * sizeof(*w));
	if (!run)
		return tg_fail(err, ENOMEM, "out of memory for %u threads", cfg->nthreads);
	run->cfg = *cfg;
	cfg = &run->cfg;
	w = run->w;

	driver_signals(&block);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, &old_mask);
	sigaction(SIGUSR1, &sa, &old_sa);	/* no SA_RESTART: we want EINTR */

	start = tg_now_ns();
	for (i = 0; i < cfg->nthreads; i++) {
		w[i] = (struct worker){
			.cfg = cfg, .idx = i, .main = pthread_self(), .stop = &run->stop,
			.quota = tg_live_quota(cfg, i),
		};
		/* A thread with nothing to do would otherwise run unbounded. */
		if (cfg->count && !w[i].quota)
			continue;
		ret = -pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (ret) {
			tg_fail(err, -ret, "could not start thread %u: %s", i, strerror(-ret));
			break;
		}
		w[i].started = true;
	}

	if (!ret)
		supervise(cfg, w, start, res);
	stop_workers(w, cfg->nthreads, &run->stop, &usr2);
	for (i = 0; i < cfg->nthreads; i++) {
		if (!w[i].started)
			continue;
		if (atomic_load(&w[i].exited))
			pthread_join(w[i].tid, NULL);
		else {
			pthread_detach(w[i].tid);	/* stuck in the kernel: leave it */
			res->threads_left++;
		}
		res->calls_completed += w[i].done;
	}
	res->elapsed_ns = tg_now_ns() - start;
	if (!ret && res->stop != TG_LIVE_ERROR &&
	    first_error(w, cfg->nthreads, &res->error_thread))
		res->stop = TG_LIVE_ERROR;
	if (res->stop == TG_LIVE_ERROR && !res->check_failed)
		res->error = w[res->error_thread].error;

	/*
	 * Signals that came in while stopping would act with their default
	 * action once unblocked (SIGUSR2 would kill us, a second Ctrl-C would
	 * lose the summary): take them now.
	 */
	drain(&block);
	sigaction(SIGUSR1, &old_sa, NULL);
	pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	if (!res->threads_left)
		free(run);
	return ret;
}
