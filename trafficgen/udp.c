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
#include "json.h"
#include "log.h"
#include "percpu.h"
#include "udp.h"
#include "udp_gen.skel.h"
#include "udp/load.h"

#define NS_PER_SEC 1000000000ULL

static const struct udp_opts udp_defaults = {
	.dst_mac = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	.dport = { .first = 1, .count = 1 },
	.sport = { .first = 1, .count = 1 },
	.threads = 1,
	.interval = NS_PER_SEC,
	.ttl = 1,
	.batch = TG_LIVE_DEFAULT_BATCH,
	.repeat = TG_LIVE_DEFAULT_REPEAT,
	.gate = { .max_loss_pct = -1 },
};

#define OPT(field) offsetof(struct udp_opts, field)

static int parse_rate(const char *s, void *field, struct tg_err *err)
{
	return tg_parse_rate(s, field, err);
}

static int parse_vlan(const char *s, void *field, struct tg_err *err)
{
	struct udp_vlan *v = field;
	int ret = tg_parse_vlan(s, &v->tci[0], err);

	if (!ret)
		v->n = 1;
	return ret;
}

static int parse_qinq(const char *s, void *field, struct tg_err *err)
{
	struct udp_vlan *v = field;
	int ret = tg_parse_qinq(s, v->tci, err);

	if (!ret)
		v->n = 2;
	return ret;
}

static int parse_size(const char *s, void *field, struct tg_err *err)
{
	return tg_parse_size_range(s, TG_MIN_WIRE_SIZE4, tg_max_frame_len() + TG_FCS_LEN, field,
				   err);
}

static int parse_imix(const char *s, void *field, struct tg_err *err)
{
	return tg_parse_imix(s, TG_MIN_WIRE_SIZE4, tg_max_frame_len() + TG_FCS_LEN, field, err);
}

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
	{ "pkt-size", 's', TG_OPT_CUSTOM, OPT(size), "BYTES[-BYTES]",
	  "frame size on the wire with FCS (default and minimum 64 IPv4, 66 IPv6; at most 3412); "
	  "MIN-MAX: every size in turn (or at random with --random)",
	  0, 0, NULL, parse_size },
	{ "imix", 0, TG_OPT_CUSTOM, OPT(imix), "[SIZE:WEIGHT,...]",
	  "sizes in a mix: alone the classic 64:7,594:4,1518:1, or the mix given",
	  0, 0, NULL, parse_imix },
	{ "threads", 't', TG_OPT_UINT, OPT(threads), "N",
	  "sending threads, each pinned to its own CPU (default 1)", 1, TG_LIVE_MAX_THREADS },
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
	  0, 0, NULL, tg_thresh_parse_pct },
	{ "min-pps", 0, TG_OPT_COUNT, OPT(gate.min_pps), "RATE",
	  "with --veth: exit 3 if fewer frames per second arrived", 1, 0 },
	{ "max-latency-p99", 0, TG_OPT_DURATION, OPT(gate.max_p99_ns), "TIME",
	  "with --veth --stamp: exit 3 if the 99th percentile latency is above TIME", 1, 0 },
	{ "vlan", 0, TG_OPT_CUSTOM, OPT(vlan), "ID[:PRIO]",
	  "tag every frame with 802.1Q VLAN ID (0-4094) and priority (0-7, default 0)",
	  0, 0, NULL, parse_vlan },
	{ "qinq", 0, TG_OPT_CUSTOM, OPT(qinq), "OUTER:INNER",
	  "tag every frame twice: outer 802.1ad (0x88a8) VLAN OUTER, inner 802.1Q INNER",
	  0, 0, NULL, parse_qinq },
	{ "ttl", 0, TG_OPT_UINT, OPT(ttl), "N",
	  "IPv4 TTL or IPv6 hop limit (default 1: the frames stay on the link)", 1, 255 },
	{ "batch", 0, TG_OPT_UINT, OPT(batch), "N",
	  "frames per kernel batch (default 64)", 1, TG_LIVE_MAX_BATCH },
	{ "rate", 'r', TG_OPT_CUSTOM, OPT(rate), "RATE",
	  "send at RATE frames/s (100k, 2.5M) or bit/s on the wire (1Gbit, 400Mbit), over all threads",
	  0, 0, NULL, parse_rate },
	{ "burst", 0, TG_OPT_UINT, OPT(burst), "N",
	  "with --rate: frames sent back to back per slot (default: the fewest that reach the rate)",
	  1, TG_PACE_MAX_BURST },
	{ "repeat", 0, TG_OPT_COUNT, OPT(repeat), "N",
	  "frames per kernel call at most (default 2^30; each call has a fixed cost)",
	  1, TG_LIVE_DEFAULT_REPEAT },
	{ "template", 0, TG_OPT_STRING, OPT(template), "FILE",
	  "send the frames of a pcap capture in turn; in UDP frames the options given replace fields",
	  },
	{ "prog", 0, TG_OPT_STRING, OPT(prog), "FILE.bpf.o[:NAME]",
	  "run your XDP program (built with <trafficgen/gen.h>) over the template instead of the built-in rewrite",
	  },
	{ "pcap-out", 0, TG_OPT_STRING, OPT(pcap_out), "FILE",
	  "send nothing: write the -n frames the program makes to FILE (pcap); <ifname> optional with -M",
	  },
	{ "json", 0, TG_OPT_FLAG, OPT(json), NULL,
	  "print every line as one JSON object" },
	{ "verbose", 'v', TG_OPT_FLAG, OPT(verbose), NULL,
	  "say more, libbpf's messages included" },
	{ NULL },
};

