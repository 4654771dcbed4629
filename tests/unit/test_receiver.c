// SPDX-License-Identifier: GPL-2.0
/*
 * lib/tcp/receiver (the receiver of `tcp --veth`): per-connection counts, end of
 * stream told from a reset, the stop. Over loopback in a network namespace
 * of the test's own (unshare), so nothing leaves it; skipped without the
 * right to make one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <cmocka.h>
#include "tcp/receiver.h"

#define NS_PER_SEC 1000000000ULL

static int lo_up(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret;

	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	ret = ioctl(fd, SIOCGIFFLAGS, &ifr);
	ifr.ifr_flags |= IFF_UP;
	if (!ret)
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	close(fd);
	return ret;
}

static int group_setup(void **state)
{
	/* A namespace of our own: the test's traffic stays in it. */
	if (unshare(CLONE_NEWNET) || lo_up())
		*state = NULL;
	else
		*state = (void *)1;
	return 0;
}

static int connect_to(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (const struct sockaddr *)a, sizeof(*a)), 0);
	return fd;
}

static void send_n(int fd, size_t n)
{
	static char buf[65536];
	ssize_t w;

	while (n) {
		w = write(fd, buf, n < sizeof(buf) ? n : sizeof(buf));
		assert_true(w > 0);
		n -= w;
	}
}

static uint16_t local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

static const struct tg_receiver_conn *find(const struct tg_receiver *rx, uint16_t port)
{
	unsigned int i;

	for (i = 0; i < rx->nconns; i++)
		if (rx->conn[i].peer_port == port)
			return &rx->conn[i];
	fail_msg("no connection from port %u", port);
	return NULL;
}

static void test_counts_eof_reset_open(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(10000),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	struct tg_err err = { "" };
	const struct tg_receiver_conn *c;
	struct tg_receiver rx;
	int clean, reset, open_fd;
	uint16_t p_clean, p_reset, p_open;

	if (!*state)
		skip();
	tg_receiver_init(&rx);
	assert_int_equal(tg_receiver_listen(&rx, &a, sizeof(a), &err), 0);
	assert_int_equal(tg_receiver_start(&rx, &err), 0);

	clean = connect_to(&a);
	reset = connect_to(&a);
	open_fd = connect_to(&a);
	p_clean = local_port(clean), p_reset = local_port(reset), p_open = local_port(open_fd);
	send_n(clean, 3 << 20);
	send_n(open_fd, 1000);
	shutdown(clean, SHUT_WR);
	/* Reset: close with a zero linger sends RST instead of FIN. */
	setsockopt(reset, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(reset);
	/* Two of three end; the third is still open, so the wait gives up. */
	assert_false(tg_receiver_wait(&rx, 3, NS_PER_SEC / 2));
	assert_int_equal(atomic_load(&rx.accepted), 3);
	assert_int_equal(atomic_load(&rx.ended), 2);
	tg_receiver_stop(&rx);

	assert_int_equal(rx.nconns, 3);
	c = find(&rx, p_clean);
	assert_true(c->eof);
	assert_int_equal(c->error, 0);
	assert_int_equal(c->bytes, 3 << 20);
	c = find(&rx, p_reset);
	assert_false(c->eof);
	assert_int_equal(c->error, ECONNRESET);
	assert_int_equal(c->bytes, 0);
	c = find(&rx, p_open);
	assert_false(c->eof);
	assert_int_equal(c->error, 0);
	assert_int_equal(c->bytes, 1000);	/* what was queued is read at the stop */
	assert_int_equal(tg_receiver_bytes(&rx), (3 << 20) + 1000);
	assert_int_equal(tg_receiver_eofs(&rx), 1);
	tg_receiver_close(&rx);
	close(clean);
	close(open_fd);
}

static void test_wait_all_ended(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(10001),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct tg_err err = { "" };
	struct tg_receiver rx;
	int fd[4], i;

	if (!*state)
		skip();
	tg_receiver_init(&rx);
	assert_int_equal(tg_receiver_listen(&rx, &a, sizeof(a), &err), 0);
	assert_int_equal(tg_receiver_start(&rx, &err), 0);
	for (i = 0; i < 4; i++) {
		fd[i] = connect_to(&a);
		send_n(fd[i], 100000 * (i + 1));
		close(fd[i]);
	}
	assert_true(tg_receiver_wait(&rx, 4, 5 * NS_PER_SEC));
	tg_receiver_stop(&rx);
	assert_int_equal(tg_receiver_eofs(&rx), 4);
	assert_int_equal(tg_receiver_bytes(&rx), 100000 * (1 + 2 + 3 + 4));
	tg_receiver_close(&rx);
}

static void test_listen_fails_says_where(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(10002) };
	struct tg_err err = { "" };
	struct tg_receiver rx;

	if (!*state)
		skip();
	/* An address this namespace does not have. */
	inet_pton(AF_INET, "198.18.0.1", &a.sin_addr);
	tg_receiver_init(&rx);
	assert_int_equal(tg_receiver_listen(&rx, &a, sizeof(a), &err), -EADDRNOTAVAIL);
	assert_non_null(strstr(err.msg, "198.18.0.1 port 10002"));
	tg_receiver_close(&rx);	/* never started: closes what there is */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_eof_reset_open),
		cmocka_unit_test(test_wait_all_ended),
		cmocka_unit_test(test_listen_fails_says_where),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
