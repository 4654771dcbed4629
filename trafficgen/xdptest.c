// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen xdptest: the XDP driver checklist (pass, drop, tx, redirect,
 * ndo_xdp_xmit, AF_XDP, and the driver's own counters) as one command,
 * between two interfaces of this namespace or on a veth bed of its own.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include "cmds.h"
#include "cpu.h"
#include "live.h"
#include "log.h"
#include "netdev_compat.h"
#include "packet.h"
#include "xdptest/bed.h"
#include "xdptest/check.h"
#include "xdptest/run.h"

/* A check that is not exact, or a driver counter that disagrees. */
#define XT_EXIT_NOT_EXACT 4

struct xt_opts {
	uint64_t count;
	struct { uint32_t v[TG_XT_MAX_SIZES]; unsigned int n; } sizes;
	uint64_t threads;
	const char *only;
	const char *redirect_to;
	bool veth;
	bool json;
	bool verbose;
};

static const struct xt_opts xt_defaults = {
	.count = 1000000,
	.sizes = { { TG_MIN_WIRE_SIZE4 }, 1 },
	.threads = 1,
};

static int parse_sizes(const char *s, void *field, struct tg_err *err)
{
	struct xt_opts *o = (void *)((char *)field - offsetof(struct xt_opts, sizes));

	return tg_xt_parse_sizes(s, TG_MIN_WIRE_SIZE4, tg_max_frame_len() + TG_FCS_LEN,
				 o->sizes.v, &o->sizes.n, err);
}

#define OPT(field) offsetof(struct xt_opts, field)

static const struct tg_opt xt_opts_table[] = {
	{ "count", 'n', TG_OPT_COUNT, OPT(count), "COUNT",
	  "frames a check sends (default 1M)", 1, 0 },
	{ "sizes", 's', TG_OPT_CUSTOM, OPT(sizes), "SIZE[,SIZE...]",
	  "frame sizes on the wire, FCS included: the matrix per size (default 64)",
	  .parse = parse_sizes },
	{ "threads", 't', TG_OPT_UINT, OPT(threads), "N",
	  "sending threads, one CPU each (default 1)", 1, TG_LIVE_MAX_THREADS },
	{ "only", 0, TG_OPT_STRING, OPT(only), "CHECK[,CHECK...]",
	  "run only these of pass, drop, tx, redirect, xmit, xsk (default all)" },
	{ "redirect-to", 0, TG_OPT_STRING, OPT(redirect_to), "IFNAME",
	  "the redirect check's target: a veth whose peer is in this namespace" },
	{ "veth", 0, TG_OPT_FLAG, OPT(veth), NULL,
	  "make the interfaces in a throwaway namespace: a self-test of veth" },
	{ "json", 0, TG_OPT_FLAG, OPT(json), NULL,
	  "one JSON object per check, then a summary object" },
	{ "verbose", 'v', TG_OPT_FLAG, OPT(verbose), NULL,
	  "say more, libbpf's messages included" },
	{ NULL },
};

const struct tg_cmd_def xdptest_cmd_def = {
	.name = "xdptest",
	.summary = "the XDP driver checklist: every verdict counted exactly, and the driver's counters",
	.args = "<tx-ifname> <dut-ifname>",
	.min_pos = 0,
	.max_pos = 2,
	.opts = xt_opts_table,
	.cfg_size = sizeof(struct xt_opts),
	.defaults = &xt_defaults,
};

struct xt_cli {
	struct xt_opts o;
	unsigned int mask;
	struct tg_xt_bed bed;
	bool bed_open;
	int cpus[TG_LIVE_MAX_THREADS];
	struct tg_xt_setup s;
};

static int usage(const char *fmt, const char *a, const char *b)
{
	return tg_usage_error(&xdptest_cmd_def, fmt, a, b);
}

