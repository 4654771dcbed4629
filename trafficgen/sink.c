// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen sink: attaches bpf/sink.bpf.c to a receiving interface and
 * reports what arrives: counts by verdict, loss, reordering, duplicates and
 * one-way latency of stamped frames, and optionally a pcap file.
 *
 * The program is attached through a bpf_link, never through netlink: the
 * link belongs to this process, so the kernel detaches the program when the
 * process dies, however it dies (SIGKILL included).
 */
#include <errno.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "sink/thresholds.h"
#include "iface.h"
#include "live.h"
#include "log.h"
#include "netdev_compat.h"
#include "parse.h"
#include "pcap_write.h"
#include "print.h"
#include "sink/load.h"
#include "sink/maps.h"
#include "sink/report.h"
#include "sink.h"
#include "sink.skel.h"
#include "sink/xsk_sink.h"
#include "stats.h"

#define NS_PER_SEC 1000000000ULL
#define NS_PER_MS 1000000ULL
/* The bound on how late -c may notice its count. */
#define POLL_NS (100 * NS_PER_MS)
/* Ring buffer for recording: 16 MiB is ~100k small frames of slack. */
#define PCAP_RING_BYTES (1u << 24)
#define SNAPLEN_DEFAULT 262144

struct sink_action {
	int verdict;			/* XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT */
	char ifname[IF_NAMESIZE];	/* with XDP_REDIRECT */
};

enum { PROTO_ANY, PROTO_UDP, PROTO_TCP, PROTO_ICMP };

static const char *const proto_names[] = { "any", "udp", "tcp", "icmp", NULL };
static const __u8 proto_numbers[] = { SINK_PROTO_ANY, IPPROTO_UDP, IPPROTO_TCP, IPPROTO_ICMP };

struct sink_opts {
	struct sink_action action;
	int proto;
	struct tg_port_range port;
	uint64_t interval;
	uint64_t duration;
	uint64_t count;
	const char *pcap;
	uint64_t snaplen;
	struct tg_thresh gate;
	bool xsk;			/* --xsk: AF_XDP sockets take the frames */
	uint64_t queue;			/* --queue: the one queue with --xsk */
	int xsk_mode;			/* enum tg_xsk_mode */
	bool json;
	bool verbose;
};

static const struct sink_opts sink_defaults = {
	.action = { .verdict = XDP_DROP },
	.proto = PROTO_ANY,
	.interval = NS_PER_SEC,
	.snaplen = SNAPLEN_DEFAULT,
	.gate = { .max_loss_pct = -1 },
};

static int parse_action(const char *s, void *field, struct tg_err *err)
{
	static const char redirect[] = "redirect:";
	struct sink_action *a = field;

	memset(a, 0, sizeof(*a));
	if (!strcmp(s, "drop"))
		a->verdict = XDP_DROP;
	else if (!strcmp(s, "pass"))
		a->verdict = XDP_PASS;
	else if (!strcmp(s, "tx"))
		a->verdict = XDP_TX;
	else if (!strncmp(s, redirect, sizeof(redirect) - 1)) {
		const char *name = s + sizeof(redirect) - 1;

		if (!name[0] || strlen(name) >= IF_NAMESIZE)
			return tg_fail(err, EINVAL, "'%s': give an interface name after "
				       "'redirect:' (at most %d characters)", s, IF_NAMESIZE - 1);
		a->verdict = XDP_REDIRECT;
		strcpy(a->ifname, name);
	} else {
		return tg_fail(err, EINVAL, "'%s' is not one of: drop, pass, tx, "
			       "redirect:IFNAME", s);
	}
	return 0;
}

#define OPT(field) offsetof(struct sink_opts, field)

