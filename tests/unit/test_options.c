// SPDX-License-Identifier: GPL-2.0
/* Unit tests for lib/options.c, on a made-up command using every kind. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "death.h"
#include "options.h"
#include "parse.h"

struct fake_cfg {
	bool verbose;
	uint64_t threads;
	uint64_t packets;
	uint64_t duration;
	uint8_t mac[6];
	struct tg_addr_range dst;
	struct tg_port_range dport;
	const char *label;
	int mode;
	int even;
};

/* CUSTOM: an even number; says why when it refuses, except for "mute". */
static int parse_even(const char *s, void *field, struct tg_err *err)
{
	char *end;
	long v;

	if (!strcmp(s, "mute"))
		return -EINVAL;
	v = strtol(s, &end, 10);
	if (*end || end == s || v % 2)
		return tg_fail(err, EINVAL, "'%s' is not an even number", s);
	*(int *)field = v;
	return 0;
}

static const char *const modes[] = { "seq", "random", "burst", NULL };

/* One row per kind; designated, as the real command tables are. */
#define OPT(n, s, k, f, mv, h) \
	.name = (n), .short_name = (s), .kind = (k), \
	.offset = offsetof(struct fake_cfg, f), .metavar = (mv), .help = (h)

static const struct tg_opt fake_opts[] = {
	{ OPT("verbose", 'v', TG_OPT_FLAG, verbose, NULL, "say more") },
	{ OPT("threads", 't', TG_OPT_UINT, threads, "N", "threads (default 1)"),
	  .min = 1, .max = 64 },
	{ OPT("num-packets", 'n', TG_OPT_COUNT, packets, "COUNT",
	      "packets to send (default 1000)"), .min = 1 },
	{ OPT("duration", 'd', TG_OPT_DURATION, duration, "TIME",
	      "how long (default 10s)"), .max = 3600000000000ULL },
	{ OPT("dst-mac", 0, TG_OPT_MAC, mac, "MAC", "destination MAC") },
	{ OPT("dst", 'a', TG_OPT_ADDR_RANGE, dst, "ADDR[-ADDR]",
	      "destination addresses") },
	{ OPT("dst-port", 'p', TG_OPT_PORT_RANGE, dport, "PORT[-PORT]",
	      "destination ports (default 9)") },
	{ OPT("label", 0, TG_OPT_STRING, label, "TEXT", "a label") },
	{ OPT("mode", 'm', TG_OPT_ENUM, mode, NULL, "walk order"),
	  .choices = modes },
	{ OPT("even", 0, TG_OPT_CUSTOM, even, "N", "an even number"),
	  .parse = parse_even },
	{ .name = NULL },
};

static const struct fake_cfg fake_defaults = {
	.threads = 1,
	.packets = 1000,
	.duration = 10000000000ULL,
	.mac = { 2, 0, 0, 0, 0, 1 },
	.dst = { .family = AF_INET, .first.v4.s_addr = 0x0100000a, .count = 1 },
	.dport = { 9, 1 },
	.label = "none",
	.mode = 0,
	.even = 2,
};

static const struct tg_cmd_def fake_def = {
	.name = "fake",
	.summary = "Send made-up traffic.",
	.args = "<ifname>",
	.min_pos = 1,
	.max_pos = 1,
	.opts = fake_opts,
	.cfg_size = sizeof(struct fake_cfg),
	.defaults = &fake_defaults,
};

enum { O_VERBOSE, O_THREADS, O_PACKETS, O_DURATION, O_MAC, O_DST, O_DPORT,
       O_LABEL, O_MODE, O_EVEN, O_COUNT };

/* Splits a command line on spaces into a static argv; argv[0] is the name. */
struct cmdline {
	char buf[512];
	char *argv[64];
	char *orig[64];
	int argc;
};

