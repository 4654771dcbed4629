// SPDX-License-Identifier: GPL-2.0
/*
 * Table-driven options on top of getopt_long. getopt keeps its state in
 * globals (optind, optarg, optopt), so parsing is not thread-safe: commands
 * parse once, before starting threads. We reset that state on every call so
 * tests can parse many command lines in one process.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"
#include "parse.h"

/*
 * getopt_long return values: a short option is its own character, a
 * long-only option 256 + its row, so neither can collide with the other nor
 * with the 1 that getopt returns for positionals in "-" (in order) mode.
 */
#define LONG_ONLY_BASE 256
#define HELP_VAL 'h'
#define POS_VAL 1

/* "-" first: hand positionals back in order instead of permuting argv, so
 * options may follow them even under POSIXLY_CORRECT; ":" next: report a
 * missing value as ':' rather than '?'. Then "h" and "x:" per option. */
#define SHORTS_LEN (3 + 2 * TG_MAX_OPTS + 1)

struct getopt_tables {
	struct option longs[TG_MAX_OPTS + 2];	/* + help + terminator */
	char shorts[SHORTS_LEN];
};

static int opt_val(const struct tg_opt *o, size_t i)
{
	return o->short_name ? (unsigned char)o->short_name
			     : LONG_ONLY_BASE + (int)i;
}

static bool is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* A table mistake is a programming error, but one a test can catch. */
static int check_row(const struct tg_cmd_def *def, size_t i,
		     struct tg_err *err)
{
	const struct tg_opt *o = &def->opts[i];
	size_t j;

	if (!o->name[0] || !strcmp(o->name, "help") ||
	    (o->short_name && (!is_alnum(o->short_name) ||
			       o->short_name == HELP_VAL)))
		return tg_fail(err, EINVAL, "%s: option table: bad name in row %zu",
			       def->name, i);
	if ((o->kind == TG_OPT_ENUM && !o->choices) ||
	    (o->kind == TG_OPT_CUSTOM && !o->parse) || o->kind > TG_OPT_CUSTOM)
		return tg_fail(err, EINVAL, "%s: option table: --%s is incomplete",
			       def->name, o->name);
	for (j = 0; j < i; j++) {
		const struct tg_opt *p = &def->opts[j];

		if (!strcmp(p->name, o->name) ||
		    (o->short_name && p->short_name == o->short_name))
			return tg_fail(err, EINVAL,
				       "%s: option table: --%s is declared twice",
				       def->name, o->name);
	}
	return 0;
}

static int count_opts(const struct tg_cmd_def *def, size_t *n,
		      struct tg_err *err)
{
	size_t i;
	int ret;

	for (i = 0; def->opts && def->opts[i].name; i++) {
		if (i == TG_MAX_OPTS)
			return tg_fail(err, EINVAL,
				       "%s: option table has more than %d rows",
				       def->name, TG_MAX_OPTS);
		ret = check_row(def, i, err);
		if (ret)
			return ret;
	}
	if (def->min_pos < 0 || def->max_pos < def->min_pos ||
	    def->max_pos > TG_MAX_POS)
		return tg_fail(err, EINVAL,
			       "%s: option table: bad positional counts %d-%d",
			       def->name, def->min_pos, def->max_pos);
	*n = i;
	return 0;
}

static void build_tables(const struct tg_cmd_def *def, size_t n,
			 struct getopt_tables *g)
{
	char *s = g->shorts;
	size_t i;

	*s++ = '-';
	*s++ = ':';
	*s++ = HELP_VAL;
	for (i = 0; i < n; i++) {
		const struct tg_opt *o = &def->opts[i];
		int has_arg = o->kind == TG_OPT_FLAG ? no_argument
						      : required_argument;

		g->longs[i] = (struct option){ o->name, has_arg, NULL,
					       opt_val(o, i) };
		if (o->short_name) {
			*s++ = o->short_name;
			if (has_arg == required_argument)
				*s++ = ':';
		}
	}
	*s = '\0';
	g->longs[n] = (struct option){ "help", no_argument, NULL, HELP_VAL };
	g->longs[n + 1] = (struct option){ NULL, 0, NULL, 0 };
}

static int find_val(const struct tg_cmd_def *def, size_t n, int val)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (opt_val(&def->opts[i], i) == val)
			return i;
	return -1;
}

/* How many long names, help included, start with the n bytes at name. */
static int prefix_matches(const struct tg_cmd_def *def, size_t nopts,
			  const char *name, size_t n)
{
	int hits = !strncmp("help", name, n);
	size_t i;

	for (i = 0; i < nopts; i++)
		hits += !strncmp(def->opts[i].name, name, n);
	return hits;
}

/* getopt said '?': work out which mistake it was from what it left behind. */
static int bad_option(const struct tg_cmd_def *def, size_t n, char **argv,
		      struct tg_err *err)
{
	const char *arg;
	size_t len;
	int i;

