// SPDX-License-Identifier: GPL-2.0
/*
 * The userspace rewrite (lib/udp/rewrite.c, what `udp --xsk` sends) against
 * bpf/udp_gen under BPF_PROG_TEST_RUN: for the same config and starting
 * thread state, every frame must be byte-identical, its length too. The
 * stamp's transmit time is the one value the two cannot share, so the
 * userspace frame takes the program's.
 *
 * The userspace side rewrites one buffer over and over, as a UMEM frame is
 * reused, so stale headers of the previous frame must not show through.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include "harness.h"
#include "harness_udp.h"
#include "udp/cfg.h"
#include "udp/rewrite.h"
#include "wire.h"

#define FRAMES 2000

static int test_cpu;

struct fixture {
	const char *desc;
	int family;
	const char *src, *dst, *sport, *dport;
	uint32_t frame_len;
	unsigned int nthreads, thread;
	bool stamp, sizes, no_ring;
	uint64_t count;		/* -n: stamps in their form with the thread's total */
};

/* Lengths of the size wheel rows, in wheel order (a stamped IPv6 frame needs 86 bytes). */
static const uint16_t wheel[] = { 90, 1514, 128, 3408, 200, 90 };

static const struct fixture fixtures[] = {
	{ "v4 nothing varies", AF_INET, "10.0.0.1", "10.1.0.1", "1234", "5678", 60, 1, 0 },
	{ "v4 nothing varies, stamped", AF_INET, "10.0.0.1", "10.1.0.1", "1234", "5678", 128, 1, 0, true },
	{ "v4 all four, ring", AF_INET, "10.0.0.1-10.0.0.3", "10.1.255.254-10.2.0.1", "10000-10004", "65534-65535", 60, 1, 0 },
	{ "v4 all four, computed", AF_INET, "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 60, 1, 0, false, false, true },
	{ "v4 all four, computed, stamped, 3 threads, thread 2", AF_INET, "10.0.0.1-10.0.0.37", "10.1.255.240-10.2.0.20", "10000-10999", "65000-65535", 1514, 3, 2, true, false, true },
	{ "v4 ring, stamped, 3 threads, thread 1", AF_INET, "10.0.0.1-10.0.0.3", "10.1.0.1", "1-4", "7", 128, 3, 1, true },
	{ "v4 sizes, ports and addresses, stamped", AF_INET, "10.0.0.1-10.0.0.37", "10.1.0.1", "10000-10999", "7", 0, 1, 0, true, true },
	{ "v6 nothing varies", AF_INET6, "2001:db8::1", "2001:db8:1::1", "1234", "5678", 62, 1, 0 },
	{ "v6 all four, ring", AF_INET6, "2001:db8::a-2001:db8::c", "2001:db8:1::1:ffff-2001:db8:1::2:0", "10000-10002", "1-2", 62, 1, 0 },
	{ "v6 all four, computed, stamped", AF_INET6, "2001:db8::a-2001:db8::2e", "2001:db8:1::1:fff0-2001:db8:1::2:14", "10000-10999", "65000-65535", 3408, 1, 0, true, false, true },
	{ "v6 /96, computed, 3 threads, thread 2", AF_INET6, "2001:db8::-2001:db8::ffff:ffff", "2001:db8:1::1", "0-65535", "5678", 62, 3, 2, false, false, true },
	{ "v6 sizes, stamped", AF_INET6, "2001:db8::a-2001:db8::2e", "2001:db8:1::1", "1234", "5678", 0, 1, 0, true, true },
	{ "v4 ring, stamped with -n 100001, 3 threads, thread 1", AF_INET, "10.0.0.1-10.0.0.3", "10.1.0.1", "1-4", "7", 128, 3, 1, true, false, false, 100001 },
	{ "v6 computed, stamped with -n 5000", AF_INET6, "2001:db8::a-2001:db8::2e", "2001:db8:1::1", "10000-10999", "5678", 200, 1, 0, true, false, true, 5000 },
};

static struct tg_udp_params params_of(const struct fixture *f)
{
	struct tg_udp_params p = th_udp_params(f->desc, f->family, f->frame_len, f->nthreads,
					       f->src, f->dst, f->sport, f->dport);

	p.stamp = f->stamp;
	p.count = f->count;
	p.stream_base = 0x4200;
	p.no_ring = f->no_ring;
	if (f->sizes) {
		p.sizes = wheel;
		p.nsizes = sizeof(wheel) / sizeof(wheel[0]);
	}
	return p;
}

struct bufs {
	struct udp_gen_cfg cfg;
	uint8_t tmpl[TG_MAX_FRAME_LEN];
	uint8_t out[TG_MAX_FRAME_LEN];
	uint8_t frame[TG_MAX_FRAME_LEN];
};

static void test_same_frames(void **state)
{
	const struct fixture *f = *state;
	struct tg_udp_params p = params_of(f);
	struct bufs *b = calloc(1, sizeof(*b));
	struct udp_gen_pcpu pc;
	struct tg_err err = { "" };
	struct tg_udp_gen g;
	uint8_t *ring = NULL;
	uint64_t rng = 1, k;

	assert_non_null(b);
	g = th_udp_gen_load(f->desc, &p, &b->cfg, b->tmpl);
	if (b->cfg.ring_len) {
		ring = calloc(b->cfg.ring_len, tg_udp_cfg_ring_entry(&b->cfg));
		assert_non_null(ring);
		if (tg_udp_cfg_ring(&p, &b->cfg, ring, &err))
			fail_msg("%s: %s", f->desc, err.msg);
	}
	/* Each path of the rewrite must be met by some row. */
	if (f->no_ring && b->cfg.ring_len)
		fail_msg("%s: a ring where the row wants the computed path", f->desc);
	if (f->count && !b->cfg.stamp_total)
		fail_msg("%s: -n with room for it, but no total in the stamps", f->desc);
	/* Both sides start from one state, the thread's total in it as udp sets it. */
	tg_udp_cfg_thread_init(&b->cfg, f->thread, &pc);
	pc.stamp_total = tg_udp_stamp_total(&p, f->thread);
	th_pcpu_write(g.skel->maps.pcpu, test_cpu, &pc, sizeof(pc));
	memcpy(b->frame, b->tmpl, b->cfg.frame_len);
	for (k = 0; k < FRAMES; k++) {
		uint32_t out_len = 0, len;
		uint64_t tx = 0;
		int verdict;

		verdict = th_test_run(f->desc, g.prog_fd, b->tmpl, b->cfg.frame_len,
				      b->out, sizeof(b->out), &out_len);
		if (verdict != XDP_REDIRECT)
			fail_msg("%s: frame %llu: verdict %d", f->desc, (unsigned long long)k, verdict);
		if (f->stamp)
			tx = (uint64_t)tg_get32(b->out + b->cfg.l4_off + 8 + 16) << 32 |
			     tg_get32(b->out + b->cfg.l4_off + 8 + 20);
		len = tg_udp_rewrite(&b->cfg, ring, &pc, &rng, b->frame, tx);
		if (len != out_len)
			fail_msg("%s: frame %llu: %u bytes from userspace, %u from the program",
				 f->desc, (unsigned long long)k, len, out_len);
		th_assert_frame(b->frame, b->out, len, "%s: frame %llu", f->desc,
				(unsigned long long)k);
	}
	assert_int_equal(pc.packets, FRAMES);
	free(ring);
	udp_gen_bpf__destroy(g.skel);
	free(b);
}

int main(void)
{
	const struct th_rows rows[] = { TH_ROWS(fixtures, test_same_frames) };

	return th_run_group("udp_rewrite", &test_cpu, rows, 1, NULL, 0);
}