static const struct tg_opt sink_opts[] = {
	{ "action", 0, TG_OPT_CUSTOM, OPT(action), "drop|pass|tx|redirect:IFNAME",
	  "what to do with each matching frame (default drop)",
	  .parse = parse_action },
	{ "proto", 0, TG_OPT_ENUM, OPT(proto), NULL,
	  "count only this transport protocol, ICMPv6 included in icmp (default any)",
	  .choices = proto_names },
	{ "port", 'p', TG_OPT_PORT_RANGE, OPT(port), "PORT[-PORT]",
	  "count only UDP or TCP frames to these destination ports" },
	{ "interval", 'I', TG_OPT_DURATION, OPT(interval), "TIME",
	  "print statistics every TIME, 0 for none (default 1s)", 0, 0 },
	{ "duration", 'D', TG_OPT_DURATION, OPT(duration), "TIME",
	  "stop after TIME (10, 500ms, 2m)", 1, 0 },
	{ "count", 'c', TG_OPT_COUNT, OPT(count), "COUNT",
	  "stop once COUNT matching frames have arrived", 1, 0 },
	{ "pcap", 'w', TG_OPT_STRING, OPT(pcap), "FILE",
	  "write the matching frames to FILE (pcap, nanosecond timestamps)" },
	{ "snaplen", 's', TG_OPT_UINT, OPT(snaplen), "BYTES",
	  "bytes of each frame to record (default 262144, capped at 4096: a page)",
	  1, SNAPLEN_DEFAULT },
	{ "max-loss", 0, TG_OPT_CUSTOM, OPT(gate.max_loss_pct), "PCT",
	  "exit 3 if more than PCT percent of stamped frames were lost",
	  0, 0, NULL, tg_thresh_parse_pct },
	{ "min-pps", 0, TG_OPT_COUNT, OPT(gate.min_pps), "RATE",
	  "exit 3 if fewer matching frames per second arrived", 1, 0 },
	{ "max-latency-p99", 0, TG_OPT_DURATION, OPT(gate.max_p99_ns), "TIME",
	  "exit 3 if the 99th percentile latency of stamped frames is above TIME", 1, 0 },
	{ "xsk", 0, TG_OPT_FLAG, OPT(xsk), NULL,
	  "receive the matching frames in AF_XDP sockets, one per queue, and count them there" },
	{ "queue", 'q', TG_OPT_UINT, OPT(queue), "N",
	  "with --xsk: only queue N (default: every receive queue)", 0, 65535 },
	{ "xsk-mode", 0, TG_OPT_ENUM, OPT(xsk_mode), NULL,
	  "with --xsk: zero-copy or copy bind; auto takes zero-copy where the driver offers it "
	  "(default auto)", 0, 0, tg_xsk_mode_names },
	{ "json", 0, TG_OPT_FLAG, OPT(json), NULL,
	  "print every line as one JSON object" },
	{ "verbose", 'v', TG_OPT_FLAG, OPT(verbose), NULL,
	  "say more, libbpf's messages included" },
	{ NULL },
};

const struct tg_cmd_def sink_cmd_def = {
	.name = "sink",
	.summary = "count, check and record what arrives on an interface",
	.args = "<ifname>",
	.min_pos = 1,
	.max_pos = 1,
	.opts = sink_opts,
	.cfg_size = sizeof(struct sink_opts),
	.defaults = &sink_defaults,
};

enum sink_stop { STOP_NONE, STOP_DEADLINE, STOP_COUNT, STOP_SIGNAL, STOP_ERROR };

/* Everything one run holds; torn down by sink_run_close() on every path. */
struct sink_run {
	struct sink_opts o;
	const char *ifname;
	struct tg_iface iface;
	struct sink_cfg cfg;
	struct sink_bpf *skel;
	struct bpf_link *link;
	struct tg_sink_xsk *xsk;	/* with --xsk */
	int queue;			/* with --xsk: -1 for every queue */
	struct tg_sink_maps maps;
	struct ring_buffer *rb;
	struct tg_pcapw pcap;
	sigset_t sigs, old_mask;
	bool masked;
	int sigfd, epfd;
	struct tg_sink_out out;
	struct tg_thresh_result gate;
	struct tg_sink_totals last;
	uint64_t start_ns, last_ns;
	enum sink_stop stop;
};

static int resolve_redirect(struct sink_run *r)
{
	const char *name = r->o.action.ifname;
	struct tg_err err = { "" };
	uint64_t features;
	int ifindex;

	ifindex = if_nametoindex(name);
	if (!ifindex)
		return tg_usage_error(&sink_cmd_def, "--action redirect:%s: no such interface "
				      "in this network namespace", name);
	r->cfg.redirect_ifindex = ifindex;
	/* Known only on kernels with the netdev family (6.3+): warn, don't refuse. */
	if (!tg_iface_xdp_features(ifindex, &features, &err) &&
	    !(features & NETDEV_XDP_ACT_NDO_XMIT))
		tg_warn("%s does not take XDP redirects now (no ndo-xmit): frames "
			"redirected there will be lost (a veth needs an XDP program or "
			"GRO on its peer)\n", name);
	return TG_GO_ON;
}

