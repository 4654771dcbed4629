// SPDX-License-Identifier: GPL-2.0
/*
 * The bench's paired measurement of a generator mode against the ceiling:
 * one process, one pinned CPU, calls of the ceiling program (bpf/ceiling)
 * and of the UDP generator (bpf/udp_gen, configured by lib/udp_cfg exactly
 * as `trafficgen udp` configures it, header ring included) taking turns,
 * A B B A ..., each call REPEAT frames long.
 *
 * Why: this machine's CPU changes speed by up to 1.5x from one tenth of a
 * second to the next, so runs of separate processes seconds apart compare
 * different machines. Calls a few hundred ms long, side by side, compare
 * like with like, and the median of many pairs is steady.
 *
 * Each call also pays a fixed cost (the kernel sets up and tears down the
 * call's page pool: tens of ms here, shared/LIVE_FRAMES.md) that is not
 * per frame and would pull every ratio towards 1. Calls of 64 frames
 * between the pairs measure it, and each call's time less its median is
 * the time its frames took.
 *
 * Frames are counted by the sender here (a completed call sends exactly
 * REPEAT frames); the bench checks that the receiving end got the total
 * printed. A test tool: see bench_tool.h.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "lf.h"
#include "log.h"
#include "packet.h"
#include "parse.h"
#include "stats.h"
#include "target.h"
#include "udp_cfg.h"
#include "udp_ring.h"
#include "ceiling.skel.h"
#include "udp_gen.skel.h"
#include "bench_tool.h"

#define MAX_PAIRS 200
#define COST_REPEAT 64

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
		"  -k N      pairs of calls (default 20, at most %d)\n",
		MAX_PAIRS);
}

/* One live-frame call of repeat frames; its wall time in ns, or 0 on failure. */
static uint64_t call(int prog_fd, uint8_t *frame, uint32_t len, uint32_t repeat)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = len,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = TG_LF_DEFAULT_BATCH,
		.repeat = repeat,
	);
	uint64_t t0 = tg_now_ns();

	if (bpf_prog_test_run_opts(prog_fd, &opts)) {
		fprintf(stderr, "abrate: live-frame call failed: %s\n", strerror(errno));
		return 0;
	}
	return tg_now_ns() - t0;
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
	int n = libbpf_num_possible_cpus(), i, ret;
	struct udp_gen_pcpu *v;
	__u32 key = 0;

	if (n <= 0)
		return -EINVAL;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		tg_udp_cfg_thread_init(cfg, 0, &v[i]);
	ret = bpf_map__update_elem(skel->maps.pcpu, &key, sizeof(key), v, sizeof(*v) * n, 0);
	free(v);
	return ret;
}

