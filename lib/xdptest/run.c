// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include "clock.h"
#include "ethtool.h"
#include "live.h"
#include "percpu.h"
#include "sink/xsk_sink.h"
#include "txerr_user.h"
#include "udp/load.h"
#include "xdptest.h"
#include "xdptest.skel.h"
#include "xdptest/run.h"

/* bpf/xdptest attached to an interface through a link (gone with the process). */
struct xt_prog {
	struct xdptest_bpf *skel;
	struct bpf_link *link;
};

static int prog_attach(struct xt_prog *p, const struct tg_iface *ifc, enum xdptest_verdict v,
		       uint16_t port, int redirect_ifindex, struct tg_err *err)
{
	uint32_t key = 0, val = redirect_ifindex;
	int ret;

	p->skel = xdptest_bpf__open();
	if (!p->skel)
		return tg_fail(err, errno, "could not open bpf/xdptest: %s", strerror(errno));
	p->skel->rodata->cfg.verdict = v;
	p->skel->rodata->cfg.dport = htons(port);
	ret = xdptest_bpf__load(p->skel);
	if (ret)
		return tg_fail(err, -ret, "could not load bpf/xdptest: %s (needs root or CAP_BPF "
			       "and CAP_NET_ADMIN)", strerror(-ret));
	if (v == XDPTEST_REDIRECT &&
	    bpf_map_update_elem(bpf_map__fd(p->skel->maps.redirect), &key, &val, 0))
		return tg_fail(err, errno, "could not put ifindex %d in the devmap: %s",
			       redirect_ifindex, strerror(errno));
	p->link = bpf_program__attach_xdp(p->skel->progs.xdptest, ifc->ifindex);
	if (!p->link)
		return tg_fail(err, errno, "could not attach an XDP program to %s: %s: is "
			       "another program attached? See 'trafficgen probe -i %s'",
			       ifc->name, strerror(errno), ifc->name);
	return 0;
}

static void prog_close(struct xt_prog *p)
{
	bpf_link__destroy(p->link);
	xdptest_bpf__destroy(p->skel);
	p->link = NULL;
	p->skel = NULL;
}

/* The program's counts summed over CPUs (zero before it is loaded). */
static struct xdptest_pcpu prog_counts(const struct xt_prog *p)
{
	struct xdptest_pcpu *v, sum = { 0 };
	int ncpus;

	if (!p->skel)
		return sum;
	v = tg_percpu_alloc_all(sizeof(*v), &ncpus);
	if (v && !tg_percpu_read(p->skel->maps.counts, 0, v, sizeof(*v), ncpus))
		tg_percpu_sum_all(v, sizeof(*v), ncpus, &sum);
	free(v);
	return sum;
}

static uint64_t prog_frames(const struct xt_prog *p)
{
	return prog_counts(p).frames;
}

/* The kernel's count of frames the interface received (XDP drops included). */
static int rx_packets(int ifindex, uint64_t *v)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = NULL;
	int ret = -ENOMEM;

	if (sk && !nl_connect(sk, NETLINK_ROUTE))
		ret = rtnl_link_get_kernel(sk, ifindex, NULL, &link) < 0 ? -EIO : 0;
	if (!ret)
		*v = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS);
	rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}

/* A judge's reading thread and its count of the frames it took. */
struct reader {
	pthread_t thread;
	bool running;
	atomic_bool stop;
	atomic_ullong n;
};

static int reader_start(struct reader *rd, void *(*loop)(void *), void *arg)
{
	atomic_store(&rd->stop, false);
	atomic_store(&rd->n, 0);
	rd->running = !pthread_create(&rd->thread, NULL, loop, arg);
	return rd->running ? 0 : -EAGAIN;
}

