// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp: TCP flows to a real receiver, data segments from live
 * XDP frames. Kernel sockets do the handshakes; bpf/tcp_ack.bpf.c consumes
 * the peer's ACKs; bpf/tcp_gen.bpf.c writes each segment within the
 * window; the flows are closed with FINs both ways at the end, so the
 * receiving application reads exactly the bytes reported acknowledged and
 * then end of stream. This file: options, checks, and the order of the
 * run; tcp_flows.c has the connections, tcp_send.c the sending loop,
 * tcp_report.c the output, lib/tcp/far_end the receiver of a
 * self-contained run (--veth).
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "cmds.h"
#include "log.h"
#include "packet_tcp.h"
#include "tcp.h"

#define NS_PER_SEC 1000000000ULL
#define NS_PER_MS 1000000ULL

static const struct tcp_opts tcp_defaults = {
	.dport = 10000,
	.interval = NS_PER_SEC,
	.flows = 1,
	.threads = 1,
	.ttl = 64,
	.cc = TCP_CC_CUBIC,
};

#define OPT(field) offsetof(struct tcp_opts, field)


static const struct tg_opt tcp_opts[] = {
	{ "interface", 'i', TG_OPT_STRING, OPT(ifname), "IFNAME",
	  "interface to send on, where the host's segments come in (required without --veth)" },
	{ "dst-port", 'p', TG_OPT_UINT, OPT(dport), "PORT",
	  "the host's TCP port (default 10000)", 1, 65535 },
	{ "num-packets", 'n', TG_OPT_COUNT, OPT(num), "COUNT",
	  "send COUNT segments of new data in all, then close (default: until stopped)", 1, 0 },
	{ "duration", 'D', TG_OPT_DURATION, OPT(duration), "TIME",
	  "stop sending after TIME (10, 500ms, 2m), then close", 1, 0 },
	{ "interval", 'I', TG_OPT_DURATION, OPT(interval), "TIME",
	  "print statistics every TIME, 0 for none (default 1s)", 0, 0 },
	{ "flows", 'f', TG_OPT_UINT, OPT(flows), "N",
	  "parallel connections (default 1, at most 64)", 1, TCP_GEN_MAX_FLOWS },
	{ "threads", 't', TG_OPT_UINT, OPT(threads), "N",
	  "sending threads, each pinned to its own CPU, sharing the flows (default 1)",
	  1, TG_LIVE_MAX_THREADS },
	{ "pkt-size", 's', TG_OPT_UINT, OPT(pkt_size), "BYTES",
	  "frame size on the wire with FCS (default: segments of the connection's MSS)",
	  1, TG_MAX_WIRE_SIZE },
	{ "mss", 0, TG_OPT_UINT, OPT(mss), "BYTES",
	  "payload bytes per segment, at most the connection's MSS", 1, TG_MAX_FRAME_LEN },
	{ "cc", 0, TG_OPT_ENUM, OPT(cc), NULL,
	  "congestion control: a paced window per flow that backs off on loss (default "
	  "cubic, as Linux; reno), bbr to pace at the measured bottleneck bandwidth "
	  "(loss is no signal), or none to fill the receiver's window unpaced",
	  .choices = tcp_cc_names },
	{ "dst-mac", 'm', TG_OPT_MAC, OPT(dst_mac), "MAC",
	  "destination MAC (default: the kernel's neighbour entry after connect)" },
	{ "ttl", 0, TG_OPT_UINT, OPT(ttl), "N",
	  "IPv4 TTL or IPv6 hop limit of the data segments (default 64)", 1, 255 },
	{ "veth", 0, TG_OPT_FLAG, OPT(veth), NULL,
	  "send to a receiver of our own across a veth pair of throwaway namespaces "
	  "(no -i; <host> " TG_TCP_FAR_END_HOST4 ", the default, or " TG_TCP_FAR_END_HOST6 ")" },
	{ "json", 0, TG_OPT_FLAG, OPT(json), NULL,
	  "print every line as one JSON object" },
	{ "verbose", 'v', TG_OPT_FLAG, OPT(verbose), NULL,
	  "say more, libbpf's messages included" },
	{ NULL },
};

