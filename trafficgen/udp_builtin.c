// SPDX-License-Identifier: GPL-2.0
/*
 * udp's built-in mode: a template built from the options, its fields
 * rewritten per packet by bpf/udp_gen.bpf.c. The program's load, each
 * thread's state and the counts serve --template too, whose frames the
 * same object sends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "log.h"
#include "percpu.h"
#include "stamp.h"
#include "udp.h"
#include "udp_gen.skel.h"
#include "udp/load.h"

static void set_single(struct tg_addr_range *r, int family, const char *text)
{
	r->family = family;
	r->count = 1;
	inet_pton(family, text, &r->first);
}

/* Fills in the address defaults, which depend on each other's family. */
static int resolve_addrs(struct udp_run *r)
{
	bool have_dst = r->given.dst_addr;
	bool have_src = r->given.src_addr;
	char a[INET6_ADDRSTRLEN * 2 + 2], b[INET6_ADDRSTRLEN * 2 + 2];

	if (!have_dst && have_src && r->o.src.family == AF_INET)
		return tg_usage_error(&udp_cmd_def, "an IPv4 source needs an IPv4 destination: give --dst-addr");
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
			return tg_usage_error(&udp_cmd_def, "an IPv4 destination needs --src-addr when no interface is given to take it from");
		} else {
			return tg_usage_error(&udp_cmd_def, "%s has no IPv4 address to send from: give --src-addr",
					      r->ifname);
		}
	}
	if (r->o.src.family != r->o.dst.family) {
		tg_format_addr_range(&r->o.dst, a, sizeof(a));
		tg_format_addr_range(&r->o.src, b, sizeof(b));
		return tg_usage_error(&udp_cmd_def, "destination %s and source %s are of different address families",
				      a, b);
	}
	return TG_GO_ON;
}

int udp_resolve_ports(struct udp_run *r)
{
	unsigned long long n = r->o.dyn_ports;

	if (!n)
		return TG_GO_ON;
	if (r->o.dport.count > 1)
		return tg_usage_error(&udp_cmd_def, "--dyn-ports %llu and a --dst-port range (from %u) exclude each other",
				      n, r->o.dport.first);
	/* xdp-trafficgen wraps through port 0 here; a range that does is refused. */
	if (r->o.dport.first + n - 1 > 65535)
		return tg_usage_error(&udp_cmd_def, "--dyn-ports %llu from port %u goes past port 65535",
				      n, r->o.dport.first);
	r->o.dport.count = n;
	return TG_GO_ON;
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
			return tg_usage_error(&udp_cmd_def, "--imix: size %u is below the minimum of %u bytes for %s%s",
					      m->wire[i], min,
					      r->o.dst.family == AF_INET ? "IPv4" : "IPv6",
					      r->o.stamp ? " with --stamp" : "");
		m->wire[i] = min;
	}
	if (tg_size_wheel_imix(m, r->wheel, TG_SIZE_WHEEL_MAX, &r->nsizes, &err))
		return tg_usage_error(&udp_cmd_def, "--imix: %s", err.msg);
	return TG_GO_ON;
}

static unsigned int nvlan(const struct udp_run *r)
{
	return r->o.qinq.n ? r->o.qinq.n : r->o.vlan.n;
}

static int resolve_size(struct udp_run *r)
{
	uint32_t min = tg_udp_min_frame_len(r->o.dst.family, nvlan(r), r->o.stamp) + TG_FCS_LEN;
	struct tg_size_range *sz = &r->o.size;
	struct tg_err err = { "" };
	char text[32];
	int ret;

	if (r->o.vlan.n && r->o.qinq.n)
		return tg_usage_error(&udp_cmd_def, "--vlan %u and --qinq exclude each other: --qinq gives both tags",
				      r->o.vlan.tci[0] & 0xfff);
	if (r->o.imix.n && sz->min)
		return tg_usage_error(&udp_cmd_def, "-s %u and --imix exclude each other: a mix gives its own sizes",
				      sz->min);
	if (r->o.imix.n) {
		ret = resolve_imix(r, min);
		if (ret != TG_GO_ON)
			return ret;
	} else if (!sz->min) {
		/*
		 * With -n the default is the smallest frame whose stamp has room
		 * for the stream's total, so the sink counts a lost tail.
		 */
		sz->min = sz->max = r->o.stamp && r->o.num ?
				    min + TG_STAMP_TOTAL_LEN - TG_STAMP_LEN : min;
	}
	if (sz->min && sz->min < min) {
		snprintf(text, sizeof(text), sz->min == sz->max ? "%u" : "%u-%u", sz->min, sz->max);
		return tg_usage_error(&udp_cmd_def, "--pkt-size %s is below the minimum of %u bytes for %s%s",
				      text, min, r->o.dst.family == AF_INET ? "IPv4" : "IPv6",
				      r->o.stamp ? " with --stamp" : "");
	}
	if (sz->min && sz->min < sz->max &&
	    tg_size_wheel_range(sz, r->wheel, TG_SIZE_WHEEL_MAX, &r->nsizes, &err))
		return tg_usage_error(&udp_cmd_def, "--pkt-size: %s", err.msg);
	if (r->nsizes > 1) {
		r->o.pkt_size = tg_size_wheel_max(r->wheel, r->nsizes) + TG_FCS_LEN;
		r->avg_wire = tg_size_wheel_mean_wire(r->wheel, r->nsizes);
	} else {
		r->nsizes = 0;
		r->o.pkt_size = sz->min ? sz->min : r->o.imix.wire[0];
		r->avg_wire = r->o.pkt_size;
	}
	return TG_GO_ON;
}

