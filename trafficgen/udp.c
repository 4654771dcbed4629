// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen udp: UDP over IPv4 or IPv6 from live XDP frames, with fields
 * rewritten per packet by bpf/udp_gen.bpf.c.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "farend.h"
#include "gate.h"
#include "json.h"
#include "lf.h"
#include "log.h"
#include "packet.h"
#include "parse.h"
#include "stats.h"
#include "target.h"
#include "txerr_user.h"
#include "udp_cfg.h"
#include "udp_gen.skel.h"

#define NS_PER_SEC 1000000000ULL

struct udp_opts {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	struct tg_addr_range dst, src;
	struct tg_port_range dport, sport;
	uint64_t dyn_ports;
	uint64_t num;
	uint64_t pkt_size;
	uint64_t threads;
	uint64_t interval;
	uint64_t duration;
	uint64_t ttl;
	uint64_t batch;
	uint64_t repeat;
	bool random;
	bool stamp;
	bool veth;
	struct tg_gate gate;		/* with --veth */
	bool json;
	bool verbose;
};

static const struct udp_opts udp_defaults = {
	.dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	.dport = { .first = 1, .count = 1 },
	.sport = { .first = 1, .count = 1 },
	.threads = 1,
	.interval = NS_PER_SEC,
	.ttl = 1,
	.batch = TG_LF_DEFAULT_BATCH,
	.repeat = TG_LF_DEFAULT_REPEAT,
	.gate = { .max_loss_pct = -1 },
};

#define OPT(field) offsetof(struct udp_opts, field)

static const struct tg_opt udp_opts[] = {
	{ "dst-mac", 'm', TG_OPT_MAC, OPT(dst_mac), "MAC",
	  "destination MAC (default ff:ff:ff:ff:ff:ff)" },
	{ "src-mac", 'M', TG_OPT_MAC, OPT(src_mac), "MAC",
	  "source MAC (default: the interface's)" },
	{ "dst-addr", 'a', TG_OPT_ADDR_RANGE, OPT(dst), "ADDR[-ADDR|/LEN]",
	  "destination address or range, IPv4 or IPv6 (default fe80::2)" },
	{ "src-addr", 'A', TG_OPT_ADDR_RANGE, OPT(src), "ADDR[-ADDR|/LEN]",
	  "source address or range (default fe80::1, or the interface's IPv4 address)" },
	{ "dst-port", 'p', TG_OPT_PORT_RANGE, OPT(dport), "PORT[-PORT]",
	  "destination port or range (default 1)" },
	{ "src-port", 'P', TG_OPT_PORT_RANGE, OPT(sport), "PORT[-PORT]",
	  "source port or range (default 1)" },
	{ "dyn-ports", 'd', TG_OPT_UINT, OPT(dyn_ports), "N",
	  "vary the destination port over N ports from --dst-port", 1, 65536 },
	{ "num-packets", 'n', TG_OPT_COUNT, OPT(num), "COUNT",
	  "send exactly COUNT packets in all, then stop (default: until stopped)", 1, 0 },
	{ "duration", 'D', TG_OPT_DURATION, OPT(duration), "TIME",
	  "stop after TIME (10, 500ms, 2m)", 1, 0 },
	{ "pkt-size", 's', TG_OPT_UINT, OPT(pkt_size), "BYTES",
	  "frame size on the wire with FCS (default and minimum 64 IPv4, 66 IPv6; at most 3412)",
	  TG_MIN_WIRE_SIZE4, TG_MAX_WIRE_SIZE },
	{ "threads", 't', TG_OPT_UINT, OPT(threads), "N",
	  "sending threads, each pinned to its own CPU (default 1)", 1, TG_LF_MAX_THREADS },
	{ "interval", 'I', TG_OPT_DURATION, OPT(interval), "TIME",
	  "print statistics every TIME, 0 for none (default 1s)", 0, 0 },
	{ "random", 0, TG_OPT_FLAG, OPT(random), NULL,
	  "pick each varying field uniformly at random instead of in sequence" },
	{ "stamp", 0, TG_OPT_FLAG, OPT(stamp), NULL,
	  "start each payload with a sequence number and send time for 'trafficgen sink'" },
	{ "veth", 0, TG_OPT_FLAG, OPT(veth), NULL,
	  "send into a veth pair of throwaway namespaces with a sink at the far end (no <ifname>)" },
	{ "max-loss", 0, TG_OPT_CUSTOM, OPT(gate.max_loss_pct), "PCT",
	  "with --veth: exit 3 if more than PCT percent of the frames did not arrive",
	  0, 0, NULL, tg_gate_parse_pct },
	{ "min-pps", 0, TG_OPT_COUNT, OPT(gate.min_pps), "RATE",
	  "with --veth: exit 3 if fewer frames per second arrived", 1, 0 },
	{ "max-latency-p99", 0, TG_OPT_DURATION, OPT(gate.max_p99_ns), "TIME",
	  "with --veth --stamp: exit 3 if the 99th percentile latency is above TIME", 1, 0 },
	{ "ttl", 0, TG_OPT_UINT, OPT(ttl), "N",
	  "IPv4 TTL or IPv6 hop limit (default 1: the frames stay on the link)", 1, 255 },
	{ "batch", 0, TG_OPT_UINT, OPT(batch), "N",
	  "frames per kernel batch (default 64)", 1, TG_LF_MAX_BATCH },
	{ "repeat", 0, TG_OPT_COUNT, OPT(repeat), "N",
	  "frames per kernel call at most (default 2^30; each call has a fixed cost)",
	  1, TG_LF_DEFAULT_REPEAT },
	{ "json", 0, TG_OPT_FLAG, OPT(json), NULL,
	  "print every line as one JSON object" },
	{ "verbose", 'v', TG_OPT_FLAG, OPT(verbose), NULL,
	  "say more, libbpf's messages included" },
	{ NULL },
};

