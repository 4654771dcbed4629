// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen probe: what this machine (and optionally one interface) lets
 * trafficgen do, one line per check with a verdict and, where something is
 * missing, what to do about it. It changes nothing: the one program it runs
 * drops its single frame, and nothing is attached to any interface (a pass
 * program on a NIC can reset its link, so that is only described, not
 * tried).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "iface.h"
#include "live.h"
#include "log.h"
#include "netdev_compat.h"
#include "print.h"
#include "probe.skel.h"
#include "txerr_user.h"

#define BPF_FS_MAGIC_NUMBER 0xcafe4a11	/* linux/magic.h BPF_FS_MAGIC */
#define PROBE_FRAME_LEN 64
#define LINE_LEN 512

struct probe_opts {
	const char *ifname;
	bool json;
	bool verbose;
};

static const struct probe_opts probe_defaults;

#define OPT(field) offsetof(struct probe_opts, field)

static const struct tg_opt probe_opts[] = {
	{ "interface", 'i', TG_OPT_STRING, OPT(ifname), "IFNAME",
	  "also check IFNAME as a target for 'trafficgen udp' (driver, XDP features, veth peer)" },
	{ "json", 0, TG_OPT_FLAG, OPT(json), NULL,
	  "print every check as one JSON object, then a summary object" },
	{ "verbose", 'v', TG_OPT_FLAG, OPT(verbose), NULL,
	  "say more, libbpf's messages included" },
	{ NULL },
};

const struct tg_cmd_def probe_cmd_def = {
	.name = "probe",
	.summary = "check what this kernel and an interface support; change nothing",
	.args = "",
	.min_pos = 0,
	.max_pos = 0,
	.opts = probe_opts,
	.cfg_size = sizeof(struct probe_opts),
	.defaults = &probe_defaults,
};

enum verdict { V_OK, V_WARN, V_FAIL };

struct probe_run {
	struct probe_opts o;
	struct tg_iface iface;
	bool have_iface;
	struct probe_bpf *skel;
	bool live_ok;
	bool btf_ok;
	unsigned int checks, failed, warned;
};

/* One check's words: what was found, and what to do (empty when nothing). */
struct line {
	char detail[LINE_LEN];
	char advice[LINE_LEN];
};

static void say(char *buf, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, LINE_LEN, fmt, ap);
	va_end(ap);
}

static void report(struct probe_run *r, const char *name, enum verdict v,
		   const struct line *l)
{
	static const char *const text[] = { "ok", "warn", "FAIL" };
	static const char *const json[] = { "ok", "warn", "fail" };
	struct tg_print p;

	r->checks++;
	r->failed += v == V_FAIL;
	r->warned += v == V_WARN;
	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "check");
	/* The text leads with the verdict, in capitals when it failed. */
	tg_print_str(&p, TG_PRINT_TEXT, NULL, "%-5s ", text[v]);
	tg_print_str(&p, TG_PRINT_ANY, "name", "%-20s ", name);
	tg_print_str(&p, TG_PRINT_JSON, "verdict", NULL, json[v]);
	tg_print_str(&p, TG_PRINT_ANY, "detail", "%s", l->detail);
	if (l->advice[0]) {
		tg_print_text(&p, "\n%-5s %-20s ", "", "");
		tg_print_str(&p, TG_PRINT_ANY, "advice", "-> %s", l->advice);
	} else {
		tg_print_null(&p, TG_PRINT_JSON, "advice", NULL);
	}
	tg_print_close(&p);
}

/* ---- the machine --------------------------------------------------------- */

static bool has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return d[cap / 32].effective & (1u << (cap % 32));
}

static void check_caps(struct probe_run *r)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { { 0 } };
	static const struct { int cap; const char *name; } caps[] = {
		{ CAP_BPF, "CAP_BPF" }, { CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN" }, { CAP_PERFMON, "CAP_PERFMON" },
	};
	char held[128] = "", missing[128] = "";
	bool bpf, perf;
	struct line l = { "", "" };
	size_t i;

	if (syscall(SYS_capget, &hdr, d)) {
		say(l.detail, "capget(2) failed: %s", strerror(errno));
		report(r, "capabilities", V_WARN, &l);
		return;
	}
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		char *to = has_cap(d, caps[i].cap) ? held : missing;

		snprintf(to + strlen(to), sizeof(held) - strlen(to), "%s%s",
			 to[0] ? " " : "", caps[i].name);
	}
	say(l.detail, "held: %s; missing: %s", held[0] ? held : "none",
	    missing[0] ? missing : "none");
	/* CAP_SYS_ADMIN still stands in for CAP_BPF and CAP_PERFMON (capability.h). */
	bpf = has_cap(d, CAP_BPF) || has_cap(d, CAP_SYS_ADMIN);
	perf = has_cap(d, CAP_PERFMON) || has_cap(d, CAP_SYS_ADMIN);
	if (!bpf || !has_cap(d, CAP_NET_ADMIN)) {
		say(l.advice, "loading and attaching XDP programs needs root, or CAP_BPF "
		    "and CAP_NET_ADMIN (and CAP_PERFMON to count transmit errors)");
		report(r, "capabilities", V_FAIL, &l);
	} else if (!perf) {
		say(l.advice, "without CAP_PERFMON (or root) transmit errors cannot be "
		    "counted; everything else works");
		report(r, "capabilities", V_WARN, &l);
	} else {
		report(r, "capabilities", V_OK, &l);
	}
}

