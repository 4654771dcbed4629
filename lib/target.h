/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TARGET_H
#define TG_TARGET_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"
#include "iface.h"

struct bpf_link;
struct xdp_pass_bpf;

/*
 * An interface that live frames are redirected to, made ready for the run:
 * it must be up and have ndo_xdp_xmit. Many drivers set up their XDP
 * transmit rings only while an XDP program is attached to the device, so
 * when the feature is missing and nothing is attached we attach a pass
 * program for the run, through a link the kernel drops with the process.
 */
struct tg_target {
	struct tg_iface iface;
	bool features_known;
	uint64_t features;
	struct xdp_pass_bpf *pass;	/* attached by us, or NULL */
	struct bpf_link *link;
};

/*
 * Returns 0, or -errno with err saying what to do: -ENODEV no such
 * interface, -ENETDOWN down, -EOPNOTSUPP cannot take redirects (for a veth:
 * what to change on its peer).
 */
int tg_target_open(const char *name, struct tg_target *t, struct tg_err *err);
void tg_target_close(struct tg_target *t);

#endif
