/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_XDPTEST_BED_H
#define TG_XDPTEST_BED_H

#include "errbuf.h"
#include "iface.h"

/*
 * `xdptest --veth`: one throwaway namespace holding two veth pairs, the tx
 * end and the device under test (198.18.0.1/24), and a redirect target
 * with the peer where redirected frames are counted. Held only by a file
 * descriptor of this process: gone with it however it exits.
 */
struct tg_xt_bed {
	int orig_ns, ns;
	char tx[IF_NAMESIZE], dut[IF_NAMESIZE], rd[IF_NAMESIZE], rd_peer[IF_NAMESIZE];
};

#define TG_XT_BED_DUT_ADDR "198.18.0.1/24"

/* Leaves the calling thread in the bed's namespace. */
int tg_xt_bed_create(struct tg_xt_bed *b, unsigned int queues, struct tg_err *err);
/* Back to the caller's namespace; the bed goes with its last reference. */
void tg_xt_bed_destroy(struct tg_xt_bed *b);

#endif
