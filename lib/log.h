/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_LOG_H
#define TG_LOG_H

/*
 * Messages to stderr, prefixed "trafficgen: ". The level is the one piece of
 * process-wide state: it is set once from -v before anything runs, and
 * libbpf's own messages are routed one level down so that they show only
 * with -v (warnings) or -vv (everything).
 */
enum tg_log_level {
	TG_LOG_ERROR,
	TG_LOG_WARN,
	TG_LOG_INFO,
	TG_LOG_DEBUG,
};

void tg_log_set_level(enum tg_log_level level);
enum tg_log_level tg_log_get_level(void);
void tg_log(enum tg_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define tg_error(...) tg_log(TG_LOG_ERROR, __VA_ARGS__)
#define tg_warn(...) tg_log(TG_LOG_WARN, __VA_ARGS__)
#define tg_info(...) tg_log(TG_LOG_INFO, __VA_ARGS__)
#define tg_debug(...) tg_log(TG_LOG_DEBUG, __VA_ARGS__)

/* Installs the libbpf print callback. */
void tg_log_libbpf(void);

#endif
