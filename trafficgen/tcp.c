// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp: TCP flows to a real receiver, data segments from live
 * XDP frames. Kernel sockets do the handshakes; bpf/tcp_ack.bpf.c consumes
 * the peer's ACKs; bpf/tcp_gen.bpf.c writes each segment within the
 * window; the flows are closed with FINs both ways at the end, so the
 * receiving application reads exactly the bytes reported acknowledged and
 * then end of stream. This file: options, checks, output, and the order of
 * the run; tcp_flows.c has the connections, tcp_send.c the sending loop,
 * tcp_veth.c the receiver of a self-contained run (--veth).
 */
#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "cmds.h"
#include "json.h"
#include "log.h"
#include "packet_tcp.h"
#include "tcp.h"

#define NS_PER_SEC 1000000000ULL

static const struct tcp_opts tcp_defaults = {
	.dport = 10000,
	.interval = NS_PER_SEC,
	.flows = 1,
	.threads = 1,
	.ttl = 64,
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
	{ "dst-mac", 'm', TG_OPT_MAC, OPT(dst_mac), "MAC",
	  "destination MAC (default: the kernel's neighbour entry after connect)" },
	{ "ttl", 0, TG_OPT_UINT, OPT(ttl), "N",
	  "IPv4 TTL or IPv6 hop limit of the data segments (default 64)", 1, 255 },
	{ "veth", 0, TG_OPT_FLAG, OPT(veth), NULL,
	  "send to a receiver of our own across a veth pair of throwaway namespaces "
	  "(no -i; <host> " TCP_VETH_HOST4 ", the default, or " TCP_VETH_HOST6 ")" },
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

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "trafficgen tcp: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'trafficgen tcp --help'.\n");
	return TG_EXIT_USAGE;
}

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
		return usage_error("with --veth, <host> is the far end's address: %s (the "
				   "default) or %s", TCP_VETH_HOST4, TCP_VETH_HOST6);
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
	return -1;
}

/* --veth sends only to the far end it makes: its address, one per family. */
static bool is_veth_host(const struct tcp_run *r)
{
	union tg_addr a = { 0 };

	inet_pton(r->family, r->family == AF_INET ? TCP_VETH_HOST4 : TCP_VETH_HOST6, &a);
	return !memcmp(&a, &r->dst, r->family == AF_INET ? 4 : 16);
}

/* -i and <host>, or --veth; -1 to go on. */
static int resolve_target(struct tcp_run *r)
{
	if (r->o.veth) {
		if (r->o.ifname)
			return usage_error("--veth makes its own interface: give no -i");
		if (!r->host)
			r->host = TCP_VETH_HOST4;
		return -1;
	}
	if (!r->o.ifname)
		return usage_error("which interface? Give -i IFNAME: the one the host is "
				   "reached through (or --veth for a receiver of our own)");
	if (!r->host)
		return usage_error("which host? Give its name or address (or --veth for a "
				   "receiver of our own)");
	return -1;
}

/* Checks that need no connection; -1 to go on. */
static int resolve(struct tcp_run *r, const struct tg_opts_result *res)
{
	int n, ret;

	ret = resolve_target(r);
	if (ret >= 0)
		return ret;
	if (tg_opt_given(&tcp_cmd_def, res, "mss") && tg_opt_given(&tcp_cmd_def, res, "pkt-size"))
		return usage_error("--mss and --pkt-size both set the segment size: give one");
	r->nflows = r->o.flows;
	r->nthreads = r->o.threads;
	if (r->nthreads > r->nflows)
		return usage_error("--threads %u: each thread sends flows of its own; give at "
				   "least as many --flows", r->nthreads);
	n = tg_cpus_allowed(r->cpus, TG_LIVE_MAX_THREADS);
	if (n < 0)
		n = 1;
	if (r->nthreads > (unsigned int)n)
		return usage_error("--threads %u: each thread needs a CPU of its own and this "
				   "process may use %d", r->nthreads, n);
	if (tg_opt_given(&tcp_cmd_def, res, "dst-mac"))
		r->mac_source = "--dst-mac";
	memcpy(r->dst_mac, r->o.dst_mac, 6);
	ret = resolve_host(r);
	if (ret >= 0)
		return ret;
	if (r->o.veth && !is_veth_host(r))
		return usage_error("with --veth, <host> is the far end's address: %s (the "
				   "default) or %s, not %s", TCP_VETH_HOST4, TCP_VETH_HOST6, r->host);
	if (tg_opt_given(&tcp_cmd_def, res, "pkt-size") &&
	    !tg_tcp_payload_for_wire(r->family, false, r->o.pkt_size))
		return usage_error("--pkt-size %llu leaves no room for payload: TCP/%s headers "
				   "and FCS take %u bytes", (unsigned long long)r->o.pkt_size,
				   r->family == AF_INET ? "IPv4" : "IPv6",
				   tg_tcp_hdrs_len(r->family, false) + TG_FCS_LEN);
	return -1;
}

