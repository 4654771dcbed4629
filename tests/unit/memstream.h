/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TEST_MEMSTREAM_H
#define TG_TEST_MEMSTREAM_H

/*
 * Output captured in memory and compared whole: the reports' tests check
 * every byte, since scripts and CI jobs read them. Include after <cmocka.h>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tg_memout {
	char *buf;
	size_t len;
	FILE *f;
};

static inline FILE *tg_memout_open(struct tg_memout *c)
{
	c->buf = NULL;
	c->f = open_memstream(&c->buf, &c->len);
	assert_non_null(c->f);
	return c->f;
}

/* Closes the stream, compares what it got with `want`, frees it. */
static inline void tg_memout_check(struct tg_memout *c, const char *want)
{
	fclose(c->f);
	if (strcmp(c->buf, want))
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", c->buf, want);
	assert_string_equal(c->buf, want);
	free(c->buf);
}

#endif
