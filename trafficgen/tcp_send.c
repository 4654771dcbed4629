// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp: the sending loop, on lib/live.c's live-frame driver. Thread
 * t, pinned to its own CPU, sends flows t, t + T, ... by live-frame calls of
 * tcp_gen. Before each call it adds up the room in its flows' windows: none,
 * and it waits briefly and looks again; some, and the call asks for that
 * much plus what the ACK clock carried during the previous call
 * (lib/tcp/pace.h says why).
 * With a --cc the generator also paces each flow (bpf/tcp_cc.h): frames
 * that find their flows not yet due are dropped like those that find them
 * full, in the same window_drops, so a paced call is sized as a
 * window-bound one.
 *
 * The main thread keeps time: statistics every interval, the
 * retransmission timers every few ms (a timeout sends the generator back to
 * snd_una through flow_ctl.rto_req), window probes, the deadline, signals;
 * the driver stops the threads as it does udp's.
 *
 * After the stop, tcp_drain() retransmits what is still unacknowledged
 * (no new data) until all of it is acknowledged, within a bound.
 */
#include <errno.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "percpu.h"
#include "tcp.h"
#include "tcp_gen.skel.h"

#define NS_PER_MS 1000000ULL
#define TICK_NS (5ULL * NS_PER_MS)		/* RTO timers' resolution */
#define CHECK_IFACE_NS (250ULL * NS_PER_MS)
/* Window full: look again after 20 us, then twice as long each time, up to 0.5 ms. */
#define FULL_WAIT_MIN_NS (20ULL * 1000ULL)
#define FULL_WAIT_MAX_NS (500ULL * 1000ULL)
#define DRAIN_BOUND_NS (1000ULL * NS_PER_MS)
#define BATCH 64

/* One sending thread's state between its calls. */
struct sender {
	struct tg_tcp_pace pace;
	uint64_t sent, dropped;		/* by its last call */
	struct tcp_gen_pcpu before;	/* its CPU's counters before the call */
	uint64_t free, repeat, t0;	/* of the call, for -v */
	struct tcp_gen_pcpu *pcpu;	/* its buffer for per-CPU reads */
};

/* tg_live_run's arg. */
struct send_ctx {
	struct tcp_run *r;
	uint64_t next_check;		/* of the interface */
	struct sender s[];		/* one a thread */
};

static int tcp_gen_call(struct tcp_run *r, uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = r->frame,
		.data_size_in = r->cfg.frame_len,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = BATCH,
		.repeat = repeat,
	);

	return bpf_prog_test_run_opts(bpf_program__fd(r->progs.gen->progs.tcp_gen), &opts);
}