const struct tg_cmd_def tcp_cmd_def = {
	.name = "tcp",
	.summary = "send TCP flows that a real receiver acknowledges",
	.args = "-i IFNAME <host> | --veth [<host>]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = tcp_opts,
	.cfg_size = sizeof(struct tcp_opts),
	.defaults = &tcp_defaults,
};

/* The host's first address (getaddrinfo's order); the family follows it. */
static int resolve_host(struct tcp_run *r)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	int ret;

	/* --veth: the far end's address, never a name to look up. */
	if (r->o.veth)
		hints.ai_flags = AI_NUMERICHOST;
	ret = getaddrinfo(r->host, NULL, &hints, &ai);
	if (ret && r->o.veth)
		return tg_usage_error(&tcp_cmd_def, "with --veth, <host> is the far end's address: "
				      "%s (the default) or %s", TG_TCP_FAR_END_HOST4,
				      TG_TCP_FAR_END_HOST6);
	if (ret) {
		tg_error("cannot resolve '%s': %s\n", r->host, gai_strerror(ret));
		return TG_EXIT_FAIL;
	}
	r->family = ai->ai_family;
	memcpy(&r->peer, ai->ai_addr, ai->ai_addrlen);
	r->peer_len = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (r->family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)&r->peer;

		s->sin_port = htons((uint16_t)r->o.dport);
		r->dst.v4 = s->sin_addr;
	} else {
		struct sockaddr_in6 *s = (struct sockaddr_in6 *)&r->peer;

		s->sin6_port = htons((uint16_t)r->o.dport);
		r->dst.v6 = s->sin6_addr;
	}
	return TG_GO_ON;
}

/* --veth sends only to the far end it makes: its address, one per family. */
static bool is_veth_host(const struct tcp_run *r)
{
	union tg_addr a = { 0 };

	inet_pton(r->family, r->family == AF_INET ? TG_TCP_FAR_END_HOST4 : TG_TCP_FAR_END_HOST6,
		  &a);
	return !memcmp(&a, &r->dst, r->family == AF_INET ? 4 : 16);
}

/* -i and <host>, or --veth. */
static int resolve_target(struct tcp_run *r)
{
	if (r->o.veth) {
		if (r->o.ifname)
			return tg_usage_error(&tcp_cmd_def,
					      "--veth makes its own interface: give no -i");
		if (!r->host)
			r->host = TG_TCP_FAR_END_HOST4;
		return TG_GO_ON;
	}
	if (!r->o.ifname)
		return tg_usage_error(&tcp_cmd_def, "which interface? Give -i IFNAME: the one the "
				      "host is reached through (or --veth for a receiver of "
				      "our own)");
	if (!r->host)
		return tg_usage_error(&tcp_cmd_def, "which host? Give its name or address (or "
				      "--veth for a receiver of our own)");
	return TG_GO_ON;
}

/* Checks that need no connection. */
static int resolve(struct tcp_run *r, const struct tg_opts_result *res)
{
	int n, ret;

	ret = resolve_target(r);
	if (ret != TG_GO_ON)
		return ret;
	if (tg_opt_given(&tcp_cmd_def, res, "mss") && tg_opt_given(&tcp_cmd_def, res, "pkt-size"))
		return tg_usage_error(&tcp_cmd_def, "--mss and --pkt-size both set the segment "
				      "size: give one");
	r->nflows = r->o.flows;
	r->nthreads = r->o.threads;
	if (r->nthreads > r->nflows)
		return tg_usage_error(&tcp_cmd_def, "--threads %u: each thread sends flows of its "
				      "own; give at least as many --flows", r->nthreads);
	n = tg_cpus_allowed(r->cpus, TG_LIVE_MAX_THREADS);
	if (n < 0)
		n = 1;
	if (r->nthreads > (unsigned int)n)
		return tg_usage_error(&tcp_cmd_def, "--threads %u: each thread needs a CPU of its "
				      "own and this process may use %d", r->nthreads, n);
	if (tg_opt_given(&tcp_cmd_def, res, "dst-mac"))
		r->mac_source = "--dst-mac";
	memcpy(r->dst_mac, r->o.dst_mac, 6);
	ret = resolve_host(r);
	if (ret != TG_GO_ON)
		return ret;
	if (r->o.veth && !is_veth_host(r))
		return tg_usage_error(&tcp_cmd_def, "with --veth, <host> is the far end's address: "
				      "%s (the default) or %s, not %s", TG_TCP_FAR_END_HOST4,
				      TG_TCP_FAR_END_HOST6, r->host);
	if (tg_opt_given(&tcp_cmd_def, res, "pkt-size") &&
	    !tg_tcp_payload_for_wire(r->family, false, r->o.pkt_size))
		return tg_usage_error(&tcp_cmd_def, "--pkt-size %llu leaves no room for payload: "
				      "TCP/%s headers and FCS take %u bytes",
				      (unsigned long long)r->o.pkt_size,
				      r->family == AF_INET ? "IPv4" : "IPv6",
				      tg_tcp_hdrs_len(r->family, false) + TG_FCS_LEN);
	return TG_GO_ON;
}