int main(int argc, char **argv)
{
	static uint8_t frame[TG_MAX_FRAME_LEN];
	static double ratio[MAX_PAIRS], pps_c[MAX_PAIRS], pps_g[MAX_PAIRS], cost[MAX_PAIRS];
	struct bench_opts o = { 0 };
	struct tg_err err = { "" };
	struct tg_udp_params p = { 0 };
	struct udp_gen_cfg cfg;
	struct tg_layout layout;
	struct tg_target target;
	struct tg_iface iface;
	struct ceiling_bpf *ceil = NULL;
	struct udp_gen_bpf *gen = NULL;
	const char *dport = "1", *sport = "1";
	uint8_t dst_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint64_t repeat = 1 << 20, pairs = 20, dyn = 0, frames = 0;
	int cpus[TG_LF_MAX_THREADS], opt, st, ret = 1, fd[2];
	bool target_open = false;
	unsigned int k, i;
	cpu_set_t set;

	while ((opt = getopt(argc, argv, "s:a:A:p:P:d:m:r:k:h")) != -1) {
		switch (opt) {
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
	if (optind != argc - 1) {
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
		o.size = 64;
	if (tg_lf_cpus(cpus, TG_LF_MAX_THREADS) < 1)
		return die("CPUs", "no CPU to run on");
	CPU_ZERO(&set);
	CPU_SET(cpus[0], &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return die("pin", strerror(errno));
	tg_log_libbpf();
	if (tg_iface_get(argv[optind], &iface, &err))
		return die(argv[optind], err.msg);

	/* As `trafficgen udp -m MAC -a DST -A SRC -s SIZE` with the ranges. */
	p.spec.family = p.dst.family;
	p.spec.ttl = 1;
	p.spec.frame_len = o.size - TG_FCS_LEN;
	memcpy(p.spec.dst_mac, dst_mac, 6);
	memcpy(p.spec.src_mac, iface.mac, 6);
	p.ifindex = iface.ifindex;
	p.nthreads = 1;
	if (tg_udp_cfg_build(&p, &cfg, frame, &layout, &err))
		return die("template", err.msg);
	if (tg_target_open(argv[optind], &target, &err))
		return die(argv[optind], err.msg);
	target_open = true;

	ceil = ceiling_bpf__open();
	gen = udp_gen_bpf__open();
	if (!ceil || !gen) {
		die("open programs", strerror(errno));
		goto out;
	}
	ceil->rodata->target_ifindex = iface.ifindex;
	gen->rodata->cfg = cfg;
	bpf_program__set_autoload(gen->progs.udp_tmpl, false);
	if (tg_udp_ring_size(gen->maps.ring, &cfg) || ceiling_bpf__load(ceil) ||
	    udp_gen_bpf__load(gen)) {
		die("load programs", strerror(errno));
		goto out;
	}
	if (tg_udp_ring_fill(gen->maps.ring, &p, &cfg, &err)) {
		die("ring", err.msg);
		goto out;
	}
	if (init_pcpu(gen, &cfg)) {
		die("per-CPU state", strerror(errno));
		goto out;
	}
	fd[0] = bpf_program__fd(ceil->progs.ceiling);
	fd[1] = bpf_program__fd(gen->progs.udp_gen);

	/* A warm-up call of each, not counted in the figures. */
	for (i = 0; i < 2; i++) {
		if (!call(fd[i], frame, layout.len, repeat))
			goto out;
		frames += repeat;
	}
	for (k = 0; k < pairs; k++) {
		uint64_t t[2], c;

		c = call(fd[k % 2], frame, layout.len, COST_REPEAT);
		if (!c)
			goto out;
		frames += COST_REPEAT;
		cost[k] = c;
		/* A B, then B A: neither always goes first. */
		for (i = 0; i < 2; i++) {
			unsigned int which = k % 2 ? 1 - i : i;

			t[which] = call(fd[which], frame, layout.len, repeat);
			if (!t[which])
				goto out;
			frames += repeat;
		}
		pps_c[k] = t[0];
		pps_g[k] = t[1];
	}
	{
		double c = median(memcpy(ratio, cost, sizeof(cost[0]) * pairs), pairs);
		double mc, mg, lo, hi, rm;

		for (k = 0; k < pairs; k++) {
			double tc = pps_c[k] - c, tg = pps_g[k] - c;

			if (tc <= 0 || tg <= 0) {
				die("timing", "a call took less than the fixed cost: give a larger -r");
				goto out;
			}
			pps_c[k] = repeat / tc * 1e9;
			pps_g[k] = repeat / tg * 1e9;
			ratio[k] = pps_g[k] / pps_c[k];
		}
		rm = median(ratio, pairs);
		lo = ratio[0];
		hi = ratio[pairs - 1];
		mc = median(pps_c, pairs);
		mg = median(pps_g, pairs);
		printf("{\"type\":\"ab\",\"pairs\":%llu,\"repeat\":%llu,\"frames\":%llu,"
		       "\"call_cost_s\":%.6f,\"ceiling_pps\":%.0f,\"gen_pps\":%.0f,"
		       "\"ratio\":%.4f,\"ratio_min\":%.4f,\"ratio_max\":%.4f,\"ring\":%u}\n",
		       (unsigned long long)pairs, (unsigned long long)repeat,
		       (unsigned long long)frames, c / 1e9, mc, mg, rm, lo, hi, cfg.ring_len);
	}
	ret = 0;
out:
	ceiling_bpf__destroy(ceil);
	udp_gen_bpf__destroy(gen);
	if (target_open)
		tg_target_close(&target);
	return ret;
}
