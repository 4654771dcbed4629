/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the bench's own tools (ceiling.c, sock_sender.c) share: the options
 * both take (-a, -A, -s, -D, -h), their usage lines, and their messages.
 * Static functions in a header, because the Makefile builds every .c file
 * of tests/bench into a binary of its own.
 *
 * Test tools: plain getopt, messages to stderr, exit 1 on any failure, 2 on
 * a usage error.
 */
#ifndef TG_BENCH_TOOL_H
#define TG_BENCH_TOOL_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include "packet.h"
#include "parse.h"

/* Both tools' -D default: a bench run is a few seconds. */
#define BENCH_DEFAULT_DURATION_NS 3000000000ULL

/* The usage lines of the shared options (the default size is each tool's). */
#define BENCH_USAGE_SIZE "  -s BYTES  frame size on the wire with FCS "
#define BENCH_USAGE_DURATION "  -D TIME   duration (default 3s)\n"

struct bench_opts {
	const char *dst, *src;	/* -a, -A as given: each tool parses them its way */
	uint64_t size;		/* -s: on the wire, FCS included; the tool's default */
	uint64_t duration_ns;	/* -D */
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
	case 'h':
		usage(stdout);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

#endif