/* An interface of this namespace; a bad name is bad input (exit 2). */
static int get_iface(const char *name, const char *role, struct tg_iface *ifc)
{
	struct tg_err err = { "" };
	int ret = tg_iface_get(name, ifc, &err);

	if (ret == -ENODEV)
		return tg_usage_error(&xdptest_cmd_def, "%s %s: no such interface in this network namespace "
				      "(both interfaces must be in the namespace trafficgen runs in)",
				      role, name);
	if (ret) {
		tg_error("%s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	return TG_GO_ON;
}

/*
 * The DUT must run XDP programs in the driver (basic). The tx interface
 * must take redirected frames (ndo-xmit); many drivers offer that only
 * while a program is attached, and a veth only while its peer (the DUT)
 * has one: with basic XDP it is taken, and for a driver other than veth a
 * pass program is attached to it for each check (*needs_prog).
 */
static int check_xdp(const struct tg_iface *ifc, const char *role, uint64_t need,
		     bool *needs_prog)
{
	struct tg_err err = { "" };
	uint64_t f = 0;
	char have[128];
	int ret = tg_iface_xdp_features(ifc->ifindex, &f, &err);

	if (ret == -EOPNOTSUPP) {
		tg_warn("cannot read the XDP features of %s (kernel older than 6.3?): going on\n",
			ifc->name);
		return TG_GO_ON;
	}
	if (ret) {
		tg_error("%s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	if ((f & need) == need)
		return TG_GO_ON;
	if (needs_prog && (f & NETDEV_XDP_ACT_BASIC)) {
		*needs_prog = strcmp(ifc->kind, "veth") != 0;
		return TG_GO_ON;
	}
	tg_xdp_features_str(f, have, sizeof(have));
	return tg_usage_error(&xdptest_cmd_def, "%s %s has no native XDP support for this check "
			      "(its driver %s offers: %s); see 'trafficgen probe -i %s'",
			      role, ifc->name, ifc->driver[0] ? ifc->driver : "(unknown)", have,
			      ifc->name);
}

static int resolve_ifaces(struct xt_cli *c, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };
	const char *tx, *dut;
	int ret;

	if (c->o.veth) {
		if (res->npos)
			return usage("--veth makes its own interfaces: give no interface names%s%s", "", "");
		if (c->o.redirect_to)
			return usage("--veth makes its own redirect target: drop --redirect-to %s%s",
				     c->o.redirect_to, "");
		if (tg_xt_bed_create(&c->bed, c->o.threads, &err)) {
			tg_error("--veth: %s\n", err.msg);
			return TG_EXIT_FAIL;
		}
		c->bed_open = true;
		tx = c->bed.tx;
		dut = c->bed.dut;
	} else {
		if (res->npos != 2)
			return usage("give <tx-ifname> and <dut-ifname>, or --veth%s%s", "", "");
		tx = res->pos[0];
		dut = res->pos[1];
		if (!strcmp(tx, dut))
			return usage("%s is both the tx interface and the DUT: give two interfaces%s",
				     tx, "");
	}
	ret = get_iface(tx, "tx interface", &c->s.tx);
	if (ret == TG_GO_ON)
		ret = get_iface(dut, "DUT", &c->s.dut);
	if (ret == TG_GO_ON && c->s.tx.ifindex == c->s.dut.ifindex)
		ret = usage("%s and %s are the same interface: give two interfaces", tx, dut);
	if (ret == TG_GO_ON)
		ret = check_xdp(&c->s.dut, "DUT", NETDEV_XDP_ACT_BASIC, NULL);
	if (ret == TG_GO_ON)
		ret = check_xdp(&c->s.tx, "tx interface", NETDEV_XDP_ACT_NDO_XMIT,
				&c->s.tx_needs_prog);
	return ret;
}

/* --redirect-to (or the bed's): the target and the peer where its frames are counted. */
static int resolve_redirect(struct xt_cli *c)
{
	const char *rd = c->bed_open ? c->bed.rd : c->o.redirect_to;
	struct tg_err err = { "" };
	int ret;

	if (!rd || !(c->mask & (1u << TG_XT_REDIRECT)))
		return TG_GO_ON;
	ret = get_iface(rd, "--redirect-to", &c->s.rd);
	if (ret != TG_GO_ON)
		return ret;
	if (c->s.rd.ifindex == c->s.tx.ifindex || c->s.rd.ifindex == c->s.dut.ifindex)
		return usage("--redirect-to %s: give a third interface, not the tx interface or the DUT%s",
			     rd, "");
	if (strcmp(c->s.rd.kind, "veth") || c->s.rd.peer_netnsid >= 0 || c->s.rd.peer_ifindex <= 0)
		return usage("--redirect-to %s: frames redirected there are counted at its peer: "
			     "give a veth whose peer is in this namespace%s", rd, "");
	if (tg_iface_get_index(c->s.rd.peer_ifindex, &c->s.rd_peer, &err)) {
		tg_error("--redirect-to %s: its peer: %s\n", rd, err.msg);
		return TG_EXIT_FAIL;
	}
	c->s.have_rd = true;
	return TG_GO_ON;
}

/*
 * The frames go to the DUT's address from the next one up (not an address
 * of this host: the stack would take a local source for a spoof), to a
 * port a socket of ours can have.
 */
static int resolve_addrs(struct xt_cli *c)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	uint32_t src;
	int fd;

	if (!(c->mask & (1u << TG_XT_PASS))) {
		inet_pton(AF_INET, "198.18.0.1", &c->s.dst);
		inet_pton(AF_INET, "198.18.0.2", &c->s.src);
		c->s.port = 9;
		return TG_GO_ON;
	}
	if (!c->s.dut.has_ipv4)
		return usage("DUT %s has no IPv4 address: the pass check sends to it (give it one, "
			     "or leave pass out with --only)%s", c->s.dut.name, "");
	c->s.dst = c->s.dut.ipv4;
	src = ntohl(c->s.dst.s_addr) + 1;
	if (c->s.tx.has_ipv4 && htonl(src) == c->s.tx.ipv4.s_addr)
		src++;
	c->s.src.s_addr = htonl(src);
	sa.sin_addr = c->s.dst;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len)) {
		tg_error("could not find a free UDP port on %s: %s\n", inet_ntoa(c->s.dst),
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return TG_EXIT_FAIL;
	}
	close(fd);
	c->s.port = ntohs(sa.sin_port);
	return TG_GO_ON;
}

static int resolve(struct xt_cli *c, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };
	int n, ret;

	c->mask = TG_XT_ALL;
	if (c->o.only && tg_xt_parse_only(c->o.only, &c->mask, &err))
		return usage("--only: %s%s", err.msg, "");
	n = tg_cpus_allowed(c->cpus, TG_LIVE_MAX_THREADS);
	if (n < 0)
		n = 1;
	if (c->o.threads > (uint64_t)n)
		return tg_usage_error(&xdptest_cmd_def, "--threads %llu: each thread needs a CPU of its own "
				      "and this process may use %d", (unsigned long long)c->o.threads, n);
	if (c->o.redirect_to && !(c->mask & (1u << TG_XT_REDIRECT)))
		return usage("--redirect-to %s is for the redirect check, which --only leaves out%s",
			     c->o.redirect_to, "");
	ret = resolve_ifaces(c, res);
	if (ret == TG_GO_ON)
		ret = resolve_redirect(c);
	if (ret == TG_GO_ON)
		ret = resolve_addrs(c);
	c->s.nthreads = c->o.threads;
	c->s.cpus = c->cpus;
	c->s.count = c->o.count;
	return ret;
}

