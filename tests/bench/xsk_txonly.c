// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP reference of `make bench`: the smallest honest transmit-only
 * AF_XDP loop, of the design xdp-trafficgen's xsk-udp took from the
 * kernel's xdpsock --txonly, to set `trafficgen udp --xsk` beside (the
 * real xsk-udp cannot be built here). One socket on one queue, copy mode by
 * default, need_wakeup; a UMEM whose every frame holds the same prebuilt
 * frame (the template `trafficgen udp` builds for single addresses and
 * ports); each round reserves a batch of TX descriptors (or drains
 * completions and kicks until it can), fills them with consecutive frame
 * addresses, submits them, then kicks with sendto only when the kernel
 * flags need_wakeup and drains up to a batch of completions.
 *
 * It keeps xdpsock's sizes: 4096 frames of 4096 bytes, TX and completion
 * rings of 2048, batches of 64 (-b). It leaves the kernel's copy-mode send
 * budget (how many descriptors one sendto sends) as it is, as xdpsock
 * does; -B sets it (XDP_MAX_TX_SKB_BUDGET, Linux 6.17+), which is what
 * `trafficgen udp --xsk` does, so the two can be compared both ways.
 *
 * Nothing attaches to the interface: a socket that only sends needs no
 * XDP program, so libxdp is told to load none. Prints one JSON line:
 * sent (completions), kicks, duration_s. A test tool: see bench_tool.h.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>
#include <xdp/xsk.h>
#include "cpu.h"
#include "clock.h"
#include "iface.h"
#include "packet.h"
#include "parse.h"
#include "udp/cfg.h"
#include "bench_tool.h"

#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif

#define NUM_FRAMES 4096
#define FRAME_SIZE XSK_UMEM__DEFAULT_FRAME_SIZE
#define RING_SIZE XSK_RING_PROD__DEFAULT_NUM_DESCS
#define MAX_BATCH RING_SIZE

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: xsk_txonly [options] <ifname>\n"
		"Sends one prebuilt UDP frame through one AF_XDP socket (the bench's AF_XDP reference).\n"
		BENCH_USAGE_SIZE "(default 64)\n"
		"  -a ADDR   destination address (default 198.18.0.1)\n"
		"  -A ADDR   source address (default 198.18.0.2)\n"
		"  -m MAC    destination MAC (default ff:ff:ff:ff:ff:ff)\n"
		"  -q QUEUE  queue to bind (default 0)\n"
		"  -b N      descriptors a batch (default 64, at most %d)\n"
		"  -B N      copy-mode descriptors a sendto sends (default: the kernel's)\n"
		"  -z        zero-copy bind (default copy)\n"
		BENCH_USAGE_CPU
		BENCH_USAGE_DURATION,
		MAX_BATCH);
}

struct ref {
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp;
	struct xsk_umem *umem;
	struct xsk_socket *sock;
	uint64_t outstanding, sent, kicks;
	uint32_t batch;
};

static void kick(struct ref *s)
{
	s->kicks++;
	/* Full ring or busy driver: the next kick retries, as xdpsock does. */
	if (sendto(xsk_socket__fd(s->sock), NULL, 0, MSG_DONTWAIT, NULL, 0) < 0 &&
	    errno != ENOBUFS && errno != EAGAIN && errno != EBUSY && errno != ENETDOWN)
		fprintf(stderr, "xsk_txonly: sendto: %s\n", strerror(errno));
}

static void complete(struct ref *s)
{
	uint32_t idx, n;

	if (!s->outstanding)
		return;
	if (xsk_ring_prod__needs_wakeup(&s->tx))
		kick(s);
	n = xsk_ring_cons__peek(&s->comp, s->batch, &idx);
	if (n) {
		xsk_ring_cons__release(&s->comp, n);
		s->outstanding -= n;
		s->sent += n;
	}
}