static const char *kernel_release(struct utsname *u)
{
	return uname(u) ? "?" : u->release;
}

/* One frame through BPF_PROG_TEST_RUN in live mode; 0 or -errno. */
static int live_run(struct probe_run *r, __u32 batch_size)
{
	static const unsigned char frame[PROBE_FRAME_LEN] = {
		0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02,
		0x88, 0xb5,	/* IEEE local experimental: means nothing to anyone */
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = frame,
		.data_size_in = sizeof(frame),
		.repeat = 1,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		.batch_size = batch_size,
	);
	int ret = bpf_prog_test_run_opts(bpf_program__fd(r->skel->progs.tg_probe_drop), &opts);

	return ret < 0 ? ret : 0;
}

static void check_live_frames(struct probe_run *r)
{
	struct line l = { "", "" };
	struct utsname u;
	int ret;

	r->skel = probe_bpf__open_and_load();
	if (!r->skel) {
		ret = -errno;
		say(l.detail, "could not load a one-line XDP program: %s", strerror(-ret));
		if (ret == -EPERM || ret == -EACCES)
			say(l.advice, "needs root or CAP_BPF and CAP_NET_ADMIN");
		else
			say(l.advice, "run 'trafficgen probe -v' for libbpf's messages");
		report(r, "live-frames", V_FAIL, &l);
		return;
	}
	ret = live_run(r, 0);
	if (ret) {
		say(l.detail, "a one-frame run with BPF_F_TEST_XDP_LIVE_FRAMES failed: %s",
		    strerror(-ret));
		if (ret == -EINVAL)
			say(l.advice, "live frames need Linux 5.18 or newer; this is %s",
			    kernel_release(&u));
		else if (ret == -EPERM)
			say(l.advice, "needs root or CAP_BPF and CAP_NET_ADMIN");
		report(r, "live-frames", V_FAIL, &l);
		return;
	}
	r->live_ok = true;
	say(l.detail, "a one-frame run with BPF_F_TEST_XDP_LIVE_FRAMES works (kernel %s)",
	    kernel_release(&u));
	report(r, "live-frames", V_OK, &l);
}

static void check_batch(struct probe_run *r)
{
	struct line l = { "", "" };
	int at_max, above;

	if (!r->live_ok) {
		say(l.detail, "not checked: live frames do not work (see live-frames)");
		report(r, "batch-size", V_WARN, &l);
		return;
	}
	at_max = live_run(r, TG_LIVE_MAX_BATCH);
	above = live_run(r, TG_LIVE_MAX_BATCH + 1);
	if (at_max) {
		say(l.detail, "batch_size %d refused: %s", TG_LIVE_MAX_BATCH, strerror(-at_max));
		say(l.advice, "give 'trafficgen udp' a smaller --batch (the default is %d)",
		    TG_LIVE_DEFAULT_BATCH);
		report(r, "batch-size", V_FAIL, &l);
	} else if (above != -E2BIG) {
		say(l.detail, "batch_size %d taken, but %d gave '%s', not E2BIG: this "
		    "kernel's limit is not the %d trafficgen assumes", TG_LIVE_MAX_BATCH,
		    TG_LIVE_MAX_BATCH + 1, above ? strerror(-above) : "success", TG_LIVE_MAX_BATCH);
		report(r, "batch-size", V_WARN, &l);
	} else {
		say(l.detail, "batch_size %d taken, %d refused with E2BIG: --batch 1-%d works",
		    TG_LIVE_MAX_BATCH, TG_LIVE_MAX_BATCH + 1, TG_LIVE_MAX_BATCH);
		report(r, "batch-size", V_OK, &l);
	}
}

