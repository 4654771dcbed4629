/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TEST_DEATH_H
#define TG_TEST_DEATH_H

/*
 * Death tests: a call that must abort (a caller's programming error the
 * library refuses to paper over) runs in a child; the parent checks it died
 * of SIGABRT and said why on stderr. Include after <cmocka.h>.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

/* Runs fn(arg) in a child; asserts SIGABRT and that stderr holds `says`. */
static inline void tg_assert_aborts(void (*fn)(void *arg), void *arg, const char *says)
{
	char msg[512] = "";
	ssize_t n, got = 0;
	int fds[2], status;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		fn(arg);
		_exit(0);	/* it went on: the parent sees a clean exit */
	}
	close(fds[1]);
	while (got < (ssize_t)sizeof(msg) - 1 &&
	       (n = read(fds[0], msg + got, sizeof(msg) - 1 - got)) > 0)
		got += n;
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		fail_msg("expected SIGABRT, got status 0x%x; stderr: %s", status, msg);
	if (!strstr(msg, says))
		fail_msg("stderr does not say '%s': %s", says, msg);
}

#endif