const struct tg_cmd_def udp_cmd_def = {
	.name = "udp",
	.summary = "send UDP traffic out of an interface",
	.args = "<ifname> | --veth | --pcap-out FILE [<ifname>]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = udp_opts,
	.cfg_size = sizeof(struct udp_opts),
	.defaults = &udp_defaults,
};

int usage_error(const char *fmt, ...)
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
		} else if (!r->ifname) {
			return usage_error("an IPv4 destination needs --src-addr when no interface is given to take it from");
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

/*
 * The classic mix's 64 bytes are below what IPv6 (66) or a stamp (70, 90)
 * needs: it is raised to the smallest frame the run can send. A mix typed
 * by the user is refused instead.
 */
static int resolve_imix(struct udp_run *r, uint32_t min)
{
	struct tg_err err = { "" };
	struct tg_imix *m = &r->o.imix;
	unsigned int i;

	for (i = 0; i < m->n; i++) {
		if (m->wire[i] >= min)
			continue;
		if (!m->classic)
			return usage_error("--imix: size %u is below the minimum of %u bytes for %s%s",
					   m->wire[i], min,
					   r->o.dst.family == AF_INET ? "IPv4" : "IPv6",
					   r->o.stamp ? " with --stamp" : "");
		m->wire[i] = min;
	}
	if (tg_size_wheel_imix(m, r->wheel, TG_SIZE_WHEEL_MAX, &r->nsizes, &err))
		return usage_error("--imix: %s", err.msg);
	return -1;
}

static unsigned int nvlan(const struct udp_run *r)
{
	return r->o.qinq.n ? r->o.qinq.n : r->o.vlan.n;
}

static int resolve_size(struct udp_run *r, const struct tg_opts_result *res)
{
	uint32_t min = tg_udp_min_frame_len(r->o.dst.family, nvlan(r), r->o.stamp) + TG_FCS_LEN;
	struct tg_size_range *sz = &r->o.size;
	struct tg_err err = { "" };
	char text[32];
	int ret;

	if (r->o.vlan.n && r->o.qinq.n)
		return usage_error("--vlan %u and --qinq exclude each other: --qinq gives both tags",
				   r->o.vlan.tci[0] & 0xfff);
	if (r->o.imix.n && sz->min)
		return usage_error("-s %u and --imix exclude each other: a mix gives its own sizes",
				   sz->min);
	if (r->o.imix.n) {
		ret = resolve_imix(r, min);
		if (ret >= 0)
			return ret;
	} else if (!sz->min) {
		sz->min = sz->max = min;
	}
	if (sz->min && sz->min < min) {
		snprintf(text, sizeof(text), sz->min == sz->max ? "%u" : "%u-%u", sz->min, sz->max);
		return usage_error("--pkt-size %s is below the minimum of %u bytes for %s%s",
				   text, min, r->o.dst.family == AF_INET ? "IPv4" : "IPv6",
				   r->o.stamp ? " with --stamp" : "");
	}
	if (sz->min && sz->min < sz->max &&
	    tg_size_wheel_range(sz, r->wheel, TG_SIZE_WHEEL_MAX, &r->nsizes, &err))
		return usage_error("--pkt-size: %s", err.msg);
	if (r->nsizes > 1) {
		r->o.pkt_size = tg_size_wheel_max(r->wheel, r->nsizes) + TG_FCS_LEN;
		r->avg_wire = tg_size_wheel_mean_wire(r->wheel, r->nsizes);
	} else {
		r->nsizes = 0;
		r->o.pkt_size = sz->min ? sz->min : r->o.imix.wire[0];
		r->avg_wire = r->o.pkt_size;
	}
	return -1;
}

static int resolve_threads(struct udp_run *r)
{
	int n = tg_cpus_allowed(r->cpus, TG_LIVE_MAX_THREADS);

	if (n < 0)
		n = 1;
	if (r->o.threads > (uint64_t)n)
		return usage_error("--threads %llu: each thread needs a CPU of its own and this "
				   "process may use %d", (unsigned long long)r->o.threads, n);
	return -1;
}

/* --rate and --burst: the pacing plan, from the frame sizes. */
static int resolve_rate(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };
	char a[32];

	if (!r->o.rate.value) {
		if (tg_opt_given(&udp_cmd_def, res, "burst"))
			return usage_error("--burst %llu needs --rate: without one, frames go as fast as they can",
					   (unsigned long long)r->o.burst);
		return -1;
	}
	/* One batch is one slot: the batch size is the burst's to choose. */
	if (tg_opt_given(&udp_cmd_def, res, "batch"))
		return usage_error("--batch %llu and --rate exclude each other: with --rate each kernel batch is one burst (--burst)",
				   (unsigned long long)r->o.batch);
	r->rate_pps = tg_rate_pps(&r->o.rate, r->avg_wire);
	if (tg_pace_plan(r->rate_pps, r->o.threads, r->o.burst, &r->pace, &err)) {
		tg_format_rate(r->o.rate.value, r->o.rate.bits, a, sizeof(a));
		return usage_error("--rate %s: %s", a, err.msg);
	}
	r->paced = true;
	r->o.batch = r->pace.burst;
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

/* 802.1Q for one tag; for two (QinQ) the outer is 802.1ad's service tag. */
static void set_vlans(const struct udp_run *r, struct tg_udp_spec *spec)
{
	const struct udp_vlan *v = r->o.qinq.n ? &r->o.qinq : &r->o.vlan;
	unsigned int i;

	spec->nvlan = v->n;
	for (i = 0; i < v->n; i++) {
		spec->vlan_tci[i] = v->tci[i];
		spec->vlan_tpid[i] = i + 1 < v->n ? TG_ETH_P_8021AD : TG_ETH_P_8021Q;
	}
}

/* --pcap-out: a count to write, and without an interface what it would give. */
static int resolve_dry(struct udp_run *r, const struct tg_opts_result *res)
{
	if (!r->o.pcap_out)
		return -1;
	if (!r->o.num)
		return usage_error("--pcap-out %s needs -n: how many frames to write", r->o.pcap_out);
	if (r->o.duration)
		return usage_error("--pcap-out writes -n frames and takes no time: drop -D");
	if (!strcmp(r->o.pcap_out, "-"))
		return usage_error("--pcap-out: '-' (stdout) is taken by the summary: give a file name");
	if (!r->ifname && !tg_opt_given(&udp_cmd_def, res, "src-mac"))
		return usage_error("--pcap-out without an interface needs --src-mac (-M): there is no interface to take it from");
	return -1;
}

/* Checks the options against each other and the interface; -1 to go on. */
static int resolve(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };
	unsigned int i;
	int ret;

	ret = resolve_dry(r, res);
	if (ret >= 0)
		return ret;
	if (r->ifname && !r->nifs && tg_iface_get(r->ifname, &r->iface, &err)) {
		fprintf(stderr, "trafficgen udp: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	for (i = 0; i < r->nifs; i++) {
		if (tg_iface_get(r->ifs[i], &r->ifaces[i], &err)) {
			fprintf(stderr, "trafficgen udp: %s\n", err.msg);
			return TG_EXIT_FAIL;
		}
	}
	if (r->nifs)
		r->iface = r->ifaces[0];
	if (!tg_opt_given(&udp_cmd_def, res, "src-mac"))
		memcpy(r->o.src_mac, r->iface.mac, 6);
	if (r->far_open && !tg_opt_given(&udp_cmd_def, res, "dst-mac"))
		memcpy(r->o.dst_mac, r->far.env.sink_mac, 6);
	if (r->o.template) {
		ret = resolve_ports(r, res);
		if (ret < 0)
			ret = udp_tmpl_resolve(r, res);
	} else {
		ret = resolve_addrs(r, res);
		if (ret < 0)
			ret = resolve_ports(r, res);
		if (ret < 0)
			ret = resolve_size(r, res);
	}
	if (ret < 0)
		ret = resolve_threads(r);
	if (ret < 0 && r->o.prog)
		ret = udp_prog_check(r, res);
	if (ret < 0)
		ret = resolve_rate(r, res);
	if (ret >= 0)
		return ret;
	if (r->o.template)
		ret = udp_tmpl_build(r);
	if (r->nifs > 1) {
		r->cfg.multi_if = 1;
		r->cfg.multi_mac = !tg_opt_given(&udp_cmd_def, res, "src-mac") && !r->o.template;
	}
	if (r->o.template)
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
		.pace = r->paced ? &r->pace : NULL,
		.sizes = r->wheel,
		.nsizes = r->nsizes,
	};
	memcpy(r->params.spec.dst_mac, r->o.dst_mac, 6);
	memcpy(r->params.spec.src_mac, r->o.src_mac, 6);
	set_vlans(r, &r->params.spec);
	if (tg_udp_cfg_build(&r->params, &r->cfg, r->frame, &r->layout, &err)) {
		fprintf(stderr, "trafficgen udp: %s\nSee 'trafficgen udp --help'.\n", err.msg);
		return TG_EXIT_USAGE;
	}
	if (r->nifs > 1) {
		r->cfg.multi_if = 1;
		r->cfg.multi_mac = !tg_opt_given(&udp_cmd_def, res, "src-mac");
	}
	/* A dry run sends nothing; the program must not wait for slots either. */
	if (r->o.pcap_out)
		r->cfg.pace = 0;
	if ((r->o.dst_mac[0] & 1) && !r->paced && !r->o.pcap_out)
		tg_warn("the destination MAC is %s and the rate is unbounded: every "
			"station on the link receives the flood (give --dst-mac)\n",
			memcmp(r->o.dst_mac, udp_defaults.dst_mac, 6) ? "multicast" : "broadcast");
	return -1;
}

