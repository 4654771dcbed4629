// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <bpf/libbpf.h>
#include "clock.h"
#include "cpu.h"
#include "percpu.h"
#include "sink/acct.h"
#include "sink/xsk_load.h"
#include "sink/xsk_sink.h"
#include "xsk_rx.h"
#include "xsk_rx.skel.h"

/*
 * Deep rings: the program fills them at the sender's pace, and the
 * socket's thread empties them between wakeups.
 */
#define RX_NFRAMES 8192		/* UMEM frames per socket */
#define RX_FILL 4096		/* frames kept in the fill ring, and the rings' size */
#define RX_BATCH 64

/*
 * Socket i's accounting, fed only by whoever drains socket i (its thread),
 * so that the frames of one queue are judged in their order, as the XDP
 * sink judges a CPU's; the lock is for the readers of totals.
 */
struct sock_acct {
	struct tg_sink_acct acct;
	pthread_mutex_t lock;
	bool lock_init;
};

/* A socket's thread (tg_sink_xsk_start). */
struct sock_thread {
	struct tg_sink_xsk *x;
	unsigned int i;
	int cpu;
	pthread_t tid;
	bool started;
};

struct tg_sink_xsk {
	struct xsk_rx_bpf *skel;
	struct bpf_link *link;
	struct sock_acct *acct;		/* one per socket */
	struct tg_pcapw *pcap;
	pthread_mutex_t pcap_lock;	/* every socket's frames go to one file */
	uint32_t snaplen;
	int ifindex;
	const char *ifname;
	unsigned int n;
	struct tg_xsk *socks;
	struct sock_thread *threads;	/* with tg_sink_xsk_start */
	atomic_bool stop;
};

int tg_sink_xsk_open(struct tg_sink_xsk **out, const struct tg_iface *iface,
		     const struct sink_cfg *cfg, int queue, enum tg_xsk_mode mode,
		     struct tg_pcapw *pcap, int epfd, uint32_t tag, struct tg_err *err)
{
	unsigned int nq = iface->num_rx_queues ? iface->num_rx_queues : 1, i, f;
	struct tg_sink_xsk *x = calloc(1, sizeof(*x));
	uint64_t addrs[RX_FILL];
	int ret;

	*out = NULL;
	if (!x)
		return tg_fail(err, ENOMEM, "no memory for the AF_XDP sink");
	if (nq > XSK_RX_MAX_QUEUES)
		nq = XSK_RX_MAX_QUEUES;
	pthread_mutex_init(&x->pcap_lock, NULL);
	x->pcap = pcap;
	x->ifindex = iface->ifindex;
	x->ifname = iface->name;
	x->snaplen = cfg->snaplen;
	x->n = queue < 0 ? nq : 1;
	x->socks = calloc(x->n, sizeof(*x->socks));
	x->acct = calloc(x->n, sizeof(*x->acct));
	ret = x->socks && x->acct ? 0 : tg_fail(err, ENOMEM, "no memory for sockets");
	for (i = 0; !ret && i < x->n; i++) {
		if (tg_sink_acct_init(&x->acct[i].acct, cfg))
			ret = tg_fail(err, ENOMEM, "no memory for the AF_XDP sink's streams");
		else
			x->acct[i].lock_init = !pthread_mutex_init(&x->acct[i].lock, NULL);
	}
	if (!ret)
		ret = tg_xsk_rx_load(&x->skel, cfg, nq, err);
	for (i = 0; !ret && i < x->n; i++) {
		struct tg_xsk_cfg xc = {
			.ifname = iface->name, .queue = queue < 0 ? i : (uint32_t)queue,
			.mode = mode, .nframes = RX_NFRAMES, .rx = true, .ring_size = RX_FILL,
			/* NET_IP_ALIGN: the IP header after 14 bytes of Ethernet lands 4-aligned. */
			.headroom = 2,
			/* Half the memory where the MTU's frames (and two tags) fit. */
			.frame_size = iface->mtu && iface->mtu + 22 <= 2048 ? 2048 : 4096,
		};
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = tag + i };

