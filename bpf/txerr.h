/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TXERR_H
#define TG_TXERR_H

/*
 * Transmit failures of XDP redirects, counted from the xdp tracepoints
 * (tp_btf, so no tracefs is needed). A live-frame run reports no per-frame
 * errors to userspace; a frame a target's ring refused only shows here, or
 * in the target's own counters where userspace can read them (a veth's:
 * lib/txerr.c then leaves xdp_devmap_xmit unattached).
 */
#include <linux/types.h>

#define TXERR_MAX_TARGETS 8

struct txerr_cfg {
	__u32 ntargets;
	__u32 ifindex[TXERR_MAX_TARGETS];
	/*
	 * The targets' network namespace (its proc inode number), 0 for any:
	 * an ifindex is only unique within one, and every new namespace
	 * numbers its devices from 1, so another run's veth elsewhere may
	 * carry the same index as ours.
	 */
	__u32 netns_ino;
};

/* Per-CPU, indexed like txerr_cfg.ifindex. */
struct txerr_counts {
	__u64 xmit_drops;	/* xdp_devmap_xmit: frames ndo_xdp_xmit did not take */
	__u64 redirect_errs;	/* xdp_redirect_err: redirects that failed at once */
};

#endif
