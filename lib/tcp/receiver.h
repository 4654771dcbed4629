/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_RECEIVER_H
#define TG_RECEIVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"

/*
 * A TCP receiver that reads and counts: the far end of `tcp --veth`. One
 * thread accepts connections on a listening socket and reads each one to
 * end of stream into a scratch buffer, as a receiving application does
 * (the copy included: that is part of what a sender is measured against),
 * counting the bytes per connection. It closes each connection at its end
 * of stream, which sends our FIN, so the peer's close completes. Plain
 * sockets, no libbpf.
 *
 * The sockets belong to the network namespace of the thread that calls
 * tg_receiver_listen(); the receiving thread may run anywhere.
 */
#define TG_RECEIVER_MAX_CONNS 64

struct tg_receiver_conn {
	uint16_t peer_port;		/* host order */
	uint64_t bytes;			/* what read() returned, in all */
	bool eof;			/* read() returned 0: the peer's FIN, in order */
	int error;			/* errno that ended it otherwise, e.g. ECONNRESET */
};

struct tg_receiver {
	int lfd, stop_fd;
	void *buf;			/* the thread's scratch buffer */
	pthread_t tid;
	bool started;
	atomic_uint accepted, ended;	/* for tg_receiver_wait() while it runs */
	/* The thread's; read them after tg_receiver_stop(). */
	unsigned int nconns;
	struct tg_receiver_conn conn[TG_RECEIVER_MAX_CONNS];
};

/* Listens on addr (a struct sockaddr_in or _in6) in the caller's namespace. */
int tg_receiver_listen(struct tg_receiver *rx, const void *addr, unsigned int addr_len,
		    struct tg_err *err);

/* Starts the receiving thread, with every signal blocked in it. */
int tg_receiver_start(struct tg_receiver *rx, struct tg_err *err);

/*
 * Waits until `conns` connections were accepted and every accepted one has
 * ended, or timeout_ns passed; true in the first case.
 */
bool tg_receiver_wait(struct tg_receiver *rx, unsigned int conns, uint64_t timeout_ns);

/*
 * Ends the thread: it reads once more what its sockets hold, and returns.
 * Connections still open then count as neither eof nor error.
 */
void tg_receiver_stop(struct tg_receiver *rx);

/* Before anything else: no sockets, no thread. */
void tg_receiver_init(struct tg_receiver *rx);

/* Stops the thread if it runs and closes every socket; any state after init. */
void tg_receiver_close(struct tg_receiver *rx);

/* Sums over the connections. */
uint64_t tg_receiver_bytes(const struct tg_receiver *rx);
unsigned int tg_receiver_eofs(const struct tg_receiver *rx);

#endif
