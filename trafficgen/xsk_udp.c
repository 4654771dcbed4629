// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen xsk-udp: `udp --xsk` under xdp-trafficgen's command name, so
 * that its xsk-udp command lines work. Its option names that mean
 * something here become udp's; the ones whose letter udp already uses
 * (-a, -A, -d, -I, -p, -P) keep udp's meaning; the ones for features this
 * engine does not have are refused by name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmds.h"
#include "log.h"

/* How one xdp-trafficgen option becomes udp's. */
enum xlate {
	X_RENAME,	/* to `to`, with its value if it takes one */
	X_VLAN,		/* -V, -J, -K: gathered into --vlan ID:PRI */
	X_QUIET,	/* no interval lines: -I 0 */
	X_FRAME,	/* -f: trafficgen sizes the UMEM frames itself */
	X_REFUSE,	/* a feature this engine does not have: why */
};

struct xopt {
	const char *name;	/* long name, without dashes */
	char short_name;	/* 0: none, or udp has that letter */
	bool value;
	enum xlate how;
	const char *to;		/* X_RENAME: udp's option; X_REFUSE: the reason */
	const char *help;	/* X_RENAME and the others taken: for --help */
};

static const struct xopt xopts[] = {
	{ "pkt-count", 'c', true, X_RENAME, "-n", "frames to send: udp's -n" },
	{ "copy_mode", 'C', true, X_RENAME, "--xsk-mode",
	  "auto, copy or zero-copy: udp's --xsk-mode" },
	{ "batch-size", 'b', true, X_RENAME, "--batch", "descriptors a batch: udp's --batch" },
	{ "timestamp", 'y', false, X_RENAME, "--stamp",
	  "stamp each frame: udp's --stamp (trafficgen's stamp, which 'trafficgen sink' reads)" },
	{ "interval", 'i', true, X_RENAME, "-I", "seconds between statistics lines: udp's -I" },
	{ "duration", 0, true, X_RENAME, "-D", "seconds to run: udp's -D (-d is udp's --dyn-ports)" },
	{ "vlan-tag", 'V', false, X_VLAN, NULL, "tag each frame with a VLAN (default ID 1)" },
	{ "vlan-id", 'J', true, X_VLAN, NULL, "with -V: the VLAN ID" },
	{ "vlan-pri", 'K', true, X_VLAN, NULL, "with -V: the VLAN priority" },
	{ "quiet", 'Q', false, X_QUIET, NULL, "no statistics lines: udp's -I 0" },
	{ "frame-size", 'f', true, X_FRAME, NULL,
	  "taken and not used: trafficgen picks 2048 or 4096 from the frame size" },
	{ "no-need-wakeup", 0, false, X_REFUSE, "trafficgen always uses need_wakeup" },
	{ "shared-umem", 0, false, X_REFUSE, "each socket has a UMEM of its own here" },
	{ "unaligned", 'u', false, X_REFUSE, "UMEM frames are aligned here" },
	{ "poll", 0, false, X_REFUSE, "the sending threads never block in poll() here" },
	{ "fill-pattern", 0, true, X_REFUSE, "the payload is trafficgen's (zeros, or the stamp)" },
	{ "tx-cycle-time", 'T', true, X_REFUSE, "pace with udp's --rate and --burst" },
	{ "retries", 'O', true, X_REFUSE, "not used: a stalled socket ends the run after 2 s" },
	{ "irq-string", 0, true, X_REFUSE, "no interrupt statistics here" },
	{ "extra-stats", 'x', false, X_REFUSE, "no extra statistics here" },
	{ "app-stats", 0, false, X_REFUSE, "no syscall statistics here" },
	{ "clock", 'w', true, X_REFUSE, "stamps use CLOCK_MONOTONIC, as the sink expects" },
	{ "policy", 'W', true, X_REFUSE, "threads run SCHED_OTHER, pinned" },
	{ "schpri", 'U', true, X_REFUSE, "threads run SCHED_OTHER, pinned" },
	{ "attach-mode", 0, true, X_REFUSE, "no XDP program is attached to send" },
};

#define NXOPTS (sizeof(xopts) / sizeof(xopts[0]))

/* The option arg names, and where its value is (or NULL); NULL if not one. */
static const struct xopt *find(const char *arg, const char **inline_val)
{
	size_t i, n;

	*inline_val = NULL;
	for (i = 0; i < NXOPTS; i++) {
		const struct xopt *o = &xopts[i];

		if (arg[0] == '-' && arg[1] == o->short_name && o->short_name && !arg[2])
			return o;
		if (strncmp(arg, "--", 2))
			continue;
		n = strlen(o->name);
		if (!strncmp(arg + 2, o->name, n) && (!arg[2 + n] || arg[2 + n] == '=')) {
			if (arg[2 + n] == '=')
				*inline_val = arg + 3 + n;
			return o;
		}
	}
	return NULL;
}

