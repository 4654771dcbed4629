// SPDX-License-Identifier: GPL-2.0
/*
 * A TCP receiver for the tests of `trafficgen tcp`: accepts N connections
 * on a port, reads each until end of stream, counts the bytes its reads
 * returned, then closes. It prints one line per connection and a total:
 *
 *   conn 0 bytes 123456 eof
 *   total bytes 123456 conns 1 eof 1
 *
 * "eof" means read() returned 0 (the peer's FIN, in order); a connection
 * that ended otherwise says "error <strerror>". Exit 0 only when all N
 * connections reached end of stream. Bounded: -T seconds in all. With -k,
 * a connection stays open K seconds after its end of stream before it is
 * closed (a peer that is slow to close, for the sender's fallback).
 *
 * A test tool: plain getopt, messages to stderr.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define MAX_CONNS 64
#define BUF_LEN (1 << 20)

struct conn {
	int fd;
	unsigned long long bytes;
	int err;		/* 0 while open or after EOF */
	int eof;
	double closed_at;	/* when to close, once it ended; 0 while open */
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: tcp_discard [-6] [-p PORT] [-n CONNS] [-T SECONDS] [-k SECONDS] "
		"[-r READYFILE]\n"
		"Accepts CONNS connections on PORT (default 10000, 1 connection), reads each\n"
		"to end of stream and reports the bytes read. -6 listens on IPv6 (and IPv4).\n"
		"-k keeps each connection open that long after its end of stream.\n");
}

int main(int argc, char **argv)
{
	int port = 10000, nconns = 1, v6 = 0, lfd, one = 1, c, i, accepted = 0, open_conns = 0;
	double timeout = 60, keep = 0, deadline;
	const char *ready = NULL;
	struct conn conns[MAX_CONNS];
	struct pollfd pfd[MAX_CONNS + 1];
	unsigned long long total = 0;
	int neof = 0;
	char *buf;

	while ((c = getopt(argc, argv, "6p:n:T:k:r:h")) != -1) {
		switch (c) {
		case '6': v6 = 1; break;
		case 'p': port = atoi(optarg); break;
		case 'n': nconns = atoi(optarg); break;
		case 'T': timeout = atof(optarg); break;
		case 'k': keep = atof(optarg); break;
		case 'r': ready = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (nconns < 1 || nconns > MAX_CONNS || port < 1 || port > 65535) {
		usage(stderr);
		return 2;
	}
	buf = malloc(BUF_LEN);
	lfd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!buf || lfd < 0) {
		perror("tcp_discard: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6) {
		struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port),
					  .sin6_addr = in6addr_any };

		if (bind(lfd, (struct sockaddr *)&a, sizeof(a))) {
			perror("tcp_discard: bind");
			return 1;
		}
	} else {
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
					 .sin_addr.s_addr = htonl(INADDR_ANY) };

		if (bind(lfd, (struct sockaddr *)&a, sizeof(a))) {
			perror("tcp_discard: bind");
			return 1;
		}
	}
	if (listen(lfd, MAX_CONNS)) {
		perror("tcp_discard: listen");
		return 1;
	}
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (f)
			fclose(f);
	}
	deadline = now_s() + timeout;
	memset(conns, 0, sizeof(conns));
	while (now_s() < deadline && (accepted < nconns || open_conns > 0)) {
		int n = 0, ms = (int)((deadline - now_s()) * 1000) + 1;

		if (accepted < nconns)
			pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < accepted; i++)
			if (conns[i].fd >= 0 && !conns[i].closed_at)
				pfd[n++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		for (i = 0; i < accepted; i++) {
			struct conn *k = &conns[i];

			if (k->fd >= 0 && k->closed_at && now_s() >= k->closed_at) {
				close(k->fd);
				k->fd = -1;
				open_conns--;
			}
		}
		if (poll(pfd, n, ms > 10 ? 10 : ms) <= 0)
			continue;
		if (accepted < nconns && (pfd[0].revents & POLLIN)) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

			if (fd >= 0) {
				conns[accepted++] = (struct conn){ .fd = fd };
				open_conns++;
			}
		}
		for (i = 0; i < accepted; i++) {
			struct conn *k = &conns[i];
			ssize_t got;

			if (k->fd < 0 || k->closed_at)
				continue;
			for (;;) {
				got = read(k->fd, buf, BUF_LEN);
				if (got > 0) {
					k->bytes += got;
					continue;
				}
				if (got < 0 && (errno == EAGAIN || errno == EINTR))
					break;
				if (got == 0)
					k->eof = 1;
				else
					k->err = errno;
				k->closed_at = now_s() + (got == 0 ? keep : 0);
				break;
			}
		}
	}
	for (i = 0; i < accepted; i++) {
		struct conn *k = &conns[i];

		if (k->fd >= 0) {
			if (!k->closed_at)
				k->err = ETIMEDOUT;
			close(k->fd);
		}
		printf("conn %d bytes %llu %s%s\n", i, k->bytes, k->eof ? "eof" : "error ",
		       k->eof ? "" : strerror(k->err));
		total += k->bytes;
		neof += k->eof;
	}
	printf("total bytes %llu conns %d eof %d\n", total, accepted, neof);
	fflush(stdout);
	return accepted == nconns && neof == nconns ? 0 : 1;
}
