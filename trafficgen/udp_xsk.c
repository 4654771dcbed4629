// SPDX-License-Identifier: GPL-2.0
/*
 * udp --xsk: the built-in mode's frames, or a capture's (--template), sent
 * through AF_XDP sockets, one per thread, each on its own queue and pinned
 * to its own CPU. The template goes into every UMEM frame once; each frame
 * is then rewritten in place by lib/udp/rewrite (the udp_gen or udp_tmpl
 * program's rewrite, byte for byte) or, where nothing varies, only
 * resubmitted. A frame counts when its completion comes back, so -n is
 * what the driver took.
 */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "clock.h"
#include "cmds.h"
#include "cpu.h"
#include "percpu.h"
#include "log.h"
#include "print.h"
#include "udp.h"
#include "udp/rewrite.h"
#include "xsk.h"

#define XSK_NFRAMES 4096	/* UMEM frames per socket: twice the TX ring */
#define XSK_BATCH 256		/* descriptors reserved and submitted at once */
/* A thread with frames in flight and no completion for this long gives up. */
#define XSK_STALL_NS 2000000000ULL

struct udp_xsk;

struct xsk_thread {
	struct udp_run *r;
	const struct udp_xsk *run;
	struct tg_xsk x;
	unsigned int idx;
	pthread_t tid;
	bool started;
	bool limited;			/* -n: quota frames, however few (0 too) */
	uint64_t quota;			/* with limited: frames to complete */
	_Atomic uint64_t packets, bytes;	/* completed */
	atomic_bool done;
	int error;			/* -errno of a kick that failed */
	struct udp_gen_pcpu pc;
	/* Pacing (--rate), as the program keeps it: slot k of this thread at
	 * tg_pace_slot_time(pace, pace_start, k). */
	uint64_t pace_start, slot;
	uint64_t first_tx, last_tx, max_behind_ns, forgiven_ns;
	uint64_t rng;
	const uint8_t *ring;
	uint16_t lens[XSK_NFRAMES];	/* each frame's length as last submitted */
};

/* One run's sockets and threads (r->xsk). */
struct udp_xsk {
	struct xsk_thread *t;
	unsigned int n;
	uint8_t *ring;
	atomic_bool stop;
};

/* Completions back: the frames are free again and count as sent. */
static uint32_t reap(struct xsk_thread *t, uint32_t *free_idx, uint32_t *nfree)
{
	uint64_t addrs[XSK_BATCH], bytes = 0;
	uint32_t n = tg_xsk_comp_drain(&t->x, addrs, XSK_BATCH), i;

	for (i = 0; i < n; i++) {
		uint32_t f = addrs[i] / t->x.frame_size;

		bytes += t->lens[f];
		free_idx[(*nfree)++] = f;
	}
	if (n) {
		atomic_fetch_add_explicit(&t->packets, n, memory_order_relaxed);
		atomic_fetch_add_explicit(&t->bytes, bytes, memory_order_relaxed);
	}
	return n;
}