/* --xsk's options against the others. */
static int resolve_xsk(struct sink_run *r, const struct tg_opts_result *res)
{
	bool queue = tg_opt_given(&sink_cmd_def, res, "queue");

	r->queue = queue ? (int)r->o.queue : -1;
	if (!r->o.xsk) {
		if (queue || tg_opt_given(&sink_cmd_def, res, "xsk-mode"))
			return tg_usage_error(&sink_cmd_def, "%s is for AF_XDP sockets: add --xsk",
					      queue ? "--queue" : "--xsk-mode");
		return TG_GO_ON;
	}
	if (tg_opt_given(&sink_cmd_def, res, "action") && r->o.action.verdict != XDP_DROP)
		return tg_usage_error(&sink_cmd_def, "--xsk takes the matching frames into its sockets: "
				      "no --action but drop");
	return TG_GO_ON;
}

/* Checks the options against each other and the interface; TG_GO_ON or an exit code. */
static int resolve(struct sink_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };
	int ret;

	/* The command line first: its mistakes are usage errors (exit 2). */
	if (!tg_opt_given(&sink_cmd_def, res, "pcap") &&
	    tg_opt_given(&sink_cmd_def, res, "snaplen"))
		return tg_usage_error(&sink_cmd_def, "--snaplen is for recording: give "
				      "--pcap FILE too");
	if (r->o.pcap && !strcmp(r->o.pcap, "-"))
		return tg_usage_error(&sink_cmd_def, "--pcap %s: stdout carries the sink's own "
				      "output; give a file name", r->o.pcap);
	r->cfg = (struct sink_cfg){
		.action = r->o.action.verdict,
		.proto = proto_numbers[r->o.proto],
		.port_filter = tg_opt_given(&sink_cmd_def, res, "port"),
		.port_lo = r->o.port.first,
		.port_hi = r->o.port.first + r->o.port.count - 1,
		.pcap = r->o.pcap != NULL,
		.snaplen = r->o.snaplen < SINK_SNAP_MAX ? r->o.snaplen : SINK_SNAP_MAX,
	};
	if (r->cfg.port_filter && r->cfg.proto != SINK_PROTO_ANY &&
	    r->cfg.proto != IPPROTO_UDP && r->cfg.proto != IPPROTO_TCP)
		return tg_usage_error(&sink_cmd_def, "--port needs UDP or TCP, not --proto %s",
				      proto_names[r->o.proto]);
	ret = resolve_xsk(r, res);
	if (ret != TG_GO_ON)
		return ret;
	if (r->cfg.action == XDP_REDIRECT) {
		ret = resolve_redirect(r);
		if (ret != TG_GO_ON)
			return ret;
	}

	if (tg_iface_get(r->ifname, &r->iface, &err)) {
		fprintf(stderr, "trafficgen sink: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	if (r->o.xsk && r->queue >= 0 && r->iface.num_rx_queues &&
	    (unsigned int)r->queue >= r->iface.num_rx_queues)
		return tg_usage_error(&sink_cmd_def, "--queue %d: %s has %u receive queue(s) (0-%u)",
				      r->queue, r->ifname, r->iface.num_rx_queues,
				      r->iface.num_rx_queues - 1);
	if (r->iface.xdp_prog_id) {
		tg_error("%s already has an XDP program attached (id %u): the sink would "
			 "replace it. See 'bpftool net show dev %s'; detach it first "
			 "('ip link set dev %s xdp off') if it is not needed\n", r->ifname,
			 r->iface.xdp_prog_id, r->ifname, r->ifname);
		return TG_EXIT_FAIL;
	}
	/* After every check (a refused command line leaves no file), before any load. */
	if (r->cfg.pcap && tg_pcapw_open(&r->pcap, r->o.pcap, r->cfg.snaplen, &err)) {
		tg_error("%s (does the directory exist, and may this user write there?)\n",
			 err.msg);
		return TG_EXIT_FAIL;
	}
	return TG_GO_ON;
}

