// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary command lines into tg_opts_parse() with the
 * real option tables of udp, sink and probe (custom parsers included).
 * The first input byte picks the command; the rest, split on NUL bytes, is
 * argv after the command name. Beyond "does not crash" it checks what the
 * parser promises: 0 or -EINVAL; a message on failure; on success, the
 * positional count in range, every number in its row's [min, max], ranges
 * well formed, and every option not given still at its default.
 *
 * Built and run by 'make fuzz' (see the Makefile for the command line).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "cmds.h"
#include "parse.h"

#define MAX_ARGS 32

static const struct tg_cmd_def *const defs[] = {
	&udp_cmd_def, &sink_cmd_def, &probe_cmd_def, &xdptest_cmd_def,
};

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* Bytes a row writes; 0 for custom rows, whose field size only they know. */
static size_t field_size(const struct tg_opt *o)
{
	switch (o->kind) {
	case TG_OPT_FLAG:	return sizeof(bool);
	case TG_OPT_UINT:
	case TG_OPT_COUNT:
	case TG_OPT_DURATION:	return sizeof(uint64_t);
	case TG_OPT_MAC:	return 6;
	case TG_OPT_ADDR_RANGE:	return sizeof(struct tg_addr_range);
	case TG_OPT_PORT_RANGE:	return sizeof(struct tg_port_range);
	case TG_OPT_STRING:	return sizeof(const char *);
	case TG_OPT_ENUM:	return sizeof(int);
	default:		return 0;
	}
}

static void check_value(const struct tg_opt *o, const void *field)
{
	uint64_t v, max = o->max ? o->max : UINT64_MAX;
	const struct tg_addr_range *a = field;
	const struct tg_port_range *p = field;
	int i, n;

	switch (o->kind) {
	case TG_OPT_UINT:
	case TG_OPT_COUNT:
	case TG_OPT_DURATION:
		memcpy(&v, field, sizeof(v));
		check(v >= o->min && v <= max);
		break;
	case TG_OPT_ADDR_RANGE:
		check(a->family == AF_INET || a->family == AF_INET6);
		check(a->count >= 1 && a->count <= 1ULL << 32);
		break;
	case TG_OPT_PORT_RANGE:
		check(p->count >= 1 && p->first + p->count - 1 <= 65535);
		break;
	case TG_OPT_ENUM:
		memcpy(&i, field, sizeof(i));
		for (n = 0; o->choices[n]; n++)
			;
		check(i >= 0 && i < n);
		break;
	default:
		break;
	}
}

static void check_result(const struct tg_cmd_def *def, int argc, char **argv,
			 const char *cfg, const struct tg_opts_result *res)
{
	const char *dflt = def->defaults;
	size_t i, size;
	int k, j;

	if (res->help)
		return;
	check(res->npos >= def->min_pos && res->npos <= def->max_pos);
	for (k = 0; k < res->npos; k++) {
		bool from_argv = false;

		for (j = 1; j < argc; j++)
			from_argv |= res->pos[k] == argv[j];
		check(from_argv);
	}
	for (i = 0; def->opts[i].name; i++) {
		const struct tg_opt *o = &def->opts[i];

		check(tg_opt_given(def, res, o->name) == res->given[i]);
		size = field_size(o);
		if (res->given[i])
			check_value(o, cfg + o->offset);
		else if (size && dflt)
			check(!memcmp(cfg + o->offset, dflt + o->offset, size));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct tg_cmd_def *def;
	struct tg_opts_result res;
	struct tg_err err = { "" };
	char *argv[MAX_ARGS + 1] = { NULL };
	size_t at = 1, len;
	int argc = 1, ret, i;
	char *cfg;

	if (!size)
		return 0;
	def = defs[data[0] % (sizeof(defs) / sizeof(defs[0]))];
	argv[0] = strdup(def->name);
	/* One exactly sized copy per argument, so ASan sees any overread. */
	while (at < size && argc < MAX_ARGS) {
		len = strnlen((const char *)data + at, size - at);
		argv[argc] = malloc(len + 1);
		if (!argv[argc])
			break;
		memcpy(argv[argc], data + at, len);
		argv[argc++][len] = '\0';
		at += len + 1;
	}
	cfg = malloc(def->cfg_size);
	if (cfg && argv[0]) {
		ret = tg_opts_parse(def, argc, argv, cfg, &res, &err);
		if (ret) {
			check(ret == -EINVAL);
			check(err.msg[0] != '\0' && strlen(err.msg) < TG_ERRLEN);
		} else {
			check_result(def, argc, argv, cfg, &res);
		}
	}
	free(cfg);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return 0;
}