const struct tg_cmd_def udp_cmd_def = {
	.name = "udp",
	.summary = "send UDP traffic out of an interface",
	.args = "<ifname> | --veth",
	.min_pos = 0,
	.max_pos = 1,
	.opts = udp_opts,
	.cfg_size = sizeof(struct udp_opts),
	.defaults = &udp_defaults,
};

/* Everything one run holds; torn down by udp_run_close() on every path. */
struct udp_run {
	struct udp_opts o;
	const char *ifname;
	struct tg_iface iface;
	struct tg_udp_params params;
	struct udp_gen_cfg cfg;
	struct tg_layout layout;
	uint8_t frame[TG_MAX_FRAME_LEN];
	struct tg_target target;
	bool target_open;
	struct udp_gen_bpf *skel;
	struct tg_txerr txerr;
	int cpus[TG_LF_MAX_THREADS];
	int ncpus;			/* possible CPUs: per-CPU map value count */
	struct udp_gen_pcpu *pcpu;
	struct tg_farend far;		/* with --veth */
	bool far_open;
	struct tg_sink_totals far_totals;
	struct tg_gate_result gate;
	struct tg_out out;
	struct tg_tx_counts last;
	uint64_t last_ns;
};

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "trafficgen udp: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nSee 'trafficgen udp --help'.\n");
	return TG_EXIT_USAGE;
}

static void set_single(struct tg_addr_range *r, int family, const char *text)
{
	r->family = family;
	r->count = 1;
	inet_pton(family, text, &r->first);
}

/* Fills in the address defaults, which depend on each other's family. */
static int resolve_addrs(struct udp_run *r, const struct tg_opts_result *res)
{
	bool have_dst = tg_opt_given(&udp_cmd_def, res, "dst-addr");
	bool have_src = tg_opt_given(&udp_cmd_def, res, "src-addr");
	char a[INET6_ADDRSTRLEN * 2 + 2], b[INET6_ADDRSTRLEN * 2 + 2];

	if (!have_dst && have_src && r->o.src.family == AF_INET)
		return usage_error("an IPv4 source needs an IPv4 destination: give --dst-addr");
	if (!have_dst)
		set_single(&r->o.dst, AF_INET6, "fe80::2");
	if (!have_src) {
		if (r->o.dst.family == AF_INET6) {
			set_single(&r->o.src, AF_INET6, "fe80::1");
		} else if (r->iface.has_ipv4) {
			r->o.src.family = AF_INET;
			r->o.src.count = 1;
			r->o.src.first.v4 = r->iface.ipv4;
		} else {
			return usage_error("%s has no IPv4 address to send from: give --src-addr",
					   r->ifname);
		}
	}
	if (r->o.src.family != r->o.dst.family) {
		tg_format_addr_range(&r->o.dst, a, sizeof(a));
		tg_format_addr_range(&r->o.src, b, sizeof(b));
		return usage_error("destination %s and source %s are of different address families",
				   a, b);
	}
	return -1;
}

static int resolve_ports(struct udp_run *r, const struct tg_opts_result *res)
{
	unsigned long long n = r->o.dyn_ports;

	if (!n)
		return -1;
	if (r->o.dport.count > 1)
		return usage_error("--dyn-ports %llu and a --dst-port range (from %u) exclude each other",
				   n, r->o.dport.first);
	/* xdp-trafficgen wraps through port 0 here; a range that does is refused. */
	if (r->o.dport.first + n - 1 > 65535)
		return usage_error("--dyn-ports %llu from port %u goes past port 65535",
				   n, r->o.dport.first);
	r->o.dport.count = n;
	return -1;
}

