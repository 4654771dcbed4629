/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CLI_UDP_H
#define TG_CLI_UDP_H

/*
 * trafficgen udp, shared by its files. Each calls only the ones below it:
 *
 *   udp.c          the command: the checks every mode shares, the live run
 *   udp_dry.c      --pcap-out: the frames of a run into a file
 *   udp_capture.c  mode --template: the frames of a capture
 *   udp_prog.c     mode --prog: a user's program over the template
 *   udp_xsk.c      --xsk: the built-in mode's frames through AF_XDP sockets
 *   udp_builtin.c  mode built-in: the template the options build,
 *                  rewritten by bpf/udp_gen (whose load, thread state and
 *                  counts --template shares)
 *   udp_report.c   output
 *   udp_opts.c     the option table, and which options were given
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
struct udp_xsk;

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
	bool xsk;			/* --xsk: AF_XDP sockets instead of live frames */
	uint64_t queue;			/* --queue: thread t's socket on queue + t */
	int xsk_mode;			/* --xsk-mode: enum tg_xsk_mode */
	bool json;
	bool verbose;
};

/* Which options the command line gave, read once after parsing. */
struct udp_given {
	bool dst_mac, src_mac, dst_addr, src_addr, dst_port, src_port, dyn_ports;
	bool pkt_size, imix, vlan, qinq, ttl, stamp, random;
	bool threads, batch, rate, burst, template, pcap_out, queue, xsk_mode;
};

struct udp_mode;

/* Everything one run holds; torn down by udp_run_close() on every path. */
struct udp_run {
	struct udp_opts o;
	struct udp_given given;
	const struct udp_mode *mode;
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
	struct udp_gen_tmpl *captures;	/* with --template: ncaptures frames */
	unsigned int ncaptures;
	struct tg_capture_rw rw;	/* what --template frames get written in */
	int prog_fd;			/* the program that runs: udp_gen's, or --prog's */
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
	struct udp_xsk *xsk;		/* with --xsk: its sockets and threads (udp_xsk.c) */
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

extern const struct udp_opts udp_defaults;

/* Fills g from the parse's result. */
void udp_given_read(struct udp_given *g, const struct tg_opts_result *res);

/* An option given, by the name it has on the command line. */
struct udp_given_name {
	bool given;
	const char *name;
};

/* The first of n options that was given, or NULL. */
const char *udp_first_given(const struct udp_given_name *opts, unsigned int n);

/*
 * What the frames are and which program makes them: the built-in rewrite,
 * a capture's frames (--template), or a user's program (--prog). Steps
 * that return an int return TG_GO_ON or an exit code, except load and
 * init_pcpu: 0 or -errno, the message printed.
 */
struct udp_mode {
	/* The mode's options against each other, and the frames' sizes. */
	int (*resolve)(struct udp_run *r);
	/* r->cfg, and the frame each page starts as (r->frame, r->layout). */
	int (*build)(struct udp_run *r);
	/* Loads the program that runs (r->prog_fd). */
	int (*load)(struct udp_run *r);
	/* Each thread's starting state, just before the threads start at start_ns. */
	int (*init_pcpu)(struct udp_run *r, uint64_t start_ns);
	/* Every possible CPU's counts into pc[ncpus], as udp_gen's own. */
	int (*read_counts)(const struct udp_run *r, struct udp_gen_pcpu *pc);
	void (*print_start)(struct udp_run *r);
	/* The program may drop frames, so the live driver cannot count them. */
	bool counts_own;
};

extern const struct udp_mode udp_mode_builtin, udp_mode_capture, udp_mode_prog;

/*
 * Built-in mode's steps, which the others share: the options that fill
 * the template (addresses, ports, sizes) and the template built from them;
 * --dyn-ports; and bpf/udp_gen's load, thread state and counts.
 */
int udp_builtin_resolve(struct udp_run *r);
int udp_builtin_build(struct udp_run *r);
int udp_resolve_ports(struct udp_run *r);
int udp_gen_load(struct udp_run *r);
int udp_gen_init_pcpu(struct udp_run *r, uint64_t start_ns);
int udp_gen_read_counts(const struct udp_run *r, struct udp_gen_pcpu *pc);
/* Thread t's starting state: cursors, and its interface's target and MAC. */
void udp_thread_state(const struct udp_run *r, unsigned int t, struct udp_gen_pcpu *pc);

/*
 * Output (udp_report.c): the start line of the built-in template and of
 * a capture; udp's part of the JSON summary (json_extra of struct tg_out;
 * arg is the run); each interface's share, after the summary's text line;
 * the rate reached against the rate asked, with a warning when it fell
 * short. r->pcpu must be fresh.
 */
void udp_print_start(struct udp_run *r);
void udp_print_start_capture(struct udp_run *r);
struct tg_print;
void udp_summary_json(struct tg_print *p, void *arg);
void udp_report_ifs(struct udp_run *r);
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

/*
 * --xsk (udp_xsk.c): the options it cannot take (TG_GO_ON or an exit
 * code); the run, its counts and time into *total and *elapsed_ns (an exit
 * code); and what the run left open, freed.
 */
int udp_xsk_check(struct udp_run *r);
int udp_xsk_run(struct udp_run *r, struct tg_tx_counts *total, uint64_t *elapsed_ns);
void udp_xsk_close(struct udp_run *r);

/* --pcap-out: the frames the program makes, into a pcap file; an exit code. */
int udp_dry_run(struct udp_run *r);

#endif
