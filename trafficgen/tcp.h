/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CLI_TCP_H
#define TG_CLI_TCP_H
/*
 * trafficgen tcp, shared by its files: tcp_flows.c (connections:
 * handshake, hand-over to the generator), tcp_ctl.c (crafted segments:
 * window probes, FINs, resets; releasing sockets and programs),
 * tcp_report.c (the run's totals, the start line, interval lines and
 * summary), tcp_send.c (sending threads, pacing, RTO, drain) and tcp.c
 * (options, checks, the run's order). Each calls only files listed before
 * it. The far end of --veth is lib/tcp/far_end.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include "iface.h"
#include "live.h"
#include "packet.h"
#include "parse.h"
#include "stats.h"
#include "target.h"
#include "tcp_gen.h"
#include "tcp/far_end.h"
#include "tcp/load.h"
#include "tcp/pace.h"
#include "txerr_user.h"

struct bpf_link;

struct tcp_opts {
	const char *ifname;
	uint64_t dport;
	uint64_t num;
	uint64_t duration;
	uint64_t interval;
	uint64_t flows;
	uint64_t threads;
	uint64_t pkt_size;
	uint64_t mss;
	uint8_t dst_mac[6];
	uint64_t ttl;
	int cc;				/* TCP_CC_* */
	bool json;
	bool verbose;
	bool veth;
};

/* How a flow ended. */
enum tcp_close_how {
	TCP_CLOSE_NONE,		/* not closed yet */
	TCP_CLOSE_CLEAN,	/* FIN both ways, the peer's FIN acknowledged */
	TCP_CLOSE_RESET_SENT,	/* the peer never closed: we reset it */
	TCP_CLOSE_RESET_RCVD,	/* the peer reset it */
};

struct tcp_flow_user {
	int fd;
	struct tcp_flow_key key;
	bool registered;		/* in flow_keys */
	bool owned;			/* handed to the generator */
	uint32_t ts_base;		/* the socket's TSval at run->ts_t0_ns */
	struct tg_tcp_rto rto;
	/* A stuck SACK recovery: snd_una + 1 when first seen stuck, 0 none; since when. */
	uint64_t rxt_una, rxt_since_ns;
	/* Window probes: while the window is closed and nothing is outstanding. */
	uint64_t probe_at_ns;		/* 0: not waiting */
	uint64_t probe_every_ns;
	/* Closing. */
	uint64_t fin_seq;
	uint64_t fin_sent_ns;
	enum tcp_close_how how;
};

/* Counters summed over CPUs and flows. */
struct tcp_totals {
	uint64_t segments, bytes, payload, retransmitted, window_drops, pace_holds;
	uint64_t acked;			/* payload bytes acknowledged */
	uint64_t dup_acks, fast_retransmits, timeouts;
	uint64_t sacked, sack_rejected, lost;
	uint64_t tx_errors;
};

struct tcp_run {
	struct tcp_opts o;
	const char *host;
	struct tg_iface iface;
	int family;
	union tg_addr src, dst;
	struct sockaddr_storage peer;
	socklen_t peer_len;
	uint8_t dst_mac[6];
	const char *mac_source;		/* how dst_mac was found, for -v */
	unsigned int nflows, nthreads;
	uint32_t mss;			/* payload bytes per segment */
	bool ts;			/* timestamps negotiated */
	uint16_t window;		/* our window field */
	uint64_t ts_t0_ns;
	struct tcp_flow_user flow[TCP_GEN_MAX_FLOWS];

	struct tg_tcp_progs progs;
	struct bpf_link *ack_link;
	struct tcp_flow_ctl *ctl;	/* mmap of flow_ctl */
	size_t ctl_len;
	struct tg_target target;
	bool target_open;
	struct tg_txerr txerr;
	int cpus[TG_LIVE_MAX_THREADS];
	int ncpus;			/* possible CPUs: per-CPU value count */
	struct tcp_gen_pcpu *pcpu;	/* buffer for per-CPU reads */
	struct tcp_gen_cfg cfg;
	uint8_t frame[TG_MAX_FRAME_LEN];	/* the live-frame input */

	/* Output. */
	struct tcp_totals last;
	uint64_t last_ns;
	uint64_t start_ns;		/* first send */
	uint64_t end_ns;		/* data acknowledged (or drain gave up) */
	unsigned int closed_clean, closed_reset;

	/* --veth: the far end, and what its application read. */
	struct tg_tcp_far_end *veth;
	bool rx_known;
	uint64_t received_bytes;
	unsigned int eof_clean;
};

/* tcp_flows.c */
int tcp_ack_open(struct tcp_run *r);
int tcp_flows_connect(struct tcp_run *r);
int tcp_gen_open(struct tcp_run *r);
int tcp_flows_own(struct tcp_run *r);
int tcp_flow_read(const struct tcp_run *r, unsigned int i, struct tcp_flow *st);
uint64_t tcp_flow_acked(const struct tcp_run *r, unsigned int i, const struct tcp_flow *st);
uint32_t tcp_tsval_now(const struct tcp_run *r, unsigned int i);

/* tcp_ctl.c */
void tcp_flow_probe(struct tcp_run *r, unsigned int i, const struct tcp_flow *st);
void tcp_flows_close(struct tcp_run *r);
void tcp_flows_release(struct tcp_run *r);

/* tcp_send.c */
int tcp_send(struct tcp_run *r, struct tg_live_result *res);
void tcp_drain(struct tcp_run *r);

/* tcp_report.c */
/* --cc's words, indexed by TCP_CC_* (bpf/tcp_cc.h), NULL-terminated. */
extern const char *const tcp_cc_names[];
/* The run's totals so far; final once its calls have returned (see tg_txerr_read_final). */
struct tcp_totals tcp_read_totals(struct tcp_run *r, bool final);
void tcp_print_start(struct tcp_run *r);
void tcp_print_interval(struct tcp_run *r, uint64_t elapsed_ns);
/* --veth, for -v: each flow's bytes acknowledged next to those its receiver read. */
void tcp_report_receiver(struct tcp_run *r);
void tcp_print_summary(struct tcp_run *r);

#endif