static void split(struct cmdline *c, const char *line)
{
	char *save = NULL, *tok;

	snprintf(c->buf, sizeof(c->buf), "fake %s", line);
	c->argc = 0;
	for (tok = strtok_r(c->buf, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		c->argv[c->argc++] = tok;
	c->argv[c->argc] = NULL;
	memcpy(c->orig, c->argv, sizeof(c->argv));
}

static int parse_line(const struct tg_cmd_def *def, const char *line,
		      struct fake_cfg *cfg, struct tg_opts_result *res,
		      struct tg_err *err)
{
	static struct cmdline c;
	int ret;

	split(&c, line);
	memset(err, 0, sizeof(*err));
	memset(cfg, 0x5a, sizeof(*cfg));
	ret = tg_opts_parse(def, c.argc, c.argv, cfg, res, err);
	/* Parsing never reorders the caller's argv. */
	assert_memory_equal(c.argv, c.orig, sizeof(c.argv));
	return ret;
}

static void parse_ok(const char *line, struct fake_cfg *cfg,
		     struct tg_opts_result *res)
{
	struct tg_err err;

	if (parse_line(&fake_def, line, cfg, res, &err))
		fail_msg("'%s' refused: %s", line, err.msg);
}

static void parse_bad(const char *line, const char *needle)
{
	struct tg_opts_result res;
	struct fake_cfg cfg;
	struct tg_err err;

	assert_int_equal(parse_line(&fake_def, line, &cfg, &res, &err), -EINVAL);
	if (!strstr(err.msg, needle))
		fail_msg("'%s': message '%s' does not contain '%s'", line,
			 err.msg, needle);
}

/* tg_opt_given() on a name, for a death test. */
struct ask {
	const struct tg_opts_result *res;
	const char *name;
};

static void ask_given(void *arg)
{
	const struct ask *a = arg;

	tg_opt_given(&fake_def, a->res, a->name);
}

static void test_defaults(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;
	int i;

	parse_ok("eth0", &cfg, &res);
	assert_memory_equal(&cfg, &fake_defaults, sizeof(cfg));
	for (i = 0; i < O_COUNT; i++)
		assert_false(res.given[i]);
	assert_false(res.help);
	assert_int_equal(res.npos, 1);
	assert_string_equal(res.pos[0], "eth0");
	assert_false(tg_opt_given(&fake_def, &res, "dst-port"));
	/* Not "false": a name the table lacks is the caller's mistake. */
	tg_assert_aborts(ask_given, &(struct ask){ &res, "no-such-option" },
			 "'fake' has no option --no-such-option");
}

static void check_all_set(const struct fake_cfg *cfg,
			  const struct tg_opts_result *res)
{
	static const uint8_t mac[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	int i;

	assert_true(cfg->verbose);
	assert_int_equal(cfg->threads, 4);
	assert_int_equal(cfg->packets, 2500000);
	assert_int_equal(cfg->duration, 250000000);
	assert_memory_equal(cfg->mac, mac, 6);
	assert_int_equal(cfg->dst.family, AF_INET);
	assert_int_equal(cfg->dst.first.v4.s_addr, htonl(0x0a000000));
	assert_int_equal(cfg->dst.count, 256);
	assert_int_equal(cfg->dport.first, 1000);
	assert_int_equal(cfg->dport.count, 11);
	assert_string_equal(cfg->label, "hello");
	assert_int_equal(cfg->mode, 1);
	assert_int_equal(cfg->even, 42);
	for (i = 0; i < O_COUNT; i++)
		assert_true(res->given[i]);
	assert_true(tg_opt_given(&fake_def, res, "dst-port"));
	assert_true(tg_opt_given(&fake_def, res, "even"));
	assert_int_equal(res->npos, 1);
	assert_string_equal(res->pos[0], "eth0");
}

static void test_short_forms(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("-v -t 4 -n 2.5M -d 250ms --dst-mac aa:bb:cc:dd:ee:ff "
		 "-a 10.0.0.0/24 -p 1000-1010 --label hello -m random "
		 "--even 42 eth0", &cfg, &res);
	check_all_set(&cfg, &res);
	/* Values glued to short options, and flags clustered with them. */
	parse_ok("-vt4 -n2.5M -d250ms --dst-mac aa:bb:cc:dd:ee:ff "
		 "-a10.0.0.0/24 -p1000-1010 --label hello -mrandom "
		 "--even 42 eth0", &cfg, &res);
	check_all_set(&cfg, &res);
}

static void test_long_forms(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("--verbose --threads 4 --num-packets 2.5M --duration 250ms "
		 "--dst-mac aa:bb:cc:dd:ee:ff --dst 10.0.0.0/24 "
		 "--dst-port 1000-1010 --label hello --mode random --even 42 "
		 "eth0", &cfg, &res);
	check_all_set(&cfg, &res);
	parse_ok("--verbose --threads=4 --num-packets=2.5M --duration=250ms "
		 "--dst-mac=aa:bb:cc:dd:ee:ff --dst=10.0.0.0/24 "
		 "--dst-port=1000-1010 --label=hello --mode=random --even=42 "
		 "eth0", &cfg, &res);
	check_all_set(&cfg, &res);
}

/* Options after and between positionals, as GNU tools allow. */
static void test_options_after_positionals(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("eth0 -v -t 4 -n 2.5M -d 250ms --dst-mac aa:bb:cc:dd:ee:ff "
		 "-a 10.0.0.0/24 -p 1000-1010 --label hello -m random "
		 "--even 42", &cfg, &res);
	check_all_set(&cfg, &res);

	parse_ok("-p 53 eth0 -t 2", &cfg, &res);
	assert_int_equal(cfg.dport.first, 53);
	assert_int_equal(cfg.threads, 2);
	assert_string_equal(res.pos[0], "eth0");

	/* After "--" everything is positional, even what looks like an option. */
	parse_ok("-t 3 -- -x", &cfg, &res);
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(res.npos, 1);
	assert_string_equal(res.pos[0], "-x");
	/* A lone "-" is a positional too (stdin, by convention). */
	parse_ok("-", &cfg, &res);
	assert_string_equal(res.pos[0], "-");
}

static void test_last_wins(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("-p 1 eth0 --dst-port 2", &cfg, &res);
	assert_int_equal(cfg.dport.first, 2);
	assert_true(res.given[O_DPORT]);
	assert_false(res.given[O_THREADS]);
}

static void test_missing_value(void **state __attribute__((unused)))
{
	parse_bad("eth0 --dst-port", "option '--dst-port' needs a value");
	parse_bad("eth0 -p", "option '--dst-port' needs a value");
	parse_bad("eth0 --dst-mac", "option '--dst-mac' needs a value");
	parse_bad("eth0 -vp", "option '--dst-port' needs a value");
	parse_bad("eth0 --dst-port=", "--dst-port: '' is not a port");
}

static void test_unknown_option(void **state __attribute__((unused)))
{
	parse_bad("eth0 --foo", "unknown option '--foo'");
	parse_bad("--foo=bar eth0", "unknown option '--foo'");
	parse_bad("eth0 -x", "unknown option '-x'");
	parse_bad("eth0 -vx", "unknown option '-x'");
	parse_bad("eth0 -:", "unknown option '-:'");
	parse_bad("eth0 --verbose=yes", "option '--verbose' takes no value");
	parse_bad("eth0 --help=yes", "option '--help' takes no value");
	/* GNU abbreviations: unique ones work, ambiguous ones are refused. */
	parse_bad("eth0 --d 1", "ambiguous option '--d'");
	parse_bad("eth0 --dst-=1", "ambiguous option '--dst-'");
}

static void test_abbreviation(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("eth0 --dst-p 53", &cfg, &res);
	assert_int_equal(cfg.dport.first, 53);
	assert_true(res.given[O_DPORT]);
}

static void test_bad_values(void **state __attribute__((unused)))
{
	parse_bad("eth0 --dst-port 70000",
		  "--dst-port: '70000' is not a port (0-65535)");
	parse_bad("eth0 -p 5-3", "--dst-port: '5-3': range end is below its start");
	parse_bad("eth0 -a 10.0.0.300", "--dst: '10.0.0.300' is not an IPv4");
	parse_bad("eth0 --dst-mac zz", "--dst-mac: 'zz' is not a MAC address");
	parse_bad("eth0 -t 0", "--threads: '0' is out of range (1-64)");
	parse_bad("eth0 -t 65", "--threads: '65' is out of range (1-64)");
	parse_bad("eth0 -t x", "--threads: 'x' is not a number (1-64");
	parse_bad("eth0 -n 0",
		  "--num-packets: '0' is out of range (1-18446744073709551615)");
	parse_bad("eth0 -n abc", "--num-packets: 'abc' is not a count");
	parse_bad("eth0 -n 1.5", "--num-packets: '1.5' is not a whole count");
	parse_bad("eth0 -d 2h", "--duration: '2h' is out of range (0-1h)");
	parse_bad("eth0 -d 1x", "--duration: '1x' is not a duration");
}

static void test_bounds_inclusive(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("eth0 -t 1", &cfg, &res);
	assert_int_equal(cfg.threads, 1);
	parse_ok("eth0 -t 0x40", &cfg, &res);
	assert_int_equal(cfg.threads, 64);
	parse_ok("eth0 -n 1", &cfg, &res);
	assert_int_equal(cfg.packets, 1);
	parse_ok("eth0 -n 18446744073709551615", &cfg, &res);
	assert_int_equal(cfg.packets, UINT64_MAX);
	parse_ok("eth0 -d 1h", &cfg, &res);
	assert_int_equal(cfg.duration, 3600000000000ULL);
	parse_ok("eth0 -d 0", &cfg, &res);
	assert_int_equal(cfg.duration, 0);
}

static void test_enum(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("eth0 -m burst", &cfg, &res);
	assert_int_equal(cfg.mode, 2);
	parse_ok("eth0 --mode seq", &cfg, &res);
	assert_int_equal(cfg.mode, 0);
	parse_bad("eth0 -m zigzag",
		  "--mode: 'zigzag' is not one of: seq, random, burst");
	parse_bad("eth0 -m SEQ", "'SEQ' is not one of");
	parse_bad("eth0 -m se", "'se' is not one of");
}

static void test_custom(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("eth0 --even 8", &cfg, &res);
	assert_int_equal(cfg.even, 8);
	parse_bad("eth0 --even 7", "--even: '7' is not an even number");
	/* A parser that says nothing still gets a message naming the value. */
	parse_bad("eth0 --even mute", "--even: 'mute' is not valid");
}

static void test_positional_counts(void **state __attribute__((unused)))
{
	static const struct tg_cmd_def two = {
		.name = "two", .args = "<a> [<b>]", .min_pos = 1, .max_pos = 2,
		.opts = fake_opts, .cfg_size = sizeof(struct fake_cfg),
		.defaults = &fake_defaults,
	};
	static const struct tg_cmd_def none = {
		.name = "none", .opts = fake_opts,
		.cfg_size = sizeof(struct fake_cfg),
	};
	struct tg_opts_result res;
	struct fake_cfg cfg;
	struct tg_err err;

	parse_bad("", "expected 1 argument (<ifname>), got 0");
	parse_bad("-v", "expected 1 argument (<ifname>), got 0");
	parse_bad("eth0 eth1", "expected 1 argument (<ifname>), got 2");
	parse_bad("a b c d e f g h i j k",
		  "expected 1 argument (<ifname>), got 11");

	assert_int_equal(parse_line(&two, "x", &cfg, &res, &err), 0);
	assert_int_equal(parse_line(&two, "x -v y", &cfg, &res, &err), 0);
	assert_int_equal(res.npos, 2);
	assert_string_equal(res.pos[0], "x");
	assert_string_equal(res.pos[1], "y");
	assert_int_equal(parse_line(&two, "x y z", &cfg, &res, &err), -EINVAL);
	assert_string_equal(err.msg,
			    "expected 1 to 2 arguments (<a> [<b>]), got 3");

	/* No defaults: the config starts zeroed. */
	assert_int_equal(parse_line(&none, "-t 3", &cfg, &res, &err), 0);
	assert_int_equal(cfg.threads, 3);
	assert_int_equal(cfg.packets, 0);
	assert_null(cfg.label);
	assert_int_equal(parse_line(&none, "x", &cfg, &res, &err), -EINVAL);
	assert_string_equal(err.msg, "expected no arguments, got 1");
}

static void test_help_flag(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("-h", &cfg, &res);
	assert_true(res.help);
	parse_ok("--help", &cfg, &res);
	assert_true(res.help);
	parse_ok("eth0 -t 2 --help", &cfg, &res);
	assert_true(res.help);
	parse_ok("-vh", &cfg, &res);
	assert_true(res.help);
	/* Help stops parsing: what follows is not looked at. */
	parse_ok("--help --no-such-thing 1 2 3", &cfg, &res);
	assert_true(res.help);
	/* An error before it still is one. */
	parse_bad("--no-such-thing --help", "unknown option '--no-such-thing'");
	parse_ok("eth0", &cfg, &res);
	assert_false(res.help);
}

/* getopt's globals must not leak from one call into the next. */
static void test_repeated_calls(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;
	int i;

	for (i = 0; i < 3; i++) {
		/* An error part-way through a cluster leaves getopt mid-word. */
		parse_bad("eth0 -vx -t 2", "unknown option '-x'");
		parse_bad("eth0 -t", "needs a value");
		parse_ok("-vt 5 eth0", &cfg, &res);
		assert_true(cfg.verbose);
		assert_int_equal(cfg.threads, 5);
		assert_string_equal(res.pos[0], "eth0");
		parse_ok("eth1", &cfg, &res);
		assert_false(cfg.verbose);
		assert_int_equal(cfg.threads, 1);
		assert_false(res.given[O_VERBOSE]);
		assert_string_equal(res.pos[0], "eth1");
	}
}

static void test_bad_tables(void **state __attribute__((unused)))
{
	static struct tg_opt many[TG_MAX_OPTS + 2];
	static char names[TG_MAX_OPTS + 1][16];
	static const struct tg_opt dup_short[] = {
		{ OPT("one", 'x', TG_OPT_FLAG, verbose, NULL, "") },
		{ OPT("two", 'x', TG_OPT_FLAG, verbose, NULL, "") },
		{ .name = NULL },
	};
	static const struct tg_opt steals_help[] = {
		{ OPT("host", 'h', TG_OPT_STRING, label, "HOST", "") },
		{ .name = NULL },
	};
	static const struct tg_opt enum_no_choices[] = {
		{ OPT("mode", 0, TG_OPT_ENUM, mode, NULL, "") },
		{ .name = NULL },
	};
	struct tg_cmd_def def = {
		.name = "bad", .min_pos = 0, .max_pos = 8,
		.cfg_size = sizeof(struct fake_cfg),
	};
	struct tg_opts_result res;
	struct fake_cfg cfg;
	struct tg_err err;
	int i;

	for (i = 0; i <= TG_MAX_OPTS; i++) {
		snprintf(names[i], sizeof(names[i]), "opt%d", i);
		many[i] = (struct tg_opt){ OPT(names[i], 0, TG_OPT_FLAG,
						       verbose, NULL, "") };
	}
	def.opts = many;
	assert_int_equal(parse_line(&def, "", &cfg, &res, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "more than 64"));
	/* Exactly TG_MAX_OPTS rows is fine, and the last one works. */
	many[TG_MAX_OPTS] = (struct tg_opt){ .name = NULL };
	assert_int_equal(parse_line(&def, "--opt63", &cfg, &res, &err), 0);
	assert_true(res.given[TG_MAX_OPTS - 1]);
	assert_true(tg_opt_given(&def, &res, "opt63"));

	def.opts = dup_short;
	assert_int_equal(parse_line(&def, "", &cfg, &res, &err), -EINVAL);
	def.opts = steals_help;
	assert_int_equal(parse_line(&def, "", &cfg, &res, &err), -EINVAL);
	def.opts = enum_no_choices;
	assert_int_equal(parse_line(&def, "", &cfg, &res, &err), -EINVAL);
	def.opts = fake_opts;
	def.max_pos = TG_MAX_POS + 1;
	assert_int_equal(parse_line(&def, "", &cfg, &res, &err), -EINVAL);
}

static char *help_text(const struct tg_cmd_def *def)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	tg_opts_help(def, f);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Column of needle within its line of text. */
static long column_of(const char *text, const char *needle)
{
	const char *at = strstr(text, needle), *p;

	if (!at)
		fail_msg("help lacks '%s':\n%s", needle, text);
	for (p = at; p > text && p[-1] != '\n'; p--)
		;
	return at - p;
}

static void test_help_output(void **state __attribute__((unused)))
{
	char *text = help_text(&fake_def);
	long col = column_of(text, "show this help\n");
	char want[64];
	int i;

	assert_non_null(strstr(text, "Usage: trafficgen fake [options] <ifname>\n"
				     "Send made-up traffic.\n"));
	for (i = 0; fake_opts[i].name; i++) {
		snprintf(want, sizeof(want), "--%s", fake_opts[i].name);
		column_of(text, want);
		/* Every help text starts in the same column. */
		assert_int_equal(column_of(text, fake_opts[i].help), col);
	}
	assert_non_null(strstr(text, "\n  -p, --dst-port PORT[-PORT]   "));
	assert_non_null(strstr(text, "\n      --dst-mac MAC "));
	assert_non_null(strstr(text, "\n  -v, --verbose "));
	assert_non_null(strstr(text, "\n  -m, --mode seq|random|burst   walk order\n"));
	assert_non_null(strstr(text, "\n  -h, --help "));
	free(text);
}

static void test_help_no_args(void **state __attribute__((unused)))
{
	static const struct tg_cmd_def bare = {
		.name = "bare", .opts = fake_opts,
	};
	char *text = help_text(&bare);

	assert_non_null(strstr(text, "Usage: trafficgen bare [options]\n"));
	free(text);
}

/* A name not in the table is a caller's typo: "not given" would hide it. */
static void test_given_misspelled_aborts(void **state __attribute__((unused)))
{
	struct tg_opts_result res;
	struct fake_cfg cfg;

	parse_ok("-n 5 eth0", &cfg, &res);
	assert_true(tg_opt_given(&fake_def, &res, "num-packets"));
	assert_false(tg_opt_given(&fake_def, &res, "threads"));
	tg_assert_aborts(ask_given, &(struct ask){ &res, "num-packet" }, "--num-packet");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_short_forms),
		cmocka_unit_test(test_long_forms),
		cmocka_unit_test(test_options_after_positionals),
		cmocka_unit_test(test_last_wins),
		cmocka_unit_test(test_missing_value),
		cmocka_unit_test(test_unknown_option),
		cmocka_unit_test(test_abbreviation),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_bounds_inclusive),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_custom),
		cmocka_unit_test(test_positional_counts),
		cmocka_unit_test(test_help_flag),
		cmocka_unit_test(test_repeated_calls),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_help_output),
		cmocka_unit_test(test_help_no_args),
		cmocka_unit_test(test_given_misspelled_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