static void check_btf(struct probe_run *r)
{
	static const char path[] = "/sys/kernel/btf/vmlinux";
	struct line l = { "", "" };
	struct stat st;

	if (stat(path, &st)) {
		say(l.detail, "%s: %s: the xdp tracepoints cannot be used, so transmit "
		    "errors are not counted (sending works)", path, strerror(errno));
		say(l.advice, "use a kernel built with CONFIG_DEBUG_INFO_BTF=y");
		report(r, "btf", V_WARN, &l);
		return;
	}
	r->btf_ok = true;
	say(l.detail, "%s present (%lld bytes)", path, (long long)st.st_size);
	report(r, "btf", V_OK, &l);
}

static void check_bpffs(struct probe_run *r)
{
	struct line l = { "", "" };
	struct statfs fs;

	if (!statfs("/sys/fs/bpf", &fs) && (unsigned long)fs.f_type == BPF_FS_MAGIC_NUMBER) {
		say(l.detail, "mounted at /sys/fs/bpf (trafficgen does not need it)");
		report(r, "bpffs", V_OK, &l);
		return;
	}
	say(l.detail, "not mounted at /sys/fs/bpf: trafficgen does not need it, "
	    "bpftool's pinning does");
	say(l.advice, "mount -t bpf bpf /sys/fs/bpf");
	report(r, "bpffs", V_WARN, &l);
}

