// SPDX-License-Identifier: GPL-2.0
/* trafficgen: the command table and what every command shares. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include "cmds.h"
#include "log.h"

#define TG_VERSION "0.1.0"

static const struct tg_cmd commands[] = {
	{ &udp_cmd_def, cmd_udp },
	{ &sink_cmd_def, cmd_sink },
	{ &probe_cmd_def, cmd_probe },
	{ &tcp_cmd_def, cmd_tcp },
	{ &xdptest_cmd_def, cmd_xdptest },
	{ &xsk_udp_cmd_def, cmd_xsk_udp },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: trafficgen <command> [options] ...\n\nCommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-8s %s\n", commands[i].def->name, commands[i].def->summary);
	fprintf(f, "\n'trafficgen <command> --help' lists a command's options; "
		"man trafficgen(8) has the details.\n");
}

/* Exact name, or an unambiguous prefix of one ("ud" for udp). */
static const struct tg_cmd *find_command(const char *name)
{
	const struct tg_cmd *found = NULL;
	size_t i, n = strlen(name);

	for (i = 0; i < NCOMMANDS; i++) {
		if (!strcmp(commands[i].def->name, name))
			return &commands[i];
		if (n && !strncmp(commands[i].def->name, name, n)) {
			if (found)
				return NULL;
			found = &commands[i];
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	const struct tg_cmd *cmd;

	if (argc < 2) {
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return TG_EXIT_OK;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("trafficgen %s\n", TG_VERSION);
		return TG_EXIT_OK;
	}
	cmd = find_command(argv[1]);
	if (!cmd) {
		fprintf(stderr, "trafficgen: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return TG_EXIT_USAGE;
	}
	/*
	 * A shell starts background jobs with SIGINT ignored; a generator
	 * started from a script must still stop on it, so take the defaults
	 * back (the run loop blocks and waits for these signals itself).
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	tg_log_libbpf();
	return cmd->run(argc - 1, argv + 1);
}
