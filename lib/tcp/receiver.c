// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include "tcp/receiver.h"

#define BUF_LEN (256 * 1024)
/* Reads per connection per wake-up: the others get their turn. */
#define READS_PER_WAKE 16
/* At the stop, at most this much more per connection (a socket buffer is far less). */
#define DRAIN_READS 4096
/* The stop wakes the thread at once; this only bounds each wait. */
#define POLL_MS 100
#define WAIT_STEP_NS 1000000L

void tg_receiver_init(struct tg_receiver *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->lfd = rx->stop_fd = -1;
}

int tg_receiver_listen(struct tg_receiver *rx, const void *addr, unsigned int addr_len,
		    struct tg_err *err)
{
	int family = ((const struct sockaddr *)addr)->sa_family, one = 1;
	char host[INET6_ADDRSTRLEN] = "?";
	uint16_t port;

	if (family == AF_INET) {
		inet_ntop(family, &((const struct sockaddr_in *)addr)->sin_addr, host, sizeof(host));
		port = ntohs(((const struct sockaddr_in *)addr)->sin_port);
	} else {
		inet_ntop(family, &((const struct sockaddr_in6 *)addr)->sin6_addr, host, sizeof(host));
		port = ntohs(((const struct sockaddr_in6 *)addr)->sin6_port);
	}
	rx->lfd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (rx->lfd < 0)
		return tg_fail(err, errno, "could not open the receiver's socket: %s",
			       strerror(errno));
	setsockopt(rx->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(rx->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(rx->lfd, addr, addr_len) || listen(rx->lfd, TG_RECEIVER_MAX_CONNS))
		return tg_fail(err, errno, "the receiver could not listen on %s port %u: %s",
			       host, port, strerror(errno));
	return 0;
}

static void conn_end(struct tg_receiver *rx, int *fd, struct tg_receiver_conn *c, int error)
{
	c->eof = !error;
	c->error = error;
	/* Our FIN goes now: the peer's close waits for it. */
	close(*fd);
	*fd = -1;
	atomic_fetch_add(&rx->ended, 1);
}

/* Up to `reads` reads of a connection, until it would block or ends. */
static void conn_read(struct tg_receiver *rx, int *fd, struct tg_receiver_conn *c, int reads)
{
	ssize_t got;

	while (*fd >= 0 && reads-- > 0) {
		got = read(*fd, rx->buf, BUF_LEN);
		if (got > 0) {
			c->bytes += got;
		} else if (got == 0) {
			conn_end(rx, fd, c, 0);
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			return;
		} else if (errno != EINTR) {
			conn_end(rx, fd, c, errno);
		}
	}
}

static void accept_all(struct tg_receiver *rx, int *fds)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	while (rx->nconns < TG_RECEIVER_MAX_CONNS) {
		len = sizeof(ss);
		fd = accept4(rx->lfd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			return;
		rx->conn[rx->nconns] = (struct tg_receiver_conn){
			.peer_port = ntohs(ss.ss_family == AF_INET ?
					   ((struct sockaddr_in *)&ss)->sin_port :
					   ((struct sockaddr_in6 *)&ss)->sin6_port),
		};
		fds[rx->nconns++] = fd;
		atomic_fetch_add(&rx->accepted, 1);
	}
}

static void *rx_main(void *arg)
{
	struct tg_receiver *rx = arg;
	struct pollfd pfd[TG_RECEIVER_MAX_CONNS + 2];
	int fds[TG_RECEIVER_MAX_CONNS], idx[TG_RECEIVER_MAX_CONNS + 2];
	bool stopping = false;
	unsigned int i, n;

	while (!stopping) {
		n = 0;
		pfd[n++] = (struct pollfd){ .fd = rx->stop_fd, .events = POLLIN };
		/* Full, and the listener would only wake us for nothing. */
		pfd[n++] = (struct pollfd){ .fd = rx->nconns < TG_RECEIVER_MAX_CONNS ? rx->lfd : -1,
					    .events = POLLIN };
		for (i = 0; i < rx->nconns; i++) {
			if (fds[i] < 0)
				continue;
			idx[n] = i;
			pfd[n++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		}
		if (poll(pfd, n, POLL_MS) < 0 && errno != EINTR)
			break;
		stopping = pfd[0].revents & POLLIN;
		if (pfd[1].revents & POLLIN)
			accept_all(rx, fds);
		for (i = 2; i < n; i++)
			if (pfd[i].revents)
				conn_read(rx, &fds[idx[i]], &rx->conn[idx[i]], READS_PER_WAKE);
	}
	/* The sender is done: take what is queued, then let go of the rest. */
	accept_all(rx, fds);
	for (i = 0; i < rx->nconns; i++) {
		conn_read(rx, &fds[i], &rx->conn[i], DRAIN_READS);
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return NULL;
}

int tg_receiver_start(struct tg_receiver *rx, struct tg_err *err)
{
	sigset_t all, old;
	int ret;

	rx->buf = malloc(BUF_LEN);
	if (!rx->buf)
		return tg_fail(err, ENOMEM, "out of memory for the receiver's buffer");
	rx->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (rx->stop_fd < 0)
		return tg_fail(err, errno, "could not make the receiver's eventfd: %s",
			       strerror(errno));
	/* Signals are the main thread's business: the new thread takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	ret = pthread_create(&rx->tid, NULL, rx_main, rx);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ret)
		return tg_fail(err, ret, "could not start the receiving thread: %s", strerror(ret));
	rx->started = true;
	return 0;
}

bool tg_receiver_wait(struct tg_receiver *rx, unsigned int conns, uint64_t timeout_ns)
{
	struct timespec step = { 0, WAIT_STEP_NS };
	uint64_t i;

	for (i = 0;; i++) {
		unsigned int a = atomic_load(&rx->accepted);

		if (a >= conns && atomic_load(&rx->ended) == a)
			return true;
		if (i * WAIT_STEP_NS >= timeout_ns)
			return false;
		nanosleep(&step, NULL);
	}
}

void tg_receiver_stop(struct tg_receiver *rx)
{
	uint64_t one = 1;
	ssize_t n;

	if (!rx->started)
		return;
	/* An eventfd refuses a write only when its counter nears 2^64. */
	n = write(rx->stop_fd, &one, sizeof(one));
	(void)n;
	pthread_join(rx->tid, NULL);
	rx->started = false;
}

void tg_receiver_close(struct tg_receiver *rx)
{
	tg_receiver_stop(rx);
	if (rx->lfd >= 0)
		close(rx->lfd);
	if (rx->stop_fd >= 0)
		close(rx->stop_fd);
	rx->lfd = rx->stop_fd = -1;
	free(rx->buf);
	rx->buf = NULL;
}

uint64_t tg_receiver_bytes(const struct tg_receiver *rx)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < rx->nconns; i++)
		sum += rx->conn[i].bytes;
	return sum;
}

unsigned int tg_receiver_eofs(const struct tg_receiver *rx)
{
	unsigned int i, n = 0;

	for (i = 0; i < rx->nconns; i++)
		n += rx->conn[i].eof;
	return n;
}
