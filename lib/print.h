/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_PRINT_H
#define TG_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "json.h"

/*
 * One call per figure for text and JSON output, as iproute2's print_*()
 * with PRINT_ANY: each call names the figure's JSON key and its text
 * format, so the two outputs cannot drift apart. A line is opened, filled
 * and closed; in JSON it is one object, in text one line.
 *
 * `to` says where a call writes: TG_PRINT_ANY both, TG_PRINT_JSON only the
 * key (for figures the text leaves out, or says elsewhere on its line),
 * TG_PRINT_TEXT only the text. A NULL format writes no text.
 */
enum tg_print_to {
	TG_PRINT_TEXT = 1,
	TG_PRINT_JSON = 2,
	TG_PRINT_ANY = TG_PRINT_TEXT | TG_PRINT_JSON,
};

struct tg_print {
	FILE *f;
	bool json;
	struct tg_json j;
};

void tg_print_open(struct tg_print *p, FILE *f, bool json);
/* Ends the line (JSON: closes every object) and flushes. */
void tg_print_close(struct tg_print *p);

/* The formats take exactly one value of the type named. */
void tg_print_u64(struct tg_print *p, enum tg_print_to to, const char *key,
		  const char *fmt, unsigned long long v);
void tg_print_i64(struct tg_print *p, enum tg_print_to to, const char *key,
		  const char *fmt, long long v);
void tg_print_double(struct tg_print *p, enum tg_print_to to, const char *key,
		     const char *fmt, double v);
void tg_print_str(struct tg_print *p, enum tg_print_to to, const char *key,
		  const char *fmt, const char *v);
/*
 * A time in nanoseconds: a number in JSON; in text the format's %s gets it
 * in the unit that suits it ("950ns", "12.3us", "4.56ms", "1.234s"), as
 * latencies span nine decades.
 */
void tg_print_ns(struct tg_print *p, enum tg_print_to to, const char *key,
		 const char *fmt, unsigned long long ns);
/* The text format takes the words "true" or "false" as its %s. */
void tg_print_bool(struct tg_print *p, enum tg_print_to to, const char *key,
		   const char *fmt, bool v);
/* JSON null; `text` is written as it is. */
void tg_print_null(struct tg_print *p, enum tg_print_to to, const char *key,
		   const char *text);
/* Text only: words between figures. */
void tg_print_text(struct tg_print *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* JSON only: a nested object and its end; text gets nothing. */
void tg_print_obj(struct tg_print *p, const char *key);
void tg_print_obj_end(struct tg_print *p);

#endif
