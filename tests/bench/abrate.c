// SPDX-License-Identifier: GPL-2.0
/*
 * The bench's paired measurement of a generator mode against the ceiling:
 * one process, one pinned CPU, calls of the ceiling program
 * (tests/progs/ceiling) and of the UDP generator (bpf/udp_gen, configured
 * by lib/udp/cfg and loaded by lib/udp/load exactly as `trafficgen udp`
 * does, header ring included) taking turns, A B B A ..., each call REPEAT
 * frames long. The generator's calls run with the transmit-error counting
 * `trafficgen udp` attaches (lib/txerr), as that is part of what a frame
 * costs; the ceiling's without.
 *
 * Why: this machine's CPU changes speed by up to 1.5x from one tenth of a
 * second to the next, so runs of separate processes seconds apart compare
 * different machines. Calls a few hundred ms long, side by side, compare
 * like with like, and the median of many pairs is steady.
 *
 * Each call also pays a cost that is not per frame: the kernel tears the
 * call's page pool down after an RCU grace period, whose length varies
 * from call to call (doc/live-frames.md). So calls are not timed from
 * outside: a thread on another CPU samples the receiving interface's
 * packet counter (-R: its namespace and name) every SAMPLE_NS, and a
 * call's rate is that of its frames' middle (from 10% to 90% of them
 * arrived), counted at the receiving end.
 *
 * A test tool: see bench_tool.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include "live.h"
#include "log.h"
#include "packet.h"
#include "parse.h"
#include "percpu.h"
#include "target.h"
#include "udp/cfg.h"
#include "txerr_user.h"
#include "udp/load.h"
#include "ceiling_load.h"
#include "udp_gen.skel.h"
#include "bench_tool.h"

#define MAX_PAIRS 200
#define SAMPLE_NS 1000000ULL
#define MAX_SAMPLES 4096	/* per call: 4 s */

/* The receiver's counter, sampled while a call runs. */
struct sampler {
	const char *netns, *ifname;
	struct nl_sock *sk;
	pthread_mutex_t lock;	/* the socket: the sampler's and main()'s */
	int cpu;
	atomic_int phase;	/* 0 idle, 1 sampling, 2 quit */
	atomic_int ready;	/* 1 set up, -1 failed */
	unsigned int n;
	uint64_t t[MAX_SAMPLES], c[MAX_SAMPLES];
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: abrate [options] <ifname>\n"
		"Interleaves calls of the ceiling and of trafficgen's UDP generator (the bench's paired ratio).\n"
		BENCH_USAGE_SIZE "(default 64)\n"
		"  -a RANGE  destination addresses (default 198.18.0.1)\n"
		"  -A RANGE  source addresses (default 198.18.0.2)\n"
		"  -p RANGE  destination ports (default 1)\n"
		"  -P RANGE  source ports (default 1)\n"
		"  -d N      destination ports from -p's first to it + N - 1\n"
		"  -m MAC    destination MAC (default ff:ff:ff:ff:ff:ff)\n"
		"  -r N      frames per call (default 1M)\n"
		"  -k N      pairs of calls (default 20, at most %d)\n"
		"  -R NS:IF  the receiving interface and its namespace (ip netns), whose counter is sampled\n"
		"  -C        never the header ring: the generator computes every frame\n"
		"  -S        --stamp (the default size becomes 70)\n"
		"  -1        with -S, a clock read per frame, not per batch (as before batching)\n"
		"  -b N      frames per kernel batch, both sides (default %d)\n"
		"  -B N      frames per kernel batch of the generator (or -X's, -x's form) only\n"
		"  -x        instead of the generator, the same ceiling form (with -B: batch against batch)\n"
		"  -M        the ceiling through a one-entry devmap, not by ifindex\n"
		"  -I        the generator redirects by ifindex (trafficgen udp: through its devmap)\n"
		"  -X        instead of the generator, the other ceiling form (the ratio is\n"
		"            devmap over ifindex without -M, ifindex over devmap with it)\n",
		MAX_PAIRS, TG_LIVE_DEFAULT_BATCH);
}

static int rx_packets(struct sampler *s, uint64_t *out)
{
	struct rtnl_link *link;
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = rtnl_link_get_kernel(s->sk, 0, s->ifname, &link);
	pthread_mutex_unlock(&s->lock);
	if (ret < 0)
		return ret;
	*out = rtnl_link_get_stat(link, RTNL_LINK_RX_PACKETS);
	rtnl_link_put(link);
	return 0;
}