static int resolve_size(struct udp_run *r, const struct tg_opts_result *res)
{
	uint32_t min = tg_udp_cfg_min_frame_len(r->o.dst.family, r->o.stamp) + TG_FCS_LEN;

	if (!tg_opt_given(&udp_cmd_def, res, "pkt-size"))
		r->o.pkt_size = min;
	if (r->o.pkt_size < min)
		return usage_error("--pkt-size %llu is below the minimum of %u bytes for %s%s",
				   (unsigned long long)r->o.pkt_size, min,
				   r->o.dst.family == AF_INET ? "IPv4" : "IPv6",
				   r->o.stamp ? " with --stamp" : "");
	return -1;
}

static int resolve_threads(struct udp_run *r)
{
	int n = tg_lf_cpus(r->cpus, TG_LF_MAX_THREADS);

	if (n < 0)
		n = 1;
	if (r->o.threads > (uint64_t)n)
		return usage_error("--threads %llu: each thread needs a CPU of its own and this "
				   "process may use %d", (unsigned long long)r->o.threads, n);
	return -1;
}

/*
 * Stream ids are run << 8 | thread: a random run part keeps two runs into
 * one sink apart.
 */
static uint32_t stream_base(void)
{
	uint32_t run = 0;

	if (getrandom(&run, sizeof(run), 0) != sizeof(run))
		run = (uint32_t)tg_now_ns();
	return (run & 0xffffff) << 8;
}