int udp_builtin_resolve(struct udp_run *r)
{
	int ret = resolve_addrs(r);

	if (ret == TG_GO_ON)
		ret = udp_resolve_ports(r);
	if (ret == TG_GO_ON)
		ret = resolve_size(r);
	return ret;
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

int udp_builtin_build(struct udp_run *r)
{
	struct tg_err err = { "" };

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
		.count = r->o.num,
		.batch = r->o.batch,
		/* Several interfaces keep their per-thread targets (by ifindex). */
		.devmap = r->nifs <= 1,
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
	if (tg_udp_cfg_build(&r->params, &r->cfg, r->frame, &r->layout, &err))
		return tg_usage_error(&udp_cmd_def, "%s", err.msg);
	/* A dry run sends nothing; the program must not wait for slots either. */
	if (r->o.pcap_out)
		r->cfg.pace = 0;
	if ((r->o.dst_mac[0] & 1) && !r->paced && !r->o.pcap_out)
		tg_warn("the destination MAC is %s and the rate is unbounded: every "
			"station on the link receives the flood (give --dst-mac)\n",
			memcmp(r->o.dst_mac, udp_defaults.dst_mac, 6) ? "multicast" : "broadcast");
	return TG_GO_ON;
}

int udp_gen_load(struct udp_run *r)
{
	struct tg_udp_load in = {
		.cfg = &r->cfg, .params = &r->params,
		.captures = r->captures, .ncaptures = r->ncaptures,
	};
	struct tg_err err = { "" };
	struct tg_udp_gen g;
	int ret;

	ret = tg_udp_load(&g, &in, &err);
	if (ret) {
		if (g.refused)
			tg_error("%s (%s)\n", err.msg,
				 ret == -EPERM ? "needs root or CAP_BPF and CAP_NET_ADMIN" :
				 "run with -v for the verifier's log; is this kernel >= 5.18?");
		else
			tg_error("%s\n", err.msg);
		return ret;
	}
	r->skel = g.skel;
	r->prog_fd = g.prog_fd;
	return 0;
}

void udp_thread_state(const struct udp_run *r, unsigned int t, struct udp_gen_pcpu *pc)
{
	tg_udp_cfg_thread_init(&r->cfg, t, pc);
	pc->stamp_total = tg_udp_stamp_total(&r->params, t);
	if (r->nifs > 1) {
		pc->ifindex = r->ifaces[t % r->nifs].ifindex;
		memcpy(pc->src_mac, r->ifaces[t % r->nifs].mac, 6);
	}
}

/*
 * Each thread's starting state, written just before the threads start:
 * a paced thread's schedule begins now, so that the time a kernel call
 * takes to set up (about 15 ms here) is caught up rather than lost.
 */
int udp_gen_init_pcpu(struct udp_run *r, uint64_t start_ns)
{
	struct tg_live_cfg split = { .count = r->o.num, .nthreads = r->o.threads };
	unsigned int i;
	int ret;

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

int udp_gen_read_counts(const struct udp_run *r, struct udp_gen_pcpu *pc)
{
	return tg_percpu_read(r->skel->maps.pcpu, 0, pc, sizeof(*pc), r->ncpus);
}

const struct udp_mode udp_mode_builtin = {
	.resolve = udp_builtin_resolve,
	.build = udp_builtin_build,
	.load = udp_gen_load,
	.init_pcpu = udp_gen_init_pcpu,
	.read_counts = udp_gen_read_counts,
	.print_start = udp_print_start,
};
