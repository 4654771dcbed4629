/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_OPTIONS_H
#define TG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "errbuf.h"

/*
 * Table-driven option parsing. Each command declares one table of options
 * that write into its own config struct (by offset), and one defaults struct.
 * The same table produces --help, and tests check that man/ documents every
 * row, so the three cannot drift apart.
 */

enum tg_opt_kind {
	TG_OPT_FLAG,		/* bool, set to true */
	TG_OPT_UINT,		/* uint64_t, plain integer in [min, max] */
	TG_OPT_COUNT,		/* uint64_t, k/M/G suffixes, in [min, max] */
	TG_OPT_DURATION,	/* uint64_t nanoseconds, in [min, max] */
	TG_OPT_MAC,		/* uint8_t[6] */
	TG_OPT_ADDR_RANGE,	/* struct tg_addr_range */
	TG_OPT_PORT_RANGE,	/* struct tg_port_range */
	TG_OPT_STRING,		/* const char * pointing into argv */
	TG_OPT_ENUM,		/* int: index into choices[] */
	TG_OPT_CUSTOM,		/* parse(text, field, err) */
};

struct tg_opt {
	const char *name;	/* long name without the dashes; NULL ends a table */
	char short_name;	/* 0: long form only */
	enum tg_opt_kind kind;
	size_t offset;		/* of the field in the command's config struct */
	const char *metavar;	/* shown in help: "ADDR[-ADDR]"; unused for flags */
	const char *help;	/* one line, says the default where there is one */
	uint64_t min, max;	/* UINT, COUNT, DURATION: inclusive; max 0 = none */
	const char *const *choices;	/* ENUM: NULL-terminated */
	int (*parse)(const char *s, void *field, struct tg_err *err); /* CUSTOM */
};

struct tg_cmd_def {
	const char *name;	/* "udp" */
	const char *summary;	/* one line for the command list */
	const char *args;	/* positional arguments for usage: "<ifname>" */
	int min_pos, max_pos;
	const struct tg_opt *opts;
	size_t cfg_size;
	const void *defaults;	/* copied into the config before parsing */
};

#define TG_MAX_OPTS 64
#define TG_MAX_POS 8

struct tg_opts_result {
	bool given[TG_MAX_OPTS];	/* indexed like the table */
	int npos;
	char *pos[TG_MAX_POS];
	bool help;			/* -h/--help: print help, exit 0 */
};

/*
 * Copies the defaults into cfg, then parses argv (argv[0] is the command
 * name). Returns 0, or -EINVAL with err naming the option and the bad value,
 * e.g. "--dst-port: '70000' is out of range (0-65535)". Unknown options,
 * missing values and wrong positional counts are errors too. Options may
 * follow positional arguments.
 */
int tg_opts_parse(const struct tg_cmd_def *def, int argc, char **argv,
		  void *cfg, struct tg_opts_result *res, struct tg_err *err);

/*
 * Whether the option with long name `name` appeared on the command line. A
 * name the table does not have is a mistake in the caller's code, which
 * "not given" would hide: that aborts, naming it.
 */
bool tg_opt_given(const struct tg_cmd_def *def,
		  const struct tg_opts_result *res, const char *name);

/* Usage line, summary and one line per option, from the table. */
void tg_opts_help(const struct tg_cmd_def *def, FILE *out);

#endif