/* The segment size, once the connection's MSS and options are known. */
static int resolve_mss(struct tcp_run *r, const struct tg_opts_result *res)
{
	uint32_t conn = r->mss, hdrs = tg_tcp_hdrs_len(r->family, r->ts);
	uint32_t fit = tg_max_frame_len() - hdrs, want;

	if (tg_opt_given(&tcp_cmd_def, res, "mss")) {
		want = r->o.mss;
		if (want > conn)
			return usage_error("--mss %u is above the connection's MSS of %u", want, conn);
	} else if (tg_opt_given(&tcp_cmd_def, res, "pkt-size")) {
		want = tg_tcp_payload_for_wire(r->family, r->ts, r->o.pkt_size);
		if (!want)
			return usage_error("--pkt-size %llu leaves no room for payload with the "
					   "timestamp option the connection uses: the headers and "
					   "FCS take %u bytes", (unsigned long long)r->o.pkt_size,
					   hdrs + TG_FCS_LEN);
		if (want > conn)
			return usage_error("--pkt-size %llu carries %u bytes of payload, above the "
					   "connection's MSS of %u: at most %u", (unsigned long long)
					   r->o.pkt_size, want, conn, conn + hdrs + TG_FCS_LEN);
	} else {
		want = conn;
	}
	if (want > fit) {
		if (tg_opt_given(&tcp_cmd_def, res, "mss"))
			return usage_error("--mss %u makes %u-byte frames; a live frame holds at "
					   "most %u", want, want + hdrs, fit + hdrs);
		want = fit;
	}
	r->mss = want;
	return -1;
}

static void format_peer(const struct tcp_run *r, const union tg_addr *a, char *buf, size_t len)
{
	inet_ntop(r->family, a, buf, len);
}

static void print_start(struct tcp_run *r)
{
	char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], mac[18];
	struct tg_json j;

	format_peer(r, &r->dst, dst, sizeof(dst));
	format_peer(r, &r->src, src, sizeof(src));
	tg_format_mac(r->dst_mac, mac);
	tg_debug("destination MAC %s from %s\n", mac, r->mac_source);
	if (r->o.json) {
		tg_json_begin(&j, stdout);
		tg_json_str(&j, "type", "start");
		tg_json_str(&j, "interface", r->o.ifname);
		tg_json_str(&j, "dst", dst);
		tg_json_u64(&j, "dst_port", r->o.dport);
		tg_json_str(&j, "src", src);
		tg_json_str(&j, "dst_mac", mac);
		tg_json_u64(&j, "flows", r->nflows);
		tg_json_u64(&j, "threads", r->nthreads);
		tg_json_u64(&j, "mss", r->mss);
		tg_json_u64(&j, "frame_len", r->cfg.frame_len);
		tg_json_bool(&j, "timestamps", r->ts);
		tg_json_end(&j);
		return;
	}
	printf("sending TCP %s -> %s port %llu on %s (to %s): %u flow%s, %u thread%s, "
	       "%u-byte segments in %u-byte frames%s\n", src, dst,
	       (unsigned long long)r->o.dport, r->o.ifname, mac, r->nflows,
	       r->nflows > 1 ? "s" : "", r->nthreads, r->nthreads > 1 ? "s" : "", r->mss,
	       r->cfg.frame_len + TG_FCS_LEN, r->ts ? ", timestamps" : "");
	fflush(stdout);
}