static int load_program(struct udp_run *r)
{
	struct tg_err err = { "" };
	enum tg_udp_prog which;
	unsigned int i;
	int ret;

	if (r->o.prog) {
		ret = udp_prog_load(r);
		if (ret)
			return ret;
		goto state;
	}
	r->skel = udp_gen_bpf__open();
	if (!r->skel) {
		tg_error("could not open the UDP generator program: %s\n", strerror(errno));
		return -errno;
	}
	r->skel->rodata->cfg = r->cfg;
	/* One of the programs runs: the others are not loaded. */
	which = tg_udp_prog_for(&r->cfg, r->tmpls);
	tg_udp_prog_only(r->skel, which);
	if (r->tmpls)
		bpf_map__set_max_entries(r->skel->maps.tmpls, r->ntmpl);
	ret = tg_udp_ring_size(r->skel->maps.ring, &r->cfg);
	if (ret) {
		tg_error("could not size the header ring: %s\n", strerror(-ret));
		return ret;
	}
	ret = udp_gen_bpf__load(r->skel);
	if (ret) {
		tg_error("could not load the UDP generator program: %s (%s)\n", strerror(-ret),
			 ret == -EPERM ? "needs root or CAP_BPF and CAP_NET_ADMIN" :
			 "run with -v for the verifier's log; is this kernel >= 5.18?");
		return ret;
	}
	r->prog_fd = bpf_program__fd(tg_udp_prog(r->skel, which));
	for (i = 0; i < r->ntmpl; i++) {
		ret = bpf_map__update_elem(r->skel->maps.tmpls, &i, sizeof(i), &r->tmpls[i],
					   sizeof(r->tmpls[i]), 0);
		if (ret) {
			tg_error("could not load template frame %u: %s\n", i, strerror(-ret));
			return ret;
		}
	}
	ret = tg_udp_ring_fill(r->skel->maps.ring, &r->params, &r->cfg, &err);
	if (ret) {
		tg_error("%s\n", err.msg);
		return ret;
	}
state:
	r->ncpus = tg_percpu_ncpus();
	if (r->ncpus < 0)
		return r->ncpus;
	r->pcpu = tg_percpu_alloc(sizeof(*r->pcpu), r->ncpus);
	if (!r->pcpu)
		return -ENOMEM;
	return 0;
}