int main(int argc, char **argv)
{
	struct tg_err err = { "" };
	struct tg_addr_range dst = { 0 }, src = { 0 };
	struct udp_gen_cfg cfg;
	struct tg_layout layout;
	static uint8_t frame[TG_MAX_FRAME_LEN];
	struct tg_iface iface;
	struct bench_opts o = { .size = TG_MIN_WIRE_SIZE4, .duration_ns = BENCH_DEFAULT_DURATION_NS,
				.dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
	uint64_t queue = 0, batch = 64, budget = 0, start, now, deadline, frame_nb = 0;
	bool zerocopy = false;
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct ref s = { 0 };
	uint8_t *area;
	uint32_t i, idx = 0;
	int opt, st;

	while ((opt = getopt(argc, argv, "s:a:A:m:q:b:B:zc:D:h")) != -1) {
		switch (opt) {
		case 'q':
			if (tg_parse_uint(optarg, 0, 65535, &queue, &err))
				return die("-q", err.msg);
			break;
		case 'b':
			if (tg_parse_uint(optarg, 1, MAX_BATCH, &batch, &err))
				return die("-b", err.msg);
			break;
		case 'B':
			if (tg_parse_uint(optarg, 1, RING_SIZE, &budget, &err))
				return die("-B", err.msg);
			break;
		case 'z':
			zerocopy = true;
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
	if (bench_one_addr("-a", o.dst, "198.18.0.1", 0, &dst) ||
	    bench_one_addr("-A", o.src, "198.18.0.2", dst.family, &src))
		return 1;
	if (tg_iface_get(argv[optind], &iface, &err))
		return die(argv[optind], err.msg);
	st = bench_pin(&o);
	if (st)
		return st;
	if (bench_udp_frame(&dst, &src, o.size, o.dst_mac, &iface, 1, &cfg, frame, &layout, &err))
		return die("template", err.msg);

	/* Kernels before 5.11 charge the UMEM to RLIMIT_MEMLOCK. */
	setrlimit(RLIMIT_MEMLOCK, &rl);
	area = mmap(NULL, (size_t)NUM_FRAMES * FRAME_SIZE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (area == MAP_FAILED)
		return die("UMEM", strerror(errno));
	for (i = 0; i < NUM_FRAMES; i++)
		memcpy(area + (size_t)i * FRAME_SIZE, frame, layout.len);
	{
		struct xsk_umem_config uc = {
			.fill_size = XSK_RING_PROD__DEFAULT_NUM_DESCS,
			.comp_size = XSK_RING_CONS__DEFAULT_NUM_DESCS,
			.frame_size = FRAME_SIZE,
		};
		struct xsk_socket_config sc = {
			.tx_size = RING_SIZE,
			.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
			.bind_flags = XDP_USE_NEED_WAKEUP | (zerocopy ? XDP_ZEROCOPY : XDP_COPY),
		};

		st = xsk_umem__create(&s.umem, area, (uint64_t)NUM_FRAMES * FRAME_SIZE, &s.fill,
				      &s.comp, &uc);
		if (st)
			return die("xsk_umem__create", strerror(-st));
		st = xsk_socket__create(&s.sock, argv[optind], queue, s.umem, NULL, &s.tx, &sc);
		if (st)
			return die("xsk_socket__create", strerror(-st));
	}
	if (budget) {
		unsigned int b = budget;

		if (setsockopt(xsk_socket__fd(s.sock), SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &b, sizeof(b)))
			return die("-B", strerror(errno));
	}
	s.batch = batch;

	start = now = tg_now_ns();
	deadline = start + o.duration_ns;
	while (now < deadline) {
		while (xsk_ring_prod__reserve(&s.tx, s.batch, &idx) < s.batch) {
			complete(&s);
			/* A link that takes nothing must not hold the run past its time. */
			if (tg_now_ns() >= deadline)
				goto done;
		}
		for (i = 0; i < s.batch; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&s.tx, idx + i);

			d->addr = ((frame_nb + i) % NUM_FRAMES) * FRAME_SIZE;
			d->len = layout.len;
		}
		xsk_ring_prod__submit(&s.tx, s.batch);
		s.outstanding += s.batch;
		frame_nb = (frame_nb + s.batch) % NUM_FRAMES;
		complete(&s);
		now = tg_now_ns();
	}
done:
	now = tg_now_ns();
	/* What is in flight when time is up is not counted: it was not sent in time. */
	printf("{\"type\":\"summary\",\"sent\":%llu,\"kicks\":%llu,\"duration_s\":%.6f,"
	       "\"pkt_size\":%llu,\"batch\":%llu,\"budget\":%llu,\"cpu\":%llu}\n",
	       (unsigned long long)s.sent, (unsigned long long)s.kicks, (now - start) / 1e9,
	       (unsigned long long)o.size, (unsigned long long)batch, (unsigned long long)budget,
	       (unsigned long long)o.cpu);
	xsk_socket__delete(s.sock);
	xsk_umem__delete(s.umem);
	munmap(area, (size_t)NUM_FRAMES * FRAME_SIZE);
	return 0;
}