static struct tcp_totals totals_sub(const struct tcp_totals *a, const struct tcp_totals *b)
{
	return (struct tcp_totals){
		.segments = a->segments - b->segments,
		.bytes = a->bytes - b->bytes,
		.payload = a->payload - b->payload,
		.retransmitted = a->retransmitted - b->retransmitted,
		.window_drops = a->window_drops - b->window_drops,
		.acked = a->acked - b->acked,
		.dup_acks = a->dup_acks - b->dup_acks,
		.fast_retransmits = a->fast_retransmits - b->fast_retransmits,
		.timeouts = a->timeouts - b->timeouts,
		.tx_errors = a->tx_errors - b->tx_errors,
	};
}

/* The keys both the interval lines and the summary start with. */
static void json_counts(struct tg_json *j, const struct tcp_totals *t, uint64_t ns)
{
	tg_json_u64(j, "segments", t->segments);
	tg_json_u64(j, "bytes", t->bytes);
	tg_json_u64(j, "payload_bytes", t->payload);
	tg_json_u64(j, "retransmitted", t->retransmitted);
	tg_json_u64(j, "acked_bytes", t->acked);
	tg_json_double(j, "goodput_bps", tg_tcp_goodput_bps(t->acked, ns));
	tg_json_double(j, "duration_s", ns / 1e9);
}

void tcp_print_interval(struct tcp_run *r, uint64_t elapsed_ns)
{
	struct tcp_totals now = tcp_read_totals(r, false), d = totals_sub(&now, &r->last);
	uint64_t dt = elapsed_ns - r->last_ns;
	struct tg_json j;

	r->last = now;
	r->last_ns = elapsed_ns;
	if (r->o.json) {
		tg_json_begin(&j, stdout);
		tg_json_str(&j, "type", "interval");
		tg_json_double(&j, "time_s", elapsed_ns / 1e9);
		json_counts(&j, &d, dt);
		tg_json_u64(&j, "window_drops", d.window_drops);
		tg_json_end(&j);
		return;
	}
	printf("%8.2fs  %10llu segs  %9.1f Mbit/s on the wire  %9.1f Mbit/s goodput  "
	       "%llu retransmitted\n", elapsed_ns / 1e9, (unsigned long long)d.segments,
	       tg_rate(d.bytes * 8, dt) / 1e6, tg_tcp_goodput_bps(d.acked, dt) / 1e6,
	       (unsigned long long)d.retransmitted);
	fflush(stdout);
}

