/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCPRX_H
#define TG_TCPRX_H

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
 * tg_tcprx_listen(); the receiving thread may run anywhere.
 */
#define TG_TCPRX_MAX_CONNS 64

struct tg_tcprx_conn {
	uint16_t peer_port;		/* host order */
	uint64_t bytes;			/* what read() returned, in all */
	bool eof;			/* read() returned 0: the peer's FIN, in order */
	int error;			/* errno that ended it otherwise, e.g. ECONNRESET */
};

struct tg_tcprx {
	int lfd, stop_fd;
	void *buf;			/* the thread's scratch buffer */
	pthread_t tid;
	bool started;
	atomic_uint accepted, ended;	/* for tg_tcprx_wait() while it runs */
	/* The thread's; read them after tg_tcprx_stop(). */
	unsigned int nconns;
	struct tg_tcprx_conn conn[TG_TCPRX_MAX_CONNS];
};

/* Listens on addr (a struct sockaddr_in or _in6) in the caller's namespace. */
int tg_tcprx_listen(struct tg_tcprx *rx, const void *addr, unsigned int addr_len,
		    struct tg_err *err);

/* Starts the receiving thread, with every signal blocked in it. */
int tg_tcprx_start(struct tg_tcprx *rx, struct tg_err *err);

/*
 * Waits until `conns` connections were accepted and every accepted one has
 * ended, or timeout_ns passed; true in the first case.
 */
bool tg_tcprx_wait(struct tg_tcprx *rx, unsigned int conns, uint64_t timeout_ns);

/*
 * Ends the thread: it reads once more what its sockets hold, and returns.
 * Connections still open then count as neither eof nor error.
 */
void tg_tcprx_stop(struct tg_tcprx *rx);

/* Before anything else: no sockets, no thread. */
void tg_tcprx_init(struct tg_tcprx *rx);

/* Stops the thread if it runs and closes every socket; any state after init. */
void tg_tcprx_close(struct tg_tcprx *rx);

/* Sums over the connections. */
uint64_t tg_tcprx_bytes(const struct tg_tcprx *rx);
unsigned int tg_tcprx_eofs(const struct tg_tcprx *rx);

#endif
