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

/*
 * Parses argv with the command's table. Returns -1 when the caller should
 * go on, or the exit code to return now (help printed, or a usage error
 * printed with a pointer to --help).
 */
int tg_cmd_parse(const struct tg_cmd_def *def, int argc, char **argv,
		 void *cfg, struct tg_opts_result *res);

#endif