void udp_thread_state(const struct udp_run *r, unsigned int t, struct udp_gen_pcpu *pc)
{
	tg_udp_cfg_thread_init(&r->cfg, t, pc);
	if (r->nifs > 1) {
		pc->ifindex = r->ifaces[t % r->nifs].ifindex;
		memcpy(pc->src_mac, r->ifaces[t % r->nifs].mac, 6);
	}
}

/*
 * Each thread's starting state, written just before the threads start:
 * a paced thread's schedule begins now, so that the time a kernel call
 * takes to set up (doc/live-frames.md) is caught up rather than lost.
 */
static int init_pcpu(struct udp_run *r, uint64_t start_ns)
{
	struct tg_live_cfg split = { .count = r->o.num, .nthreads = r->o.threads };
	unsigned int i;
	int ret;

	if (r->o.prog) {
		ret = udp_prog_init(r);
		if (ret)
			tg_error("could not initialise --prog's tg_gen_state: %s\n", strerror(-ret));
		return ret;
	}
	memset(r->pcpu, 0, sizeof(*r->pcpu) * r->ncpus);
	for (i = 0; i < r->o.threads; i++) {
		struct udp_gen_pcpu *pc = &r->pcpu[r->cpus[i]];

		udp_thread_state(r, i, pc);
		if (r->paced) {
			/* A paced program drops frames: repeat cannot stop it at -n. */
			pc->limit = tg_live_quota(&split, i);
			pc->next_slot = start_ns;
			pc->first_tx = start_ns;
			pc->stop_at = r->o.duration ? start_ns + r->o.duration : 0;
		}
	}
	ret = tg_percpu_write(r->skel->maps.pcpu, 0, r->pcpu, sizeof(*r->pcpu), r->ncpus);
	if (ret)
		tg_error("could not initialise the generator's per-CPU state: %s\n",
			 strerror(-ret));
	return ret;
}

