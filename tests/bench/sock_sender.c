// SPDX-License-Identifier: GPL-2.0
/*
 * The plain-socket contender of `make bench`: what a user gets from the
 * kernel's UDP stack without XDP. One thread, pinned to one CPU, sends
 * sendmmsg() batches of 64 datagrams on a connected AF_INET (or AF_INET6)
 * UDP socket until the duration passes. The payload is sized so that each
 * frame has the same length as the other contenders' (wire size minus FCS
 * and headers) and carries lib/packet.c's pattern.
 *
 * The kernel counts a datagram as sent once the device took it, which a
 * veth does even when its peer's ring is full and it drops the frame: like
 * the others, this contender is judged by what the receiving end counts.
 * Prints one JSON line: sent, errors (ENOBUFS and friends), duration_s.
 *
 * A test tool: see bench_tool.h.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "live.h"
#include "packet.h"
#include "parse.h"
#include "bench_tool.h"

#define BATCH 64
/* How often (in batches) the clock is read: cheap next to 64 datagrams. */
#define CLOCK_EVERY 16

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sock_sender [options] -a DST [-A SRC]\n"
		"Sends UDP datagrams in sendmmsg batches of %d from one pinned thread.\n"
		"  -a ADDR   destination address (required)\n"
		"  -A ADDR   source address to bind (default: the kernel picks)\n"
		"  -p PORT   destination port (default 1), -P PORT source port (default 1)\n"
		BENCH_USAGE_SIZE "(default 64; sets the payload)\n"
		BENCH_USAGE_CPU
		BENCH_USAGE_DURATION,
		BATCH);
}

static int sockaddr_of(const char *s, uint16_t port, struct sockaddr_storage *ss,
		       socklen_t *len, struct tg_err *err)
{
	union tg_addr a;
	int family, ret;

	ret = tg_parse_addr(s, &family, &a, err);
	if (ret)
		return ret;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		in->sin_addr = a.v4;
		*len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		in6->sin6_addr = a.v6;
		*len = sizeof(*in6);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct tg_err err = { "" };
	struct sockaddr_storage dst, src;
	socklen_t dst_len = 0, src_len = 0;
	static uint8_t payload[TG_MAX_FRAME_LEN];
	struct mmsghdr msgs[BATCH];
	struct iovec iov;
	struct bench_opts o = { .size = TG_MIN_WIRE_SIZE4, .duration_ns = BENCH_DEFAULT_DURATION_NS };
	uint64_t dport = 1, sport = 1;
	uint64_t sent = 0, errors = 0, start, now, deadline, batches = 0;
	uint32_t hdrs, frame_len;
	int fd, opt, i, n, st;

	while ((opt = getopt(argc, argv, "a:A:p:P:s:c:D:h")) != -1) {
		switch (opt) {
		case 'p':
			if (tg_parse_uint(optarg, 1, 65535, &dport, &err))
				return die("-p", err.msg);
			break;
		case 'P':
			if (tg_parse_uint(optarg, 1, 65535, &sport, &err))
				return die("-P", err.msg);
			break;
		default:
			st = bench_opt(opt, optarg, &o, usage);
			if (st != BENCH_OPT_TAKEN)
				return st;
		}
	}
	if (!o.dst || optind != argc) {
		usage(stderr);
		return 2;
	}
	if (sockaddr_of(o.dst, dport, &dst, &dst_len, &err))
		return die("-a", err.msg);
	if (o.src && sockaddr_of(o.src, sport, &src, &src_len, &err))
		return die("-A", err.msg);
	if (o.src && src.ss_family != dst.ss_family)
		return die("-A", "source and destination are of different families");
	hdrs = dst.ss_family == AF_INET6 ? TG_UDP6_HDRS : TG_UDP4_HDRS;
	frame_len = o.size - TG_FCS_LEN;
	if (frame_len < hdrs)
		return die("-s", "too small for the headers");

	st = bench_pin(&o);
	if (st)
		return st;

	fd = socket(dst.ss_family, SOCK_DGRAM, 0);
	if (fd < 0)
		return die("socket", strerror(errno));
	if (o.src && bind(fd, (struct sockaddr *)&src, src_len))
		return die("bind", strerror(errno));
	if (connect(fd, (struct sockaddr *)&dst, dst_len))
		return die("connect", strerror(errno));

	tg_fill_payload(payload, frame_len - hdrs);
	iov = (struct iovec){ .iov_base = payload, .iov_len = frame_len - hdrs };
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	start = now = tg_now_ns();
	deadline = start + o.duration_ns;
	while (now < deadline) {
		n = sendmmsg(fd, msgs, BATCH, 0);
		if (n < 0) {
			/* A full device queue or a refused datagram: count, go on. */
			if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED &&
			    errno != EINTR)
				return die("sendmmsg", strerror(errno));
			errors++;
		} else {
			sent += n;
		}
		if (++batches % CLOCK_EVERY == 0 || n < 0)
			now = tg_now_ns();
	}
	now = tg_now_ns();
	close(fd);
	printf("{\"type\":\"summary\",\"sent\":%llu,\"errors\":%llu,\"duration_s\":%.6f,"
	       "\"pkt_size\":%llu,\"cpu\":%llu}\n",
	       (unsigned long long)sent, (unsigned long long)errors, (now - start) / 1e9,
	       (unsigned long long)o.size, (unsigned long long)o.cpu);
	return 0;
}