static int load_program(struct sink_run *r)
{
	struct tg_err err = { "" };
	int ret;

	/* Not recording: the smallest ring the kernel takes. */
	ret = tg_sink_load(&r->skel, &r->cfg, r->cfg.pcap ? PCAP_RING_BYTES : 0, &r->maps,
			   &err);
	if (ret)
		tg_error("%s\n", err.msg);
	return ret;
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct sink_run *r = ctx;
	const struct sink_rec *rec = data;

	if (size < sizeof(*rec) || size - sizeof(*rec) < rec->caplen)
		return 0;	/* cannot happen: the program reserved it so */
	tg_pcapw_write(&r->pcap, rec->ts_ns, rec->len, rec + 1, rec->caplen);
	return 0;
}

/* Signals go to a signalfd, polled with the ring buffer in one epoll set. */
static int setup_events(struct sink_run *r)
{
	struct epoll_event ev = { .events = EPOLLIN };

	sigemptyset(&r->sigs);
	sigaddset(&r->sigs, SIGINT);
	sigaddset(&r->sigs, SIGTERM);
	sigaddset(&r->sigs, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &r->sigs, &r->old_mask))
		return -errno;
	r->masked = true;
	r->sigfd = signalfd(-1, &r->sigs, SFD_CLOEXEC | SFD_NONBLOCK);
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->sigfd < 0 || r->epfd < 0)
		return -errno;
	ev.data.u32 = 0;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->sigfd, &ev))
		return -errno;
	if (!r->rb)
		return 0;
	ev.data.u32 = 1;
	if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, ring_buffer__epoll_fd(r->rb), &ev))
		return -errno;
	return 0;
}

static int open_recording(struct sink_run *r)
{
	int ret = 0;

	if (!r->cfg.pcap)
		return 0;
	r->rb = ring_buffer__new(bpf_map__fd(r->skel->maps.pcap_rb), on_record, r, NULL);
	if (!r->rb) {
		ret = -errno;
		tg_error("could not open the sink's ring buffer: %s\n", strerror(-ret));
	}
	return ret;
}

static int attach(struct sink_run *r)
{
	int ret;

	r->link = bpf_program__attach_xdp(r->skel->progs.sink, r->iface.ifindex);
	if (r->link)
		return 0;
	ret = -errno;
	if (ret == -EBUSY || ret == -EEXIST)
		tg_error("could not attach the sink to %s: %s: another XDP program is "
			 "attached. See 'bpftool net show dev %s'\n", r->ifname,
			 strerror(-ret), r->ifname);
	else
		tg_error("could not attach the sink to %s: %s (run with -v for "
			 "libbpf's messages)\n", r->ifname, strerror(-ret));
	return ret;
}

/* --xsk: the sockets and their threads, then the program that fills them. */
static int attach_xsk(struct sink_run *r)
{
	struct tg_err err = { "" };

	if (tg_sink_xsk_open(&r->xsk, &r->iface, &r->cfg, r->queue,
			     (enum tg_xsk_mode)r->o.xsk_mode, r->cfg.pcap ? &r->pcap : NULL,
			     -1, 0, &err) ||
	    tg_sink_xsk_start(r->xsk, &err) || tg_sink_xsk_attach(r->xsk, &err)) {
		tg_error("--xsk: %s\n", err.msg);
		return -1;
	}
	return 0;
}

/* Counters summed over CPUs; with `all`, streams and latency too. */
static struct tg_sink_totals read_totals(struct sink_run *r, bool all)
{
	struct tg_sink_totals t = { 0 };

	if (r->xsk) {
		tg_sink_xsk_totals(r->xsk, &t);
		return t;
	}
	if (tg_sink_maps_read(&r->maps, all, &t))
		return r->last;
	t.pcap_written = r->pcap.written;
	return t;
}

