// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include "json.h"

static void misuse(const char *what)
{
	fprintf(stderr, "tg_json: %s\n", what);
	abort();
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void key(struct tg_json *j, const char *k)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	put_string(j->f, k);
	fputc(':', j->f);
}

void tg_json_begin(struct tg_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
	fputc('{', f);
}

void tg_json_end(struct tg_json *j)
{
	while (j->depth > 0)
		tg_json_obj_end(j);
	fputs("}\n", j->f);
	fflush(j->f);
}

void tg_json_obj(struct tg_json *j, const char *k)
{
	if (j->depth + 1 >= TG_JSON_DEPTH)
		misuse("objects nested deeper than TG_JSON_DEPTH");
	key(j, k);
	fputc('{', j->f);
	j->depth++;
	j->first[j->depth] = true;
}

void tg_json_obj_end(struct tg_json *j)
{
	if (j->depth == 0)
		misuse("an object ended that was not opened (tg_json_end closes the line's)");
	fputc('}', j->f);
	j->depth--;
}

void tg_json_u64(struct tg_json *j, const char *k, uint64_t v)
{
	key(j, k);
	fprintf(j->f, "%llu", (unsigned long long)v);
}

void tg_json_i64(struct tg_json *j, const char *k, int64_t v)
{
	key(j, k);
	fprintf(j->f, "%lld", (long long)v);
}

void tg_json_double(struct tg_json *j, const char *k, double v)
{
	key(j, k);
	/* JSON has no NaN or infinity. */
	if (isfinite(v))
		fprintf(j->f, "%.6f", v);
	else
		fputs("null", j->f);
}

void tg_json_str(struct tg_json *j, const char *k, const char *v)
{
	key(j, k);
	put_string(j->f, v);
}

void tg_json_bool(struct tg_json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->f);
}

void tg_json_null(struct tg_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->f);
}
