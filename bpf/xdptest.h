/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_XDPTEST_H
#define TG_XDPTEST_H

/*
 * Shared by bpf/xdptest.bpf.c and `trafficgen xdptest`: the one program
 * the checklist attaches, to the device under test with the verdict under
 * test, and to the interfaces where the frames are counted (the tx end for
 * the tx check, the redirect target's peer) with XDP_PASS or XDP_DROP.
 */
#include <linux/types.h>

/* What the program does with the frames of the run (cfg.verdict). */
enum xdptest_verdict {
	XDPTEST_PASS,		/* XDP_PASS: on to the stack */
	XDPTEST_DROP,		/* XDP_DROP */
	XDPTEST_TX,		/* MACs swapped, XDP_TX: back out of the device */
	XDPTEST_REDIRECT,	/* XDP_REDIRECT through the devmap's entry 0 */
};

struct xdptest_cfg {
	__u32 verdict;		/* enum xdptest_verdict */
	__u16 dport;		/* UDP destination port of the run's frames, network order */
	__u16 pad;
};

/*
 * Per CPU. Frames of the run are IPv4/UDP to cfg.dport; everything else
 * (ARP, the stack's own frames) is counted apart and passed untouched.
 */
struct xdptest_pcpu {
	__u64 frames;		/* frames of the run, given the verdict */
	__u64 bytes;
	__u64 others;		/* other frames, passed */
};

#endif
