/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_ERRBUF_H
#define TG_ERRBUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Library functions return a negative errno and, where the caller passes one,
 * leave a sentence in an errbuf saying what was wrong with which value. The
 * command that can add context prints it once; the library never prints.
 */
#define TG_ERRLEN 256

struct tg_err {
	char msg[TG_ERRLEN];
};

/* Formats into err (if not NULL) and returns -errnum, for `return tg_fail(...)`. */
int tg_fail(struct tg_err *err, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