static int run_matrix(struct xt_cli *c)
{
	struct tg_xt_summary sum = { 0 };
	struct tg_err err = { "" };
	struct tg_xt_row row;
	unsigned int i, k;
	bool failed = false;

	if (!c->o.json)
		printf("xdptest: %s -> DUT %s%s%s, %llu frames a check\n", c->s.tx.name, c->s.dut.name,
		       c->s.have_rd ? ", redirect to " : "", c->s.have_rd ? c->s.rd.name : "",
		       (unsigned long long)c->o.count);
	tg_xt_print_head(stdout, c->o.json);
	for (i = 0; i < c->o.sizes.n; i++) {
		for (k = 0; k < TG_XT_NCHECKS; k++) {
			int ret;

			if (!(c->mask & (1u << k)))
				continue;
			err.msg[0] = '\0';
			ret = tg_xt_run_check(&c->s, k, c->o.sizes.v[i], &row, &err);
			if (ret == -EINTR) {
				tg_error("stopped by a signal during the %s check\n", tg_xt_check_name(k));
				return TG_EXIT_FAIL;
			}
			if (ret) {
				tg_error("%s check: %s\n", tg_xt_check_name(k), err.msg);
				return TG_EXIT_FAIL;
			}
			/* The DUT passed the XDP check: a socket it refuses is news, said in full. */
			if (!row.available && err.msg[0])
				tg_warn("%s check on %s: %s\n", tg_xt_check_name(k), c->s.dut.name,
					err.msg);
			tg_xt_print_row(stdout, c->o.json, &row);
			tg_xt_summary_add(&sum, &row);
			if (tg_xt_row_fails(&row)) {
				failed = true;
				tg_error("%s check at %u bytes failed: %llu sent, %llu seen\n",
					 tg_xt_check_name(k), row.size, (unsigned long long)row.sent,
					 (unsigned long long)row.seen);
			}
		}
	}
	tg_xt_print_summary(stdout, c->o.json, &sum);
	return failed ? XT_EXIT_NOT_EXACT : TG_EXIT_OK;
}

int cmd_xdptest(int argc, char **argv)
{
	struct tg_opts_result res;
	struct xt_cli *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return TG_EXIT_FAIL;
	ret = tg_cmd_parse(&xdptest_cmd_def, argc, argv, &c->o, &res);
	if (ret != TG_GO_ON)
		goto out;
	if (c->o.verbose)
		tg_log_set_level(TG_LOG_DEBUG);
	ret = resolve(c, &res);
	if (ret == TG_GO_ON)
		ret = run_matrix(c);
out:
	if (c->bed_open)
		tg_xt_bed_destroy(&c->bed);
	free(c);
	return ret;
}