static void *sampler_main(void *arg)
{
	struct sampler *s = arg;
	char path[256];
	int fd;

	tg_cpu_pin(pthread_self(), s->cpu);
	/* The namespace is this thread's alone; the socket stays in it. */
	snprintf(path, sizeof(path), "/var/run/netns/%s", s->netns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET) || !(s->sk = nl_socket_alloc()) ||
	    nl_connect(s->sk, NETLINK_ROUTE)) {
		if (fd >= 0)
			close(fd);
		atomic_store(&s->ready, -1);
		return NULL;
	}
	close(fd);
	{
		/* The interface must be there and its counter readable. */
		uint64_t c;

		if (rx_packets(s, &c)) {
			nl_socket_free(s->sk);
			atomic_store(&s->ready, -1);
			return NULL;
		}
	}
	atomic_store(&s->ready, 1);
	while (atomic_load(&s->phase) != 2) {
		struct timespec ts = { 0, SAMPLE_NS };

		if (atomic_load(&s->phase) == 1 && s->n < MAX_SAMPLES) {
			uint64_t t = tg_now_ns(), c;

			if (!rx_packets(s, &c)) {
				s->t[s->n] = t;
				s->c[s->n] = c;
				s->n++;
			}
		}
		nanosleep(&ts, NULL);
	}
	nl_socket_free(s->sk);
	return NULL;
}

/*
 * The rate of the middle of a call's frames at the receiver: from the
 * first sample with 10% of them in to the first with 90%.
 */
static double mid_rate(const struct sampler *s, uint64_t c0, uint64_t repeat)
{
	unsigned int i, a = UINT32_MAX, b = UINT32_MAX;

	for (i = 0; i < s->n; i++) {
		if (a == UINT32_MAX && s->c[i] >= c0 + repeat / 10)
			a = i;
		if (b == UINT32_MAX && s->c[i] >= c0 + repeat / 10 * 9)
			b = i;
	}
	if (a == UINT32_MAX || b == UINT32_MAX || b <= a || s->t[b] == s->t[a])
		return 0;
	return (double)(s->c[b] - s->c[a]) / (s->t[b] - s->t[a]) * 1e9;
}

/* One live-frame call of repeat frames; 0 or -1 (said on stderr). */
/* Frames per kernel batch of every call (-b), and of side B's (-B; 0: -b's). */
static uint32_t batch = TG_LIVE_DEFAULT_BATCH, batch_b;

