// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include "print.h"

/* Formats come from the callers' string literals, one value each. */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

static bool to_json(const struct tg_print *p, enum tg_print_to to, const char *key)
{
	return p->json && (to & TG_PRINT_JSON) && key;
}

static bool to_text(const struct tg_print *p, enum tg_print_to to, const char *fmt)
{
	return !p->json && (to & TG_PRINT_TEXT) && fmt;
}

void tg_print_open(struct tg_print *p, FILE *f, bool json)
{
	p->f = f;
	p->json = json;
	if (json)
		tg_json_begin(&p->j, f);
}

void tg_print_close(struct tg_print *p)
{
	if (p->json) {
		tg_json_end(&p->j);
		return;
	}
	fputc('\n', p->f);
	fflush(p->f);
}

void tg_print_u64(struct tg_print *p, enum tg_print_to to, const char *key,
		  const char *fmt, unsigned long long v)
{
	if (to_json(p, to, key))
		tg_json_u64(&p->j, key, v);
	else if (to_text(p, to, fmt))
		fprintf(p->f, fmt, v);
}

void tg_print_i64(struct tg_print *p, enum tg_print_to to, const char *key,
		  const char *fmt, long long v)
{
	if (to_json(p, to, key))
		tg_json_i64(&p->j, key, v);
	else if (to_text(p, to, fmt))
		fprintf(p->f, fmt, v);
}

void tg_print_double(struct tg_print *p, enum tg_print_to to, const char *key,
		     const char *fmt, double v)
{
	if (to_json(p, to, key))
		tg_json_double(&p->j, key, v);
	else if (to_text(p, to, fmt))
		fprintf(p->f, fmt, v);
}

void tg_print_str(struct tg_print *p, enum tg_print_to to, const char *key,
		  const char *fmt, const char *v)
{
	if (to_json(p, to, key))
		tg_json_str(&p->j, key, v);
	else if (to_text(p, to, fmt))
		fprintf(p->f, fmt, v);
}

void tg_print_ns(struct tg_print *p, enum tg_print_to to, const char *key,
		 const char *fmt, unsigned long long ns)
{
	char v[32];

	if (to_json(p, to, key)) {
		tg_json_u64(&p->j, key, ns);
		return;
	}
	if (!to_text(p, to, fmt))
		return;
	if (ns < 1000)
		snprintf(v, sizeof(v), "%lluns", ns);
	else if (ns < 1000000)
		snprintf(v, sizeof(v), "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(v, sizeof(v), "%.2fms", ns / 1e6);
	else
		snprintf(v, sizeof(v), "%.3fs", ns / 1e9);
	fprintf(p->f, fmt, v);
}

void tg_print_bool(struct tg_print *p, enum tg_print_to to, const char *key,
		   const char *fmt, bool v)
{
	if (to_json(p, to, key))
		tg_json_bool(&p->j, key, v);
	else if (to_text(p, to, fmt))
		fprintf(p->f, fmt, v ? "true" : "false");
}

void tg_print_null(struct tg_print *p, enum tg_print_to to, const char *key,
		   const char *text)
{
	if (to_json(p, to, key))
		tg_json_null(&p->j, key);
	else if (to_text(p, to, text))
		fputs(text, p->f);
}

void tg_print_text(struct tg_print *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}

void tg_print_obj(struct tg_print *p, const char *key)
{
	if (p->json)
		tg_json_obj(&p->j, key);
}

void tg_print_obj_end(struct tg_print *p)
{
	if (p->json)
		tg_json_obj_end(&p->j);
}