static int read_pcpu(struct udp_run *r)
{
	if (r->o.prog)
		return udp_prog_counts(r, r->pcpu);
	return tg_percpu_read(r->skel->maps.pcpu, 0, r->pcpu, sizeof(*r->pcpu), r->ncpus);
}

/*
 * The run's counts so far; final once its calls have returned. During
 * the run the refusals are read first, so that they never outrun the
 * frames they are taken from.
 */
static struct tg_tx_counts read_counts(struct udp_run *r, bool final)
{
	unsigned int i, n = r->nifs > 1 ? r->nifs : 1;
	struct tg_tx_counts c = { 0 };
	uint64_t refused = 0;

	for (i = 0; !final && i < n; i++)
		refused += tg_txerr_read(&r->txerr, i);
	if (read_pcpu(r))
		return r->last;
	if (final) {
		for (i = 0; i < n; i++) {
			struct tg_tx_counts g = udp_group_counts(r, i);

			c.packets += g.packets;
			c.bytes += g.bytes;
			c.errors += g.errors;
		}
		return c;
	}
	c.packets = TG_PERCPU_SUM(r->pcpu, r->ncpus, packets);
	c.bytes = TG_PERCPU_SUM(r->pcpu, r->ncpus, bytes);
	c.errors = TG_PERCPU_SUM(r->pcpu, r->ncpus, short_frames);
	udp_move_refused(r, &c, refused);
	return c;
}

static void on_interval(void *arg, uint64_t elapsed_ns)
{
	struct udp_run *r = arg;
	struct tg_tx_counts now = read_counts(r, false), d = tg_tx_sub(&now, &r->last);

	tg_tx_interval(&r->out, elapsed_ns, &d, elapsed_ns - r->last_ns);
	r->last = now;
	r->last_ns = elapsed_ns;
}

/*
 * Called from worker threads and the main thread at once: reads into a
 * buffer of its own rather than r->pcpu.
 */
static uint64_t thread_sent(void *arg, unsigned int thread)
{
	struct udp_run *r = arg;
	struct udp_gen_pcpu *v = tg_percpu_alloc(sizeof(*v), r->ncpus);
	uint64_t n = 0;

	if (v && !(r->o.prog ? udp_prog_counts(r, v) :
		   tg_percpu_read(r->skel->maps.pcpu, 0, v, sizeof(*v), r->ncpus)))
		n = v[r->cpus[thread]].packets;
	free(v);
	return n;
}