/* Checks the options against each other and the interface; -1 to go on. */
static int resolve(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };
	int ret;

	if (tg_iface_get(r->ifname, &r->iface, &err)) {
		fprintf(stderr, "trafficgen udp: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	if (!tg_opt_given(&udp_cmd_def, res, "src-mac"))
		memcpy(r->o.src_mac, r->iface.mac, 6);
	if (r->far_open && !tg_opt_given(&udp_cmd_def, res, "dst-mac"))
		memcpy(r->o.dst_mac, r->far.env.sink_mac, 6);
	ret = resolve_addrs(r, res);
	if (ret < 0)
		ret = resolve_ports(r, res);
	if (ret < 0)
		ret = resolve_size(r, res);
	if (ret < 0)
		ret = resolve_threads(r);
	if (ret >= 0)
		return ret;

	r->params = (struct tg_udp_params){
		.spec = {
			.family = r->o.dst.family,
			.ttl = r->o.ttl,
			.frame_len = r->o.pkt_size - TG_FCS_LEN,
		},
		.src = r->o.src, .dst = r->o.dst,
		.sport = r->o.sport, .dport = r->o.dport,
		.random = r->o.random,
		.stamp = r->o.stamp,
		.stream_base = stream_base(),
		.ifindex = r->iface.ifindex,
		.nthreads = r->o.threads,
	};
	memcpy(r->params.spec.dst_mac, r->o.dst_mac, 6);
	memcpy(r->params.spec.src_mac, r->o.src_mac, 6);
	if (tg_udp_cfg_build(&r->params, &r->cfg, r->frame, &r->layout, &err)) {
		fprintf(stderr, "trafficgen udp: %s\nSee 'trafficgen udp --help'.\n", err.msg);
		return TG_EXIT_USAGE;
	}
	if (r->o.dst_mac[0] & 1)
		tg_warn("the destination MAC is %s and the rate is unbounded: every "
			"station on the link receives the flood (give --dst-mac)\n",
			memcmp(r->o.dst_mac, udp_defaults.dst_mac, 6) ? "multicast" : "broadcast");
	return -1;
}

static int load_program(struct udp_run *r)
{
	size_t size;
	unsigned int i;
	int ret;

	r->skel = udp_gen_bpf__open();
	if (!r->skel) {
		tg_error("could not open the UDP generator program: %s\n", strerror(errno));
		return -errno;
	}
	r->skel->rodata->cfg = r->cfg;
	ret = udp_gen_bpf__load(r->skel);
	if (ret) {
		tg_error("could not load the UDP generator program: %s (%s)\n", strerror(-ret),
			 ret == -EPERM ? "needs root or CAP_BPF and CAP_NET_ADMIN" :
			 "run with -v for the verifier's log; is this kernel >= 5.18?");
		return ret;
	}
	r->ncpus = libbpf_num_possible_cpus();
	if (r->ncpus <= 0)
		return r->ncpus ? r->ncpus : -EINVAL;
	size = sizeof(*r->pcpu) * r->ncpus;
	r->pcpu = calloc(1, size);
	if (!r->pcpu)
		return -ENOMEM;
	for (i = 0; i < r->o.threads; i++)
		tg_udp_cfg_thread_init(&r->cfg, i, &r->pcpu[r->cpus[i]]);
	i = 0;
	ret = bpf_map__update_elem(r->skel->maps.pcpu, &i, sizeof(i), r->pcpu, size, 0);
	if (ret)
		tg_error("could not initialise the generator's per-CPU state: %s\n",
			 strerror(-ret));
	return ret;
}

static int read_pcpu(struct udp_run *r)
{
	__u32 key = 0;

	return bpf_map__lookup_elem(r->skel->maps.pcpu, &key, sizeof(key), r->pcpu,
				    sizeof(*r->pcpu) * r->ncpus, 0);
}

static struct tg_tx_counts read_counts(struct udp_run *r)
{
	struct tg_tx_counts c = { 0 };
	uint64_t refused = tg_txerr_read(&r->txerr, 0);
	int cpu;

	if (read_pcpu(r))
		return r->last;
	for (cpu = 0; cpu < r->ncpus; cpu++) {
		c.packets += r->pcpu[cpu].packets;
		c.bytes += r->pcpu[cpu].bytes;
		c.errors += r->pcpu[cpu].short_frames;
	}
	/* Frames the target refused were counted as redirected: move them. */
	if (refused > c.packets)
		refused = c.packets;
	c.packets -= refused;
	c.bytes -= refused * r->layout.len;	/* every frame has the template's length */
	c.errors += refused;
	return c;
}

static void on_interval(void *arg, uint64_t elapsed_ns)
{
	struct udp_run *r = arg;
	struct tg_tx_counts now = read_counts(r), d = tg_tx_sub(&now, &r->last);

	tg_tx_interval(&r->out, elapsed_ns, &d, elapsed_ns - r->last_ns);
	r->last = now;
	r->last_ns = elapsed_ns;
}

static uint64_t thread_sent(void *arg, unsigned int thread)
{
	struct udp_run *r = arg;

	if (read_pcpu(r))
		return 0;
	return r->pcpu[r->cpus[thread]].packets;
}

static int check_iface(void *arg)
{
	struct udp_run *r = arg;
	char name[IF_NAMESIZE];

	return if_indextoname(r->iface.ifindex, name) ? 0 : -ENODEV;
}

static void print_start(struct udp_run *r)
{
	char dst[INET6_ADDRSTRLEN * 2 + 2], src[INET6_ADDRSTRLEN * 2 + 2];
	struct tg_json j;

	tg_format_addr_range(&r->o.dst, dst, sizeof(dst));
	tg_format_addr_range(&r->o.src, src, sizeof(src));
	if (r->o.json) {
		tg_json_begin(&j, stdout);
		tg_json_str(&j, "type", "start");
		tg_json_str(&j, "interface", r->ifname);
		tg_json_str(&j, "dst", dst);
		tg_json_str(&j, "src", src);
		tg_json_u64(&j, "pkt_size", r->o.pkt_size);
		tg_json_u64(&j, "threads", r->o.threads);
		tg_json_end(&j);
		return;
	}
	printf("sending UDP %s -> %s (ports %u+%u -> %u+%u) on %s: %llu-byte frames, %llu thread%s\n",
	       src, dst, r->o.sport.first, r->o.sport.count - 1, r->o.dport.first,
	       r->o.dport.count - 1, r->ifname, (unsigned long long)r->o.pkt_size,
	       (unsigned long long)r->o.threads, r->o.threads > 1 ? "s" : "");
	fflush(stdout);
}

static int report_stop(struct udp_run *r, const struct tg_lf_result *res)
{
	if (res->stop != TG_LF_ERROR)
		return TG_EXIT_OK;
	if (res->check_failed)
		tg_error("interface %s went away during the run\n", r->ifname);
	else
		tg_error("sending on %s failed in thread %u: %s%s\n", r->ifname,
			 res->error_thread, strerror(-res->error),
			 res->error == -E2BIG || res->error == -EINVAL ?
			 " (does this kernel support live frames and this --batch? try "
			 "'trafficgen probe')" : "");
	return TG_EXIT_FAIL;
}

static void far_end_json(struct tg_json *j, void *arg)
{
	struct udp_run *r = arg;

	tg_sink_json_far_end(j, &r->far_totals);
	tg_gate_json(j, &r->o.gate, &r->gate);
}

/* --veth's thresholds, judged at the far end; exit code to return. */
static int judge(struct udp_run *r, const struct tg_tx_counts *sent, uint64_t ns)
{
	uint64_t generated = sent->packets + sent->errors;
	uint64_t received = tg_sink_received(&r->far_totals);
	struct tg_gate_input in = {
		.loss_known = true,
		.expected = generated,
		.lost = received < generated ? generated - received : 0,
		.pps = tg_rate(received, ns),
		.lat = &r->far_totals.lat,
	};
	int i;

	if (tg_gate_check(&r->o.gate, &in, &r->gate))
		return TG_EXIT_OK;
	for (i = 0; i < r->gate.nmissed; i++)
		tg_error("threshold missed: %s\n", r->gate.missed[i]);
	return TG_GATE_EXIT;
}

static int send_frames(struct udp_run *r)
{
	struct tg_err err = { "" };
	struct tg_lf_result res;
	int ifindex = r->iface.ifindex;
	struct tg_lf_cfg lf = {
		.prog_fd = bpf_program__fd(r->skel->progs.udp_gen),
		.frame = r->frame,
		.frame_len = r->layout.len,
		.batch_size = r->o.batch,
		.max_repeat = r->o.repeat,
		.nthreads = r->o.threads,
		.cpus = r->cpus,
		.count = r->o.num,
		.duration_ns = r->o.duration,
		.interval_ns = r->o.interval,
		.on_interval = on_interval,
		.thread_sent = thread_sent,
		.check = check_iface,
		.arg = r,
	};
	struct tg_tx_counts total;
	int gate, ret;

	tg_txerr_open(&r->txerr, &ifindex, 1);
	r->out = (struct tg_out){ .f = stdout, .json = r->o.json,
				  .errors_counted = r->txerr.counting, .ifname = r->ifname };
	if (r->far_open) {
		r->out.json_extra = far_end_json;
		r->out.extra_arg = r;
	}
	print_start(r);
	if (tg_lf_run(&lf, &res, &err)) {
		tg_error("%s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	total = read_counts(r);
	if (r->far_open && tg_farend_read(&r->far, &r->far_totals))
		tg_warn("could not read the far end's counters\n");
	gate = r->far_open ? judge(r, &total, res.elapsed_ns) : TG_EXIT_OK;
	tg_tx_summary(&r->out, &total, res.elapsed_ns);
	if (r->far_open && !r->o.json)
		tg_sink_summary(&(struct tg_sink_out){ .f = stdout, .ifname = r->far.env.sink_if },
				&r->far_totals, res.elapsed_ns);
	ret = report_stop(r, &res);
	return ret == TG_EXIT_OK ? gate : ret;
}

static void udp_run_close(struct udp_run *r)
{
	tg_txerr_close(&r->txerr);
	udp_gen_bpf__destroy(r->skel);
	if (r->target_open)
		tg_target_close(&r->target);
	if (r->far_open)
		tg_farend_close(&r->far);
	free(r->pcpu);
}

/* --veth or an interface, and with --veth the pair and the sink at its far end. */
static int open_far_end(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };

	if (r->o.veth == (res->npos == 1))
		return usage_error(r->o.veth ? "--veth makes its own interface: give no <ifname>"
				   : "give the interface to send on, or --veth");
	if (!r->o.veth) {
		if (tg_gate_active(&r->o.gate))
			return usage_error("--max-loss, --min-pps and --max-latency-p99 need --veth "
					   "(a far end to count at); on a receiver, give them to "
					   "'trafficgen sink'");
		r->ifname = res->pos[0];
		return -1;
	}
	r->far_open = true;
	if (tg_farend_open(&r->far, r->o.threads, &err)) {
		tg_error("--veth: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	r->ifname = r->far.env.gen_if;
	return -1;
}

int cmd_udp(int argc, char **argv)
{
	struct tg_opts_result res;
	struct tg_err err = { "" };
	struct udp_run *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return TG_EXIT_FAIL;
	ret = tg_cmd_parse(&udp_cmd_def, argc, argv, &r->o, &res);
	if (ret >= 0)
		goto out;
	if (r->o.verbose)
		tg_log_set_level(TG_LOG_DEBUG);
	ret = open_far_end(r, &res);
	if (ret >= 0)
		goto out;
	ret = resolve(r, &res);
	if (ret >= 0)
		goto out;

	ret = TG_EXIT_FAIL;
	if (tg_target_open(r->ifname, &r->target, &err)) {
		tg_error("%s\n", err.msg);
		goto out;
	}
	r->target_open = true;
	if (load_program(r))
		goto out;
	ret = send_frames(r);
out:
	udp_run_close(r);
	free(r);
	return ret;
}
