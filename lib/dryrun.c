// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>
#include "dryrun.h"
#include "packet.h"

int tg_dry_run(const struct tg_dry_cfg *cfg, struct tg_err *err)
{
	/* Room past the frame: a program may grow it with bpf_xdp_adjust_tail. */
	uint8_t out[TG_MAX_FRAME_LEN + 512];
	uint64_t k;
	int ret;

	if (cfg->frame_len > TG_MAX_FRAME_LEN)
		return tg_fail(err, EINVAL, "a frame of %u bytes is above the largest, %d",
			       cfg->frame_len, TG_MAX_FRAME_LEN);
	for (k = 0; k < cfg->count; k++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = cfg->frame,
			.data_size_in = cfg->frame_len,
			.data_out = out,
			.data_size_out = sizeof(out),
			.repeat = 1,
		);

		ret = bpf_prog_test_run_opts(cfg->prog_fd, &opts);
		if (ret)
			return tg_fail(err, -ret, "running the program on frame %llu failed: %s",
				       (unsigned long long)k, strerror(-ret));
		ret = cfg->on_frame(cfg->arg, k, out, opts.data_size_out, (int)opts.retval);
		if (ret < 0)
			return tg_fail(err, -ret, "frame %llu: %s", (unsigned long long)k,
				       strerror(-ret));
	}
	return 0;
}
