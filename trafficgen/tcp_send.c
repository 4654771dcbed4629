// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp: the sending loop. Thread t, pinned to its own CPU, sends
 * flows t, t + T, ... by live-frame calls of tcp_gen. Before each call it
 * adds up the room in its flows' windows: none, and it waits briefly and
 * looks again; some, and the call asks for that much plus what the ACK
 * clock carried during the previous call (lib/tcp_pace.h says why).
 *
 * The main thread keeps time: statistics every interval, the
 * retransmission timers every few ms (a timeout sends the generator back to
 * snd_una through flow_ctl.rto_req), window probes, the deadline, signals. Stopping works
 * as in lib/lf.c: a flag, then SIGUSR1 until every thread has left its call
 * (a pending signal ends a live-frame call at once with EINTR).
 *
 * After the stop, tcp_drain() retransmits what is still unacknowledged
 * (no new data) until all of it is acknowledged, within a bound.
 */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "tcp.h"
#include "tcp_gen.skel.h"

#define NS_PER_MS 1000000ULL
#define TICK_NS (5ULL * NS_PER_MS)		/* RTO timers' resolution */
#define CHECK_IFACE_NS (250ULL * NS_PER_MS)
/* Window full: look again after 20 us, then twice as long each time, up to 0.5 ms. */
#define FULL_WAIT_MIN_NS (20ULL * 1000ULL)
#define FULL_WAIT_MAX_NS (500ULL * 1000ULL)
#define STOP_TIMEOUT_NS (5000ULL * NS_PER_MS)
#define STOP_RESEND_NS (5ULL * NS_PER_MS)
#define DRAIN_BOUND_NS (1000ULL * NS_PER_MS)
#define BATCH 64

struct worker {
	struct tcp_run *r;
	unsigned int idx;
	pthread_t tid;
	pthread_t main;
	bool started;
	atomic_bool *stop;
	atomic_bool exited;
	int error;
	struct tcp_gen_pcpu *pcpu;	/* this thread's buffer for per-CPU reads */
};

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ULL, .tv_nsec = ns % 1000000000ULL };

	nanosleep(&ts, NULL);
}

static void on_sigusr1(int sig)
{
	/* Only here so that the signal interrupts the live-frame call with EINTR. */
	(void)sig;
}

int tcp_gen_call(struct tcp_run *r, uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = r->frame,
		.data_size_in = r->cfg.frame_len,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = BATCH,
		.repeat = repeat,
	);

	return bpf_prog_test_run_opts(bpf_program__fd(r->gen->progs.tcp_gen), &opts);
}

static struct tg_tcp_view view_of(const struct tcp_run *r, unsigned int i,
				  const struct tcp_flow *st)
{
	return (struct tg_tcp_view){
		.una = st->snd_una, .nxt = st->snd_nxt, .max = st->snd_max, .wnd = st->wnd,
		.limit = __atomic_load_n(&r->ctl[i].limit, __ATOMIC_RELAXED),
		.rto_pending = __atomic_load_n(&r->ctl[i].rto_req, __ATOMIC_RELAXED) != st->rto_seen,
		.hole = st->flags & TCP_FLOW_F_HOLE,
	};
}

/*
 * Segments flows first, first + stride, ... could send now. *done: every
 * one has all its allowed data acknowledged (only with a limit, -n).
 */
static uint64_t free_segs(struct tcp_run *r, unsigned int first, unsigned int stride,
			  bool *done)
{
	uint64_t free = 0;
	struct tcp_flow st;
	unsigned int i;

	*done = true;
	for (i = first; i < r->nflows; i += stride) {
		struct tg_tcp_view v;

		if (tcp_flow_read(r, i, &st)) {
			*done = false;
			continue;
		}
		v = view_of(r, i, &st);
		/* A flow the peer reset is over; one with a limit, when all of it is acknowledged. */
		if (st.flags & TCP_FLOW_F_RST)
			continue;
		free += tg_tcp_free_segs(&v, r->mss);
		if (v.limit == UINT64_MAX || v.una < v.limit)
			*done = false;
	}
	return free;
}

