// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "log.h"

static enum tg_log_level log_level = TG_LOG_WARN;

void tg_log_set_level(enum tg_log_level level)
{
	log_level = level;
}

enum tg_log_level tg_log_get_level(void)
{
	return log_level;
}

static void vlog(enum tg_log_level level, const char *fmt, va_list ap)
{
	static const char *const prefix[] = {
		[TG_LOG_ERROR] = "", [TG_LOG_WARN] = "warning: ",
		[TG_LOG_INFO] = "", [TG_LOG_DEBUG] = "debug: ",
	};

	if (level > log_level)
		return;
	fprintf(stderr, "trafficgen: %s", prefix[level]);
	vfprintf(stderr, fmt, ap);
}

void tg_log(enum tg_log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	/* libbpf's warnings are details of our own errors: show them with -v. */
	enum tg_log_level ours = level == LIBBPF_WARN ? TG_LOG_INFO : TG_LOG_DEBUG;

	if (ours > log_level)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void tg_log_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
