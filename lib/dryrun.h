/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_DRYRUN_H
#define TG_DRYRUN_H

#include <stdint.h>
#include "errbuf.h"

/*
 * A dry run: an XDP program run by BPF_PROG_TEST_RUN in its normal mode
 * (data_in -> data_out, nothing transmitted, no target interface needed),
 * once per frame, each output handed to a callback. This is how `udp
 * --pcap-out` shows what the real program would send. The caller pins the
 * calling thread to the CPU whose per-CPU state the program should use.
 *
 * Unlike live mode, each call starts from the frame given: the program
 * sees the template every time, which it must handle anyway (live pages
 * start as the template).
 */
struct tg_dry_cfg {
	int prog_fd;
	const void *frame;
	uint32_t frame_len;
	uint64_t count;			/* calls to make */
	/*
	 * Called with each output (len bytes at data) and the program's
	 * verdict; a negative return ends the run with that error.
	 */
	int (*on_frame)(void *arg, uint64_t k, const void *data, uint32_t len,
			int verdict);
	void *arg;
};

/* 0, or -errno with err set (a test run failed, or the callback's error). */
int tg_dry_run(const struct tg_dry_cfg *cfg, struct tg_err *err);

#endif
