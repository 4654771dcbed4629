// SPDX-License-Identifier: GPL-2.0
/*
 * The framework's ceiling for `make bench`: the template `trafficgen udp`
 * would build for single addresses and ports, redirected untouched by
 * tests/progs/ceiling.bpf.c through the same live-frame driver (lib/live.c) with the
 * same batch size and largest repeat. Whatever a generator mode costs on
 * top of this is the cost of its rewriting.
 *
 * The program counts nothing, and a call interrupted at the deadline
 * returns no count (doc/live-frames.md): the receiving end counts. We
 * print the run's duration, the frames of calls that completed (usually 0:
 * one call of 2^30 frames outlives the run) and, for the benchmark's other
 * contenders, can write the template as a netsniff-ng trafgen config (-W)
 * so that they send the very same bytes.
 *
 * A test tool: see bench_tool.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "live.h"
#include "log.h"
#include "packet.h"
#include "parse.h"
#include "target.h"
#include "udp/cfg.h"
#include "ceiling_load.h"
#include "bench_tool.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: ceiling [options] <ifname>\n"
		"Redirects trafficgen udp's template untouched out of <ifname> (the bench's ceiling).\n"
		BENCH_USAGE_SIZE "(default 64 IPv4, 66 IPv6)\n"
		"  -f 4|6    address family (default 4; sets the default addresses)\n"
		"  -a ADDR   destination address (default 198.18.0.1 or 2001:2::1)\n"
		"  -A ADDR   source address (default 198.18.0.2 or 2001:2::2)\n"
		"  -m MAC    destination MAC (default ff:ff:ff:ff:ff:ff)\n"
		"  -t N      threads, each pinned to its own CPU (default 1)\n"
		"  -b N      frames per kernel batch (default %d)\n"
		"  -M        redirect through a one-entry devmap, not by ifindex\n"
		BENCH_USAGE_DURATION
		"  -W FILE   only write the template as a trafgen config to FILE\n",
		TG_LIVE_DEFAULT_BATCH);
}

/* The frame as a netsniff-ng trafgen(8) packet: one byte literal each. */
static int write_trafgen(const char *path, const uint8_t *frame, uint32_t len)
{
	FILE *f = fopen(path, "w");
	uint32_t i;

	if (!f)
		return -errno;
	fprintf(f, "/* %u-byte frame (FCS excluded), written by tests/bench/ceiling */\n{\n",
		len);
	for (i = 0; i < len; i++)
		fprintf(f, "%s0x%02x%s", i % 12 ? " " : "  ", frame[i],
			i + 1 == len ? "\n" : (i % 12 == 11 ? ",\n" : ","));
	fprintf(f, "}\n");
	return fclose(f) ? -errno : 0;
}

int main(int argc, char **argv)
{
	struct tg_err err = { "" };
	struct tg_addr_range dst = { 0 }, src = { 0 };
	struct udp_gen_cfg cfg;
	struct tg_layout layout;
	static uint8_t frame[TG_MAX_FRAME_LEN];
	struct tg_target target;
	struct tg_iface iface;
	struct ceiling_bpf *skel = NULL;
	struct tg_live_result res;
	struct tg_live_cfg lf;
	int cpus[TG_LIVE_MAX_THREADS], ncpus, family = AF_INET, ret = 1, opt, st;
	struct bench_opts o = { .duration_ns = BENCH_DEFAULT_DURATION_NS,
				.dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	uint64_t threads = 1, batch = TG_LIVE_DEFAULT_BATCH, v;
	const char *trafgen = NULL;
	bool target_open = false, devmap = false;

	while ((opt = getopt(argc, argv, "s:f:a:A:m:t:b:D:W:Mh")) != -1) {
		switch (opt) {
		case 'f':
			if (tg_parse_uint(optarg, 4, 6, &v, &err) || v == 5)
				return die("-f", "give 4 or 6");
			family = v == 4 ? AF_INET : AF_INET6;
			break;
		case 't':
			if (tg_parse_uint(optarg, 1, TG_LIVE_MAX_THREADS, &threads, &err))
				return die("-t", err.msg);
			break;
		case 'b':
			if (tg_parse_uint(optarg, 1, TG_LIVE_MAX_BATCH, &batch, &err))
				return die("-b", err.msg);
			break;
		case 'W':
			trafgen = optarg;
			break;
		case 'M':
			devmap = true;
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
	if (bench_one_addr("-a", o.dst, family == AF_INET ? "198.18.0.1" : "2001:2::1", 0, &dst) ||
	    bench_one_addr("-A", o.src, family == AF_INET ? "198.18.0.2" : "2001:2::2", 0, &src))
		return 1;
	if (!o.size)
		o.size = tg_udp_min_frame_len(dst.family, 0, false) + TG_FCS_LEN;

	ncpus = tg_cpus_allowed(cpus, TG_LIVE_MAX_THREADS);
	if (ncpus < (int)threads)
		return die("-t", "each thread needs a CPU of its own");
	tg_log_libbpf();
	if (tg_iface_get(argv[optind], &iface, &err))
		return die(argv[optind], err.msg);

	if (bench_udp_frame(&dst, &src, o.size, o.dst_mac, &iface, threads, &cfg, frame, &layout,
			    &err)) {
		die("template", err.msg);
		goto out;
	}
	if (trafgen) {
		ret = write_trafgen(trafgen, frame, layout.len);
		if (ret) {
			die(trafgen, strerror(-ret));
			ret = 1;
		}
		goto out;
	}

	/* As trafficgen udp does: the target must take redirects. */
	if (tg_target_open(argv[optind], &target, &err)) {
		die(argv[optind], err.msg);
		goto out;
	}
	target_open = true;
	skel = bench_ceiling_load(iface.ifindex);
	if (!skel) {
		die("load ceiling program", strerror(errno));
		goto out;
	}
	lf = (struct tg_live_cfg){
		.prog_fd = bench_ceiling_fd(skel, devmap),
		.frame = frame,
		.frame_len = layout.len,
		.batch_size = batch,
		.nthreads = threads,
		.cpus = cpus,
		.duration_ns = o.duration_ns,
	};
	if (tg_live_run(&lf, &res, &err)) {
		die("run", err.msg);
		goto out;
	}
	if (res.stop == TG_LIVE_ERROR) {
		die("run", strerror(-res.error));
		goto out;
	}
	printf("{\"type\":\"summary\",\"sent\":null,\"completed_calls_frames\":%llu,"
	       "\"duration_s\":%.6f,\"pkt_size\":%llu,\"threads\":%llu,\"batch\":%llu,"
	       "\"devmap\":%s}\n",
	       (unsigned long long)res.calls_completed, res.elapsed_ns / 1e9,
	       (unsigned long long)o.size, (unsigned long long)threads,
	       (unsigned long long)batch, devmap ? "true" : "false");
	ret = 0;
out:
	ceiling_bpf__destroy(skel);
	if (target_open)
		tg_target_close(&target);
	return ret;
}