	if (optopt == HELP_VAL)
		return tg_fail(err, EINVAL, "option '--help' takes no value");
	i = optopt ? find_val(def, n, optopt) : -1;
	if (i >= 0)
		return tg_fail(err, EINVAL, "option '--%s' takes no value",
			       def->opts[i].name);
	if (optopt)
		return tg_fail(err, EINVAL, "unknown option '-%c'", optopt);
	/* An unknown or ambiguous long option: getopt has stepped past it. */
	arg = argv[optind - 1];
	len = strcspn(arg, "=");
	if (len > 2 && prefix_matches(def, n, arg + 2, len - 2) > 1)
		return tg_fail(err, EINVAL, "ambiguous option '%.*s'",
			       (int)len, arg);
	return tg_fail(err, EINVAL, "unknown option '%.*s'", (int)len, arg);
}

static int missing_value(const struct tg_cmd_def *def, size_t n,
			 struct tg_err *err)
{
	int i = find_val(def, n, optopt);

	return tg_fail(err, EINVAL, "option '--%s' needs a value",
		       i >= 0 ? def->opts[i].name : "?");
}

/* Bounds in the units the user typed them in. */
static void format_bound(enum tg_opt_kind kind, uint64_t v, char *buf,
			 size_t len)
{
	if (kind == TG_OPT_DURATION)
		tg_format_duration(v, buf, len);
	else
		tg_format_count(v, buf, len);
}

static int check_bounds(const struct tg_opt *o, const char *text, uint64_t v,
			struct tg_err *why)
{
	uint64_t max = o->max ? o->max : UINT64_MAX;
	char lo[TG_NUMSTR_LEN], hi[TG_NUMSTR_LEN];

	if (v >= o->min && v <= max)
		return 0;
	format_bound(o->kind, o->min, lo, sizeof(lo));
	format_bound(o->kind, max, hi, sizeof(hi));
	return tg_fail(why, ERANGE, "'%s' is out of range (%s-%s)", text, lo, hi);
}

static int parse_enum(const struct tg_opt *o, const char *text, int *out,
		      struct tg_err *why)
{
	char list[TG_ERRLEN] = "";
	size_t used = 0;
	int i;

	for (i = 0; o->choices[i]; i++) {
		if (!strcmp(o->choices[i], text)) {
			*out = i;
			return 0;
		}
	}
	for (i = 0; o->choices[i] && used < sizeof(list); i++)
		used += snprintf(list + used, sizeof(list) - used, "%s%s",
				 i ? ", " : "", o->choices[i]);
	return tg_fail(why, EINVAL, "'%s' is not one of: %s", text, list);
}

/* Parses text into the option's field; *why says what was wrong with it. */
static int parse_value(const struct tg_opt *o, const char *text, void *field,
		       struct tg_err *why)
{
	uint64_t v;
	int ret;

	switch (o->kind) {
	case TG_OPT_FLAG:
		*(bool *)field = true;
		return 0;
	case TG_OPT_STRING:
		*(const char **)field = text;
		return 0;
	case TG_OPT_UINT:
		ret = tg_parse_uint(text, o->min, o->max ? o->max : UINT64_MAX,
				    &v, why);
		break;
	case TG_OPT_COUNT:
		ret = tg_parse_count(text, &v, why);
		if (!ret)
			ret = check_bounds(o, text, v, why);
		break;
	case TG_OPT_DURATION:
		ret = tg_parse_duration(text, &v, why);
		if (!ret)
			ret = check_bounds(o, text, v, why);
		break;
	case TG_OPT_MAC:
		return tg_parse_mac(text, field, why);
	case TG_OPT_ADDR_RANGE:
		return tg_parse_addr_range(text, field, why);
	case TG_OPT_PORT_RANGE:
		return tg_parse_port_range(text, field, why);
	case TG_OPT_ENUM:
		return parse_enum(o, text, field, why);
	case TG_OPT_CUSTOM:
		return o->parse(text, field, why);
	default:
		return tg_fail(why, EINVAL, "unknown option kind");
	}
	if (!ret)
		*(uint64_t *)field = v;
	return ret;
}

static int apply(const struct tg_opt *o, const char *text, void *cfg,
		 struct tg_err *err)
{
	struct tg_err why = { .msg = "" };

	if (!parse_value(o, text ? text : "", (char *)cfg + o->offset, &why))
		return 0;
	/* A custom parser may fail without saying why. */
	if (!why.msg[0])
		return tg_fail(err, EINVAL, "--%s: '%s' is not valid", o->name,
			       text ? text : "");
	return tg_fail(err, EINVAL, "--%s: %s", o->name, why.msg);
}

static int check_positionals(const struct tg_cmd_def *def, int seen,
			     struct tg_err *err)
{
	const char *args = def->args ? def->args : "";
	char want[64];

