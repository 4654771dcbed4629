// SPDX-License-Identifier: GPL-2.0
/*
 * udp --pcap-out: a dry run. The real generator program runs under
 * BPF_PROG_TEST_RUN in its normal mode (data_in -> data_out), so the file
 * holds exactly the frames it would send, fields, sizes, tags and
 * checksums included, and nothing is transmitted: no interface that takes
 * redirects is needed, or any interface at all with -M (and -A for IPv4).
 *
 * The threads are played in turn on one CPU, a batch (or with --rate a
 * burst) each, swapping each thread's per-CPU state in and out, so that
 * the file interleaves them as a run would. Time stamps are the pacing
 * schedule with --rate (slot k of every thread at start + k * interval),
 * else the time each frame was made.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "dryrun.h"
#include "log.h"
#include "percpu.h"
#include "pcap_write.h"
#include "print.h"
#include "udp.h"
#include "udp_gen.skel.h"

struct dry {
	struct udp_run *r;
	struct tg_pcapw w;
	uint64_t start_ns;
	uint64_t k0;			/* the current thread's frames before this batch */
	uint64_t written, bytes, dropped;
};

static uint64_t stamp_of(const struct dry *d, uint64_t k)
{
	const struct udp_run *r = d->r;

	if (!r->paced)
		return tg_now_ns();
	return tg_pace_slot_time(&r->pace, d->start_ns, k / r->pace.burst);
}

static int on_frame(void *arg, uint64_t k, const void *data, uint32_t len, int verdict)
{
	struct dry *d = arg;

	/* The program drops what it would not send (a bug if it happens). */
	if (verdict != XDP_REDIRECT) {
		d->dropped++;
		return 0;
	}
	tg_pcapw_write(&d->w, stamp_of(d, d->k0 + k), len, data, len);
	d->written++;
	d->bytes += len;
	return 0;
}

/* Thread state in and out of the per-CPU slot of the CPU we run on. */
static int swap_state(struct udp_run *r, int cpu, struct udp_gen_pcpu *st, bool in)
{
	int ret;

	if (in) {
		memset(r->pcpu, 0, sizeof(*r->pcpu) * r->ncpus);
		r->pcpu[cpu] = *st;
		return tg_percpu_write(r->skel->maps.pcpu, 0, r->pcpu, sizeof(*r->pcpu), r->ncpus);
	}
	ret = tg_percpu_read(r->skel->maps.pcpu, 0, r->pcpu, sizeof(*r->pcpu), r->ncpus);
	if (!ret)
		*st = r->pcpu[cpu];
	return ret;
}

static void summary(const struct udp_run *r, const struct dry *d)
{
	struct tg_print p;

	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_print_u64(&p, TG_PRINT_ANY, "written", "wrote %llu frames", d->written);
	tg_print_u64(&p, TG_PRINT_ANY, "bytes", " (%llu bytes)", d->bytes);
	tg_print_str(&p, TG_PRINT_ANY, "file", " to %s", r->o.pcap_out);
	tg_print_text(&p, "; nothing was sent");
	tg_print_close(&p);
}

static int play(struct udp_run *r, struct dry *d, struct udp_gen_pcpu *st)
{
	struct tg_live_cfg split = { .count = r->o.num, .nthreads = r->o.threads };
	uint32_t step = r->paced ? r->pace.burst : r->o.batch;
	int cpu = r->cpus[0], ret = 0;
	struct tg_err err = { "" };
	uint64_t done[TG_LIVE_MAX_THREADS] = { 0 }, left = r->o.num;
	unsigned int t;

	while (left) {
		for (t = 0; t < r->o.threads && left; t++) {
			uint64_t quota = tg_live_quota(&split, t), n = quota - done[t];
			struct tg_dry_cfg c = {
				.prog_fd = r->prog_fd,
				.frame = r->frame, .frame_len = r->layout.len,
				.count = n < step ? n : step,
				.on_frame = on_frame, .arg = d,
			};

			if (!n)
				continue;
			if (r->o.threads > 1 || !done[t])
				ret = swap_state(r, cpu, &st[t], true);
			d->k0 = done[t];
			if (!ret && tg_dry_run(&c, &err))
				ret = -EIO;
			if (!ret && r->o.threads > 1)
				ret = swap_state(r, cpu, &st[t], false);
			if (ret) {
				tg_error("--pcap-out: %s\n", err.msg[0] ? err.msg : strerror(-ret));
				return ret;
			}
			done[t] += c.count;
			left -= c.count;
		}
	}
	return 0;
}

int udp_dry_run(struct udp_run *r)
{
	struct dry d = { .r = r };
	struct tg_err err = { "" };
	struct udp_gen_pcpu *st;
	unsigned int t;
	int ret;

	st = calloc(r->o.threads, sizeof(*st));
	if (!st)
		return TG_EXIT_FAIL;
	for (t = 0; t < r->o.threads; t++)
		udp_thread_state(r, t, &st[t]);
	ret = tg_cpu_pin(pthread_self(), r->cpus[0]);
	if (ret) {
		tg_error("--pcap-out: could not run on CPU %d: %s\n", r->cpus[0], strerror(-ret));
		free(st);
		return TG_EXIT_FAIL;
	}
	if (tg_pcapw_open(&d.w, r->o.pcap_out, TG_MAX_FRAME_LEN, &err)) {
		tg_error("--pcap-out %s: %s\n", r->o.pcap_out, err.msg);
		free(st);
		return TG_EXIT_FAIL;
	}
	/* Every --json run starts with a start line; a dry run too. */
	r->mode->print_start(r);
	d.start_ns = tg_now_ns();
	ret = play(r, &d, st);
	free(st);
	if (tg_pcapw_close(&d.w, &err)) {
		tg_error("--pcap-out: %s\n", err.msg);
		return TG_EXIT_FAIL;
	}
	if (ret)
		return TG_EXIT_FAIL;
	if (d.dropped)
		tg_warn("the program dropped %llu frames instead of sending them\n",
			(unsigned long long)d.dropped);
	summary(r, &d);
	return TG_EXIT_OK;
}