static void print_start(struct sink_run *r)
{
	const char *action = r->o.action.verdict == XDP_DROP ? "drop" :
			     r->o.action.verdict == XDP_PASS ? "pass" :
			     r->o.action.verdict == XDP_TX ? "tx" : "redirect";
	char ports[16];
	struct tg_print p;

	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "start");
	tg_print_str(&p, TG_PRINT_ANY, "interface", "sink on %s: ", r->ifname);
	tg_print_str(&p, TG_PRINT_ANY, "action", "%s", action);
	if (r->cfg.action == XDP_REDIRECT)
		tg_print_str(&p, TG_PRINT_ANY, "redirect_to", " to %s", r->o.action.ifname);
	tg_print_text(&p, " each ");
	/* Text leaves "any" unsaid: "each frame". */
	tg_print_str(&p, r->o.proto == PROTO_ANY ? TG_PRINT_JSON : TG_PRINT_ANY, "proto",
		     "%s ", proto_names[r->o.proto]);
	tg_print_text(&p, "frame");
	if (r->cfg.port_filter) {
		snprintf(ports, sizeof(ports), "%u-%u", r->cfg.port_lo, r->cfg.port_hi);
		tg_print_str(&p, TG_PRINT_ANY, "ports", " to ports %s", ports);
	}
	if (r->o.pcap)
		tg_print_str(&p, TG_PRINT_ANY, "pcap", ", recording to %s", r->o.pcap);
	if (r->xsk) {
		tg_print_str(&p, TG_PRINT_JSON, "engine", NULL, "xsk");
		tg_print_str(&p, TG_PRINT_ANY, "xsk_mode", ", in AF_XDP sockets (%s mode",
			     tg_sink_xsk_mode(r->xsk));
		tg_print_u64(&p, TG_PRINT_ANY, "xsk_sockets", ", %llu queue(s))",
			     tg_sink_xsk_nsockets(r->xsk));
	}
	tg_print_text(&p, "; Ctrl-C to stop");
	tg_print_close(&p);
}

/* Reads what woke us: a signal ends the run, records go to the file, frames are counted. */
static void handle_events(struct sink_run *r, uint64_t timeout_ns)
{
	struct epoll_event ev[16];
	struct signalfd_siginfo si;
	int n, i, ret;

	n = epoll_wait(r->epfd, ev, 16, (timeout_ns + NS_PER_MS - 1) / NS_PER_MS);
	for (i = 0; i < n; i++) {
		if (ev[i].data.u32 == 0) {
			if (read(r->sigfd, &si, sizeof(si)) == sizeof(si))
				r->stop = STOP_SIGNAL;
			continue;
		}
		ret = ring_buffer__consume(r->rb);
		if (ret < 0) {
			tg_error("reading the sink's ring buffer failed: %s\n", strerror(-ret));
			r->stop = STOP_ERROR;
		}
	}
}

static bool iface_gone(struct sink_run *r)
{
	char name[IF_NAMESIZE];

	return !if_indextoname(r->iface.ifindex, name);
}

/* Until -D, -c, a signal or an error; intervals on the way. */
static void run_loop(struct sink_run *r)
{
	uint64_t deadline = r->o.duration ? r->start_ns + r->o.duration : 0;
	uint64_t tick = r->o.interval ? r->start_ns + r->o.interval : 0;
	uint64_t now, wait;
	struct tg_sink_totals t;

	while (r->stop == STOP_NONE) {
		now = tg_now_ns();
		if (deadline && now >= deadline) {
			r->stop = STOP_DEADLINE;
			break;
		}
		if (r->o.count) {
			t = read_totals(r, false);
			if (tg_sink_received(&t) >= r->o.count) {
				r->stop = STOP_COUNT;
				break;
			}
		}
		if (iface_gone(r)) {
			tg_error("interface %s went away during the run\n", r->ifname);
			r->stop = STOP_ERROR;
			break;
		}
		if (tick && now >= tick) {
			t = read_totals(r, true);
			tg_sink_interval(&r->out, now - r->start_ns, &t, &r->last,
					 now - r->last_ns);
			r->last = t;
			r->last_ns = now;
			/* A stall skips the missed ticks rather than bursting them out. */
			while (tick <= now)
				tick += r->o.interval;
		}
		wait = POLL_NS;
		if (deadline)
			wait = tg_min_u64(wait, deadline - now);
		if (tick)
			wait = tg_min_u64(wait, tick > now ? tick - now : 0);
		handle_events(r, wait);
	}
}