/* The segment size, once the connection's MSS and options are known. */
static int resolve_mss(struct tcp_run *r, const struct tg_opts_result *res)
{
	uint32_t conn = r->mss, hdrs = tg_tcp_hdrs_len(r->family, r->ts);
	uint32_t fit = tg_max_frame_len() - hdrs, want;

	if (tg_opt_given(&tcp_cmd_def, res, "mss")) {
		want = r->o.mss;
		if (want > conn)
			return tg_usage_error(&tcp_cmd_def, "--mss %u is above the connection's "
					      "MSS of %u", want, conn);
	} else if (tg_opt_given(&tcp_cmd_def, res, "pkt-size")) {
		want = tg_tcp_payload_for_wire(r->family, r->ts, r->o.pkt_size);
		if (!want)
			return tg_usage_error(&tcp_cmd_def, "--pkt-size %llu leaves no room for "
					      "payload with the timestamp option the connection "
					      "uses: the headers and FCS take %u bytes",
					      (unsigned long long)r->o.pkt_size, hdrs + TG_FCS_LEN);
		if (want > conn)
			return tg_usage_error(&tcp_cmd_def, "--pkt-size %llu carries %u bytes of "
					      "payload, above the connection's MSS of %u: at most "
					      "%u", (unsigned long long)r->o.pkt_size, want, conn,
					      conn + hdrs + TG_FCS_LEN);
	} else {
		want = conn;
	}
	if (want > fit) {
		if (tg_opt_given(&tcp_cmd_def, res, "mss"))
			return tg_usage_error(&tcp_cmd_def, "--mss %u makes %u-byte frames; a live "
					      "frame holds at most %u", want, want + hdrs, fit + hdrs);
		want = fit;
	}
	r->mss = want;
	return TG_GO_ON;
}

/* -n: flow i's share of the segments, as a byte limit on its new data. */
static void set_limits(struct tcp_run *r)
{
	unsigned int i;

	for (i = 0; i < r->nflows; i++) {
		uint64_t segs = r->o.num / r->nflows + (i < r->o.num % r->nflows);

		r->ctl[i].limit = r->o.num ? segs * r->mss : UINT64_MAX;
	}
}

static int report_stop(struct tcp_run *r, const struct tg_live_result *res)
{
	if (res->stop != TG_LIVE_ERROR)
		return TG_EXIT_OK;
	if (res->error == -ENODEV)
		tg_error("interface %s went away during the run\n", r->o.ifname);
	else
		tg_error("sending on %s failed: %s\n", r->o.ifname, strerror(-res->error));
	return TG_EXIT_FAIL;
}

/* --veth: the far end, and this thread in the generator's namespace. */
static int veth_open(struct tcp_run *r)
{
	struct tg_err err = { "" };
	int ret;

	r->veth = malloc(sizeof(*r->veth));
	if (!r->veth)
		return -ENOMEM;
	ret = tg_tcp_far_end_open(r->veth, r->nthreads, r->family, &r->peer, r->peer_len, &err);
	if (ret) {
		tg_error("--veth: %s\n", err.msg);
		return ret;
	}
	r->o.ifname = r->veth->env.gen_if;
	return 0;
}

