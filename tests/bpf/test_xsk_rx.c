// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/xsk_rx under BPF_PROG_TEST_RUN (normal mode), as a fixture table:
 * {description, filter, frame, expected verdict, expected counts}. With no
 * socket in the XSKMAP, a frame the filter takes falls back to XDP_PASS
 * and counts as no_socket: that is the redirect's map lookup seen from
 * here (e2e/test_xsk.sh has frames reach a socket). Frames the filter
 * leaves go to the stack, counted as the sink counts them.
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
#include <bpf/libbpf.h>
#include "harness.h"
#include "packet.h"
#include "sink.h"
#include "sink/xsk_load.h"
#include "xsk_rx.h"
#include "xsk_rx.skel.h"

static int test_cpu;

struct fixture {
	const char *desc;
	uint8_t proto;			/* the filter: SINK_PROTO_ANY or IPPROTO_* */
	bool port_filter;
	uint16_t port_lo, port_hi;
	uint16_t dport;			/* of the UDP frame */
	uint32_t cut;			/* frame cut to this length; 0: whole */
	int verdict;
	struct xsk_rx_pcpu want;
};

static const struct fixture fixtures[] = {
	{ "no filter: the frame is the socket's (none here: passed)", SINK_PROTO_ANY, false, 0, 0,
	  9, 0, XDP_PASS, { .no_socket = 1 } },
	{ "port 9 filter, to port 9", IPPROTO_UDP, true, 9, 9, 9, 0, XDP_PASS, { .no_socket = 1 } },
	{ "port 9 filter, to port 10: ignored", IPPROTO_UDP, true, 9, 9, 10, 0, XDP_PASS,
	  { .ignored = 1 } },
	{ "tcp filter, a UDP frame: ignored", IPPROTO_TCP, false, 0, 0, 9, 0, XDP_PASS,
	  { .ignored = 1 } },
	{ "port filter, cut inside UDP: truncated, passed", IPPROTO_UDP, true, 9, 9, 9, 38,
	  XDP_PASS, { .truncated = 1 } },
	{ "no filter, cut inside UDP: the socket's (userspace counts it truncated)",
	  SINK_PROTO_ANY, false, 0, 0, 9, 38, XDP_PASS, { .no_socket = 1 } },
};

static void test_frame(void **state)
{
	const struct fixture *f = *state;
	struct sink_cfg cfg = { .proto = f->proto, .port_filter = f->port_filter,
				.port_lo = f->port_lo, .port_hi = f->port_hi };
	struct tg_udp_spec spec = { .family = AF_INET, .ttl = 64, .frame_len = 100,
				    .sport = 1, .dport = f->dport };
	struct xsk_rx_pcpu got, zero = { 0 };
	uint8_t frame[100], out[100];
	struct tg_err err = { "" };
	struct xsk_rx_bpf *skel;
	uint32_t len;
	int verdict;

	inet_pton(AF_INET, "198.18.0.2", &spec.src.v4);
	inet_pton(AF_INET, "198.18.1.1", &spec.dst.v4);
	if (tg_build_udp(&spec, frame, sizeof(frame), NULL, &err))
		fail_msg("%s: %s", f->desc, err.msg);
	if (tg_xsk_rx_load(&skel, &cfg, 2, &err))
		fail_msg("%s: %s", f->desc, err.msg);
	th_pcpu_write(skel->maps.stats, test_cpu, &zero, sizeof(zero));
	len = f->cut ? f->cut : sizeof(frame);
	verdict = th_test_run(f->desc, bpf_program__fd(skel->progs.xsk_rx), frame, len, out,
			      sizeof(out), NULL);
	assert_int_equal(verdict, f->verdict);
	th_pcpu_read(skel->maps.stats, test_cpu, &got, sizeof(got));
	assert_int_equal(got.ignored, f->want.ignored);
	assert_int_equal(got.truncated, f->want.truncated);
	assert_int_equal(got.no_socket, f->want.no_socket);
	xsk_rx_bpf__destroy(skel);
}

int main(void)
{
	const struct th_rows rows[] = { TH_ROWS(fixtures, test_frame) };

	return th_run_group("xsk_rx", &test_cpu, rows, 1, NULL, 0);
}
