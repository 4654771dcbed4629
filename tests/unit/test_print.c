// SPDX-License-Identifier: GPL-2.0
/*
 * lib/print: each call, asked for TEXT, JSON or ANY, in a text run and in a
 * JSON run. A figure goes to an output only when the call names it, and a
 * call writes text only with a format and JSON only with a key.
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
#include "print.h"

/* One line written by fill(p, to) with p in text or JSON mode. */
static void check(bool json, void (*fill)(struct tg_print *p, enum tg_print_to to),
		  enum tg_print_to to, const char *want)
{
	struct tg_memout c;
	struct tg_print p;

	tg_print_open(&p, tg_memout_open(&c), json);
	fill(&p, to);
	tg_print_close(&p);
	if (strcmp(c.buf, want))
		fprintf(stderr, "%s run, to %d:\n", json ? "JSON" : "text", to);
	tg_memout_check(&c, want);
}

/*
 * Each call under TEXT, JSON and ANY: text mode writes the format for TEXT
 * and ANY, JSON mode the key for JSON and ANY.
 */
static void each_to(void (*fill)(struct tg_print *p, enum tg_print_to to),
		    const char *text, const char *json)
{
	char want[256];

	snprintf(want, sizeof(want), "%s\n", text);
	check(false, fill, TG_PRINT_TEXT, want);
	check(false, fill, TG_PRINT_ANY, want);
	check(false, fill, TG_PRINT_JSON, "\n");
	snprintf(want, sizeof(want), "{%s}\n", json);
	check(true, fill, TG_PRINT_JSON, want);
	check(true, fill, TG_PRINT_ANY, want);
	check(true, fill, TG_PRINT_TEXT, "{}\n");
}

static void fill_u64(struct tg_print *p, enum tg_print_to to)
{
	tg_print_u64(p, to, "n", "n=%llu", 18446744073709551615ULL);
}

static void fill_i64(struct tg_print *p, enum tg_print_to to)
{
	tg_print_i64(p, to, "d", "%+lld", -42);
}

static void fill_double(struct tg_print *p, enum tg_print_to to)
{
	tg_print_double(p, to, "x", "%.1f", 2.25);
}

static void fill_double_nan(struct tg_print *p, enum tg_print_to to)
{
	tg_print_double(p, to, "x", "%.1f", NAN);
}

static void fill_str(struct tg_print *p, enum tg_print_to to)
{
	tg_print_str(p, to, "s", "[%s]", "a \"b\"");
}

static void fill_bool(struct tg_print *p, enum tg_print_to to)
{
	tg_print_bool(p, to, "t", "t=%s", true);
	tg_print_bool(p, to, "f", " f=%s", false);
}

static void fill_null(struct tg_print *p, enum tg_print_to to)
{
	tg_print_null(p, to, "z", "n/a");
}

static void fill_ns(struct tg_print *p, enum tg_print_to to)
{
	tg_print_ns(p, to, "a", "%s", 950);
	tg_print_ns(p, to, "b", " %s", 12345);
	tg_print_ns(p, to, "c", " %s", 4560000);
	tg_print_ns(p, to, "d", " %s", 1234000000);
	tg_print_ns(p, to, "e", " %s", 999);
	tg_print_ns(p, to, "f", " %s", 1000);
}

static void test_u64(void **state __attribute__((unused)))
{
	each_to(fill_u64, "n=18446744073709551615", "\"n\":18446744073709551615");
}

static void test_i64(void **state __attribute__((unused)))
{
	each_to(fill_i64, "-42", "\"d\":-42");
}

static void test_double(void **state __attribute__((unused)))
{
	/* Text keeps its format; JSON its six decimals. */
	each_to(fill_double, "2.2", "\"x\":2.250000");
	each_to(fill_double_nan, "nan", "\"x\":null");
}

static void test_str(void **state __attribute__((unused)))
{
	/* Escaped in JSON only. */
	each_to(fill_str, "[a \"b\"]", "\"s\":\"a \\\"b\\\"\"");
}

static void test_bool(void **state __attribute__((unused)))
{
	each_to(fill_bool, "t=true f=false", "\"t\":true,\"f\":false");
}

static void test_null(void **state __attribute__((unused)))
{
	each_to(fill_null, "n/a", "\"z\":null");
}

static void test_ns(void **state __attribute__((unused)))
{
	each_to(fill_ns, "950ns 12.3us 4.56ms 1.234s 999ns 1.0us",
		"\"a\":950,\"b\":12345,\"c\":4560000,\"d\":1234000000,\"e\":999,\"f\":1000");
}

/* No key: nothing in JSON even under ANY; no format: nothing in text. */
static void fill_half(struct tg_print *p, enum tg_print_to to)
{
	tg_print_u64(p, to, NULL, "text only %llu", 1);
	tg_print_u64(p, to, "json_only", NULL, 2);
	tg_print_null(p, to, "nothing_said", NULL);
}

static void test_missing_key_or_format(void **state __attribute__((unused)))
{
	each_to(fill_half, "text only 1", "\"json_only\":2,\"nothing_said\":null");
}

/* Words between figures and nested objects belong to one output each. */
static void fill_words_and_objects(struct tg_print *p, enum tg_print_to to)
{
	tg_print_text(p, "%s %d:", "words", 3);
	tg_print_obj(p, "o");
	tg_print_u64(p, to, "a", " a %llu", 1);
	tg_print_obj_end(p);
	tg_print_u64(p, to, "b", ", b %llu", 2);
}

static void test_text_and_objects(void **state __attribute__((unused)))
{
	check(false, fill_words_and_objects, TG_PRINT_ANY, "words 3: a 1, b 2\n");
	check(true, fill_words_and_objects, TG_PRINT_ANY, "{\"o\":{\"a\":1},\"b\":2}\n");
	check(true, fill_words_and_objects, TG_PRINT_TEXT, "{\"o\":{}}\n");
}

/* A figure the two outputs say at different places: one call for each. */
static void fill_split(struct tg_print *p, enum tg_print_to to)
{
	tg_print_str(p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_print_u64(p, TG_PRINT_TEXT, NULL, "%llu errors, ", 5);
	tg_print_u64(p, TG_PRINT_ANY, "sent", "sent %llu", 100);
	tg_print_u64(p, TG_PRINT_JSON, "errors", NULL, 5);
}

static void test_text_vs_json(void **state __attribute__((unused)))
{
	check(false, fill_split, TG_PRINT_ANY, "5 errors, sent 100\n");
	check(true, fill_split, TG_PRINT_ANY, "{\"type\":\"summary\",\"sent\":100,\"errors\":5}\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_i64),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_str),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_ns),
		cmocka_unit_test(test_missing_key_or_format),
		cmocka_unit_test(test_text_and_objects),
		cmocka_unit_test(test_text_vs_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