static void check_tracepoints(struct probe_run *r)
{
	struct line l = { "", "" };
	bool xmit, rerr;
	struct btf *btf;
	int ret;

	if (!r->btf_ok) {
		say(l.detail, "not checked: no kernel BTF (see btf); transmit errors "
		    "are not counted");
		report(r, "tx-error-tracepoints", V_WARN, &l);
		return;
	}
	btf = btf__load_vmlinux_btf();
	if (!btf) {
		say(l.detail, "cannot read the kernel's BTF: %s", strerror(errno));
		report(r, "tx-error-tracepoints", V_WARN, &l);
		return;
	}
	/* Every tracepoint has a btf_trace_<name> typedef for tp_btf programs. */
	xmit = btf__find_by_name_kind(btf, "btf_trace_xdp_devmap_xmit", BTF_KIND_TYPEDEF) > 0;
	rerr = btf__find_by_name_kind(btf, "btf_trace_xdp_redirect_err", BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
	if (!xmit) {
		say(l.detail, "the kernel has no xdp_devmap_xmit tracepoint: transmit "
		    "errors are not counted (sending works)");
		report(r, "tx-error-tracepoints", V_WARN, &l);
		return;
	}
	ret = tg_txerr_try(r->have_iface ? r->iface.ifindex : 1, rerr);
	if (ret) {
		say(l.detail, "xdp_devmap_xmit%s exist%s, but attaching to them failed: %s",
		    rerr ? " and xdp_redirect_err" : "", rerr ? "" : "s", strerror(-ret));
		say(l.advice, "tracing programs need root or CAP_BPF and CAP_PERFMON; "
		    "'trafficgen probe -v' shows libbpf's messages");
		report(r, "tx-error-tracepoints", V_WARN, &l);
	} else if (!rerr) {
		say(l.detail, "xdp_devmap_xmit attaches; no xdp_redirect_err: frames a "
		    "target's ring refuses are counted, failed redirects are not");
		report(r, "tx-error-tracepoints", V_WARN, &l);
	} else {
		say(l.detail, "xdp_devmap_xmit and xdp_redirect_err attach: transmit "
		    "errors are counted");
		report(r, "tx-error-tracepoints", V_OK, &l);
	}
}

/* ---- the interface ------------------------------------------------------- */

static void check_iface(struct probe_run *r)
{
	const struct tg_iface *i = &r->iface;
	struct line l = { "", "" };
	char prog[32] = "none";

	if (i->xdp_prog_id)
		snprintf(prog, sizeof(prog), "id %u", i->xdp_prog_id);
	say(l.detail, "%s: ifindex %d, kind %s, driver %s, %s, mtu %u, %u RX / %u TX "
	    "queues, XDP program %s", i->name, i->ifindex, i->kind[0] ? i->kind : "none",
	    i->driver[0] ? i->driver : "unknown", i->up ? "up" : "DOWN", i->mtu,
	    i->num_rx_queues, i->num_tx_queues, prog);
	if (!i->up) {
		say(l.advice, "'trafficgen udp' refuses a down interface: 'ip link set dev %s up'",
		    i->name);
		report(r, "interface", V_FAIL, &l);
		return;
	}
	report(r, "interface", V_OK, &l);
}

/* Reads the features; returns whether they are known. */
static bool check_features(struct probe_run *r, uint64_t *features)
{
	struct tg_err err = { "" };
	struct line l = { "", "" };
	int ret = tg_iface_xdp_features(r->iface.ifindex, features, &err);

	if (ret) {
		say(l.detail, "%s", err.msg);
		if (ret == -EOPNOTSUPP)
			say(l.advice, "'trafficgen udp' assumes the interface takes redirects "
			    "and counts what it refuses as transmit errors");
		report(r, "xdp-features", V_WARN, &l);
		return false;
	}
	tg_xdp_features_str(*features, l.detail, sizeof(l.detail));
	report(r, "xdp-features", V_OK, &l);
	return true;
}

static void check_target(struct probe_run *r, bool known, uint64_t features)
{
	const struct tg_iface *i = &r->iface;
	bool veth = !strcmp(i->kind, "veth");
	struct line l = { "", "" };

	if (!known) {
		say(l.detail, "unknown: the kernel does not report XDP features");
		report(r, "redirect-target", V_WARN, &l);
	} else if (features & NETDEV_XDP_ACT_NDO_XMIT) {
		say(l.detail, "%s takes redirected frames now (ndo-xmit)", i->name);
		report(r, "redirect-target", V_OK, &l);
	} else if (veth) {
		say(l.detail, "veth %s cannot take redirected frames now: a veth takes them "
		    "only while its peer has an XDP program or GRO on, and the peer has no "
		    "more TX queues than %s has RX queues", i->name, i->name);
		say(l.advice, "on the peer: 'ethtool -K <peer> gro on', or attach an XDP "
		    "program there (e.g. run 'trafficgen sink <peer>'); see veth-peer");
		report(r, "redirect-target", V_FAIL, &l);
	} else if (!i->xdp_prog_id) {
		say(l.detail, "not now: driver %s sets up its XDP transmit rings only while "
		    "an XDP program is attached; 'trafficgen udp' attaches a pass program "
		    "for the run and removes it after", i->driver[0] ? i->driver : "unknown");
		say(l.advice, "attaching a program can briefly reset the link on some drivers");
		report(r, "redirect-target", V_WARN, &l);
	} else {
		say(l.detail, "driver %s does not implement ndo_xdp_xmit, even with an XDP "
		    "program attached (id %u)", i->driver[0] ? i->driver : "unknown",
		    i->xdp_prog_id);
		say(l.advice, "send out of another interface; a veth pair (with GRO on its "
		    "peer) always can");
		report(r, "redirect-target", V_FAIL, &l);
	}
}

/* AF_XDP (udp --xsk, sink --xsk): copy mode anywhere, zero-copy where the driver offers it. */
static void check_xsk(struct probe_run *r, bool known, uint64_t features)
{
	const struct tg_iface *i = &r->iface;
	const char *drv = i->driver[0] ? i->driver : "unknown";
	struct line l = { "", "" };

	if (!known) {
		say(l.detail, "zero-copy unknown: the kernel does not report XDP features; "
		    "copy mode works on any interface");
		report(r, "xsk-zerocopy", V_WARN, &l);
	} else if (features & NETDEV_XDP_ACT_XSK_ZEROCOPY) {
		say(l.detail, "driver %s offers AF_XDP zero-copy (--xsk-mode auto takes it)", drv);
		report(r, "xsk-zerocopy", V_OK, &l);
	} else {
		say(l.detail, "driver %s offers AF_XDP in copy mode only: --xsk works, "
		    "--xsk-mode zerocopy is refused", drv);
		report(r, "xsk-zerocopy", V_OK, &l);
	}
}

static void check_peer_elsewhere(struct probe_run *r)
{
	struct line l = { "", "" };

	say(l.detail, "the peer is ifindex %d in another network namespace (netnsid %d): "
	    "its XDP program, GRO and queues cannot be read from here",
	    r->iface.peer_ifindex, r->iface.peer_netnsid);
	say(l.advice, "in the peer's namespace: 'ip -d link show' (prog/xdp on the peer), "
	    "'ethtool -k <peer> | grep generic-receive-offload', or 'trafficgen probe -i <peer>'");
	report(r, "veth-peer", V_WARN, &l);
}

static void check_veth(struct probe_run *r)
{
	const struct tg_iface *i = &r->iface;
	struct tg_err err = { "" };
	struct line l = { "", "" };
	char prog[32] = "none";
	struct tg_iface p;
	bool gro = false;
	int ret;

	if (i->peer_netnsid >= 0 || i->peer_ifindex <= 0) {
		check_peer_elsewhere(r);
		return;
	}
	if (tg_iface_get_index(i->peer_ifindex, &p, &err)) {
		say(l.detail, "cannot read the peer (ifindex %d): %s", i->peer_ifindex, err.msg);
		report(r, "veth-peer", V_WARN, &l);
		return;
	}
	ret = tg_iface_gro(p.name, &gro, &err);
	if (p.xdp_prog_id)
		snprintf(prog, sizeof(prog), "id %u", p.xdp_prog_id);
	say(l.detail, "peer %s: XDP program %s, GRO %s", p.name, prog,
	    ret ? "unknown" : gro ? "on" : "off");
	if (!p.xdp_prog_id && !gro) {
		say(l.advice, "'ethtool -K %s gro on', or attach an XDP program to %s "
		    "(e.g. run 'trafficgen sink %s')", p.name, p.name, p.name);
		report(r, "veth-peer", ret ? V_WARN : V_FAIL, &l);
	} else {
		report(r, "veth-peer", V_OK, &l);
	}

	/* veth_set_xdp_features(): all XDP features go when peer TX > our RX. */
	l = (struct line){ "", "" };
	say(l.detail, "peer %s has %u TX / %u RX queues, %s %u RX: frames land on the "
	    "peer's RX queue of the sending CPU, so up to %u threads (-t) get a ring each",
	    p.name, p.num_tx_queues, p.num_rx_queues, i->name, i->num_rx_queues,
	    p.num_rx_queues);
	if (p.num_tx_queues > i->num_rx_queues) {
		say(l.advice, "the kernel turns off XDP on %s while its peer has more TX "
		    "queues than it has RX queues: recreate the pair with equal counts "
		    "('ip link add ... numtxqueues N numrxqueues N type veth peer ... "
		    "numtxqueues N numrxqueues N')", i->name);
		report(r, "veth-queues", V_FAIL, &l);
	} else if (p.num_tx_queues > p.num_rx_queues) {
		say(l.advice, "%s has more TX than RX queues: %s cannot take redirects "
		    "from it (only matters for traffic the other way)", p.name, i->name);
		report(r, "veth-queues", V_WARN, &l);
	} else {
		report(r, "veth-queues", V_OK, &l);
	}
}

static void check_interface(struct probe_run *r)
{
	uint64_t features = 0;
	bool known;

	check_iface(r);
	known = check_features(r, &features);
	check_target(r, known, features);
	check_xsk(r, known, features);
	if (!strcmp(r->iface.kind, "veth"))
		check_veth(r);
}

static void summary(struct probe_run *r)
{
	struct tg_print p;

	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_print_bool(&p, TG_PRINT_JSON, "ok", NULL, !r->failed);
	if (r->failed)
		tg_print_u64(&p, TG_PRINT_TEXT, NULL, "%llu of ", r->failed);
	else
		tg_print_text(&p, "everything trafficgen needs is here (");
	tg_print_u64(&p, TG_PRINT_ANY, "checks", r->failed ? "%llu checks failed: see the "
		     "lines marked FAIL for what to do" : "%llu checks", r->checks);
	tg_print_u64(&p, TG_PRINT_JSON, "failed", NULL, r->failed);
	tg_print_u64(&p, r->failed ? TG_PRINT_JSON : TG_PRINT_ANY, "warnings",
		     ", %llu warnings)", r->warned);
	if (r->have_iface)
		tg_print_str(&p, TG_PRINT_JSON, "interface", NULL, r->iface.name);
	tg_print_close(&p);
}

int cmd_probe(int argc, char **argv)
{
	struct tg_opts_result res;
	struct tg_err err = { "" };
	struct probe_run *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return TG_EXIT_FAIL;
	ret = tg_cmd_parse(&probe_cmd_def, argc, argv, &r->o, &res);
	if (ret != TG_GO_ON)
		goto out;
	if (r->o.verbose)
		tg_log_set_level(TG_LOG_DEBUG);
	/* A mistyped name is the user's to fix before any check is worth reading. */
	if (r->o.ifname) {
		if (tg_iface_get(r->o.ifname, &r->iface, &err)) {
			fprintf(stderr, "trafficgen probe: %s\n", err.msg);
			ret = TG_EXIT_FAIL;
			goto out;
		}
		r->have_iface = true;
	}
	check_caps(r);
	check_live_frames(r);
	check_batch(r);
	check_btf(r);
	check_bpffs(r);
	check_tracepoints(r);
	if (r->have_iface)
		check_interface(r);
	summary(r);
	ret = r->failed ? TG_EXIT_FAIL : TG_EXIT_OK;
out:
	probe_bpf__destroy(r->skel);
	free(r);
	return ret;
}
