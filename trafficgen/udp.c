// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen udp: UDP over IPv4 or IPv6 from live XDP frames, with fields
 * rewritten per packet by bpf/udp_gen.bpf.c. This file holds what every
 * mode (struct udp_mode) shares: the interfaces, the checks, the live run
 * and its counts.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "log.h"
#include "percpu.h"
#include "udp.h"
#include "udp_gen.skel.h"

static int resolve_threads(struct udp_run *r)
{
	int n = tg_cpus_allowed(r->cpus, TG_LIVE_MAX_THREADS);

	if (n < 0)
		n = 1;
	if (r->o.threads > (uint64_t)n)
		return tg_usage_error(&udp_cmd_def, "--threads %llu: each thread needs a CPU of its own and this "
				      "process may use %d", (unsigned long long)r->o.threads, n);
	return TG_GO_ON;
}

/* --rate and --burst: the pacing plan, from the frame sizes. */
static int resolve_rate(struct udp_run *r)
{
	struct tg_err err = { "" };
	char a[32];

	if (!r->o.rate.value) {
		if (r->given.burst)
			return tg_usage_error(&udp_cmd_def, "--burst %llu needs --rate: without one, frames go as fast as they can",
					      (unsigned long long)r->o.burst);
		return TG_GO_ON;
	}
	/* One batch is one slot: the batch size is the burst's to choose. */
	if (r->given.batch)
		return tg_usage_error(&udp_cmd_def, "--batch %llu and --rate exclude each other: with --rate each kernel batch is one burst (--burst)",
				      (unsigned long long)r->o.batch);
	r->rate_pps = tg_rate_pps(&r->o.rate, r->avg_wire);
	if (tg_pace_plan(r->rate_pps, r->o.threads, r->o.burst, &r->pace, &err)) {
		tg_format_rate(r->o.rate.value, r->o.rate.bits, a, sizeof(a));
		return tg_usage_error(&udp_cmd_def, "--rate %s: %s", a, err.msg);
	}
	r->paced = true;
	r->o.batch = r->pace.burst;
	return TG_GO_ON;
}

/* --pcap-out: a count to write, and without an interface what it would give. */
static int resolve_dry(struct udp_run *r)
{
	if (!r->o.pcap_out)
		return TG_GO_ON;
	if (!r->o.num)
		return tg_usage_error(&udp_cmd_def, "--pcap-out %s needs -n: how many frames to write", r->o.pcap_out);
	if (r->o.duration)
		return tg_usage_error(&udp_cmd_def, "--pcap-out writes -n frames and takes no time: drop -D");
	if (!strcmp(r->o.pcap_out, "-"))
		return tg_usage_error(&udp_cmd_def, "--pcap-out: '-' (stdout) is taken by the summary: give a file name");
	if (!r->ifname && !r->given.src_mac)
		return tg_usage_error(&udp_cmd_def, "--pcap-out without an interface needs --src-mac (-M): there is no interface to take it from");
	return TG_GO_ON;
}

/*
 * Checks the options against each other and the interface, then builds
 * what the mode sends; TG_GO_ON to go on.
 */
static int resolve(struct udp_run *r)
{
	struct tg_err err = { "" };
	unsigned int i;
	int ret;

	ret = resolve_dry(r);
	if (ret != TG_GO_ON)
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
	if (!r->given.src_mac)
		memcpy(r->o.src_mac, r->iface.mac, 6);
	if (r->far_open && !r->given.dst_mac)
		memcpy(r->o.dst_mac, r->far.env.sink_mac, 6);
	if (!r->o.xsk && (r->given.queue || r->given.xsk_mode))
		return tg_usage_error(&udp_cmd_def, "%s is for the AF_XDP engine: add --xsk",
				      r->given.queue ? "--queue" : "--xsk-mode");
	if (r->o.xsk) {
		ret = udp_xsk_check(r);
		if (ret != TG_GO_ON)
			return ret;
	}
	ret = r->mode->resolve(r);
	if (ret == TG_GO_ON)
		ret = resolve_threads(r);
	if (ret == TG_GO_ON)
		ret = resolve_rate(r);
	if (ret == TG_GO_ON)
		ret = r->mode->build(r);
	if (ret != TG_GO_ON)
		return ret;
	/*
	 * Thread t sends on ifs[t % nifs], from that interface's MAC unless
	 * -M gave one; a capture's frames keep their own.
	 */
	if (r->nifs > 1) {
		r->cfg.multi_if = 1;
		r->cfg.multi_mac = !r->given.src_mac && !r->captures;
	}
	return TG_GO_ON;
}

/* The mode's program, and room for its per-CPU counts. */
static int load_program(struct udp_run *r)
{
	int ret;

	ret = r->mode->load(r);
	if (ret)
		return ret;
	r->pcpu = tg_percpu_alloc_all(sizeof(*r->pcpu), &r->ncpus);
	return r->pcpu ? 0 : r->ncpus;
}

