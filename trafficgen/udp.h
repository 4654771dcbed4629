/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CLI_UDP_H
#define TG_CLI_UDP_H

/*
 * trafficgen udp, shared by its files: udp.c (options, checks, the live
 * run), udp_report.c (output), udp_dry.c (--pcap-out), udp_tmpl.c
 * (--template), udp_prog.c (--prog).
 */
#include <stdbool.h>
#include <stdint.h>
#include "udp/far_end.h"
#include "sink/thresholds.h"
#include "live.h"
#include "udp/pace.h"
#include "packet.h"
#include "parse.h"
#include "udp/size_wheel.h"
#include "stats.h"
#include "target.h"
#include "txerr_user.h"
#include "udp/capture.h"
#include "udp/cfg.h"

struct udp_gen_bpf;
struct tg_opts_result;
struct bpf_object;
struct bpf_map;
struct udp_gen_pcpu;

#define UDP_MAX_IFS 16		/* interfaces of one run: udp if1,if2,... */

/* A parsed --vlan (one tag) or --qinq (two). */
struct udp_vlan {
	unsigned int n;
	uint16_t tci[TG_MAX_VLANS];
};

struct udp_opts {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	struct tg_addr_range dst, src;
	struct tg_port_range dport, sport;
	uint64_t dyn_ports;
	uint64_t num;
	struct tg_size_range size;	/* -s: wire sizes; min 0: not given */
	struct tg_imix imix;		/* n 0: not given */
	uint64_t pkt_size;		/* the template's wire size (the largest) */
	uint64_t threads;
	uint64_t interval;
	uint64_t duration;
	uint64_t ttl;
	uint64_t batch;
	uint64_t repeat;
	struct tg_rate rate;		/* value 0: unpaced */
	struct udp_vlan vlan, qinq;	/* --vlan, --qinq */
	uint64_t burst;			/* 0: the smallest that reaches the rate */
	bool random;
	bool stamp;
	bool veth;
	struct tg_thresh gate;		/* with --veth */
	const char *pcap_out;		/* --pcap-out: a dry run into this file */
	const char *template;		/* --template: frames of a capture */
	const char *prog;		/* --prog: FILE.bpf.o[:NAME] */
	bool json;
	bool verbose;
};

/* Everything one run holds; torn down by udp_run_close() on every path. */
struct udp_run {
	struct udp_opts o;
	const char *ifname;
	struct tg_iface iface;
	struct tg_udp_params params;
	struct tg_pace pace;		/* with --rate */
	bool paced;
	uint64_t start_ns;		/* when the threads were started */
	double rate_pps;		/* asked, frames/s */
	double avg_wire;		/* mean frame size on the wire, FCS included */
	uint16_t wheel[TG_SIZE_WHEEL_MAX];	/* frame lengths with -s MIN-MAX or --imix */
	unsigned int nsizes;		/* 0: one size */
	struct udp_gen_cfg cfg;
	struct udp_gen_tmpl *tmpls;	/* with --template: ntmpl frames */
	unsigned int ntmpl;
	struct tg_capture_rw rw;		/* what --template frames get written in */
	int prog_fd;			/* the program that runs: udp_gen, udp_tmpl or --prog's */
	struct bpf_object *uobj;	/* with --prog */
	struct bpf_map *ustate;		/* its tg_gen_state */
	struct tg_layout layout;
	uint8_t frame[TG_MAX_FRAME_LEN];
	struct tg_target target;
	bool target_open;
	/*
	 * Several interfaces: ifname is the list as given, iface and target
	 * the first one's; thread t sends on ifs[t % nifs].
	 */
	unsigned int nifs;
	char *ifs[UDP_MAX_IFS];
	struct tg_iface ifaces[UDP_MAX_IFS];
	struct tg_target targets[UDP_MAX_IFS];
	unsigned int targets_open;
	struct udp_gen_bpf *skel;
	struct tg_txerr txerr;
	int cpus[TG_LIVE_MAX_THREADS];
	int ncpus;			/* possible CPUs: per-CPU map value count */
	struct udp_gen_pcpu *pcpu;
	struct tg_far_end far;		/* with --veth */
	bool far_open;
	struct tg_sink_totals far_totals;
	struct tg_thresh_result gate;
	struct tg_out out;
	struct tg_tx_counts last;
	uint64_t last_ns;
};

/* Prints "trafficgen udp: <message>" and the pointer to --help; returns TG_EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * --template: reads the capture and checks the options against it (-1 to
 * go on, or an exit code); then builds the config from it (same).
 */
int udp_tmpl_resolve(struct udp_run *r, const struct tg_opts_result *res);
int udp_tmpl_build(struct udp_run *r);

/*
 * --prog (trafficgen/gen.h): the options it cannot take (-1 to go on, or
 * an exit code); loading with tg_gen set (0 or -errno, message printed);
 * each thread's tg_gen_state; and the counts, as the built-in program's.
 */
int udp_prog_check(const struct udp_run *r, const struct tg_opts_result *res);
int udp_prog_load(struct udp_run *r);
int udp_prog_init(struct udp_run *r);
int udp_prog_counts(const struct udp_run *r, struct udp_gen_pcpu *pc);

/*
 * Output (udp_report.c): the start line; the summary's JSON keys of udp
 * (json_extra of struct tg_out; arg is the run); each interface's share
 * (JSON into j, or text with j NULL); the rate reached against the rate
 * asked, with a warning when it fell short. r->pcpu must be fresh.
 */
struct tg_json;
void udp_print_start(struct udp_run *r);
void udp_summary_json(struct tg_json *j, void *arg);
void udp_report_ifs(struct udp_run *r, struct tg_json *j);
/*
 * Frames the targets refused were counted as redirected: moves refused of
 * them from c's packets (and bytes) to its errors.
 */
void udp_move_refused(const struct udp_run *r, struct tg_tx_counts *c, uint64_t refused);
/*
 * What thread group i (the threads on target i; all of them with one
 * target) sent, once the run's calls have returned and r->pcpu holds
 * their last counts.
 */
struct tg_tx_counts udp_group_counts(const struct udp_run *r, unsigned int i);
void udp_report_rate(struct udp_run *r);

/* Thread t's starting state: cursors, and its interface's target and MAC. */
void udp_thread_state(const struct udp_run *r, unsigned int t, struct udp_gen_pcpu *pc);

/* --pcap-out: the frames the program makes, into a pcap file; an exit code. */
int udp_dry_run(struct udp_run *r);

#endif