static void help(void)
{
	size_t i;

	printf("Usage: trafficgen xsk-udp [options] <ifname>\n\n"
	       "'trafficgen udp --xsk' under xdp-trafficgen's name: every udp option works, and "
	       "these of xdp-trafficgen xsk-udp:\n");
	for (i = 0; i < NXOPTS; i++) {
		const struct xopt *o = &xopts[i];
		char flag[40];

		if (o->how == X_REFUSE)
			continue;
		if (o->short_name)
			snprintf(flag, sizeof(flag), "-%c, --%s%s", o->short_name, o->name,
				 o->value ? " V" : "");
		else
			snprintf(flag, sizeof(flag), "    --%s%s", o->name, o->value ? " V" : "");
		printf("  %-26s %s\n", flag, o->help);
	}
	printf("\nRefused, by name: ");
	for (i = 0; i < NXOPTS; i++)
		if (xopts[i].how == X_REFUSE)
			printf("--%s ", xopts[i].name);
	printf("\n-a, -A, -d, -I, -p and -P keep udp's meaning. See 'trafficgen udp --help'.\n");
}

static const struct tg_opt no_opts[] = { { NULL } };

const struct tg_cmd_def xsk_udp_cmd_def = {
	.name = "xsk-udp",
	.summary = "udp --xsk, taking xdp-trafficgen xsk-udp's options",
	.args = "<ifname>",
	.max_pos = 1,
	.opts = no_opts,
};

int cmd_xsk_udp(int argc, char **argv)
{
	/* Each argument becomes at most two (-Q: -I 0), plus --xsk and --vlan V. */
	char **v = calloc(2 * argc + 6, sizeof(*v));
	char *vlan = NULL;
	const char *vid = "1", *vpri = "0";
	bool tag = false, vlan_opt = false;
	int i, n = 0, ret;

	if (!v)
		return TG_EXIT_FAIL;
	v[n++] = "udp";
	v[n++] = "--xsk";
	for (i = 1; i < argc; i++) {
		const char *val = NULL;
		const struct xopt *o = find(argv[i], &val);

		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			help();
			free(v);
			return TG_EXIT_OK;
		}
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				v[n++] = argv[i++];
			break;
		}
		if (!o) {
			v[n++] = argv[i];
			continue;
		}
		if (o->value && !val) {
			if (i + 1 == argc) {
				free(v);
				return tg_usage_error(&xsk_udp_cmd_def, "--%s needs a value", o->name);
			}
			val = argv[++i];
		}
		switch (o->how) {
		case X_RENAME:
			/* zero-copy is xdp-trafficgen's spelling of zerocopy. */
			if (!strcmp(o->to, "--xsk-mode") && !strcmp(val, "zero-copy"))
				val = "zerocopy";
			v[n++] = (char *)o->to;
			if (val)
				v[n++] = (char *)val;
			break;
		case X_VLAN:
			vlan_opt = true;
			if (o->short_name == 'V')
				tag = true;
			else if (o->short_name == 'J')
				vid = val;
			else
				vpri = val;
			break;
		case X_QUIET:
			v[n++] = "-I";
			v[n++] = "0";
			break;
		case X_FRAME:
			if (strcmp(val, "2048") && strcmp(val, "4096")) {
				free(v);
				return tg_usage_error(&xsk_udp_cmd_def, "--frame-size %s: 2048 or 4096", val);
			}
			tg_info("--frame-size %s: trafficgen picks the UMEM frame size itself\n", val);
			break;
		case X_REFUSE:
			free(v);
			return tg_usage_error(&xsk_udp_cmd_def, "--%s is not supported: %s", o->name, o->to);
		}
	}
	if (vlan_opt && !tag) {
		free(v);
		return tg_usage_error(&xsk_udp_cmd_def, "--vlan-id and --vlan-pri need --vlan-tag (-V)");
	}
	if (tag) {
		if (asprintf(&vlan, "%s:%s", vid, vpri) < 0) {
			free(v);
			return TG_EXIT_FAIL;
		}
		v[n++] = "--vlan";
		v[n++] = vlan;
	}
	ret = cmd_udp(n, v);
	free(vlan);
	free(v);
	return ret;
}
