// SPDX-License-Identifier: GPL-2.0
/*
 * udp --template FILE.pcap: the frames of a capture, sent in turn (or at
 * random with --random) by the udp_tmpl program, which picks one per
 * packet from an array map: one long kernel call interleaves every frame,
 * where a call per frame would pay the fixed cost of a call (doc/live-frames.md)
 * at each switch. In UDP frames, the options given (-a, -A, -p, -P, -d,
 * -m, -M, --ttl) replace the captured values; nothing else is changed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "cmds.h"
#include "log.h"
#include "udp.h"

/* What the frames decide for themselves cannot be asked for too. */
static int check_options(const struct udp_run *r, const struct tg_opts_result *res)
{
	static const char *const own[] = { "pkt-size", "imix", "vlan", "qinq", "stamp" };
	unsigned int i;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (tg_opt_given(&udp_cmd_def, res, own[i]))
			return usage_error("--template %s and --%s exclude each other: the frames have their own",
					   r->o.template, own[i]);
	return -1;
}

static void set_rw(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_capture_rw *rw = &r->rw;

	memset(rw, 0, sizeof(*rw));
	if (tg_opt_given(&udp_cmd_def, res, "dst-mac")) {
		rw->flags |= UDP_GEN_RW_DMAC;
		memcpy(rw->dst_mac, r->o.dst_mac, 6);
	}
	if (tg_opt_given(&udp_cmd_def, res, "src-mac")) {
		rw->flags |= UDP_GEN_RW_SMAC;
		memcpy(rw->src_mac, r->o.src_mac, 6);
	}
	if (tg_opt_given(&udp_cmd_def, res, "src-port")) {
		rw->flags |= UDP_GEN_RW_SPORT;
		rw->sport = r->o.sport;
	}
	if (tg_opt_given(&udp_cmd_def, res, "dst-port") ||
	    tg_opt_given(&udp_cmd_def, res, "dyn-ports")) {
		rw->flags |= UDP_GEN_RW_DPORT;
		rw->dport = r->o.dport;
	}
	if (tg_opt_given(&udp_cmd_def, res, "src-addr")) {
		rw->flags |= UDP_GEN_RW_SADDR;
		rw->src = r->o.src;
	}
	if (tg_opt_given(&udp_cmd_def, res, "dst-addr")) {
		rw->flags |= UDP_GEN_RW_DADDR;
		rw->dst = r->o.dst;
	}
	if (tg_opt_given(&udp_cmd_def, res, "ttl")) {
		rw->flags |= UDP_GEN_RW_TTL;
		rw->ttl = (uint8_t)r->o.ttl;
	}
}

int udp_tmpl_resolve(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };
	unsigned int i, udp = 0;
	double sum = 0;
	int n, ret;

	ret = check_options(r, res);
	if (ret >= 0)
		return ret;
	if ((tg_opt_given(&udp_cmd_def, res, "src-addr") &&
	     tg_opt_given(&udp_cmd_def, res, "dst-addr") && r->o.src.family != r->o.dst.family))
		return usage_error("--src-addr and --dst-addr are of different address families");
	set_rw(r, res);
	r->tmpls = calloc(TG_CAPTURE_MAX, sizeof(*r->tmpls));
	if (!r->tmpls)
		return TG_EXIT_FAIL;
	n = tg_capture_read(r->o.template, r->tmpls, TG_CAPTURE_MAX, &err);
	if (n < 0) {
		tg_error("--template: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	r->ntmpl = n;
	for (i = 0; i < r->ntmpl; i++) {
		sum += r->tmpls[i].len + TG_FCS_LEN;
		udp += r->tmpls[i].kind != UDP_GEN_TMPL_RAW;
		if ((uint64_t)r->tmpls[i].len + TG_FCS_LEN > r->o.pkt_size)
			r->o.pkt_size = r->tmpls[i].len + TG_FCS_LEN;
	}
	r->avg_wire = sum / r->ntmpl;
	if (r->rw.flags && !udp)
		tg_warn("--template %s holds no UDP frame over IPv4 or IPv6: the options that rewrite fields change nothing\n",
			r->o.template);
	tg_info("--template %s: %u frames, %u of them UDP\n", r->o.template, r->ntmpl, udp);
	return -1;
}

int udp_tmpl_build(struct udp_run *r)
{
	struct tg_err err = { "" };
	unsigned int i;

	if (tg_capture_cfg(&r->rw, r->tmpls, r->ntmpl, r->o.threads, r->o.random,
			r->iface.ifindex, &r->cfg, &err))
		return usage_error("--template: %s", err.msg);
	if (!r->o.pcap_out)
		tg_udp_cfg_set_pace(&r->cfg, r->paced ? &r->pace : NULL);
	/* Each page starts as the longest frame; the program writes its pick over it. */
	for (i = 0; i < r->ntmpl; i++) {
		if (r->tmpls[i].len == r->cfg.frame_len) {
			memcpy(r->frame, r->tmpls[i].data, r->cfg.frame_len);
			break;
		}
	}
	r->layout = (struct tg_layout){ .len = r->cfg.frame_len };
	return -1;
}
