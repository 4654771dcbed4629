// SPDX-License-Identifier: GPL-2.0
/*
 * udp --template FILE.pcap: the frames of a capture, sent in turn (or at
 * random with --random) by bpf/udp_gen's capture program (udp_tmpl),
 * which picks one per packet from an array map: one long kernel call
 * interleaves every frame, where a call per frame would pay the fixed cost
 * of a call (doc/live-frames.md) at each switch. In UDP frames, the options given
 * (-a, -A, -p, -P, -d, -m, -M, --ttl) replace the captured values; in other
 * IPv4 and IPv6 frames, -m, -M and --ttl; nothing else is changed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "cmds.h"
#include "log.h"
#include "udp.h"

/* What the frames decide for themselves cannot be asked for too. */
static int check_options(const struct udp_run *r)
{
	const struct udp_given *g = &r->given;
	const struct udp_given_name own[] = {
		{ g->pkt_size, "pkt-size" }, { g->imix, "imix" }, { g->vlan, "vlan" },
		{ g->qinq, "qinq" }, { g->stamp, "stamp" },
	};
	const char *name = udp_first_given(own, sizeof(own) / sizeof(own[0]));

	if (name)
		return tg_usage_error(&udp_cmd_def, "--template %s and --%s exclude each other: the frames have their own",
				      r->o.template, name);
	return TG_GO_ON;
}

static void set_rw(struct udp_run *r)
{
	const struct udp_given *g = &r->given;
	struct tg_capture_rw *rw = &r->rw;

	memset(rw, 0, sizeof(*rw));
	if (g->dst_mac) {
		rw->flags |= UDP_GEN_RW_DMAC;
		memcpy(rw->dst_mac, r->o.dst_mac, 6);
	}
	if (g->src_mac) {
		rw->flags |= UDP_GEN_RW_SMAC;
		memcpy(rw->src_mac, r->o.src_mac, 6);
	}
	if (g->src_port) {
		rw->flags |= UDP_GEN_RW_SPORT;
		rw->sport = r->o.sport;
	}
	if (g->dst_port || g->dyn_ports) {
		rw->flags |= UDP_GEN_RW_DPORT;
		rw->dport = r->o.dport;
	}
	if (g->src_addr) {
		rw->flags |= UDP_GEN_RW_SADDR;
		rw->src = r->o.src;
	}
	if (g->dst_addr) {
		rw->flags |= UDP_GEN_RW_DADDR;
		rw->dst = r->o.dst;
	}
	if (g->ttl) {
		rw->flags |= UDP_GEN_RW_TTL;
		rw->ttl = (uint8_t)r->o.ttl;
	}
}

static int capture_resolve(struct udp_run *r)
{
	struct tg_err err = { "" };
	const uint32_t ip_rw = UDP_GEN_RW_DMAC | UDP_GEN_RW_SMAC | UDP_GEN_RW_TTL;
	unsigned int i, udp = 0, ip = 0;
	double sum = 0;
	int n, ret;

	ret = udp_resolve_ports(r);
	if (ret != TG_GO_ON)
		return ret;
	ret = check_options(r);
	if (ret != TG_GO_ON)
		return ret;
	if (r->given.src_addr && r->given.dst_addr && r->o.src.family != r->o.dst.family)
		return tg_usage_error(&udp_cmd_def, "--src-addr and --dst-addr are of different address families");
	set_rw(r);
	r->captures = calloc(TG_CAPTURE_MAX, sizeof(*r->captures));
	if (!r->captures)
		return TG_EXIT_FAIL;
	n = tg_capture_read(r->o.template, r->captures, TG_CAPTURE_MAX, &err);
	if (n < 0) {
		tg_error("--template: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	r->ncaptures = n;
	for (i = 0; i < r->ncaptures; i++) {
		sum += r->captures[i].len + TG_FCS_LEN;
		udp += r->captures[i].kind == UDP_GEN_TMPL_UDP4 ||
		       r->captures[i].kind == UDP_GEN_TMPL_UDP6;
		ip += r->captures[i].kind != UDP_GEN_TMPL_RAW;
		if ((uint64_t)r->captures[i].len + TG_FCS_LEN > r->o.pkt_size)
			r->o.pkt_size = r->captures[i].len + TG_FCS_LEN;
	}
	r->avg_wire = sum / r->ncaptures;
	if ((r->rw.flags & ~ip_rw) && !udp)
		tg_warn("--template %s holds no UDP frame over IPv4 or IPv6: -a, -A, -p, -P and -d change nothing\n",
			r->o.template);
	if ((r->rw.flags & ip_rw) && !ip)
		tg_warn("--template %s holds no IPv4 or IPv6 frame: -m, -M and --ttl change nothing\n",
			r->o.template);
	tg_info("--template %s: %u frames, %u of them IP, %u UDP\n", r->o.template, r->ncaptures,
		ip, udp);
	return TG_GO_ON;
}

static int capture_build(struct udp_run *r)
{
	struct tg_err err = { "" };
	unsigned int i;

	if (tg_capture_cfg(&r->rw, r->captures, r->ncaptures, r->o.threads, r->o.random,
			   r->iface.ifindex, &r->cfg, &err))
		return tg_usage_error(&udp_cmd_def, "--template: %s", err.msg);
	if (!r->o.pcap_out)
		tg_udp_cfg_set_pace(&r->cfg, r->paced ? &r->pace : NULL);
	/* Each page starts as the longest frame; the program writes its pick over it. */
	for (i = 0; i < r->ncaptures; i++) {
		if (r->captures[i].len == r->cfg.frame_len) {
			memcpy(r->frame, r->captures[i].data, r->cfg.frame_len);
			break;
		}
	}
	r->layout = (struct tg_layout){ .len = r->cfg.frame_len };
	return TG_GO_ON;
}

const struct udp_mode udp_mode_capture = {
	.resolve = capture_resolve,
	.build = capture_build,
	.load = udp_gen_load,
	.init_pcpu = udp_gen_init_pcpu,
	.read_counts = udp_gen_read_counts,
	.print_start = udp_print_start_capture,
};
