// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include "udp/far_end.h"
#include "sink/load.h"
#include "sink.h"
#include "sink.skel.h"

#define SETTLE_STEP_NS 20000000L	/* 20 ms */
#define SETTLE_STEPS 50			/* a second at most */

static int load_sink(struct tg_far_end *f, struct tg_err *err)
{
	const struct sink_cfg cfg = {
		.action = XDP_DROP,
		.proto = SINK_PROTO_ANY,
		.snaplen = SINK_SNAP_MAX,
	};
	int ret = tg_sink_load(&f->skel, &cfg, 0, &f->maps, err);

	f->maps_open = !ret;
	return ret;
}

int tg_far_end_open(struct tg_far_end *f, unsigned int queues, struct tg_err *err)
{
	int ret;

	memset(f, 0, sizeof(*f));
	ret = tg_vethenv_create(&f->env, queues, err);
	if (!ret)
		ret = load_sink(f, err);
	if (!ret)
		ret = tg_vethenv_enter_sink(&f->env, err);
	if (ret)
		return ret;
	/* The interface index is looked up in the attaching thread's namespace. */
	f->link = bpf_program__attach_xdp(f->skel->progs.sink, f->env.sink_ifindex);
	if (!f->link)
		ret = tg_fail(err, errno, "could not attach the sink to %s: %s",
			      f->env.sink_if, strerror(errno));
	if (!ret)
		ret = tg_vethenv_enter_gen(&f->env, err);
	return ret;
}

int tg_far_end_read(struct tg_far_end *f, struct tg_sink_totals *t)
{
	struct timespec step = { 0, SETTLE_STEP_NS };
	uint64_t last = UINT64_MAX;
	int i, ret = 0;

	for (i = 0; i < SETTLE_STEPS; i++) {
		ret = tg_sink_maps_read(&f->maps, false, t);
		if (ret || tg_sink_received(t) == last)
			break;
		last = tg_sink_received(t);
		nanosleep(&step, NULL);
	}
	return ret ? ret : tg_sink_maps_read(&f->maps, true, t);
}

void tg_far_end_close(struct tg_far_end *f)
{
	bpf_link__destroy(f->link);
	f->link = NULL;
	if (f->maps_open)
		tg_sink_maps_close(&f->maps);
	f->maps_open = false;
	sink_bpf__destroy(f->skel);
	f->skel = NULL;
	tg_vethenv_destroy(&f->env);
}
