/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_XDPTEST_RUN_H
#define TG_XDPTEST_RUN_H

/*
 * One check of `trafficgen xdptest` on real interfaces: the program under
 * test attached to the DUT through a link, live frames sent out of the tx
 * interface, the outcome judged by a counter that is not the DUT's program.
 */
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include "errbuf.h"
#include "iface.h"
#include "xdptest/check.h"

struct tg_xt_setup {
	struct tg_iface tx, dut;
	/*
	 * The tx interface takes redirected frames only while it has an XDP
	 * program (drivers that set up their XDP rings then): every check
	 * attaches a pass program to it.
	 */
	bool tx_needs_prog;
	bool have_rd;			/* a redirect target and its peer */
	struct tg_iface rd, rd_peer;
	struct in_addr src, dst;	/* dst: the DUT's address */
	uint16_t port;			/* UDP destination, host order */
	unsigned int nthreads;
	const int *cpus;
	uint64_t count;			/* frames a pass */
};

/*
 * Runs check c with frames of `size` bytes on the wire into row: at full
 * rate, then, when frames were lost, paced at rates the DUT keeps up with.
 * Returns 0, -EINTR when a signal stopped it, or a negative errno with err
 * set. Whatever it attached is gone when it returns.
 */
int tg_xt_run_check(const struct tg_xt_setup *s, enum tg_xt_check c, uint32_t size,
		    struct tg_xt_row *row, struct tg_err *err);

#endif