/* Called first by a reading thread. */
static void reader_block_signals(void)
{
	sigset_t all;

	/* Signals are the sending thread's to take (lib/live.h): never this one's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
}

static void reader_stop(struct reader *rd)
{
	if (!rd->running)
		return;
	atomic_store(&rd->stop, true);
	pthread_join(rd->thread, NULL);
	rd->running = false;
}

/* The pass check's judge: a UDP socket of ours, drained by a thread. */
struct udp_rx {
	int fd;
	struct reader rd;
};

static void *udp_rx_loop(void *arg)
{
	struct udp_rx *u = arg;
	struct mmsghdr msgs[64];
	struct iovec iov[64];
	static __thread char buf[64][64];
	struct pollfd pfd = { .fd = u->fd, .events = POLLIN };
	int i, n;

	reader_block_signals();
	for (i = 0; i < 64; i++) {
		iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	while (!atomic_load(&u->rd.stop)) {
		if (poll(&pfd, 1, 20) <= 0)
			continue;
		while ((n = recvmmsg(u->fd, msgs, 64, MSG_DONTWAIT, NULL)) > 0)
			atomic_fetch_add(&u->rd.n, n);
	}
	return NULL;
}

static int udp_rx_open(struct udp_rx *u, const struct tg_xt_setup *s, struct tg_err *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = s->dst,
				  .sin_port = htons(s->port) };
	/* Room for a burst the reader has not caught up with yet. */
	int size = 32 << 20;

	u->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (u->fd < 0)
		return tg_fail(err, errno, "could not open a UDP socket: %s", strerror(errno));
	if (setsockopt(u->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (bind(u->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(u->fd);
		return tg_fail(err, errno, "could not bind a UDP socket to %s:%u: %s",
			       inet_ntoa(s->dst), s->port, strerror(errno));
	}
	if (reader_start(&u->rd, udp_rx_loop, u)) {
		close(u->fd);
		return tg_fail(err, EAGAIN, "could not start the UDP reader");
	}
	return 0;
}

static void udp_rx_close(struct udp_rx *u)
{
	reader_stop(&u->rd);
	close(u->fd);
}

/*
 * The xsk check's judge: sink --xsk's receiver (bpf/xsk_rx and a socket on
 * each of the DUT's queues), its sockets drained by a thread that counts
 * the frames they took.
 */
struct xsk_rx {
	struct tg_sink_xsk *x;
	int epfd;
	struct reader rd;
};

static void *xsk_rx_loop(void *arg)
{
	struct xsk_rx *u = arg;
	struct epoll_event ev[16];
	int i, n;

	reader_block_signals();
	while (!atomic_load(&u->rd.stop)) {
		n = epoll_wait(u->epfd, ev, 16, 20);
		for (i = 0; i < n; i++)
			atomic_fetch_add(&u->rd.n, tg_sink_xsk_drain(u->x, ev[i].data.u32));
	}
	return NULL;
}

/*
 * Opens the sockets (copy mode on a veth, which has no zero-copy; the best
 * the driver offers elsewhere) and attaches the program. A socket that
 * cannot be opened or bound leaves the check not available, saying why
 * (*why, and err); anything else is an error.
 */
static int xsk_rx_open(struct xsk_rx *u, const struct tg_xt_setup *s, char *why, size_t why_len,
		       struct tg_err *err)
{
	struct sink_cfg cfg = {
		.action = XDP_DROP, .proto = IPPROTO_UDP, .port_filter = 1,
		.port_lo = s->port, .port_hi = s->port, .snaplen = 64,
	};
	enum tg_xsk_mode mode = strcmp(s->dut.kind, "veth") ? TG_XSK_AUTO : TG_XSK_COPY;
	int ret;

	u->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (u->epfd < 0)
		return tg_fail(err, errno, "could not create an epoll instance: %s", strerror(errno));
	ret = tg_sink_xsk_open(&u->x, &s->dut, &cfg, -1, mode, NULL, u->epfd, 0, err);
	if (ret) {
		snprintf(why, why_len, "no AF_XDP socket on %s (%s): %s", s->dut.name,
			 tg_xsk_mode_name(mode), strerror(-ret));
		close(u->epfd);
		u->epfd = -1;
		return 1;
	}
	ret = tg_sink_xsk_attach(u->x, err);
	if (!ret && reader_start(&u->rd, xsk_rx_loop, u))
		ret = tg_fail(err, EAGAIN, "could not start the AF_XDP reader");
	return ret;
}

static void xsk_rx_close(struct xsk_rx *u)
{
	reader_stop(&u->rd);
	tg_sink_xsk_close(u->x);
	u->x = NULL;
	if (u->epfd >= 0)
		close(u->epfd);
	u->epfd = -1;
}

/* What a check has attached and opened. */
struct xt_run {
	const struct tg_xt_setup *s;
	enum tg_xt_check check;
	struct xt_prog dut, counter, tx;
	bool udp_open;
	struct udp_rx udp;
	struct xsk_rx xsk;
	struct tg_ethtool_stats st_dut, st_tx;
	/* The generator of the pass under way. */
	struct tg_udp_gen gen;
	int ncpus;
};

/* The independent count of the check so far. */
static uint64_t seen_now(struct xt_run *r, uint64_t base)
{
	uint64_t v = 0;

	switch (r->check) {
	case TG_XT_PASS:
		v = atomic_load(&r->udp.rd.n);
		break;
	case TG_XT_DROP:
		/*
		 * Frames that are not the run's (the stack's own: IPv6
		 * neighbour discovery, ARP) go through the program too, which
		 * counts them apart.
		 */
		if (rx_packets(r->s->dut.ifindex, &v))
			return 0;
		v -= prog_counts(&r->dut).others;
		break;
	case TG_XT_TX:
	case TG_XT_REDIRECT:
		v = prog_frames(&r->counter);
		break;
	case TG_XT_XSK:
		v = atomic_load(&r->xsk.rd.n);
		break;
	default:
		break;
	}
	return v - base;
}

static uint64_t thread_sent(void *arg, unsigned int thread)
{
	struct xt_run *r = arg;
	struct udp_gen_pcpu *v = tg_percpu_alloc(sizeof(*v), r->ncpus);
	uint64_t n = 0;

	if (v && !tg_percpu_read(r->gen.skel->maps.pcpu, 0, v, sizeof(*v), r->ncpus))
		n = v[r->s->cpus[thread]].packets;
	free(v);
	return n;
}

/*
 * Sends s->count frames out of the tx interface, paced at pps (0: as fast
 * as they go). *sent: frames the generator redirected.
 */
static int send_frames(struct xt_run *r, uint32_t size, double pps, uint64_t *sent,
		       uint64_t *elapsed_ns, struct tg_err *err)
{
	const struct tg_xt_setup *s = r->s;
	uint8_t frame[TG_MAX_FRAME_LEN];
	struct tg_layout layout;
	struct udp_gen_cfg cfg;
	struct tg_pace pace;
	struct tg_udp_params p = {
		.spec = { .family = AF_INET, .ttl = 64, .frame_len = size - TG_FCS_LEN },
		.src = { .family = AF_INET, .first.v4 = s->src, .count = 1 },
		.dst = { .family = AF_INET, .first.v4 = s->dst, .count = 1 },
		.sport = { .first = s->port, .count = 1 },
		.dport = { .first = s->port, .count = 1 },
		.ifindex = s->tx.ifindex,
		.nthreads = s->nthreads,
	};
	struct tg_udp_load in = { .cfg = &cfg, .params = &p };
	struct tg_live_cfg split = { .count = s->count, .nthreads = s->nthreads };
	struct tg_live_result res;
	struct udp_gen_pcpu *pc;
	unsigned int t;
	uint64_t now;
	int ret;

	memcpy(p.spec.dst_mac, s->dut.mac, 6);
	memcpy(p.spec.src_mac, s->tx.mac, 6);
	if (pps > 0) {
		ret = tg_pace_plan(pps, s->nthreads, 0, &pace, err);
		if (ret)
			return ret;
		p.pace = &pace;
	}
	ret = tg_udp_cfg_build(&p, &cfg, frame, &layout, err);
	if (!ret)
		ret = tg_udp_load(&r->gen, &in, err);
	if (ret)
		return ret;
	pc = tg_percpu_alloc_all(sizeof(*pc), &r->ncpus);
	if (!pc) {
		ret = tg_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	now = tg_now_ns();
	for (t = 0; t < s->nthreads; t++) {
		struct udp_gen_pcpu *c = &pc[s->cpus[t]];

		tg_udp_cfg_thread_init(&cfg, t, c);
		if (pps > 0) {
			/* A paced program drops the frames before their slot: it stops itself at its quota. */
			c->limit = tg_live_quota(&split, t);
			c->next_slot = c->first_tx = now;
		}
	}
	ret = tg_percpu_write(r->gen.skel->maps.pcpu, 0, pc, sizeof(*pc), r->ncpus);
	if (ret) {
		tg_fail(err, -ret, "could not write the generator's state: %s", strerror(-ret));
		goto out;
	}
	ret = tg_live_run(&(struct tg_live_cfg){
			.prog_fd = r->gen.prog_fd, .frame = frame, .frame_len = layout.len,
			.batch_size = pps > 0 ? pace.burst : TG_LIVE_DEFAULT_BATCH,
			.nthreads = s->nthreads, .cpus = s->cpus, .count = s->count,
			.thread_sent = thread_sent, .arg = r, .prog_counts = pps > 0,
		}, &res, err);
	if (ret)
		goto out;
	if (res.stop == TG_LIVE_SIGNAL) {
		ret = -EINTR;
		goto out;
	}
	if (res.stop == TG_LIVE_ERROR) {
		ret = tg_fail(err, -res.error, "sending out of %s failed: %s", s->tx.name,
			      strerror(-res.error));
		goto out;
	}
	ret = tg_percpu_read(r->gen.skel->maps.pcpu, 0, pc, sizeof(*pc), r->ncpus);
	*sent = ret ? 0 : TG_PERCPU_SUM(pc, r->ncpus, packets);
	*elapsed_ns = res.elapsed_ns;
out:
	free(pc);
	udp_gen_bpf__destroy(r->gen.skel);
	r->gen.skel = NULL;
	return ret;
}

/*
 * Frames may still be in the receiver's rings when the sender returns: the
 * count is final once it reached what was sent or stood still a while.
 */
static uint64_t settle(struct xt_run *r, uint64_t base, uint64_t sent)
{
	uint64_t v = seen_now(r, base), last = v, deadline = tg_now_ns() + 2000000000ULL;
	unsigned int still = 0;

	while (v < sent && still < 5 && tg_now_ns() < deadline) {
		tg_sleep_ns(20000000);
		v = seen_now(r, base);
		still = v == last ? still + 1 : 0;
		last = v;
	}
	return v;
}

static uint64_t base_now(struct xt_run *r)
{
	return seen_now(r, 0);
}

static void read_stats(struct tg_ethtool_stats *st)
{
	if (st->n && tg_ethtool_stats_read(st))
		memset(st->vals, 0, st->n * sizeof(*st->vals));
}

static void judge_ctrs(struct xt_run *r, struct tg_xt_row *row, uint64_t *dut0, uint64_t *tx0,
		       uint64_t sent)
{
	const struct tg_xt_ctr_spec *spec;
	unsigned int n, i, k;

	spec = tg_xt_ctr_specs(r->check, &n);
	row->nctrs = n;
	for (i = 0; i < n; i++) {
		struct tg_ethtool_stats *st = spec[i].on_tx ? &r->st_tx : &r->st_dut;
		uint64_t *before = spec[i].on_tx ? tx0 : dut0;
		uint64_t a = 0, b = 0;
		bool found = false;

		row->ctrs[i].dir = spec[i].dir;
		row->ctrs[i].what = spec[i].names[0];
		row->ctrs[i].ifname = spec[i].on_tx ? r->s->tx.name : r->s->dut.name;
		for (k = 0; k < TG_XT_MAX_NAMES && spec[i].names[k] && !found; k++) {
			found = tg_ethtool_sum(st->names, before, st->n, spec[i].dir, spec[i].names[k], &a) &&
				tg_ethtool_sum(st->names, st->vals, st->n, spec[i].dir, spec[i].names[k], &b);
			if (found)
				row->ctrs[i].what = spec[i].names[k];
		}
		tg_xt_ctr_judge(&row->ctrs[i], found, b - a, spec[i].errors ? 0 : sent);
	}
}

/* One pass at pps (0: full rate): row's counts, and the driver's counters. */
static int one_pass(struct xt_run *r, uint32_t size, double pps, struct tg_xt_row *row,
		    uint64_t *elapsed_ns, struct tg_err *err)
{
	uint64_t *dut0 = calloc(r->st_dut.n + 1, sizeof(uint64_t));
	uint64_t *tx0 = calloc(r->st_tx.n + 1, sizeof(uint64_t));
	uint64_t base, prog0, sent = 0;
	struct tg_txerr txerr = { 0 };
	int ret = -ENOMEM;

	if (!dut0 || !tx0)
		goto out;
	read_stats(&r->st_dut);
	read_stats(&r->st_tx);
	if (r->st_dut.n)
		memcpy(dut0, r->st_dut.vals, r->st_dut.n * sizeof(uint64_t));
	if (r->st_tx.n)
		memcpy(tx0, r->st_tx.vals, r->st_tx.n * sizeof(uint64_t));
	base = base_now(r);
	prog0 = prog_frames(&r->dut);
	if (r->check == TG_XT_XMIT)
		tg_txerr_open(&txerr, &r->s->tx.ifindex, 1);
	ret = send_frames(r, size, pps, &sent, elapsed_ns, err);
	if (ret)
		goto out;
	row->sent = sent;
	if (r->check == TG_XT_XMIT)
		row->seen = sent - tg_txerr_read_final(&txerr, 0, sent);
	else
		row->seen = settle(r, base, sent);
	row->prog_seen = prog_frames(&r->dut) - prog0;
	row->exact = tg_xt_exact(r->check, row->sent, row->seen, row->prog_seen);
	read_stats(&r->st_dut);
	read_stats(&r->st_tx);
	judge_ctrs(r, row, dut0, tx0, sent);
out:
	tg_txerr_close(&txerr);
	free(dut0);
	free(tx0);
	return ret;
}

static enum xdptest_verdict dut_verdict(enum tg_xt_check c)
{
	switch (c) {
	case TG_XT_PASS:
		return XDPTEST_PASS;
	case TG_XT_TX:
		return XDPTEST_TX;
	case TG_XT_REDIRECT:
		return XDPTEST_REDIRECT;
	default:
		/* drop, and xmit: the DUT takes the frames and ends them. */
		return XDPTEST_DROP;
	}
}

/*
 * Attaches what check c needs; its counters opened. 1: the check cannot
 * run here, the reason in row->why_not.
 */
static int prepare(struct xt_run *r, struct tg_xt_row *row, struct tg_err *err)
{
	const struct tg_xt_setup *s = r->s;
	int ret;

	if (r->check == TG_XT_XSK)
		ret = xsk_rx_open(&r->xsk, s, row->why_not, sizeof(row->why_not), err);
	else
		ret = prog_attach(&r->dut, &s->dut, dut_verdict(r->check), s->port,
				  s->have_rd ? s->rd.ifindex : 0, err);
	/* The bounced frames go on to the stack after being counted: a capture on the tx end sees them. */
	if (!ret && r->check == TG_XT_TX)
		ret = prog_attach(&r->counter, &s->tx, XDPTEST_PASS, s->port, 0, err);
	else if (!ret && s->tx_needs_prog)
		ret = prog_attach(&r->tx, &s->tx, XDPTEST_PASS, s->port, 0, err);
	if (!ret && r->check == TG_XT_REDIRECT)
		ret = prog_attach(&r->counter, &s->rd_peer, XDPTEST_DROP, s->port, 0, err);
	if (!ret && r->check == TG_XT_PASS) {
		ret = udp_rx_open(&r->udp, s, err);
		r->udp_open = !ret;
	}
	if (!ret)
		tg_ethtool_stats_open(&r->st_dut, s->dut.name);
	if (!ret && r->check == TG_XT_XMIT)
		tg_ethtool_stats_open(&r->st_tx, s->tx.name);
	return ret;
}

static void finish(struct xt_run *r)
{
	if (r->udp_open)
		udp_rx_close(&r->udp);
	xsk_rx_close(&r->xsk);
	prog_close(&r->counter);
	prog_close(&r->tx);
	prog_close(&r->dut);
	tg_ethtool_stats_close(&r->st_dut);
	tg_ethtool_stats_close(&r->st_tx);
}

/* Paced passes at most, each at a quarter of the last one's rate. */
#define XT_PACED_TRIES 3

int tg_xt_run_check(const struct tg_xt_setup *s, enum tg_xt_check c, uint32_t size,
		    struct tg_xt_row *row, struct tg_err *err)
{
	struct xt_run r = { .s = s, .check = c, .xsk.epfd = -1 };
	uint64_t ns = 0;
	double pps;
	int i, ret;

	memset(row, 0, sizeof(*row));
	row->check = c;
	row->size = size;
	if (c == TG_XT_REDIRECT && !s->have_rd) {
		snprintf(row->why_not, sizeof(row->why_not), "no --redirect-to interface");
		return 0;
	}
	ret = prepare(&r, row, err);
	if (ret == 1) {
		ret = 0;
		goto out;
	}
	row->available = true;
	if (!ret)
		ret = one_pass(&r, size, 0, row, &ns, err);
	if (ret)
		goto out;
	row->pps_full = ns ? row->seen * 1e9 / ns : 0;
	row->lost_full = row->sent > row->seen ? row->sent - row->seen : 0;
	/* Lost at full rate: again at what the DUT kept up with, halved, until exact. */
	pps = row->pps_full / 2;
	for (i = 0; !row->exact && row->lost_full && row->seen && i < XT_PACED_TRIES; i++) {
		if (pps < 1000)
			pps = 1000;
		row->paced_pps = pps;
		ret = one_pass(&r, size, pps, row, &ns, err);
		if (ret)
			break;
		pps /= 4;
	}
out:
	finish(&r);
	return ret;
}
