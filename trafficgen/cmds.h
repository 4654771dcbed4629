/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CMDS_H
#define TG_CMDS_H

#include "options.h"

/* Exit codes, the same for every command. */
enum {
	TG_EXIT_OK = 0,
	TG_EXIT_FAIL = 1,	/* something failed at run time */
	TG_EXIT_USAGE = 2,	/* bad command line */
};

/*
 * What a step of a command returns when the run goes on: not an exit code
 * (those are >= 0), so `if (ret != TG_GO_ON) return ret;` passes an exit
 * code up from wherever a step decided the run ends.
 */
#define TG_GO_ON (-1)

struct tg_cmd {
	const struct tg_cmd_def *def;
	int (*run)(int argc, char **argv);
};

extern const struct tg_cmd_def udp_cmd_def;
int cmd_udp(int argc, char **argv);
extern const struct tg_cmd_def sink_cmd_def;
int cmd_sink(int argc, char **argv);
extern const struct tg_cmd_def probe_cmd_def;
int cmd_probe(int argc, char **argv);
extern const struct tg_cmd_def tcp_cmd_def;
int cmd_tcp(int argc, char **argv);
extern const struct tg_cmd_def xdptest_cmd_def;
int cmd_xdptest(int argc, char **argv);
extern const struct tg_cmd_def xsk_udp_cmd_def;
int cmd_xsk_udp(int argc, char **argv);

/*
 * Parses argv with the command's table. Returns TG_GO_ON, or the exit code
 * to return now (help printed, or a usage error printed with a pointer to
 * --help).
 */
int tg_cmd_parse(const struct tg_cmd_def *def, int argc, char **argv,
		 void *cfg, struct tg_opts_result *res);

/*
 * A bad command line found after parsing (values that clash, a name that
 * does not resolve): prints "trafficgen CMD: <message>" and the pointer to
 * --help, and returns TG_EXIT_USAGE.
 */
int tg_usage_error(const struct tg_cmd_def *def, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