static void print_summary(struct tcp_run *r)
{
	struct tcp_totals t = tcp_read_totals(r, true);
	uint64_t ns = r->end_ns > r->start_ns ? r->end_ns - r->start_ns : 0;
	double ratio = t.payload ? (double)t.acked / (double)t.payload : 0.0;
	struct tg_json j;

	if (r->o.json) {
		tg_json_begin(&j, stdout);
		tg_json_str(&j, "type", "summary");
		tg_json_u64(&j, "flows", r->nflows);
		json_counts(&j, &t, ns);
		tg_json_double(&j, "goodput_bytes_per_s", tg_rate(t.acked, ns));
		tg_json_double(&j, "acked_ratio", ratio);
		tg_json_u64(&j, "window_drops", t.window_drops);
		tg_json_u64(&j, "dup_acks", t.dup_acks);
		tg_json_u64(&j, "fast_retransmits", t.fast_retransmits);
		tg_json_u64(&j, "timeouts", t.timeouts);
		if (r->txerr.counting)
			tg_json_u64(&j, "tx_errors", t.tx_errors);
		else
			tg_json_null(&j, "tx_errors");
		tg_json_u64(&j, "closed_clean", r->closed_clean);
		tg_json_u64(&j, "closed_reset", r->closed_reset);
		tg_json_u64(&j, "mss", r->mss);
		tg_json_str(&j, "interface", r->o.ifname);
		if (r->rx_known) {
			tg_json_u64(&j, "received_bytes", r->received_bytes);
			tg_json_u64(&j, "eof_clean", r->eof_clean);
		}
		tg_json_end(&j);
		return;
	}
	printf("sent %llu segments (%llu bytes, %llu of payload, %llu retransmitted) on %u "
	       "flow%s in %.3f s; %llu bytes acknowledged (%.1f%% of the payload sent): "
	       "goodput %.1f Mbit/s; %u flow%s closed cleanly, %u reset\n",
	       (unsigned long long)t.segments, (unsigned long long)t.bytes,
	       (unsigned long long)t.payload, (unsigned long long)t.retransmitted, r->nflows,
	       r->nflows > 1 ? "s" : "", ns / 1e9, (unsigned long long)t.acked, ratio * 100,
	       tg_tcp_goodput_bps(t.acked, ns) / 1e6, r->closed_clean,
	       r->closed_clean == 1 ? "" : "s", r->closed_reset);
	if (r->rx_known && r->received_bytes == t.acked)
		printf("the receiver read %llu bytes, exactly those acknowledged, and reached end "
		       "of stream on %u of %u flow%s\n", (unsigned long long)r->received_bytes,
		       r->eof_clean, r->nflows, r->nflows > 1 ? "s" : "");
	else if (r->rx_known)
		printf("the receiver read %llu bytes where %llu were acknowledged, and reached "
		       "end of stream on %u of %u flow%s\n", (unsigned long long)r->received_bytes,
		       (unsigned long long)t.acked, r->eof_clean, r->nflows,
		       r->nflows > 1 ? "s" : "");
	fflush(stdout);
}

static bool stop_pending(void)
{
	sigset_t p;

	sigpending(&p);
	return sigismember(&p, SIGINT) || sigismember(&p, SIGTERM) || sigismember(&p, SIGHUP);
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

/* Connects, hands the flows to the generator, sends, drains. */
static int run(struct tcp_run *r, const struct tg_opts_result *res)
{
	struct tg_live_result sres = { 0 };
	struct tg_err err = { "" };
	int ifindex, ret;

	if (r->o.veth && tcp_veth_open(r))
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
	if (ret >= 0)
		return ret;
	if (tcp_gen_open(r))
		return TG_EXIT_FAIL;
	if (stop_pending())
		return TG_EXIT_OK;	/* stopped before anything was sent */
	if (tcp_flows_own(r)) {
		tg_error("could not hand the flows to the generator\n");
		return TG_EXIT_FAIL;
	}
	set_limits(r);
	tg_txerr_open(&r->txerr, &ifindex, 1);
	r->out = (struct tg_out){ .f = stdout, .json = r->o.json, .ifname = r->o.ifname };
	print_start(r);
	if (tcp_send(r, &sres)) {
		tcp_drain(r);
		return TG_EXIT_FAIL;
	}
	tcp_drain(r);
	tcp_flows_close(r);
	if (r->veth)
		tcp_veth_finish(r);
	print_summary(r);
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
	if (ret >= 0)
		goto out_free;
	if (r->o.verbose)
		tg_log_set_level(TG_LOG_DEBUG);
	r->host = res.npos ? res.pos[0] : NULL;
	ret = resolve(r, &res);
	if (ret >= 0)
		goto out_free;

	/*
	 * Signals wait for the main thread (tcp_send) from here to the end:
	 * once the generator owns a flow, only a finished close leaves the
	 * peer consistent, so a stop request ends the sending, not the close.
	 */
	tg_live_block_signals(NULL);
	ret = run(r, &res);
	/* On error paths after the hand-over, the flows still get their close. */
	if (r->gen && r->ctl)
		tcp_flows_close(r);
	tcp_flows_release(r);
	tg_txerr_close(&r->txerr);
	if (r->target_open)
		tg_target_close(&r->target);
	/* Last: the receiver's thread, then the namespaces, which takes the pair with them. */
	tcp_veth_close(r);
	free(r->pcpu);
out_free:
	free(r);
	return ret;
}
