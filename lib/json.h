/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_JSON_H
#define TG_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * A minimal writer of one-line JSON objects: every output line of --json is
 * one object. Keys and strings are escaped. Objects nest up to
 * TG_JSON_DEPTH - 1 levels inside the line's own; one more, or an end with
 * no object open, is a mistake in the caller's code that would write JSON
 * no reader takes: it aborts, saying so.
 */
#define TG_JSON_DEPTH 8

struct tg_json {
	FILE *f;
	int depth;
	bool first[TG_JSON_DEPTH];
};

void tg_json_begin(struct tg_json *j, FILE *f);	/* opens the line's object */
void tg_json_end(struct tg_json *j);		/* closes it, newline, flush */
void tg_json_obj(struct tg_json *j, const char *key);	/* nested object */
void tg_json_obj_end(struct tg_json *j);
void tg_json_u64(struct tg_json *j, const char *key, uint64_t v);
void tg_json_i64(struct tg_json *j, const char *key, int64_t v);
void tg_json_double(struct tg_json *j, const char *key, double v);
void tg_json_str(struct tg_json *j, const char *key, const char *v);
void tg_json_bool(struct tg_json *j, const char *key, bool v);
void tg_json_null(struct tg_json *j, const char *key);

#endif