static int call(int prog_fd, uint8_t *frame, uint32_t len, uint32_t repeat, uint32_t bsize)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = bsize,
		.repeat = repeat,
	);

	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		fprintf(stderr, "abrate: live-frame call failed: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* A call, sampled: its middle rate at the receiver, or 0 on failure. */
static double sampled_call(struct sampler *s, int prog_fd, uint8_t *frame, uint32_t len,
			   uint32_t repeat, uint32_t bsize)
{
	uint64_t c0;
	double r;
	int ret;

	if (rx_packets(s, &c0))
		return 0;
	s->n = 0;
	atomic_store(&s->phase, 1);
	ret = call(prog_fd, frame, len, repeat, bsize);
	/* The last frames reach the receiver a little after the call returns. */
	usleep(3 * SAMPLE_NS / 1000);
	atomic_store(&s->phase, 0);
	usleep(2 * SAMPLE_NS / 1000);
	if (ret)
		return 0;
	r = mid_rate(s, c0, repeat);
	if (!r)
		fprintf(stderr, "abrate: too few samples in a call of %u frames: give a larger -r\n",
			repeat);
	return r;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Thread 0's starting state in every CPU's slot of udp_gen's per-CPU map. */
static int init_pcpu(struct udp_gen_bpf *skel, const struct udp_gen_cfg *cfg)
{
	int n = tg_percpu_ncpus(), i, ret;
	struct udp_gen_pcpu *v;

	if (n < 0)
		return n;
	v = tg_percpu_alloc(sizeof(*v), n);
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		tg_udp_cfg_thread_init(cfg, 0, &v[i]);
	ret = tg_percpu_write(skel->maps.pcpu, 0, v, sizeof(*v), n);
	free(v);
	return ret;
}

int main(int argc, char **argv)
{
	static uint8_t frame[TG_MAX_FRAME_LEN];
	static double ratio[MAX_PAIRS], pps_c[MAX_PAIRS], pps_g[MAX_PAIRS];
	static struct sampler smp = { .lock = PTHREAD_MUTEX_INITIALIZER };
	pthread_t smp_tid;
	bool smp_started = false;
	char *recv = NULL;
	struct bench_opts o = { 0 };
	struct tg_err err = { "" };
	struct tg_udp_params p = { 0 };
	struct udp_gen_cfg cfg;
	struct tg_layout layout;
	struct tg_target target;
	struct tg_iface iface;
	struct ceiling_bpf *ceil = NULL;
	struct tg_udp_gen gen = { 0 };
	const char *dport = "1", *sport = "1";
	uint8_t dst_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint64_t repeat = 1 << 20, pairs = 20, dyn = 0, frames = 0;
	int cpus[TG_LIVE_MAX_THREADS], opt, st, ret = 1, fd[2], ifindex;
	bool target_open = false, per_frame = false, devmap = false, other_ceiling = false;
	bool by_ifindex = false, same_ceiling = false;
	uint64_t v;
	unsigned int k, i;

	while ((opt = getopt(argc, argv, "s:a:A:p:P:d:m:r:k:R:CS1b:B:MXxIh")) != -1) {
		switch (opt) {
		case 'C':
			p.no_ring = true;
			break;
		case 'S':
			p.stamp = true;
			break;
		case '1':
			per_frame = true;
			break;
		case 'b':
			if (tg_parse_uint(optarg, 1, TG_LIVE_MAX_BATCH, &v, &err))
				return die("-b", err.msg);
			batch = v;
			break;
		case 'B':
			if (tg_parse_uint(optarg, 1, TG_LIVE_MAX_BATCH, &v, &err))
				return die("-B", err.msg);
			batch_b = v;
			break;
		case 'x':
			same_ceiling = true;
			break;
		case 'M':
			devmap = true;
			break;
		case 'X':
			other_ceiling = true;
			break;
		case 'I':
			by_ifindex = true;
			break;
		case 'R':
			recv = strdup(optarg);
			if (!recv || !strchr(recv, ':'))
				return die("-R", "give NETNS:IFNAME");
			*strchr(recv, ':') = 0;
			smp.netns = recv;
			smp.ifname = recv + strlen(recv) + 1;
			break;
		case 'p':
			dport = optarg;
			break;
		case 'P':
			sport = optarg;
			break;
		case 'd':
			if (tg_parse_uint(optarg, 1, 65536, &dyn, &err))
				return die("-d", err.msg);
			break;
		case 'm':
			if (tg_parse_mac(optarg, dst_mac, &err))
				return die("-m", err.msg);
			break;
		case 'r':
			if (tg_parse_count(optarg, &repeat, &err) || repeat < 1024 ||
			    repeat > UINT32_MAX)
				return die("-r", err.msg[0] ? err.msg : "give 1024 to 2^32-1 frames");
			break;
		case 'k':
			if (tg_parse_uint(optarg, 1, MAX_PAIRS, &pairs, &err))
				return die("-k", err.msg);
			break;
		default:
			st = bench_opt(opt, optarg, &o, usage);
			if (st != BENCH_OPT_TAKEN)
				return st;
		}
	}
	if (optind != argc - 1 || !recv) {
		usage(stderr);
		return 2;
	}
	if (tg_parse_addr_range(o.dst ? o.dst : "198.18.0.1", &p.dst, &err))
		return die("-a", err.msg);
	if (tg_parse_addr_range(o.src ? o.src : "198.18.0.2", &p.src, &err))
		return die("-A", err.msg);
	if (tg_parse_port_range(dport, &p.dport, &err))
		return die("-p", err.msg);
	if (tg_parse_port_range(sport, &p.sport, &err))
		return die("-P", err.msg);
	if (dyn) {
		if (p.dport.first + dyn - 1 > 65535)
			return die("-d", "the ports would pass 65535");
		p.dport.count = dyn;
	}
	if (!o.size)
		o.size = p.stamp ? 70 : 64;
	/* As trafficgen udp: the stamp's clock once a kernel batch. */
	if (!batch_b)
		batch_b = batch;
	p.batch = per_frame ? 1 : batch_b;
	p.devmap = !by_ifindex;
	if (tg_cpus_allowed(cpus, TG_LIVE_MAX_THREADS) < 2)
		return die("CPUs", "needs two: one sends, one samples the receiver");
	smp.cpu = cpus[1];
	if (pthread_create(&smp_tid, NULL, sampler_main, &smp))
		return die("sampler", strerror(errno));
	smp_started = true;
	while (!atomic_load(&smp.ready))
		usleep(1000);
	if (atomic_load(&smp.ready) < 0) {
		die(smp.ifname, "cannot read its counters in that namespace");
		goto out;
	}
	st = tg_cpu_pin(pthread_self(), cpus[0]);
	if (st)
		return die("pin", strerror(-st));
	tg_log_libbpf();
	if (tg_iface_get(argv[optind], &iface, &err))
		return die(argv[optind], err.msg);

	/* As `trafficgen udp -m MAC -a DST -A SRC -s SIZE` with the ranges. */
	p.spec.family = p.dst.family;
	p.spec.ttl = 1;
	p.spec.frame_len = o.size - TG_FCS_LEN;
	memcpy(p.spec.dst_mac, dst_mac, 6);
	memcpy(p.spec.src_mac, iface.mac, 6);
	p.ifindex = ifindex = iface.ifindex;
	p.nthreads = 1;
	if (tg_udp_cfg_build(&p, &cfg, frame, &layout, &err))
		return die("template", err.msg);
	if (tg_target_open(argv[optind], &target, &err))
		return die(argv[optind], err.msg);
	target_open = true;

	ceil = bench_ceiling_load(iface.ifindex);
	if (!ceil) {
		die("load ceiling program", strerror(errno));
		goto out;
	}
	if (tg_udp_load(&gen, &(struct tg_udp_load){ .cfg = &cfg, .params = &p }, &err)) {
		die("udp_gen", err.msg);
		goto out;
	}
	if (init_pcpu(gen.skel, &cfg)) {
		die("per-CPU state", strerror(errno));
		goto out;
	}
	fd[0] = bench_ceiling_fd(ceil, devmap);
	fd[1] = other_ceiling ? bench_ceiling_fd(ceil, !devmap) :
		same_ceiling ? bench_ceiling_fd(ceil, devmap) : gen.prog_fd;

	/* A warm-up call of each, not counted in the figures. */
	for (i = 0; i < 2; i++) {
		if (call(fd[i], frame, layout.len, repeat, i ? batch_b : batch))
			goto out;
		frames += repeat;
	}
	for (k = 0; k < pairs; k++) {
		double r[2];

		/* A B, then B A: neither always goes first. */
		for (i = 0; i < 2; i++) {
			unsigned int which = k % 2 ? 1 - i : i;
			struct tg_txerr tx;

			if (which == 1)
				tg_txerr_open(&tx, &ifindex, 1);
			r[which] = sampled_call(&smp, fd[which], frame, layout.len, repeat,
						which ? batch_b : batch);
			if (which == 1)
				tg_txerr_close(&tx);
			if (!r[which])
				goto out;
			frames += repeat;
		}
		pps_c[k] = r[0];
		pps_g[k] = r[1];
		ratio[k] = r[1] / r[0];
	}
	{
		double rm = median(ratio, pairs), lo = ratio[0], hi = ratio[pairs - 1];

		printf("{\"type\":\"ab\",\"pairs\":%llu,\"repeat\":%llu,\"frames\":%llu,"
		       "\"ceiling_pps\":%.0f,\"gen_pps\":%.0f,"
		       "\"ratio\":%.4f,\"ratio_min\":%.4f,\"ratio_max\":%.4f,\"ring\":%u,\"prog\":\"%s\","
		       "\"batch\":%u,\"batch_b\":%u,\"ceiling_devmap\":%s,\"gen_devmap\":%s}\n",
		       (unsigned long long)pairs, (unsigned long long)repeat,
		       (unsigned long long)frames, median(pps_c, pairs), median(pps_g, pairs),
		       rm, lo, hi, cfg.ring_len,
		       other_ceiling ? (devmap ? "ceiling" : "ceiling_map") :
		       same_ceiling ? (devmap ? "ceiling_map" : "ceiling") :
		       bpf_program__name(tg_udp_prog(gen.skel, gen.which)),
		       batch, batch_b, devmap ? "true" : "false", by_ifindex ? "false" : "true");
	}
	ret = 0;
out:
	if (smp_started) {
		atomic_store(&smp.phase, 2);
		pthread_join(smp_tid, NULL);
	}
	free(recv);
	ceiling_bpf__destroy(ceil);
	udp_gen_bpf__destroy(gen.skel);
	if (target_open)
		tg_target_close(&target);
	return ret;
}