/* Detach first: after that no record or count can change under us. */
/* Thresholds: loss is judged on stamped frames, the only ones with a count. */
static bool judge(struct sink_run *r, const struct tg_sink_totals *t, uint64_t ns)
{
	struct tg_thresh_input in = {
		.loss_known = t->stamped > 0,
		.expected = t->stamped + t->lost,
		.lost = t->lost,
		.pps = tg_rate(tg_sink_received(t), ns),
		.lat = &t->lat,
	};
	int i;

	r->out.gate = &r->o.gate;
	r->out.gate_result = &r->gate;
	if (tg_thresh_check(&r->o.gate, &in, &r->gate))
		return true;
	for (i = 0; i < r->gate.nmissed; i++)
		tg_error("threshold missed: %s\n", r->gate.missed[i]);
	return false;
}

static int finish(struct sink_run *r)
{
	struct tg_err err = { "" };
	struct tg_sink_totals t;
	uint64_t elapsed = tg_now_ns() - r->start_ns, xsk_dropped;
	int ret = r->stop == STOP_ERROR ? TG_EXIT_FAIL : TG_EXIT_OK;

	bpf_link__destroy(r->link);
	r->link = NULL;
	if (r->xsk)
		tg_sink_xsk_detach(r->xsk);
	if (r->rb && ring_buffer__consume(r->rb) < 0)
		ret = TG_EXIT_FAIL;
	t = read_totals(r, true);
	if (ret == TG_EXIT_OK && !judge(r, &t, elapsed))
		ret = TG_THRESH_EXIT;
	if (r->cfg.pcap && tg_pcapw_close(&r->pcap, &err)) {
		tg_error("%s\n", err.msg);
		ret = TG_EXIT_FAIL;
	}
	tg_sink_summary(&r->out, &t, elapsed);
	if (r->xsk && (xsk_dropped = tg_sink_xsk_dropped(r->xsk)))
		tg_warn("%llu frames were dropped by the AF_XDP sockets' rings, full: this "
			"process could not keep up\n", (unsigned long long)xsk_dropped);
	if (t.pcap_dropped)
		tg_warn("%llu frames could not be recorded: the ring buffer was full "
			"(the disk or this process could not keep up)\n",
			(unsigned long long)t.pcap_dropped);
	return ret;
}

static void sink_run_close(struct sink_run *r)
{
	struct tg_err err = { "" };

	bpf_link__destroy(r->link);
	tg_sink_xsk_close(r->xsk);
	ring_buffer__free(r->rb);
	tg_pcapw_close(&r->pcap, &err);
	sink_bpf__destroy(r->skel);
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->sigfd >= 0)
		close(r->sigfd);
	/* Signals that came after the summary were answered by it: drop them. */
	if (r->masked) {
		struct timespec zero = { 0 };

		while (sigtimedwait(&r->sigs, NULL, &zero) > 0)
			;
		sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	}
	tg_sink_maps_close(&r->maps);
}

int cmd_sink(int argc, char **argv)
{
	struct tg_opts_result res;
	struct sink_run *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return TG_EXIT_FAIL;
	r->sigfd = r->epfd = -1;
	ret = tg_cmd_parse(&sink_cmd_def, argc, argv, &r->o, &res);
	if (ret != TG_GO_ON)
		goto out;
	if (r->o.verbose)
		tg_log_set_level(TG_LOG_DEBUG);
	r->ifname = res.pos[0];
	ret = resolve(r, &res);
	if (ret != TG_GO_ON)
		goto out;

	ret = TG_EXIT_FAIL;
	if (!r->o.xsk && (load_program(r) || open_recording(r)))
		goto out;
	if (setup_events(r)) {
		tg_error("could not set up signal handling: %s\n", strerror(errno));
		goto out;
	}
	if (r->o.xsk ? attach_xsk(r) : attach(r))
		goto out;
	r->out = (struct tg_sink_out){
		.f = stdout, .json = r->o.json, .pcap = r->cfg.pcap,
		.ifname = r->ifname, .pcap_path = r->o.pcap,
	};
	r->start_ns = r->last_ns = tg_now_ns();
	print_start(r);
	run_loop(r);
	ret = finish(r);
out:
	sink_run_close(r);
	free(r);
	return ret;
}