		ret = tg_xsk_open(&x->socks[i], &xc, err);
		/*
		 * The netlink count is of the queues allocated; a driver may have
		 * fewer in use (ethtool -L), which bind refuses with EINVAL: every
		 * queue means every one that takes a socket.
		 */
		if (ret == -EINVAL && queue < 0 && i > 0) {
			x->n = i;
			ret = 0;
			break;
		}
		if (ret)
			break;
		for (f = 0; f < RX_FILL; f++)
			addrs[f] = tg_xsk_addr(&x->socks[i], f);
		if (tg_xsk_fill(&x->socks[i], addrs, RX_FILL) != RX_FILL) {
			ret = tg_fail(err, ENOSPC, "queue %u: the fill ring took fewer than %u frames",
				      xc.queue, RX_FILL);
			break;
		}
		ret = tg_xsk_map(&x->socks[i], bpf_map__fd(x->skel->maps.xsks), err);
		if (!ret && epfd >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, x->socks[i].fd, &ev))
			ret = tg_fail(err, errno, "could not poll the AF_XDP socket: %s",
				      strerror(errno));
	}
	if (ret) {
		tg_sink_xsk_close(x);
		return ret;
	}
	*out = x;
	return 0;
}

int tg_sink_xsk_attach(struct tg_sink_xsk *x, struct tg_err *err)
{
	x->link = bpf_program__attach_xdp(x->skel->progs.xsk_rx, x->ifindex);
	if (x->link)
		return 0;
	return tg_fail(err, errno, "could not attach the AF_XDP redirect program to %s: %s%s",
		       x->ifname, strerror(errno),
		       errno == EBUSY || errno == EEXIST ? " (another XDP program is attached: "
		       "see 'bpftool net show')" : "");
}

/* One batch off socket i's RX ring; returns how many frames. */
static uint32_t drain_batch(struct tg_sink_xsk *x, unsigned int i)
{
	struct tg_xsk *s = &x->socks[i];
	struct sock_acct *a = &x->acct[i];
	uint64_t addrs[RX_BATCH], now = tg_now_ns();
	uint32_t n, idx, k;

	n = tg_xsk_rx_peek(s, RX_BATCH, &idx);
	if (!n)
		return 0;
	pthread_mutex_lock(&a->lock);
	for (k = 0; k < n; k++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&s->rx, idx + k);
		const uint8_t *data = tg_xsk_data(s, d->addr);

		/* The socket's frames are the sink's: counted as its default, drop. */
		if (tg_sink_acct_frame(&a->acct, data, d->len, now, XDP_DROP) && x->pcap) {
			pthread_mutex_lock(&x->pcap_lock);
			tg_pcapw_write(x->pcap, now, d->len, data,
				       d->len < x->snaplen ? d->len : x->snaplen);
			pthread_mutex_unlock(&x->pcap_lock);
		}
		/* Back to the fill ring at the frame's start, whatever its offset. */
		addrs[k] = xsk_umem__extract_addr(d->addr);
	}
	pthread_mutex_unlock(&a->lock);
	tg_xsk_rx_release(s, n);
	/* The fill ring has room for every frame it lent: this never falls short. */
	tg_xsk_fill(s, addrs, n);
	tg_xsk_rx_wakeup(s);
	return n;
}

uint64_t tg_sink_xsk_drain(struct tg_sink_xsk *x, unsigned int i)
{
	uint64_t total = 0;
	unsigned int b;
	uint32_t n = RX_BATCH;

	/* Bounded, so that signals and the other sockets get their turn. */
	for (b = 0; b < RX_FILL / RX_BATCH && n == RX_BATCH; b++) {
		n = drain_batch(x, i);
		total += n;
	}
	return total;
}

/* A socket's thread: waits for frames, takes them, until told to stop. */
static void *serve(void *arg)
{
	struct sock_thread *st = arg;
	struct tg_sink_xsk *x = st->x;
	struct pollfd pfd = { .fd = x->socks[st->i].fd, .events = POLLIN };
	sigset_t all;

	/* Signals are the caller's thread's to take. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	while (!atomic_load_explicit(&x->stop, memory_order_relaxed)) {
		/* Woken by frames; the timeout only bounds how late a stop is seen. */
		if (poll(&pfd, 1, 20) > 0)
			while (tg_sink_xsk_drain(x, st->i))
				if (atomic_load_explicit(&x->stop, memory_order_relaxed))
					break;
	}
	return NULL;
}

static void stop_threads(struct tg_sink_xsk *x)
{
	unsigned int i;

	if (!x->threads)
		return;
	atomic_store(&x->stop, true);
	for (i = 0; i < x->n; i++)
		if (x->threads[i].started)
			pthread_join(x->threads[i].tid, NULL);
	free(x->threads);
	x->threads = NULL;
}