static int read_pcpu(struct udp_run *r)
{
	return r->mode->read_counts(r, r->pcpu);
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

	if (v && !r->mode->read_counts(r, v))
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

/*
 * The live-frame run; its counts and time into *total and *elapsed_ns, how
 * it stopped into *res (told after the summary).
 */
static int send_live(struct udp_run *r, struct tg_tx_counts *total, uint64_t *elapsed_ns,
		     struct tg_live_result *res)
{
	struct tg_err err = { "" };
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
		.prog_counts = r->paced || r->mode->counts_own,
	};

	for (i = 1; i < r->nifs; i++)
		ifindex[i] = r->ifaces[i].ifindex;
	tg_txerr_open(&r->txerr, ifindex, r->nifs > 1 ? r->nifs : 1);
	r->out = (struct tg_out){ .f = stdout, .json = r->o.json,
				  .errors_counted = r->txerr.counting, .ifname = r->ifname };
	if (r->far_open || r->paced || r->nifs > 1) {
		r->out.json_extra = udp_summary_json;
		r->out.extra_arg = r;
	}
	r->mode->print_start(r);
	r->start_ns = tg_now_ns();
	if (r->mode->init_pcpu(r, r->start_ns))
		return TG_EXIT_FAIL;
	if (tg_live_run(&lf, res, &err)) {
		tg_error("%s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	*total = read_counts(r, true);
	*elapsed_ns = res->elapsed_ns;
	return TG_EXIT_OK;
}

static int send_frames(struct udp_run *r)
{
	struct tg_tx_counts total = { 0 };
	uint64_t elapsed_ns = UINT64_MAX;	/* stays so if the run never started */
	struct tg_live_result res = { 0 };
	int gate, ret;

	ret = r->o.xsk ? udp_xsk_run(r, &total, &elapsed_ns)
		       : send_live(r, &total, &elapsed_ns, &res);
	if (elapsed_ns == UINT64_MAX)
		return ret;
	if (r->far_open && tg_far_end_read(&r->far, &r->far_totals))
		tg_warn("could not read the far end's counters\n");
	gate = r->far_open ? judge(r, &total, elapsed_ns) : TG_EXIT_OK;
	tg_tx_summary(&r->out, &total, elapsed_ns);
	udp_report_ifs(r);
	if (r->paced)
		udp_report_rate(r);
	if (r->far_open && !r->o.json)
		tg_sink_summary(&(struct tg_sink_out){ .f = stdout, .ifname = r->far.env.sink_if },
				&r->far_totals, elapsed_ns);
	if (!r->o.xsk)
		ret = report_stop(r, &res);
	return ret == TG_EXIT_OK ? gate : ret;
}

static void udp_run_close(struct udp_run *r)
{
	unsigned int i;

	tg_txerr_close(&r->txerr);
	udp_xsk_close(r);
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
	free(r->captures);
	bpf_object__close(r->uobj);
}

/*
 * "if1,if2,...": the interfaces to send on, each once. Threads go to them
 * in turn, so there must be at least one a interface; without -t, one each.
 */
static int split_ifs(struct udp_run *r)
{
	const char *p = r->ifname, *end;
	unsigned int i;

	for (;;) {
		end = strchrnul(p, ',');
		/* Names too long for an interface are the interface lookup's to refuse. */
		if (end == p)
			return tg_usage_error(&udp_cmd_def, "'%s' is not a list of interface names (eth0 or eth0,eth1)",
					      r->ifname);
		if (r->nifs == UDP_MAX_IFS)
			return tg_usage_error(&udp_cmd_def, "'%s' names more than %d interfaces", r->ifname, UDP_MAX_IFS);
		r->ifs[r->nifs] = strndup(p, end - p);
		if (!r->ifs[r->nifs])
			return TG_EXIT_FAIL;
		for (i = 0; i < r->nifs; i++)
			if (!strcmp(r->ifs[i], r->ifs[r->nifs]))
				return tg_usage_error(&udp_cmd_def, "'%s' names %s twice", r->ifname, r->ifs[i]);
		r->nifs++;
		if (!*end)
			break;
		p = end + 1;
	}
	if (r->nifs > 1 && !r->given.threads)
		r->o.threads = r->nifs;
	if (r->o.threads < r->nifs)
		return tg_usage_error(&udp_cmd_def, "--threads %llu for %u interfaces: each interface needs a thread of its own",
				      (unsigned long long)r->o.threads, r->nifs);
	return TG_GO_ON;
}

/* --veth or an interface, and with --veth the pair and the sink at its far end. */
static int open_far_end(struct udp_run *r, const struct tg_opts_result *res)
{
	struct tg_err err = { "" };

	if (r->o.pcap_out) {
		if (r->o.veth)
			return tg_usage_error(&udp_cmd_def, "--pcap-out sends nothing: it needs no --veth");
		r->ifname = res->npos ? res->pos[0] : NULL;
		return r->ifname ? split_ifs(r) : TG_GO_ON;
	}
	if (r->o.veth == (res->npos == 1))
		return tg_usage_error(&udp_cmd_def, r->o.veth ? "--veth makes its own interface: give no <ifname>"
				      : "give the interface to send on, or --veth");
	if (!r->o.veth) {
		if (tg_thresh_active(&r->o.gate))
			return tg_usage_error(&udp_cmd_def, "--max-loss, --min-pps and --max-latency-p99 need --veth "
					      "(a far end to count at); on a receiver, give them to "
					      "'trafficgen sink'");
		r->ifname = res->pos[0];
		return split_ifs(r);
	}
	r->far_open = true;
	if (tg_far_end_open(&r->far, r->o.threads, &err)) {
		tg_error("--veth: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	r->ifname = r->far.env.gen_if;
	return TG_GO_ON;
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
	if (ret != TG_GO_ON)
		goto out;
	if (r->o.verbose)
		tg_log_set_level(TG_LOG_DEBUG);
	udp_given_read(&r->given, &res);
	r->mode = r->o.prog ? &udp_mode_prog : r->o.template ? &udp_mode_capture :
		  &udp_mode_builtin;
	ret = open_far_end(r, &res);
	if (ret != TG_GO_ON)
		goto out;
	ret = resolve(r);
	if (ret != TG_GO_ON)
		goto out;

	ret = TG_EXIT_FAIL;
	if (r->o.pcap_out) {
		if (!load_program(r))
			ret = udp_dry_run(r);
		goto out;
	}
	if (r->o.xsk) {
		/* The sockets send without a program or a target: udp_xsk.c opens them. */
		ret = send_frames(r);
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
