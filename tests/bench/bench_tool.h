/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the bench's own tools (ceiling.c, sock_sender.c, xsk_txonly.c)
 * share: the options they take (-a, -A, -s, -D, -h), their usage lines,
 * their messages, the pinning of their one thread (-c) and the template
 * frame `trafficgen udp` would build.
 * Static functions in a header, because the Makefile builds every .c file
 * of tests/bench into a binary of its own.
 *
 * Test tools: plain getopt, messages to stderr, exit 1 on any failure, 2 on
 * a usage error.
 */
#ifndef TG_BENCH_TOOL_H
#define TG_BENCH_TOOL_H

#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "cpu.h"
#include "iface.h"
#include "packet.h"
#include "parse.h"
#include "udp/cfg.h"

/* Both tools' -D default: a bench run is a few seconds. */
#define BENCH_DEFAULT_DURATION_NS 3000000000ULL

/* The usage lines of the shared options (the default size is each tool's). */
#define BENCH_USAGE_SIZE "  -s BYTES  frame size on the wire with FCS "
#define BENCH_USAGE_DURATION "  -D TIME   duration (default 3s)\n"
#define BENCH_USAGE_CPU "  -c CPU    CPU to run on (default: the first this process may use)\n"

struct bench_opts {
	const char *dst, *src;	/* -a, -A as given: each tool parses them its way */
	uint64_t size;		/* -s: on the wire, FCS included; the tool's default */
	uint64_t duration_ns;	/* -D */
	uint64_t cpu;		/* -c, with cpu_given */
	bool cpu_given;
	uint8_t dst_mac[6];	/* -m; set it to the tool's default first */
};

/* bench_opt's answer for an option it took: parsing goes on. */
#define BENCH_OPT_TAKEN (-1)

/* "ceiling: -s: '63' is out of range (64-3412)"; returns the exit status 1. */
static inline int die(const char *what, const char *msg)
{
	fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, msg);
	return 1;
}

/*
 * The options every bench tool takes, for its getopt loop's default case:
 * -a, -A, -s and -D into O, -h, and any option the tool does not know
 * (USAGE to stderr). Returns BENCH_OPT_TAKEN, or the status main() exits
 * with.
 */
static inline int bench_opt(int opt, const char *arg, struct bench_opts *o,
			    void (*usage)(FILE *))
{
	struct tg_err err = { "" };

	switch (opt) {
	case 'a':
		o->dst = arg;
		return BENCH_OPT_TAKEN;
	case 'A':
		o->src = arg;
		return BENCH_OPT_TAKEN;
	case 's':
		if (tg_parse_uint(arg, TG_MIN_WIRE_SIZE4, TG_MAX_WIRE_SIZE, &o->size, &err))
			return die("-s", err.msg);
		return BENCH_OPT_TAKEN;
	case 'D':
		if (tg_parse_duration(arg, &o->duration_ns, &err) || !o->duration_ns)
			return die("-D", err.msg[0] ? err.msg : "give a duration above 0");
		return BENCH_OPT_TAKEN;
	case 'm':
		if (tg_parse_mac(arg, o->dst_mac, &err))
			return die("-m", err.msg);
		return BENCH_OPT_TAKEN;
	case 'c':
		if (tg_parse_uint(arg, 0, CPU_SETSIZE - 1, &o->cpu, &err))
			return die("-c", err.msg);
		o->cpu_given = true;
		return BENCH_OPT_TAKEN;
	case 'h':
		usage(stdout);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

/*
 * The one address of -a or -A (opt): s, or dflt when not given; family, if
 * not 0, the one it must have. 0, or the exit status 1 with the message.
 */
static inline int bench_one_addr(const char *opt, const char *s, const char *dflt, int family,
				 struct tg_addr_range *r)
{
	struct tg_err err = { "" };

	if (tg_parse_addr_range(s ? s : dflt, r, &err))
		return die(opt, err.msg);
	if (r->count != 1)
		return die(opt, "one address, not a range");
	if (family && r->family != family)
		return die(opt, "an address of -a's family");
	return 0;
}

/*
 * Pins the calling thread to -c's CPU, or the first it may use (o->cpu
 * then says which). 0, or the exit status 1 with the message printed.
 */
static inline int bench_pin(struct bench_opts *o)
{
	int st;

	if (!o->cpu_given) {
		int cpus[1];

		if (tg_cpus_allowed(cpus, 1) < 1)
			return die("affinity", strerror(errno));
		o->cpu = cpus[0];
	}
	st = tg_cpu_pin(pthread_self(), (int)o->cpu);
	return st ? die("pin", strerror(-st)) : 0;
}

/*
 * The frame `trafficgen udp -m DST_MAC -a DST -A SRC -s SIZE` builds for
 * nthreads threads on iface (single addresses, ports 1 and 1, TTL 1: the
 * same defaults), into frame, its config and layout. 0 or -errno with err.
 */
static inline int bench_udp_frame(const struct tg_addr_range *dst, const struct tg_addr_range *src,
				  uint64_t size, const uint8_t dst_mac[6], const struct tg_iface *iface,
				  unsigned int nthreads, struct udp_gen_cfg *cfg, uint8_t *frame,
				  struct tg_layout *layout, struct tg_err *err)
{
	struct tg_udp_params p = {
		.spec = { .family = dst->family, .ttl = 1, .frame_len = size - TG_FCS_LEN },
		.src = *src, .dst = *dst,
		.sport = { .first = 1, .count = 1 },
		.dport = { .first = 1, .count = 1 },
		.ifindex = iface->ifindex,
		.nthreads = nthreads,
	};

	memcpy(p.spec.dst_mac, dst_mac, 6);
	memcpy(p.spec.src_mac, iface->mac, 6);
	return tg_udp_cfg_build(&p, cfg, frame, layout, err);
}

#endif