/* Sleeps (or, the last spin_ns, spins) until t's next slot; false if told to stop. */
static bool wait_slot(struct xsk_thread *t)
{
	const struct tg_pace *p = &t->r->pace;
	uint64_t due, now = tg_now_ns(), behind;

	if (!t->pace_start)
		t->pace_start = now;
	due = tg_pace_slot_time(p, t->pace_start, t->slot);
	while (now < due) {
		if (atomic_load_explicit(&t->run->stop, memory_order_relaxed))
			return false;
		if (due - now > p->spin_ns) {
			/* Wake in time to spin, and at least every 10 ms to see a stop. */
			uint64_t until = due - p->spin_ns < now + 10000000ULL ? due - p->spin_ns
									  : now + 10000000ULL;
			struct timespec ts = { until / 1000000000ULL, until % 1000000000ULL };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		now = tg_now_ns();
	}
	behind = now - due;
	if (behind > t->max_behind_ns)
		t->max_behind_ns = behind;
	/* A stall past the catch-up bound is forgiven, not sent as a flood. */
	if (behind > p->max_lag_ns) {
		t->forgiven_ns += behind - p->max_lag_ns;
		t->pace_start += behind - p->max_lag_ns;
	}
	if (!t->first_tx)
		t->first_tx = now;
	t->last_tx = now;
	t->slot++;
	return true;
}

static void *xsk_worker(void *arg)
{
	struct xsk_thread *t = arg;
	const struct udp_gen_cfg *cfg = &t->r->cfg;
	const struct udp_gen_tmpl *captures = t->r->o.template ? t->r->captures : NULL;
	bool rewrite = captures || !tg_udp_rewrite_none(cfg);
	uint32_t free_idx[XSK_NFRAMES], nfree = 0, i;
	uint64_t submitted = 0, last_progress = tg_now_ns(), slot_left = 0;
	uint64_t batch = t->r->given.batch ? t->r->o.batch : XSK_BATCH;
	bool paced = t->r->paced;

	for (i = 0; i < XSK_NFRAMES; i++) {
		free_idx[nfree++] = XSK_NFRAMES - 1 - i;
		t->lens[i] = cfg->frame_len;
	}
	if (batch > XSK_BATCH)
		batch = XSK_BATCH;
	while (!atomic_load_explicit(&t->run->stop, memory_order_relaxed)) {
		uint64_t want = batch, now;
		uint32_t got, idx;

		if (reap(t, free_idx, &nfree))
			last_progress = 0;
		if (t->limited && submitted >= t->quota) {
			if (atomic_load_explicit(&t->packets, memory_order_relaxed) >= t->quota)
				break;
		}
		if (t->limited && t->quota - submitted < want)
			want = t->quota - submitted;
		/* Paced: a slot's burst goes in as few batches as the ring allows. */
		if (paced && want && !slot_left) {
			if (!wait_slot(t))
				break;
			slot_left = t->r->pace.burst;
		}
		if (paced && want > slot_left)
			want = slot_left;
		if (want > nfree)
			want = nfree;
		got = want ? tg_xsk_tx_reserve(&t->x, want, &idx) : 0;
		now = tg_now_ns();
		for (i = 0; i < got; i++) {
			uint32_t f = free_idx[--nfree];
			uint8_t *data = tg_xsk_data(&t->x, tg_xsk_addr(&t->x, f));

			/* A capture's frames differ in length and bytes: each is written whole. */
			if (captures)
				t->lens[f] = tg_udp_rewrite_tmpl(cfg, captures, &t->pc, &t->rng, data);
			else if (rewrite)
				t->lens[f] = tg_udp_rewrite(cfg, t->ring, &t->pc, &t->rng, data, now);
			tg_xsk_tx_desc(&t->x, idx + i, tg_xsk_addr(&t->x, f), t->lens[f]);
		}
		submitted += got;
		if (paced)
			slot_left -= got;
		/* Submit, or with nothing new only kick: copy mode sends in the syscall. */
		t->error = tg_xsk_tx_submit(&t->x, got);
		if (t->error)
			break;
		if (!last_progress)
			last_progress = now;
		else if (!got && now - last_progress > XSK_STALL_NS) {
			t->error = -ETIMEDOUT;
			break;
		}
	}
	/* What is still in flight: give it a moment to complete and be counted. */
	{
		uint64_t until = tg_now_ns() + 100000000ULL;

		while (submitted > atomic_load(&t->packets) && tg_now_ns() < until) {
			tg_xsk_tx_submit(&t->x, 0);
			reap(t, free_idx, &nfree);
		}
	}
	atomic_store(&t->done, true);
	return NULL;
}

/* Sent: completions; errors: descriptors the kernel refused (never completed). */
static struct tg_tx_counts totals(const struct udp_xsk *run)
{
	struct tg_tx_counts c = { 0 };
	unsigned int i;
	int64_t bad;

	for (i = 0; i < run->n; i++) {
		c.packets += atomic_load(&run->t[i].packets);
		c.bytes += atomic_load(&run->t[i].bytes);
		bad = tg_xsk_tx_invalid(&run->t[i].x);
		if (bad > 0)
			c.errors += bad;
	}
	return c;
}

static void xsk_json(struct tg_print *p, void *arg)
{
	struct udp_run *r = arg;

	tg_print_str(p, TG_PRINT_JSON, "engine", NULL, "xsk");
	tg_print_str(p, TG_PRINT_JSON, "xsk_mode", NULL, tg_xsk_mode_name(r->xsk->t[0].x.bound));
	udp_summary_json(p, r);
}

int udp_xsk_check(struct udp_run *r)
{
	unsigned int nq;

	if (r->o.prog)
		return tg_usage_error(&udp_cmd_def, "--xsk and --prog exclude each other: the AF_XDP "
				      "engine sends the built-in or a capture's frames, made in userspace, "
				      "and runs no program (see 'man trafficgen', section AF_XDP)");
	if (r->o.pcap_out)
		return tg_usage_error(&udp_cmd_def, "--xsk and --pcap-out exclude each other: "
				      "a dry run sends nothing");
	if (r->nifs > 1)
		return tg_usage_error(&udp_cmd_def, "--xsk sends on one interface: '%s' names %u",
				      r->ifname, r->nifs);
	/* Checked before the sockets, as a target is: a down link refuses every send. */
	if (!r->iface.up && !r->o.pcap_out) {
		tg_error("interface %s is down; bring it up with 'ip link set dev %s up'\n",
			 r->ifname, r->ifname);
		return TG_EXIT_FAIL;
	}
		nq = r->iface.num_tx_queues > r->iface.num_rx_queues ? r->iface.num_tx_queues
							       : r->iface.num_rx_queues;
	if (nq && r->o.queue + r->o.threads > nq)
		return tg_usage_error(&udp_cmd_def, "--queue %llu with %llu thread(s): %s has %u queue(s) "
				      "(0-%u); each thread takes its own queue from --queue on",
				      (unsigned long long)r->o.queue, (unsigned long long)r->o.threads,
				      r->ifname, nq, nq - 1);
	return TG_GO_ON;
}

/* Opens every thread's socket and fills its UMEM with the template. */
static int open_sockets(struct udp_run *r)
{
	struct udp_xsk *run;
	struct tg_err err = { "" };
	unsigned int i, f;
	uint64_t per = r->o.num / r->o.threads, extra = r->o.num % r->o.threads;

	run = r->xsk = calloc(1, sizeof(*run));
	if (!run)
		return TG_EXIT_FAIL;
	if (r->cfg.ring_len) {
		run->ring = calloc(r->cfg.ring_len, tg_udp_cfg_ring_entry(&r->cfg));
		if (!run->ring || tg_udp_cfg_ring(&r->params, &r->cfg, run->ring, &err)) {
			tg_error("%s\n", run->ring ? err.msg : "no memory for the header ring");
			return TG_EXIT_FAIL;
		}
	}
	run->n = r->o.threads;
	run->t = calloc(run->n, sizeof(*run->t));
	if (!run->t)
		return TG_EXIT_FAIL;
	for (i = 0; i < run->n; i++) {
		struct xsk_thread *t = &run->t[i];
		struct tg_xsk_cfg xc = {
			.ifname = r->ifname, .queue = r->o.queue + i, .mode = (enum tg_xsk_mode)r->o.xsk_mode,
			.nframes = XSK_NFRAMES,
			/* The smaller frame where the largest frame fits: half the UMEM. */
			.frame_size = r->cfg.frame_len <= 2048 ? 2048 : 4096,
			.tx = true,
		};

		t->r = r;
		t->run = run;
		t->idx = i;
		t->ring = run->ring;
		t->rng = 0x9e3779b97f4a7c15ULL * (i + 1);
		t->limited = r->o.num != 0;
		t->quota = per + (i < extra);
		udp_thread_state(r, i, &t->pc);
		if (tg_xsk_open(&t->x, &xc, &err)) {
			tg_error("--xsk: %s\n", err.msg);
			return TG_EXIT_FAIL;
		}
		for (f = 0; f < XSK_NFRAMES; f++)
			memcpy(tg_xsk_data(&t->x, tg_xsk_addr(&t->x, f)), r->frame, r->cfg.frame_len);
	}
	if (r->o.xsk_mode == (int)TG_XSK_AUTO)
		tg_info("AF_XDP sockets bound in %s mode\n", tg_xsk_mode_name(run->t[0].x.bound));
	return TG_GO_ON;
}

void udp_xsk_close(struct udp_run *r)
{
	struct udp_xsk *run = r->xsk;
	unsigned int i;

	if (!run)
		return;
	for (i = 0; run->t && i < run->n; i++)
		tg_xsk_close(&run->t[i].x);
	free(run->t);
	free(run->ring);
	free(run);
	r->xsk = NULL;
}

/*
 * The threads' pacing figures where udp's rate report reads the program's
 * (r->pcpu, by CPU), so that one report serves both engines.
 */
static int fill_pcpu(struct udp_run *r)
{
	const struct udp_xsk *run = r->xsk;
	unsigned int i;

	r->pcpu = tg_percpu_alloc_all(sizeof(*r->pcpu), &r->ncpus);
	if (!r->pcpu)
		return -ENOMEM;
	for (i = 0; i < run->n; i++) {
		struct udp_gen_pcpu *pc = &r->pcpu[r->cpus[i]];

		pc->packets = atomic_load(&run->t[i].packets);
		pc->first_tx = run->t[i].first_tx;
		pc->last_tx = run->t[i].last_tx;
		pc->max_behind_ns = run->t[i].max_behind_ns;
		pc->forgiven_ns = run->t[i].forgiven_ns;
	}
	return 0;
}

static bool all_done(const struct udp_xsk *run)
{
	unsigned int i;

	for (i = 0; i < run->n; i++)
		if (!atomic_load(&run->t[i].done))
			return false;
	return true;
}

/* Runs the threads until -n, -D, a signal or an error; fills what the summary needs. */
static int xsk_send(struct udp_run *r, struct tg_tx_counts *total, uint64_t *elapsed)
{
	struct udp_xsk *run = r->xsk;
	struct timespec tick = { 0, 10000000 }, zero = { 0 };
	char name[IF_NAMESIZE];
	uint64_t start, now, next_iv, next_check;
	struct tg_tx_counts last = { 0 };
	sigset_t sigs, old;
	unsigned int i;
	int ret = TG_EXIT_OK, signo = 0;

	/*
	 * The threads inherit the mask: the signals that end a run wait for
	 * this thread's sigtimedwait, which is its clock too.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, &old);
	start = tg_now_ns();
	next_iv = start + r->o.interval;
	next_check = start;
	for (i = 0; i < run->n; i++) {
		int e = pthread_create(&run->t[i].tid, NULL, xsk_worker, &run->t[i]);

		if (e) {
			tg_error("could not start sending thread %u: %s\n", i, strerror(e));
			atomic_store(&run->stop, true);
			ret = TG_EXIT_FAIL;
			break;
		}
		run->t[i].started = true;
		if (tg_cpu_pin(run->t[i].tid, r->cpus[i]))
			tg_warn("could not pin sending thread %u to CPU %d\n", i, r->cpus[i]);
	}
	while (ret == TG_EXIT_OK && !all_done(run)) {
		signo = sigtimedwait(&sigs, NULL, &tick);
		now = tg_now_ns();
		if (signo > 0 || (r->o.duration && now - start >= r->o.duration))
			break;
		if (r->o.interval && now >= next_iv) {
			struct tg_tx_counts c = totals(run), d = tg_tx_sub(&c, &last);

			tg_tx_interval(&r->out, now - start, &d, r->o.interval);
			last = c;
			next_iv += r->o.interval;
		}
		/* The interface going away ends the run (a send would fail too, later). */
		if (now >= next_check) {
			next_check = now + 500000000ULL;
			if (!if_indextoname(r->iface.ifindex, name)) {
				tg_error("interface %s went away during the run\n", r->ifname);
				ret = TG_EXIT_FAIL;
			}
		}
	}
	atomic_store(&run->stop, true);
	for (i = 0; i < run->n; i++)
		if (run->t[i].started)
			pthread_join(run->t[i].tid, NULL);
	*elapsed = tg_now_ns() - start;
	*total = totals(run);
	if (r->paced && fill_pcpu(r))
		ret = TG_EXIT_FAIL;
	/* A second Ctrl-C during the wind-down is answered by the summary. */
	while (sigtimedwait(&sigs, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	for (i = 0; i < run->n; i++) {
		if (run->t[i].error) {
			tg_error("sending on %s queue %u failed: %s\n", r->ifname, run->t[i].x.queue,
				 run->t[i].error == -ETIMEDOUT ? "no completion for 2 s (is the link up?)"
				 : strerror(-run->t[i].error));
			ret = TG_EXIT_FAIL;
		}
	}
	return ret;
}

int udp_xsk_run(struct udp_run *r, struct tg_tx_counts *total, uint64_t *elapsed_ns)
{
	int ret;

	ret = open_sockets(r);
	if (ret == TG_GO_ON) {
		r->out = (struct tg_out){ .f = stdout, .json = r->o.json, .ifname = r->ifname,
					  .errors_counted = true,
					  .json_extra = xsk_json, .extra_arg = r };
		r->mode->print_start(r);
		ret = xsk_send(r, total, elapsed_ns);
	}
	return ret;
}