int tg_sink_xsk_start(struct tg_sink_xsk *x, struct tg_err *err)
{
	int cpus[CPU_SETSIZE], ncpus, e;
	unsigned int i;

	ncpus = tg_cpus_allowed(cpus, CPU_SETSIZE);
	if (ncpus < 1)
		return tg_fail(err, ncpus < 0 ? -ncpus : EINVAL,
			       "could not read the CPUs this process may use");
	x->threads = calloc(x->n, sizeof(*x->threads));
	if (!x->threads)
		return tg_fail(err, ENOMEM, "no memory for the sockets' threads");
	atomic_store(&x->stop, false);
	for (i = 0; i < x->n; i++) {
		struct sock_thread *st = &x->threads[i];

		st->x = x;
		st->i = i;
		/* Queue q's thread on the q-th CPU it may use, as udp's thread t on the t-th. */
		st->cpu = cpus[x->socks[i].queue % ncpus];
		e = pthread_create(&st->tid, NULL, serve, st);
		if (e) {
			stop_threads(x);
			return tg_fail(err, e, "could not start the thread of queue %u: %s",
				       x->socks[i].queue, strerror(e));
		}
		st->started = true;
		e = tg_cpu_pin(st->tid, st->cpu);
		if (e) {
			stop_threads(x);
			return tg_fail(err, -e, "could not pin the thread of queue %u to CPU %d: %s",
				       x->socks[i].queue, st->cpu, strerror(-e));
		}
	}
	return 0;
}

uint64_t tg_sink_xsk_dropped(const struct tg_sink_xsk *x)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < x->n; i++)
		n += tg_xsk_rx_dropped(&x->socks[i]);
	return n;
}

void tg_sink_xsk_totals(struct tg_sink_xsk *x, struct tg_sink_totals *t)
{
	struct xsk_rx_pcpu sum = { 0 };
	struct tg_sink_acct *all = calloc(x->n, sizeof(*all));
	unsigned int i;
	int ncpus;
	void *v;

	/*
	 * Every socket's state at one moment: their threads wait at their next
	 * batch while the states are merged (the rings hold what arrives).
	 */
	for (i = 0; i < x->n; i++)
		pthread_mutex_lock(&x->acct[i].lock);
	for (i = 0; all && i < x->n; i++)
		all[i] = x->acct[i].acct;
	if (all)
		tg_sink_acct_totals(all, x->n, t);
	for (i = x->n; i-- > 0;)
		pthread_mutex_unlock(&x->acct[i].lock);
	free(all);
	/* The threads write the file: what it holds is read under its lock. */
	if (x->pcap) {
		pthread_mutex_lock(&x->pcap_lock);
		t->pcap_written = x->pcap->written;
		pthread_mutex_unlock(&x->pcap_lock);
	}
	/* What the program passed to the stack never reached a socket: its own counts. */
	v = tg_percpu_alloc_all(sizeof(sum), &ncpus);
	if (v && !tg_percpu_read(x->skel->maps.stats, 0, v, sizeof(sum), ncpus))
		tg_percpu_sum_all(v, sizeof(sum), ncpus, &sum);
	free(v);
	/* Frames of a queue with no socket (-q) went to the stack too. */
	t->ignored += sum.ignored + sum.no_socket;
	t->truncated += sum.truncated;
}

const char *tg_sink_xsk_mode(const struct tg_sink_xsk *x)
{
	return tg_xsk_mode_name(x->socks[0].bound);
}

unsigned int tg_sink_xsk_nsockets(const struct tg_sink_xsk *x)
{
	return x->n;
}

void tg_sink_xsk_detach(struct tg_sink_xsk *x)
{
	unsigned int i;

	bpf_link__destroy(x->link);
	x->link = NULL;
	/* Then no thread takes frames any more: what is left is taken here. */
	stop_threads(x);
	for (i = 0; i < x->n; i++)
		tg_sink_xsk_drain(x, i);
}

void tg_sink_xsk_close(struct tg_sink_xsk *x)
{
	unsigned int i;

	if (!x)
		return;
	bpf_link__destroy(x->link);
	stop_threads(x);
	for (i = 0; x->socks && i < x->n; i++)
		tg_xsk_close(&x->socks[i]);
	for (i = 0; x->acct && i < x->n; i++) {
		tg_sink_acct_free(&x->acct[i].acct);
		if (x->acct[i].lock_init)
			pthread_mutex_destroy(&x->acct[i].lock);
	}
	free(x->acct);
	free(x->socks);
	xsk_rx_bpf__destroy(x->skel);
	pthread_mutex_destroy(&x->pcap_lock);
	free(x);
}
