// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen udp's options: the table that also makes --help, the
 * defaults, and which options a command line gave.
 */
#include <stddef.h>
#include "cmds.h"
#include "udp.h"
#include "xsk.h"

#define NS_PER_SEC 1000000000ULL

const struct udp_opts udp_defaults = {
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
	{ "xsk", 0, TG_OPT_FLAG, OPT(xsk), NULL,
	  "send through AF_XDP sockets (one per thread and queue) instead of live frames" },
	{ "queue", 'q', TG_OPT_UINT, OPT(queue), "FIRST",
	  "with --xsk: the first queue; thread t sends on queue FIRST+t (default 0)", 0, 65535 },
	{ "xsk-mode", 0, TG_OPT_ENUM, OPT(xsk_mode), NULL,
	  "with --xsk: zero-copy or copy bind; auto takes zero-copy where the driver offers it "
	  "(default auto)", 0, 0, tg_xsk_mode_names },
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

void udp_given_read(struct udp_given *g, const struct tg_opts_result *res)
{
	const struct tg_cmd_def *d = &udp_cmd_def;

	*g = (struct udp_given){
		.dst_mac = tg_opt_given(d, res, "dst-mac"),
		.src_mac = tg_opt_given(d, res, "src-mac"),
		.dst_addr = tg_opt_given(d, res, "dst-addr"),
		.src_addr = tg_opt_given(d, res, "src-addr"),
		.dst_port = tg_opt_given(d, res, "dst-port"),
		.src_port = tg_opt_given(d, res, "src-port"),
		.dyn_ports = tg_opt_given(d, res, "dyn-ports"),
		.pkt_size = tg_opt_given(d, res, "pkt-size"),
		.imix = tg_opt_given(d, res, "imix"),
		.vlan = tg_opt_given(d, res, "vlan"),
		.qinq = tg_opt_given(d, res, "qinq"),
		.ttl = tg_opt_given(d, res, "ttl"),
		.stamp = tg_opt_given(d, res, "stamp"),
		.random = tg_opt_given(d, res, "random"),
		.threads = tg_opt_given(d, res, "threads"),
		.batch = tg_opt_given(d, res, "batch"),
		.rate = tg_opt_given(d, res, "rate"),
		.burst = tg_opt_given(d, res, "burst"),
		.template = tg_opt_given(d, res, "template"),
		.pcap_out = tg_opt_given(d, res, "pcap-out"),
		.queue = tg_opt_given(d, res, "queue"),
		.xsk_mode = tg_opt_given(d, res, "xsk-mode"),
	};
}

const char *udp_first_given(const struct udp_given_name *opts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (opts[i].given)
			return opts[i].name;
	return NULL;
}