static int check_iface(void *arg)
{
	struct udp_run *r = arg;
	char name[IF_NAMESIZE];

	unsigned int i;

	for (i = 1; i < r->nifs; i++)
		if (!if_indextoname(r->ifaces[i].ifindex, name))
			return -ENODEV;
	return if_indextoname(r->iface.ifindex, name) ? 0 : -ENODEV;
}

static int report_stop(struct udp_run *r, const struct tg_live_result *res)
{
	if (res->stop != TG_LIVE_ERROR)
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

/* --veth's thresholds, judged at the far end; exit code to return. */
static int judge(struct udp_run *r, const struct tg_tx_counts *sent, uint64_t ns)
{
	uint64_t generated = sent->packets + sent->errors;
	uint64_t received = tg_sink_received(&r->far_totals);
	struct tg_thresh_input in = {
		.loss_known = true,
		.expected = generated,
		.lost = received < generated ? generated - received : 0,
		.pps = tg_rate(received, ns),
		.lat = &r->far_totals.lat,
	};
	int i;

	if (tg_thresh_check(&r->o.gate, &in, &r->gate))
		return TG_EXIT_OK;
	for (i = 0; i < r->gate.nmissed; i++)
		tg_error("threshold missed: %s\n", r->gate.missed[i]);
	return TG_THRESH_EXIT;
}

static int send_frames(struct udp_run *r)
{
	struct tg_err err = { "" };
	struct tg_live_result res;
	int ifindex[UDP_MAX_IFS] = { r->iface.ifindex };
	unsigned int i;
	struct tg_live_cfg lf = {
		.prog_fd = r->prog_fd,
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
		/* Paced and user programs drop frames, or may: they count their own. */
		.prog_counts = r->paced || r->o.prog,
	};
	struct tg_tx_counts total;
	int gate, ret;

	for (i = 1; i < r->nifs; i++)
		ifindex[i] = r->ifaces[i].ifindex;
	tg_txerr_open(&r->txerr, ifindex, r->nifs > 1 ? r->nifs : 1);
	r->out = (struct tg_out){ .f = stdout, .json = r->o.json,
				  .errors_counted = r->txerr.counting, .ifname = r->ifname };
	if (r->far_open || r->paced || r->nifs > 1) {
		r->out.json_extra = udp_summary_json;
		r->out.extra_arg = r;
	}
	udp_print_start(r);
	r->start_ns = tg_now_ns();
	if (init_pcpu(r, r->start_ns))
		return TG_EXIT_FAIL;
	if (tg_live_run(&lf, &res, &err)) {
		tg_error("%s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	total = read_counts(r, true);
	if (r->far_open && tg_far_end_read(&r->far, &r->far_totals))
		tg_warn("could not read the far end's counters\n");
	gate = r->far_open ? judge(r, &total, res.elapsed_ns) : TG_EXIT_OK;
	tg_tx_summary(&r->out, &total, res.elapsed_ns);
	if (!r->o.json)
		udp_report_ifs(r, NULL);
	if (r->paced)
		udp_report_rate(r);
	if (r->far_open && !r->o.json)
		tg_sink_summary(&(struct tg_sink_out){ .f = stdout, .ifname = r->far.env.sink_if },
				&r->far_totals, res.elapsed_ns);
	ret = report_stop(r, &res);
	return ret == TG_EXIT_OK ? gate : ret;
}

static void udp_run_close(struct udp_run *r)
{
	unsigned int i;

	tg_txerr_close(&r->txerr);
	udp_gen_bpf__destroy(r->skel);
	if (r->target_open)
		tg_target_close(&r->target);
	while (r->targets_open > 0)
		tg_target_close(&r->targets[--r->targets_open]);
	for (i = 0; i < r->nifs; i++)
		free(r->ifs[i]);
	if (r->far_open)
		tg_far_end_close(&r->far);
	free(r->pcpu);
	free(r->tmpls);
	bpf_object__close(r->uobj);
}

/*
 * "if1,if2,...": the interfaces to send on, each once. Threads go to them
 * in turn, so there must be at least one a interface; without -t, one each.
 */
static int split_ifs(struct udp_run *r, const struct tg_opts_result *res)
{
	const char *p = r->ifname, *end;
	unsigned int i;

	for (;;) {
		end = strchrnul(p, ',');
		/* Names too long for an interface are the interface lookup's to refuse. */
		if (end == p)
			return usage_error("'%s' is not a list of interface names (eth0 or eth0,eth1)",
					   r->ifname);
		if (r->nifs == UDP_MAX_IFS)
			return usage_error("'%s' names more than %d interfaces", r->ifname, UDP_MAX_IFS);
		r->ifs[r->nifs] = strndup(p, end - p);
		if (!r->ifs[r->nifs])
			return TG_EXIT_FAIL;
		for (i = 0; i < r->nifs; i++)
			if (!strcmp(r->ifs[i], r->ifs[r->nifs]))
				return usage_error("'%s' names %s twice", r->ifname, r->ifs[i]);
		r->nifs++;
		if (!*end)
			break;
		p = end + 1;
	}
	if (r->nifs > 1 && !tg_opt_given(&udp_cmd_def, res, "threads"))
		r->o.threads = r->nifs;
	if (r->o.threads < r->nifs)
		return usage_error("--threads %llu for %u interfaces: each interface needs a thread of its own",
				   (unsigned long long)r->o.threads, r->nifs);
	return -1;
}

/* --veth or an interface, and with --veth the pair and the sink at its far end. */
static int open_far_end(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };

	if (r->o.pcap_out) {
		if (r->o.veth)
			return usage_error("--pcap-out sends nothing: it needs no --veth");
		r->ifname = res->npos ? res->pos[0] : NULL;
		return r->ifname ? split_ifs(r, res) : -1;
	}
	if (r->o.veth == (res->npos == 1))
		return usage_error(r->o.veth ? "--veth makes its own interface: give no <ifname>"
				   : "give the interface to send on, or --veth");
	if (!r->o.veth) {
		if (tg_thresh_active(&r->o.gate))
			return usage_error("--max-loss, --min-pps and --max-latency-p99 need --veth "
					   "(a far end to count at); on a receiver, give them to "
					   "'trafficgen sink'");
		r->ifname = res->pos[0];
		return split_ifs(r, res);
	}
	r->far_open = true;
	if (tg_far_end_open(&r->far, r->o.threads, &err)) {
		tg_error("--veth: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	r->ifname = r->far.env.gen_if;
	return -1;
}

/*
 * --imix takes its mix as an optional value, which getopt only allows as
 * "--imix=MIX": a bare --imix whose next word is not a mix (it starts with
 * a digit, or is "classic") is read as "--imix=classic", so that
 * "--imix veth0" does not take the interface for a mix.
 */
static char **imix_argv(int argc, char **argv)
{
	static char classic[] = "--imix=classic";
	char **v = calloc(argc + 1, sizeof(*v));
	int i;

	if (!v)
		return NULL;
	for (i = 0; i < argc; i++) {
		const char *next = i + 1 < argc ? argv[i + 1] : "";

		v[i] = argv[i];
		if (!strcmp(argv[i], "--imix") && !(next[0] >= '0' && next[0] <= '9') &&
		    strcmp(next, "classic"))
			v[i] = classic;
		if (!strcmp(argv[i], "--"))
			break;
	}
	for (; i < argc; i++)
		v[i] = argv[i];
	return v;
}

int cmd_udp(int argc, char **argv)
{
	struct tg_opts_result res;
	struct tg_err err = { "" };
	struct udp_run *r;
	char **args;
	int ret;

	r = calloc(1, sizeof(*r));
	args = imix_argv(argc, argv);
	if (!r || !args) {
		free(r);
		free(args);
		return TG_EXIT_FAIL;
	}
	ret = tg_cmd_parse(&udp_cmd_def, argc, args, &r->o, &res);
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
	if (r->o.pcap_out) {
		if (!load_program(r))
			ret = udp_dry_run(r);
		goto out;
	}
	if (r->nifs > 1) {
		for (; r->targets_open < r->nifs; r->targets_open++) {
			if (tg_target_open(r->ifs[r->targets_open],
					   &r->targets[r->targets_open], &err)) {
				tg_error("%s\n", err.msg);
				goto out;
			}
		}
	} else if (tg_target_open(r->ifname, &r->target, &err)) {
		tg_error("%s\n", err.msg);
		goto out;
	} else {
		r->target_open = true;
	}
	if (load_program(r))
		goto out;
	ret = send_frames(r);
out:
	udp_run_close(r);
	free(r);
	free(args);
	return ret;
}