/* What the receiving application read, once the flows are closed. */
static void veth_finish(struct tcp_run *r)
{
	if (!tg_tcp_far_end_finish(r->veth, r->nflows))
		tg_debug("the receiver had not seen every flow end after %llu ms\n",
			 TG_TCP_FAR_END_WAIT_NS / NS_PER_MS);
	r->received_bytes = tg_receiver_bytes(&r->veth->rx);
	r->eof_clean = tg_receiver_eofs(&r->veth->rx);
	r->rx_known = true;
	tcp_report_receiver(r);
}

/* Connects, hands the flows to the generator, sends, drains. */
static int run(struct tcp_run *r, const struct tg_opts_result *res)
{
	struct tg_live_result sres = { 0 };
	struct tg_err err = { "" };
	int ifindex, ret;

	if (r->o.veth && veth_open(r))
		return TG_EXIT_FAIL;
	/* With --veth, the interface exists from here, in this thread's namespace. */
	if (tg_iface_get(r->o.ifname, &r->iface, &err)) {
		fprintf(stderr, "trafficgen tcp: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	ifindex = r->iface.ifindex;
	if (tcp_ack_open(r))
		return TG_EXIT_FAIL;
	/* After the ACK program: an attached program is what many drivers need to transmit. */
	if (tg_target_open(r->o.ifname, &r->target, &err)) {
		tg_error("%s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	r->target_open = true;
	if (tcp_flows_connect(r))
		return TG_EXIT_FAIL;
	ret = resolve_mss(r, res);
	if (ret != TG_GO_ON)
		return ret;
	if (tcp_gen_open(r))
		return TG_EXIT_FAIL;
	/*
	 * A stop that came during the set-up (the programs' verification and
	 * the handshakes take a second on a loaded machine) goes the normal
	 * way: the send returns at once, the flows close, and the start and
	 * summary lines are printed, as for any stop.
	 */
	if (tcp_flows_own(r)) {
		tg_error("could not hand the flows to the generator\n");
		return TG_EXIT_FAIL;
	}
	set_limits(r);
	tg_txerr_open(&r->txerr, &ifindex, 1);
	tcp_print_start(r);
	if (tcp_send(r, &sres)) {
		tcp_drain(r);
		return TG_EXIT_FAIL;
	}
	tcp_drain(r);
	tcp_flows_close(r);
	if (r->veth)
		veth_finish(r);
	tcp_print_summary(r);
	return report_stop(r, &sres);
}

int cmd_tcp(int argc, char **argv)
{
	struct tg_opts_result res;
	struct tcp_run *r;
	unsigned int i;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return TG_EXIT_FAIL;
	for (i = 0; i < TCP_GEN_MAX_FLOWS; i++)
		r->flow[i].fd = -1;
	ret = tg_cmd_parse(&tcp_cmd_def, argc, argv, &r->o, &res);
	if (ret != TG_GO_ON)
		goto out_free;
	if (r->o.verbose)
		tg_log_set_level(TG_LOG_DEBUG);
	r->host = res.npos ? res.pos[0] : NULL;
	ret = resolve(r, &res);
	if (ret != TG_GO_ON)
		goto out_free;

	/*
	 * Signals wait for the main thread (tcp_send) from here to the end:
	 * once the generator owns a flow, only a finished close leaves the
	 * peer consistent, so a stop request ends the sending, not the close.
	 */
	tg_live_block_signals(NULL);
	ret = run(r, &res);
	/* On error paths after the hand-over, the flows still get their close. */
	if (r->progs.gen && r->ctl)
		tcp_flows_close(r);
	tcp_flows_release(r);
	tg_txerr_close(&r->txerr);
	if (r->target_open)
		tg_target_close(&r->target);
	/* Last: the receiver's thread, then the namespaces, which take the pair with them. */
	if (r->veth) {
		tg_tcp_far_end_close(r->veth);
		free(r->veth);
	}
	free(r->pcpu);
out_free:
	free(r);
	return ret;
}