static int read_pcpu(struct tcp_run *r, struct tcp_gen_pcpu *buf)
{
	__u32 key = 0;

	return bpf_map__lookup_elem(r->gen->maps.pcpu, &key, sizeof(key), buf,
				    sizeof(*buf) * r->ncpus, 0);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct tcp_run *r = w->r;
	struct tg_tcp_pace pace = { 0 };
	int cpu = r->cpus[w->idx];
	uint64_t sent = 0, dropped = 0, wait = FULL_WAIT_MIN_NS;
	cpu_set_t set;
	sigset_t usr1;
	bool done;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	w->error = -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	if (w->error)
		goto out;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);

	while (!atomic_load(w->stop)) {
		uint64_t free = free_segs(r, w->idx, r->nthreads, &done), repeat, t0;
		struct tcp_gen_pcpu before;
		int ret;

		if (done)
			break;
		if (!free) {
			/*
			 * The windows are full: ACKs and window updates come
			 * while we wait, and looking costs a system call a flow.
			 */
			sleep_ns(wait);
			wait = wait * 2 > FULL_WAIT_MAX_NS ? FULL_WAIT_MAX_NS : wait * 2;
			continue;
		}
		wait = FULL_WAIT_MIN_NS;
		if (read_pcpu(r, w->pcpu))
			memset(&w->pcpu[cpu], 0, sizeof(w->pcpu[cpu]));
		before = w->pcpu[cpu];
		repeat = tg_tcp_pace_next(&pace, free, sent, dropped);
		t0 = tg_now_ns();
		ret = tcp_gen_call(r, (uint32_t)repeat);
		if (!read_pcpu(r, w->pcpu)) {
			sent = w->pcpu[cpu].segments - before.segments;
			dropped = w->pcpu[cpu].window_drops - before.window_drops;
		}
		tg_debug("thread %u: %llu segments fit, asked %llu, sent %llu, dropped %llu in "
			 "%.1f ms\n", w->idx, (unsigned long long)free, (unsigned long long)repeat,
			 (unsigned long long)sent, (unsigned long long)dropped,
			 (tg_now_ns() - t0) / 1e6);
		if (ret == -EINTR)
			continue;	/* the loop's condition tells a stop from a stray signal */
		if (ret < 0) {
			w->error = ret;
			break;
		}
	}
out:
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	atomic_store(&w->exited, true);
	pthread_kill(w->main, SIGUSR2);
	return NULL;
}

static unsigned int count_exited(struct worker *w, unsigned int n)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		k += !w[i].started || atomic_load(&w[i].exited);
	return k;
}