static struct tg_tcp_view view_of(const struct tcp_run *r, unsigned int i,
				  const struct tcp_flow *st)
{
	uint64_t room = st->pipe < st->cc.cwnd ? st->cc.cwnd - st->pipe : 0;

	return (struct tg_tcp_view){
		.una = st->snd_una, .nxt = st->snd_nxt, .max = st->snd_max, .wnd = st->wnd,
		.limit = __atomic_load_n(&r->ctl[i].limit, __ATOMIC_RELAXED),
		.rto_pending = __atomic_load_n(&r->ctl[i].rto_req, __ATOMIC_RELAXED) != st->rto_seen,
		.hole = st->flags & TCP_FLOW_F_HOLE,
		/* A walk asked for again counts as one segment: the generator must run. */
		.lost = st->lost_end > st->rxt_next ? st->lost_end - st->rxt_next :
			__atomic_load_n(&r->ctl[i].rxt_req, __ATOMIC_RELAXED) != st->rxt_seen,
		.cwnd_limited = st->cc.algo != TCP_CC_NONE,
		.cwnd_room = room,
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
	return tg_percpu_read(r->progs.gen->maps.pcpu, 0, buf, sizeof(*buf), r->ncpus);
}

/*
 * Thread t's next call: the room in its flows' windows, and what the ACK
 * clock carried during its last call. None: the windows are full, and ACKs
 * and window updates come while the driver waits (FULL_WAIT_*); looking
 * costs a system call a flow.
 */
static int64_t next_call(void *arg, unsigned int t)
{
	struct send_ctx *c = arg;
	struct tcp_run *r = c->r;
	struct sender *s = &c->s[t];
	int cpu = r->cpus[t];
	bool done;

	s->free = free_segs(r, t, r->nthreads, &done);
	if (done)
		return -1;
	if (!s->free)
		return 0;
	if (read_pcpu(r, s->pcpu))
		memset(&s->pcpu[cpu], 0, sizeof(s->pcpu[cpu]));
	s->before = s->pcpu[cpu];
	s->repeat = tg_tcp_pace_next(&s->pace, s->free, s->sent, s->dropped);
	s->t0 = tg_now_ns();
	return (int64_t)s->repeat;
}

/* What the call sent and dropped, from the program's per-CPU counters. */
static void after_call(void *arg, unsigned int t)
{
	struct send_ctx *c = arg;
	struct tcp_run *r = c->r;
	struct sender *s = &c->s[t];
	int cpu = r->cpus[t];

	if (!read_pcpu(r, s->pcpu)) {
		s->sent = s->pcpu[cpu].segments - s->before.segments;
		s->dropped = s->pcpu[cpu].window_drops - s->before.window_drops;
	}
	tg_debug("thread %u: %llu segments fit, asked %llu, sent %llu, dropped %llu in "
		 "%.1f ms\n", t, (unsigned long long)s->free, (unsigned long long)s->repeat,
		 (unsigned long long)s->sent, (unsigned long long)s->dropped,
		 (tg_now_ns() - s->t0) / 1e6);
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

/*
 * A SACK recovery whose walk is done (every hole sent again) and whose
 * snd_una has not moved for TG_TCP_RXT_PROBE_NS: the generator walks the
 * holes again (flow_ctl.rxt_req), well before the retransmission timeout.
 */
static void rxt_tick(struct tcp_run *r, unsigned int i, const struct tcp_flow *st, uint64_t now)
{
	struct tcp_flow_user *fu = &r->flow[i];
	uint32_t f = TCP_FLOW_F_SACK | TCP_FLOW_F_RECOVERY;

	if ((st->flags & f) != f || st->rxt_next < st->lost_end || st->rxt_next <= st->snd_una) {
		fu->rxt_una = 0;
		return;
	}
	if (fu->rxt_una != st->snd_una + 1) {
		fu->rxt_una = st->snd_una + 1;
		fu->rxt_since_ns = now;
	} else if (now - fu->rxt_since_ns >= TG_TCP_RXT_PROBE_NS) {
		__atomic_fetch_add(&r->ctl[i].rxt_req, 1, __ATOMIC_RELEASE);
		fu->rxt_since_ns = now;
	}
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
		rxt_tick(r, i, &st, now);
		probe_tick(r, i, &st, now);
	}
}

static void on_tick(void *arg, uint64_t now)
{
	timers_tick(((struct send_ctx *)arg)->r, now);
}

static void on_interval(void *arg, uint64_t elapsed_ns)
{
	tcp_print_interval(((struct send_ctx *)arg)->r, elapsed_ns);
}

/* The driver asks at every wake-up, every tick at least: look less often. */
static int check_iface(void *arg)
{
	struct send_ctx *c = arg;
	char name[IF_NAMESIZE];
	uint64_t now = tg_now_ns();

	if (now < c->next_check)
		return 0;
	c->next_check = now + CHECK_IFACE_NS;
	return if_indextoname(c->r->iface.ifindex, name) ? 0 : -ENODEV;
}

int tcp_send(struct tcp_run *r, struct tg_live_result *res)
{
	struct send_ctx *c = calloc(1, sizeof(*c) + r->nthreads * sizeof(c->s[0]));
	struct tg_err err = { "" };
	struct tg_live_cfg lf = {
		.prog_fd = bpf_program__fd(r->progs.gen->progs.tcp_gen),
		.frame = r->frame,
		.frame_len = r->cfg.frame_len,
		.batch_size = BATCH,
		.nthreads = r->nthreads,
		.cpus = r->cpus,
		.duration_ns = r->o.duration,
		.interval_ns = r->o.interval,
		.on_interval = on_interval,
		.check = check_iface,
		.arg = c,
		.next = next_call,
		.wait_min_ns = FULL_WAIT_MIN_NS,
		.wait_max_ns = FULL_WAIT_MAX_NS,
		.after_call = after_call,
		.on_tick = on_tick,
		.tick_ns = TICK_NS,
	};
	unsigned int i;
	int ret = -ENOMEM;

	memset(res, 0, sizeof(*res));
	for (i = 0; c && i < r->nthreads; i++)
		if (!(c->s[i].pcpu = calloc(r->ncpus, sizeof(*c->s[i].pcpu))))
			break;
	if (!c || i < r->nthreads) {
		tg_error("out of memory for the state of %u sending threads\n", r->nthreads);
		goto out;
	}
	c->r = r;
	r->start_ns = tg_now_ns();
	r->last_ns = 0;
	c->next_check = r->start_ns + CHECK_IFACE_NS;
	ret = tg_live_run(&lf, res, &err);
	if (ret)
		tg_error("%s\n", err.msg);
	/* A thread stuck in the kernel uses them when it leaves: keep them. */
	if (res->threads_left)
		return ret;
out:
	for (i = 0; c && i < r->nthreads; i++)
		free(c->s[i].pcpu);
	free(c);
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
	bool done;

	for (i = 0; i < r->nflows; i++)
		__atomic_store_n(&r->ctl[i].limit, 0, __ATOMIC_RELAXED);
	if (tg_cpu_pin(pthread_self(), cpu) ||
	    tg_percpu_read(r->progs.gen->maps.pcpu, 0, r->pcpu, sizeof(*r->pcpu), r->ncpus))
		goto out;
	r->pcpu[cpu].first = 0;
	r->pcpu[cpu].stride = 1;
	r->pcpu[cpu].nflows = r->nflows;
	r->pcpu[cpu].cursor = 0;
	r->pcpu[cpu].burst = 0;
	if (tg_percpu_write(r->progs.gen->maps.pcpu, 0, r->pcpu, sizeof(*r->pcpu), r->ncpus))
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
			tcp_gen_call(r, (uint32_t)tg_min_u64(free, TG_TCP_REPEAT_MAX));
		else
			tg_sleep_ns(NS_PER_MS);
	}
out:
	r->end_ns = tg_now_ns();
}