	if (seen >= def->min_pos && seen <= def->max_pos)
		return 0;
	if (def->max_pos == 0)
		snprintf(want, sizeof(want), "no arguments");
	else if (def->min_pos == 0)
		snprintf(want, sizeof(want), "at most %d argument%s", def->max_pos,
			 def->max_pos == 1 ? "" : "s");
	else if (def->min_pos == def->max_pos)
		snprintf(want, sizeof(want), "%d argument%s", def->min_pos,
			 def->min_pos == 1 ? "" : "s");
	else
		snprintf(want, sizeof(want), "%d to %d arguments",
			 def->min_pos, def->max_pos);
	if (def->max_pos && args[0])
		return tg_fail(err, EINVAL, "expected %s (%s), got %d", want, args, seen);
	return tg_fail(err, EINVAL, "expected %s, got %d", want, seen);
}

int tg_opts_parse(const struct tg_cmd_def *def, int argc, char **argv,
		  void *cfg, struct tg_opts_result *res, struct tg_err *err)
{
	struct getopt_tables g;
	int c, i, ret, seen = 0;
	size_t n = 0;

	memset(res, 0, sizeof(*res));
	ret = count_opts(def, &n, err);
	if (ret)
		return ret;
	if (def->defaults)
		memcpy(cfg, def->defaults, def->cfg_size);
	else
		memset(cfg, 0, def->cfg_size);
	build_tables(def, n, &g);

	/* 0, not 1: glibc then re-initialises all its state, not just optind. */
	optind = 0;
	opterr = 0;
	while (argc > 0 &&
	       (c = getopt_long(argc, argv, g.shorts, g.longs, NULL)) != -1) {
		if (c == POS_VAL) {
			if (seen < TG_MAX_POS)
				res->pos[res->npos++] = optarg;
			seen++;
			continue;
		}
		if (c == HELP_VAL) {
			res->help = true;
			return 0;
		}
		if (c == '?')
			return bad_option(def, n, argv, err);
		if (c == ':')
			return missing_value(def, n, err);
		i = find_val(def, n, c);
		if (i < 0)
			return tg_fail(err, EINVAL, "unexpected option code %d", c);
		ret = apply(&def->opts[i], optarg, cfg, err);
		if (ret)
			return ret;
		res->given[i] = true;
	}
	/* After "--", getopt stops and leaves the rest to us. */
	for (; argc > 0 && optind < argc; optind++) {
		if (seen < TG_MAX_POS)
			res->pos[res->npos++] = argv[optind];
		seen++;
	}
	return check_positionals(def, seen, err);
}

bool tg_opt_given(const struct tg_cmd_def *def,
		  const struct tg_opts_result *res, const char *name)
{
	size_t i;

	for (i = 0; def->opts && def->opts[i].name && i < TG_MAX_OPTS; i++)
		if (!strcmp(def->opts[i].name, name))
			return res->given[i];
	fprintf(stderr, "tg_opt_given: '%s' has no option --%s\n", def->name, name);
	abort();
}

/* "-p, --dst-port PORT[-PORT]" or "    --long-only VALUE". */
static void left_column(const struct tg_opt *o, char *buf, size_t len)
{
	char choices[128] = "";
	const char *meta = o->metavar;
	size_t used = 0;
	int i;

	if (!meta && o->kind == TG_OPT_ENUM) {
		for (i = 0; o->choices[i] && used < sizeof(choices); i++)
			used += snprintf(choices + used, sizeof(choices) - used,
					 "%s%s", i ? "|" : "", o->choices[i]);
		meta = choices;
	}
	if (!meta)
		meta = "VALUE";
	if (o->kind == TG_OPT_FLAG)
		meta = "";
	if (o->short_name)
		snprintf(buf, len, "-%c, --%s%s%s", o->short_name, o->name,
			 meta[0] ? " " : "", meta);
	else
		snprintf(buf, len, "    --%s%s%s", o->name, meta[0] ? " " : "",
			 meta);
}

void tg_opts_help(const struct tg_cmd_def *def, FILE *out)
{
	static const char help_col[] = "-h, --help";
	char col[160];
	int width = sizeof(help_col) - 1;
	size_t i;

	for (i = 0; def->opts && def->opts[i].name && i < TG_MAX_OPTS; i++) {
		left_column(&def->opts[i], col, sizeof(col));
		if ((int)strlen(col) > width)
			width = strlen(col);
	}
	fprintf(out, "Usage: trafficgen %s [options]%s%s\n", def->name,
		def->args && def->args[0] ? " " : "",
		def->args ? def->args : "");
	if (def->summary)
		fprintf(out, "%s\n", def->summary);
	fprintf(out, "\nOptions:\n");
	for (i = 0; def->opts && def->opts[i].name && i < TG_MAX_OPTS; i++) {
		left_column(&def->opts[i], col, sizeof(col));
		fprintf(out, "  %-*s   %s\n", width, col,
			def->opts[i].help ? def->opts[i].help : "");
	}
	fprintf(out, "  %-*s   %s\n", width, help_col, "show this help");
}