static int first_error(struct worker *w, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (w[i].error)
			return w[i].error;
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

static void stop_workers(struct worker *w, unsigned int n, atomic_bool *stop)
{
	uint64_t give_up = tg_now_ns() + STOP_TIMEOUT_NS;
	sigset_t usr2;
	unsigned int i;

	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	atomic_store(stop, true);
	while (count_exited(w, n) < n && tg_now_ns() < give_up) {
		/* Resent: a worker between its check of the flag and its call would miss one. */
		for (i = 0; i < n; i++)
			if (w[i].started && !atomic_load(&w[i].exited))
				pthread_kill(w[i].tid, SIGUSR1);
		wait_signal(&usr2, STOP_RESEND_NS);
	}
}

/*
 * A flow whose window has no room for a segment while nothing is
 * outstanding waits for the ACK that reopens it; if that one is lost,
 * nothing else would come. So it is probed after an RTO, then after twice
 * that, and so on (the persist timer of RFC 9293 3.8.6.1).
 */
static void probe_tick(struct tcp_run *r, unsigned int i, const struct tcp_flow *st,
		       uint64_t now)
{
	struct tcp_flow_user *fu = &r->flow[i];
	uint64_t limit = __atomic_load_n(&r->ctl[i].limit, __ATOMIC_RELAXED);

	if (st->snd_una < st->snd_max || st->wnd >= r->mss || st->snd_max >= limit ||
	    (st->flags & TCP_FLOW_F_RST)) {
		fu->probe_at_ns = 0;
		return;
	}
	if (!fu->probe_at_ns) {
		fu->probe_every_ns = TG_TCP_RTO_INIT_NS;
		fu->probe_at_ns = now + fu->probe_every_ns;
		return;
	}
	if (now < fu->probe_at_ns)
		return;
	tcp_flow_probe(r, i, st);
	if (fu->probe_every_ns < TG_TCP_RTO_MAX_NS)
		fu->probe_every_ns *= 2;
	fu->probe_at_ns = now + fu->probe_every_ns;
}

/* Every owned flow's timers: a retransmission timeout asks for go-back. */
static void timers_tick(struct tcp_run *r, uint64_t now)
{
	struct tcp_flow st;
	unsigned int i;

	for (i = 0; i < r->nflows; i++) {
		if (!r->flow[i].owned || tcp_flow_read(r, i, &st))
			continue;
		if (tg_tcp_rto_tick(&r->flow[i].rto, now, st.snd_una, st.snd_max))
			__atomic_fetch_add(&r->ctl[i].rto_req, 1, __ATOMIC_RELEASE);
		probe_tick(r, i, &st, now);
	}
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static void supervise(struct tcp_run *r, struct worker *w, struct tcp_send_result *res)
{
	uint64_t start = r->start_ns;
	uint64_t deadline = r->o.duration ? start + r->o.duration : UINT64_MAX;
	uint64_t tick = r->o.interval ? start + r->o.interval : UINT64_MAX;
	uint64_t next_rto = start, next_check = start + CHECK_IFACE_NS;
	char name[IF_NAMESIZE];
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR2);
	for (;;) {
		uint64_t now = tg_now_ns(), until;
		int sig;

		res->error = first_error(w, r->nthreads);
		if (res->error) {
			res->stop = TCP_STOP_ERROR;
			return;
		}
		if (count_exited(w, r->nthreads) == r->nthreads) {
			res->stop = TCP_STOP_DONE;
			return;
		}
		if (now >= deadline) {
			res->stop = TCP_STOP_DEADLINE;
			return;
		}
		if (now >= next_check) {
			if (!if_indextoname(r->iface.ifindex, name)) {
				res->stop = TCP_STOP_ERROR;
				res->error = -ENODEV;
				return;
			}
			next_check = now + CHECK_IFACE_NS;
		}
		if (now >= next_rto) {
			timers_tick(r, now);
			next_rto = now + TICK_NS;
		}
		if (now >= tick) {
			tcp_print_interval(r, now - start);
			tick += r->o.interval;
			if (tick <= now)
				tick = now + r->o.interval;
		}
		until = min_u64(min_u64(deadline, tick), next_rto);
		sig = wait_signal(&set, until > now ? until - now : 0);
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP) {
			res->stop = TCP_STOP_SIGNAL;
			return;
		}
	}
}

int tcp_send(struct tcp_run *r, struct tcp_send_result *res)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	atomic_bool stop = false;
	struct worker *w;
	unsigned int i;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	w = calloc(r->nthreads, sizeof(*w));
	if (!w)
		return -ENOMEM;
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: we want EINTR */
	r->start_ns = tg_now_ns();
	r->last_ns = 0;
	for (i = 0; i < r->nthreads; i++) {
		w[i] = (struct worker){ .r = r, .idx = i, .main = pthread_self(), .stop = &stop };
		w[i].pcpu = calloc(r->ncpus, sizeof(*w[i].pcpu));
		if (!w[i].pcpu) {
			ret = -ENOMEM;
			break;
		}
		ret = -pthread_create(&w[i].tid, NULL, worker_main, &w[i]);
		if (ret) {
			tg_error("could not start thread %u: %s\n", i, strerror(-ret));
			break;
		}
		w[i].started = true;
	}
	if (!ret)
		supervise(r, w, res);
	stop_workers(w, r->nthreads, &stop);
	for (i = 0; i < r->nthreads; i++) {
		if (w[i].started) {
			if (atomic_load(&w[i].exited))
				pthread_join(w[i].tid, NULL);
			else
				pthread_detach(w[i].tid);	/* stuck in the kernel: leave it */
		}
		if (!w[i].started || atomic_load(&w[i].exited))
			free(w[i].pcpu);
	}
	if (!ret && res->stop != TCP_STOP_ERROR && (res->error = first_error(w, r->nthreads)))
		res->stop = TCP_STOP_ERROR;
	free(w);
	return ret;
}

