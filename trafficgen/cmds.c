// SPDX-License-Identifier: GPL-2.0
/* What every command's parsing shares: apart from main.c so that the
 * option fuzzer links the commands' files without main(). */
#include <stdarg.h>
#include <stdio.h>
#include "cmds.h"

int tg_cmd_parse(const struct tg_cmd_def *def, int argc, char **argv,
		 void *cfg, struct tg_opts_result *res)
{
	struct tg_err err = { "" };

	if (tg_opts_parse(def, argc, argv, cfg, res, &err)) {
		fprintf(stderr, "trafficgen %s: %s\nSee 'trafficgen %s --help'.\n",
			def->name, err.msg, def->name);
		return TG_EXIT_USAGE;
	}
	if (res->help) {
		tg_opts_help(def, stdout);
		return TG_EXIT_OK;
	}
	return TG_GO_ON;
}

int tg_usage_error(const struct tg_cmd_def *def, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "trafficgen %s: ", def->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'trafficgen %s --help'.\n", def->name);
	return TG_EXIT_USAGE;
}
