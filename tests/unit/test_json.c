// SPDX-License-Identifier: GPL-2.0
/*
 * lib/json: every --json line comes out of it, and CI jobs gate on those
 * lines, so escaping, commas between keys, nesting, the numbers JSON cannot
 * hold and the depth limit are checked byte for byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "memstream.h"
#include "death.h"
#include "json.h"

struct line {
	struct tg_memout c;
	struct tg_json j;
};

static void line_begin(struct line *l)
{
	tg_json_begin(&l->j, tg_memout_open(&l->c));
}

/* Ends the line and compares it whole; frees it. */
static void line_check(struct line *l, const char *want)
{
	tg_json_end(&l->j);
	tg_memout_check(&l->c, want);
}

static void test_empty(void **state __attribute__((unused)))
{
	struct line l;

	line_begin(&l);
	line_check(&l, "{}\n");
}

static void test_every_kind(void **state __attribute__((unused)))
{
	struct line l;

	line_begin(&l);
	tg_json_str(&l.j, "s", "x");
	tg_json_u64(&l.j, "u", UINT64_MAX);
	tg_json_i64(&l.j, "i", INT64_MIN);
	tg_json_i64(&l.j, "p", 7);
	tg_json_double(&l.j, "d", -1.5);
	tg_json_bool(&l.j, "t", true);
	tg_json_bool(&l.j, "f", false);
	tg_json_null(&l.j, "n");
	line_check(&l, "{\"s\":\"x\",\"u\":18446744073709551615,"
		   "\"i\":-9223372036854775808,\"p\":7,\"d\":-1.500000,"
		   "\"t\":true,\"f\":false,\"n\":null}\n");
}

/* Quotes, backslashes and control bytes escaped, in keys and values alike. */
static void test_escaping(void **state __attribute__((unused)))
{
	struct line l;

	line_begin(&l);
	tg_json_str(&l.j, "a\"b", "say \"hi\"\\ now");
	tg_json_str(&l.j, "ctl", "\n\t\r\x01\x1f end");
	tg_json_str(&l.j, "utf8", "caf\xc3\xa9 \x7f");
	tg_json_str(&l.j, "", "");
	line_check(&l, "{\"a\\\"b\":\"say \\\"hi\\\"\\\\ now\","
		   "\"ctl\":\"\\u000a\\u0009\\u000d\\u0001\\u001f end\","
		   "\"utf8\":\"caf\xc3\xa9 \x7f\",\"\":\"\"}\n");
}

/* Six decimals; JSON has no NaN or infinity, so those are null. */
static void test_doubles(void **state __attribute__((unused)))
{
	struct line l;

	line_begin(&l);
	tg_json_double(&l.j, "zero", 0.0);
	tg_json_double(&l.j, "third", 1.0 / 3);
	tg_json_double(&l.j, "big", 1e12);
	tg_json_double(&l.j, "nan", NAN);
	tg_json_double(&l.j, "inf", INFINITY);
	tg_json_double(&l.j, "ninf", -INFINITY);
	tg_json_double(&l.j, "after", 2.0);
	line_check(&l, "{\"zero\":0.000000,\"third\":0.333333,\"big\":1000000000000.000000,"
		   "\"nan\":null,\"inf\":null,\"ninf\":null,\"after\":2.000000}\n");
}

/* Commas restart inside each object and go on after it. */
static void test_nesting(void **state __attribute__((unused)))
{
	struct line l;

	line_begin(&l);
	tg_json_u64(&l.j, "a", 1);
	tg_json_obj(&l.j, "o");
	tg_json_u64(&l.j, "b", 2);
	tg_json_obj(&l.j, "empty");
	tg_json_obj_end(&l.j);
	tg_json_u64(&l.j, "c", 3);
	tg_json_obj_end(&l.j);
	tg_json_u64(&l.j, "d", 4);
	line_check(&l, "{\"a\":1,\"o\":{\"b\":2,\"empty\":{},\"c\":3},\"d\":4}\n");
}

/* tg_json_end closes what is still open. */
static void test_end_closes_open_objects(void **state __attribute__((unused)))
{
	struct line l;

	line_begin(&l);
	tg_json_obj(&l.j, "x");
	tg_json_obj(&l.j, "y");
	tg_json_u64(&l.j, "z", 0);
	line_check(&l, "{\"x\":{\"y\":{\"z\":0}}}\n");
}

/* A writer reused for the next line starts clean. */
static void test_two_lines(void **state __attribute__((unused)))
{
	struct line l;

	line_begin(&l);
	tg_json_obj(&l.j, "x");
	tg_json_u64(&l.j, "a", 1);
	tg_json_end(&l.j);
	tg_json_begin(&l.j, l.c.f);
	tg_json_u64(&l.j, "b", 2);
	line_check(&l, "{\"x\":{\"a\":1}}\n{\"b\":2}\n");
}

/* Opens n objects, each inside the last, on a line to /dev/null. */
static void nest(void *arg)
{
	int i, n = *(int *)arg;
	struct tg_json j;
	FILE *f = fopen("/dev/null", "w");

	tg_json_begin(&j, f);
	for (i = 0; i < n; i++)
		tg_json_obj(&j, "o");
	tg_json_end(&j);
	fclose(f);
}

/* TG_JSON_DEPTH - 1 levels inside the line's object fit, to the byte. */
static void test_depth_limit_fits(void **state __attribute__((unused)))
{
	char want[128] = "{";
	struct line l;
	int i;

	line_begin(&l);
	for (i = 0; i < TG_JSON_DEPTH - 1; i++) {
		tg_json_obj(&l.j, "o");
		strcat(want, "\"o\":{");
	}
	tg_json_u64(&l.j, "v", 1);
	strcat(want, "\"v\":1");
	for (i = 0; i < TG_JSON_DEPTH; i++)
		strcat(want, "}");
	strcat(want, "\n");
	line_check(&l, want);
}

/* One more is a caller's mistake: it must not write a line that parses wrongly. */
static void test_depth_limit_aborts(void **state __attribute__((unused)))
{
	int n = TG_JSON_DEPTH;

	tg_assert_aborts(nest, &n, "deeper than TG_JSON_DEPTH");
	n = TG_JSON_DEPTH - 1;
	nest(&n);	/* and the limit itself does not */
}

static void end_unopened(void *arg)
{
	struct tg_json j;
	FILE *f = fopen("/dev/null", "w");

	tg_json_begin(&j, f);
	tg_json_obj(&j, "o");
	tg_json_obj_end(&j);
	tg_json_obj_end(&j);	/* the line's own: tg_json_end's to close */
	fclose(f);
}

static void test_end_unopened_aborts(void **state __attribute__((unused)))
{
	tg_assert_aborts(end_unopened, NULL, "not opened");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_every_kind),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_end_closes_open_objects),
		cmocka_unit_test(test_two_lines),
		cmocka_unit_test(test_depth_limit_fits),
		cmocka_unit_test(test_depth_limit_aborts),
		cmocka_unit_test(test_end_unopened_aborts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