/*
 * No new data from here: what is outstanding is retransmitted (on RTO or
 * after three duplicate ACKs, as before) until all of it is acknowledged or
 * the bound passes. The main thread sends, as thread 0, all flows.
 */
void tcp_drain(struct tcp_run *r)
{
	uint64_t deadline = tg_now_ns() + DRAIN_BOUND_NS, now;
	int cpu = r->cpus[0];
	struct tcp_flow st;
	unsigned int i;
	cpu_set_t set;
	bool done;
	__u32 key = 0;

	for (i = 0; i < r->nflows; i++)
		__atomic_store_n(&r->ctl[i].limit, 0, __ATOMIC_RELAXED);
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) ||
	    bpf_map__lookup_elem(r->gen->maps.pcpu, &key, sizeof(key), r->pcpu,
				 sizeof(*r->pcpu) * r->ncpus, 0))
		goto out;
	r->pcpu[cpu].first = 0;
	r->pcpu[cpu].stride = 1;
	r->pcpu[cpu].nflows = r->nflows;
	r->pcpu[cpu].cursor = 0;
	r->pcpu[cpu].burst = 0;
	if (bpf_map__update_elem(r->gen->maps.pcpu, &key, sizeof(key), r->pcpu,
				 sizeof(*r->pcpu) * r->ncpus, 0))
		goto out;
	while ((now = tg_now_ns()) < deadline) {
		uint64_t free;
		bool outstanding = false;

		for (i = 0; i < r->nflows; i++)
			if (!tcp_flow_read(r, i, &st) && !(st.flags & TCP_FLOW_F_RST) &&
			    st.snd_una < st.snd_max)
				outstanding = true;
		if (!outstanding)
			break;
		timers_tick(r, now);
		free = free_segs(r, 0, 1, &done);
		if (free)
			tcp_gen_call(r, (uint32_t)min_u64(free, TG_TCP_REPEAT_MAX));
		else
			sleep_ns(NS_PER_MS);
	}
out:
	r->end_ns = tg_now_ns();
}

struct tcp_totals tcp_read_totals(struct tcp_run *r)
{
	struct tcp_totals t = { 0 };
	struct tcp_flow st;
	__u32 key = 0;
	uint64_t refused;
	unsigned int i;
	int cpu;

	if (r->gen && !bpf_map__lookup_elem(r->gen->maps.pcpu, &key, sizeof(key), r->pcpu,
					    sizeof(*r->pcpu) * r->ncpus, 0)) {
		for (cpu = 0; cpu < r->ncpus; cpu++) {
			t.segments += r->pcpu[cpu].segments;
			t.bytes += r->pcpu[cpu].bytes;
			t.payload += r->pcpu[cpu].payload;
			t.retransmitted += r->pcpu[cpu].retransmitted;
			t.window_drops += r->pcpu[cpu].window_drops;
		}
	}
	for (i = 0; i < r->nflows; i++) {
		if (!r->flow[i].owned || tcp_flow_read(r, i, &st))
			continue;
		t.acked += tcp_flow_acked(r, i, &st);
		t.dup_acks += st.dup_acks;
		t.fast_retransmits += st.fast_retransmits;
		t.timeouts += st.timeouts;
	}
	/* Frames the target refused were counted as sent: every one a data segment. */
	refused = tg_txerr_read(&r->txerr, 0);
	if (refused > t.segments)
		refused = t.segments;
	t.tx_errors = refused;
	t.segments -= refused;
	t.bytes -= refused * r->cfg.frame_len;
	t.payload -= refused * r->mss;
	return t;
}
