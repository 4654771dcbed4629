// SPDX-License-Identifier: GPL-2.0
/*
 * The sink under BPF_PROG_TEST_RUN (normal mode, one frame per run), as a
 * fixture table in the manner of katran's: {description, frame, config,
 * expected verdict, expected counter changes}. Then stamped sequences
 * through the program (the stream map read back under its lock), latency
 * of a frame stamped a little in the past, the stream table filling up,
 * and pcap records out of the ring buffer, including the ring running full.
 *
 * Frames are built with lib/packet's tg_build_udp and then changed into
 * what a fixture needs (VLAN tags, IPv4 options, TCP, ICMP, a fragment,
 * an IPv6 extension header, ARP, a stamp, a cut). The sink does not verify
 * checksums, so the changes leave the UDP checksum as it falls.
 *
 * Needs root (or CAP_BPF + CAP_NET_ADMIN).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sched.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "csum.h"
#include "sink/hist.h"
#include "packet.h"
#include "percpu.h"
#include "sink.h"
#include "sink/load.h"
#include "sink/maps.h"
#include "sink.skel.h"
#include "stamp.h"
#include "wire.h"

#define BUF_LEN 4096

/* Changes made to the built UDP frame, in this order. */
enum {
	M_STAMP = 1 << 0,	/* a tg_stamp at the start of the payload */
	M_BADMAGIC = 1 << 1,	/* ... with a wrong magic */
	M_TCP = 1 << 2,		/* IP protocol / next header becomes TCP */
	M_ICMP = 1 << 3,	/* ... ICMP or ICMPv6 */
	M_IPOPT = 1 << 4,	/* IPv4: 4 bytes of options (IHL 6) */
	M_FRAG = 1 << 5,	/* IPv4: a non-first fragment */
	M_V6EXT = 1 << 6,	/* IPv6: next header hop-by-hop */
	M_ARP = 1 << 7,		/* EtherType ARP */
	M_VLAN1 = 1 << 8,	/* one 802.1Q tag */
	M_VLAN2 = 1 << 9,	/* 802.1ad + 802.1Q */
	M_VLAN3 = 1 << 10,	/* three tags: more than the sink walks */
	M_TOTAL = 1 << 11,	/* with M_STAMP: the magic of the form with a total */
	M_FRAG0 = 1 << 12,	/* IPv4: a first fragment (MF set, offset 0) */
	M_DF = 1 << 13,		/* IPv4: don't fragment */
	M_TCI45 = 1 << 14,	/* with M_VLAN1: TCI 0x4564, so the byte after the tag type is 0x45 */
	M_LEN36 = 1 << 15,	/* IPv4: total length 36 (a 16-byte transport header) */
};

struct frame_spec {
	int family;
	uint16_t dport;
	uint32_t len;		/* as built, before the changes */
	unsigned int mods;
	uint32_t cut;		/* if not 0: run only the first cut bytes */
};

struct fixture {
	const char *desc;
	struct frame_spec f;
	struct sink_cfg cfg;
	int verdict;
	/* Expected changes: counted under the verdict, or not at all. */
	bool counted;
	uint64_t truncated, ignored, stamped;
	uint64_t records;	/* pcap records in the ring buffer */
	uint32_t caplen;
};

/* Zero action and snaplen stand for the command's defaults: drop, a page. */
#define CFG(...) { __VA_ARGS__ }
#define UDP4(port, len, m) { AF_INET, port, len, m, 0 }
#define UDP6(port, len, m) { AF_INET6, port, len, m, 0 }
#define CUT4(port, len, m, cut) { AF_INET, port, len, m, cut }
#define CUT6(port, len, m, cut) { AF_INET6, port, len, m, cut }
#define PORTS(lo, hi) .port_filter = 1, .port_lo = lo, .port_hi = hi

static const struct fixture fixtures[] = {
	/* Actions, on any frame. */
	{ "v4 udp, drop", UDP4(9, 60, 0), CFG(), XDP_DROP, true },
	{ "v4 udp, pass", UDP4(9, 60, 0), CFG(.action = XDP_PASS), XDP_PASS, true },
	{ "v4 udp, tx", UDP4(9, 60, 0), CFG(.action = XDP_TX), XDP_TX, true },
	{ "v4 udp, redirect to lo", UDP4(9, 60, 0),
	  CFG(.action = XDP_REDIRECT, .redirect_ifindex = 1), XDP_REDIRECT, true },
	{ "v6 udp, drop", UDP6(9, 62, 0), CFG(), XDP_DROP, true },
	{ "v6 udp 3408 bytes, tx", UDP6(9, 3408, 0), CFG(.action = XDP_TX), XDP_TX, true },

	/* Stamps: counted as stamped only when whole and with the magic. */
	{ "v4 stamped", UDP4(9, 100, M_STAMP), CFG(), XDP_DROP, true, .stamped = 1 },
	{ "v6 stamped", UDP6(9, 100, M_STAMP), CFG(), XDP_DROP, true, .stamped = 1 },
	{ "v4 wrong magic: not stamped", UDP4(9, 100, M_STAMP | M_BADMAGIC), CFG(),
	  XDP_DROP, true },
	{ "v4 stamp cut short: truncated, not stamped", CUT4(9, 100, M_STAMP, 60), CFG(),
	  XDP_DROP, true, .truncated = 1 },
	{ "v4 tcp with a stamp's bytes: not stamped", UDP4(9, 100, M_STAMP | M_TCP),
	  CFG(), XDP_DROP, true },
	{ "v4 options (IHL 6), stamped", UDP4(9, 100, M_STAMP | M_IPOPT),
	  CFG(.proto = IPPROTO_UDP, PORTS(9, 9)), XDP_DROP, true, .stamped = 1 },

	/*
	 * With no filter and no capture, untagged IPv4 UDP frames skip the parse
	 * (sink.bpf.c's simple_udp4): each of these takes that test's other way,
	 * or its edge, and must come out as the parse would have it.
	 */
	{ "v4 stamped, form with a total", UDP4(9, 100, M_STAMP | M_TOTAL), CFG(), XDP_DROP,
	  true, .stamped = 1 },
	{ "v4 DF set, plain", UDP4(9, 60, M_DF), CFG(), XDP_DROP, true },
	{ "v4 DF set, stamped", UDP4(9, 100, M_STAMP | M_DF), CFG(), XDP_DROP, true,
	  .stamped = 1 },
	{ "v4 first fragment (MF), stamped", UDP4(9, 100, M_STAMP | M_FRAG0), CFG(), XDP_DROP,
	  true, .stamped = 1 },
	{ "v4 later fragment with a stamp's bytes: not stamped", UDP4(9, 100, M_STAMP | M_FRAG),
	  CFG(), XDP_DROP, true },
	{ "v4 options (IHL 6), no filter, stamped", UDP4(9, 100, M_STAMP | M_IPOPT), CFG(),
	  XDP_DROP, true, .stamped = 1 },
	{ "v4 options (IHL 6), no filter, plain", UDP4(9, 100, M_IPOPT), CFG(), XDP_DROP, true },
	{ "v4 plain cut short: truncated", CUT4(9, 100, 0, 60), CFG(), XDP_DROP, true,
	  .truncated = 1 },
	{ "v4 tcp, 50 bytes, total length 36: its header cut short: truncated",
	  CUT4(9, 60, M_TCP | M_LEN36, 50), CFG(),
	  XDP_DROP, true, .truncated = 1 },
	{ "802.1Q v4 stamped, no filter, TCI 0x4564", UDP4(9, 100, M_STAMP | M_VLAN1 | M_TCI45),
	  CFG(), XDP_DROP, true, .stamped = 1 },
	{ "v4 60 bytes: a stamp's magic, no room for the stamp: not stamped",
	  UDP4(9, 60, M_STAMP), CFG(), XDP_DROP, true },

	/* VLANs. */
	{ "802.1Q v4 stamped", UDP4(9, 100, M_STAMP | M_VLAN1),
	  CFG(.proto = IPPROTO_UDP), XDP_DROP, true, .stamped = 1 },
	{ "802.1ad+802.1Q v6 stamped, port filter", UDP6(5000, 100, M_STAMP | M_VLAN2),
	  CFG(PORTS(5000, 5000)), XDP_DROP, true, .stamped = 1 },
	{ "three tags: not parsed, proto udp misses", UDP4(9, 100, M_VLAN3),
	  CFG(.proto = IPPROTO_UDP), XDP_PASS, false, .ignored = 1 },
	{ "three tags: counted under proto any", UDP4(9, 100, M_VLAN3), CFG(),
	  XDP_DROP, true },
	{ "802.1Q tag cut in half: truncated", CUT4(9, 60, M_VLAN1, 16), CFG(),
	  XDP_DROP, true, .truncated = 1 },

	/* Protocol filter. */
	{ "proto udp: udp matches", UDP4(9, 60, 0), CFG(.proto = IPPROTO_UDP),
	  XDP_DROP, true },
	{ "proto udp: tcp passed uncounted", UDP4(9, 60, M_TCP), CFG(.proto = IPPROTO_UDP),
	  XDP_PASS, false, .ignored = 1 },
	{ "proto tcp: v6 tcp matches", UDP6(9, 100, M_TCP), CFG(.proto = IPPROTO_TCP),
	  XDP_DROP, true },
	{ "proto tcp: udp passed uncounted", UDP6(9, 100, 0), CFG(.proto = IPPROTO_TCP),
	  XDP_PASS, false, .ignored = 1 },
	{ "proto icmp: icmp matches", UDP4(9, 60, M_ICMP), CFG(.proto = IPPROTO_ICMP),
	  XDP_DROP, true },
	{ "proto icmp: icmpv6 matches", UDP6(9, 62, M_ICMP), CFG(.proto = IPPROTO_ICMP),
	  XDP_DROP, true },
	{ "proto icmp: udp passed uncounted", UDP4(9, 60, 0), CFG(.proto = IPPROTO_ICMP),
	  XDP_PASS, false, .ignored = 1 },
	{ "proto udp: ARP passed uncounted", UDP4(9, 60, M_ARP), CFG(.proto = IPPROTO_UDP),
	  XDP_PASS, false, .ignored = 1 },
	{ "proto any: ARP counted", UDP4(9, 60, M_ARP), CFG(), XDP_DROP, true },
	{ "proto udp: v4 non-first fragment passed", UDP4(9, 60, M_FRAG),
	  CFG(.proto = IPPROTO_UDP), XDP_PASS, false, .ignored = 1 },
	{ "proto udp: v6 extension header is other", UDP6(9, 100, M_V6EXT | M_STAMP),
	  CFG(.proto = IPPROTO_UDP), XDP_PASS, false, .ignored = 1 },
	{ "proto any: v6 extension header counted, not stamped",
	  UDP6(9, 100, M_V6EXT | M_STAMP), CFG(), XDP_DROP, true },

	/* Port filter. */
	{ "ports 5000-5010: udp 5005 matches", UDP4(5005, 60, 0), CFG(PORTS(5000, 5010)),
	  XDP_DROP, true },
	{ "ports 5000-5010: udp 4999 passed", UDP4(4999, 60, 0), CFG(PORTS(5000, 5010)),
	  XDP_PASS, false, .ignored = 1 },
	{ "ports 5000-5010: udp 5011 passed", UDP6(5011, 62, 0), CFG(PORTS(5000, 5010)),
	  XDP_PASS, false, .ignored = 1 },
	{ "ports 5000-5010: tcp 5010 matches", UDP6(5010, 100, M_TCP),
	  CFG(PORTS(5000, 5010)), XDP_DROP, true },
	{ "ports 5000-5010: icmp passed", UDP4(5005, 60, M_ICMP), CFG(PORTS(5000, 5010)),
	  XDP_PASS, false, .ignored = 1 },
	{ "tcp ports 5000-5010: udp 5005 passed", UDP4(5005, 60, 0),
	  CFG(.proto = IPPROTO_TCP, PORTS(5000, 5010)), XDP_PASS, false, .ignored = 1 },

	/* Truncated frames: the action under no filter, passed under one. */
	{ "ethernet header only: truncated", CUT4(9, 60, 0, 14), CFG(.action = XDP_TX),
	  XDP_TX, true, .truncated = 1 },
	{ "v4 header cut: truncated", CUT4(9, 60, 0, 30), CFG(), XDP_DROP, true,
	  .truncated = 1 },
	{ "v4 udp header cut: truncated", CUT4(9, 60, 0, 38), CFG(), XDP_DROP, true,
	  .truncated = 1 },
	{ "v4 options cut: truncated", CUT4(9, 60, M_IPOPT, 36), CFG(), XDP_DROP, true,
	  .truncated = 1 },
	{ "v4 shorter than its total length: truncated", CUT4(9, 100, 0, 90), CFG(),
	  XDP_DROP, true, .truncated = 1 },
	{ "v6 shorter than its payload length: truncated", CUT6(9, 100, 0, 99), CFG(),
	  XDP_DROP, true, .truncated = 1 },
	{ "v6 tcp header cut: truncated", CUT6(9, 100, M_TCP, 70), CFG(), XDP_DROP, true,
	  .truncated = 1 },
	{ "truncated under proto udp: passed", CUT4(9, 60, 0, 38),
	  CFG(.proto = IPPROTO_UDP), XDP_PASS, false, .truncated = 1 },
	{ "truncated under a port filter: passed", CUT6(9, 62, 0, 60),
	  CFG(PORTS(9, 9)), XDP_PASS, false, .truncated = 1 },

	/* Recording. */
	{ "pcap: 60-byte frame recorded whole", UDP4(9, 60, 0), CFG(.pcap = 1),
	  XDP_DROP, true, .records = 1, .caplen = 60 },
	{ "pcap: 200-byte v6 frame recorded whole", UDP6(9, 200, M_STAMP), CFG(.pcap = 1),
	  XDP_DROP, true, .stamped = 1, .records = 1, .caplen = 200 },
	{ "pcap: 3408-byte frame recorded whole", UDP4(9, 3408, 0), CFG(.pcap = 1),
	  XDP_DROP, true, .records = 1, .caplen = 3408 },
	{ "pcap: snaplen 64 of 1000 bytes", UDP4(9, 1000, 0), CFG(.pcap = 1, .snaplen = 64),
	  XDP_DROP, true, .records = 1, .caplen = 64 },
	{ "pcap: snaplen 700 of 1500 bytes", UDP6(9, 1500, 0),
	  CFG(.pcap = 1, .snaplen = 700), XDP_DROP, true, .records = 1, .caplen = 700 },
	{ "pcap: truncated frame recorded as is", CUT4(9, 60, 0, 38), CFG(.pcap = 1),
	  XDP_DROP, true, .truncated = 1, .records = 1, .caplen = 38 },
	{ "pcap: unmatched frame not recorded", UDP4(9, 60, 0),
	  CFG(.pcap = 1, .proto = IPPROTO_TCP), XDP_PASS, false, .ignored = 1 },

	/* Everything at once: the verifier sees each combination it is loaded with. */
	{ "all at once: redirect, udp 9-10, snaplen 100, stamped v6 in QinQ",
	  UDP6(9, 300, M_STAMP | M_VLAN2),
	  CFG(.action = XDP_REDIRECT, .redirect_ifindex = 1, .proto = IPPROTO_UDP,
	      PORTS(9, 10), .pcap = 1, .snaplen = 100),
	  XDP_REDIRECT, true, .stamped = 1, .records = 1, .caplen = 100 },
	{ "all at once: tx, tcp 9-10, pcap: v4 tcp with options recorded",
	  UDP4(10, 1400, M_TCP | M_IPOPT | M_VLAN1),
	  CFG(.action = XDP_TX, .proto = IPPROTO_TCP, PORTS(9, 10), .pcap = 1),
	  XDP_TX, true, .records = 1, .caplen = 1408 },
};

#define NFIXTURES (sizeof(fixtures) / sizeof(fixtures[0]))

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Opens a gap of n bytes at off in a frame of *len bytes. */
static void insert(uint8_t *buf, uint32_t *len, uint32_t off, const void *bytes, uint32_t n)
{
	assert_true(*len + n <= BUF_LEN);
	memmove(buf + off + n, buf + off, *len - off);
	memcpy(buf + off, bytes, n);
	*len += n;
}

static void ip4_fix_csum(uint8_t *ip)
{
	tg_put16(ip + 10, 0);
	tg_put_csum(ip + 10, tg_csum(ip, (ip[0] & 0xf) * 4));
}

static void write_stamp(uint8_t *p, uint32_t magic, uint32_t stream, uint64_t seq,
			uint64_t tx_ns)
{
	tg_put32(p, magic);
	tg_put32(p + 4, stream);
	tg_put64(p + 8, seq);
	tg_put64(p + 16, tx_ns);
}

struct frame {
	uint8_t buf[BUF_LEN];
	uint32_t len;		/* to run */
	struct tg_layout lay;	/* of the UDP frame as built */
};

static void build_udp(struct frame *fr, int family, uint16_t dport, uint32_t len)
{
	struct tg_udp_spec spec = {
		.dst_mac = { 0x02, 0, 0, 0, 0, 0x02 },
		.src_mac = { 0x02, 0, 0, 0, 0, 0x01 },
		.family = family,
		.sport = 4321,
		.dport = dport,
		.ttl = 64,
		.frame_len = len,
	};
	struct tg_err err = { "" };

	if (family == AF_INET) {
		inet_pton(AF_INET, "198.18.0.2", &spec.src.v4);
		inet_pton(AF_INET, "198.18.0.1", &spec.dst.v4);
	} else {
		inet_pton(AF_INET6, "2001:2::2", &spec.src.v6);
		inet_pton(AF_INET6, "2001:2::1", &spec.dst.v6);
	}
	if (tg_build_udp(&spec, fr->buf, sizeof(fr->buf), &fr->lay, &err))
		fail_msg("building a frame: %s", err.msg);
	fr->len = fr->lay.len;
}

static void build(struct frame *fr, const struct frame_spec *f, uint32_t stream,
		  uint64_t seq, uint64_t tx_ns)
{
	static const uint8_t nops[4] = { 1, 1, 1, 1 };
	uint8_t *l3, tag[4];
	bool v4 = f->family == AF_INET;
	unsigned int m = f->mods, i, tags;

	build_udp(fr, f->family, f->dport, f->len);
	l3 = fr->buf + fr->lay.l3_off;
	if (m & M_STAMP)
		write_stamp(fr->buf + fr->lay.payload_off,
			    m & M_BADMAGIC ? 0x7467656f : m & M_TOTAL ? TG_STAMP_MAGIC_TOTAL :
			    TG_STAMP_MAGIC, stream, seq, tx_ns);
	if (m & (M_TCP | M_ICMP | M_V6EXT)) {
		uint8_t proto = m & M_TCP ? IPPROTO_TCP :
				m & M_V6EXT ? 0 /* hop-by-hop */ :
				v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6;

		if (v4)
			l3[9] = proto;
		else
			l3[6] = proto;
	}
	if ((m & M_FRAG) && v4)
		tg_put16(l3 + 6, 185);	/* offset 1480, DF off */
	if ((m & M_FRAG0) && v4)
		tg_put16(l3 + 6, 0x2000);
	if ((m & M_DF) && v4)
		tg_put16(l3 + 6, 0x4000);
	if ((m & M_LEN36) && v4)
		tg_put16(l3 + 2, 36);
	if ((m & M_IPOPT) && v4) {
		insert(fr->buf, &fr->len, fr->lay.l3_off + 20, nops, 4);
		l3[0] = 0x46;
		tg_put16(l3 + 2, fr->len - fr->lay.l3_off);
	}
	if (v4)
		ip4_fix_csum(l3);
	if (m & M_ARP)
		tg_put16(fr->buf + 12, 0x0806);
	tags = m & M_VLAN3 ? 3 : m & M_VLAN2 ? 2 : m & M_VLAN1 ? 1 : 0;
	for (i = 0; i < tags; i++) {
		/* Each tag goes in front of the previous: the last inserted is outermost. */
		tg_put16(tag, m & M_TCI45 ? 0x4564 : 100 + i);	/* TCI: VLAN id */
		memcpy(tag + 2, fr->buf + 12, 2);		/* what it encapsulates */
		insert(fr->buf, &fr->len, 14, tag, 4);
		tg_put16(fr->buf + 12, i + 1 == tags && tags > 1 ? 0x88a8 : 0x8100);
	}
	if (f->cut)
		fr->len = f->cut;
}

struct sink {
	struct sink_bpf *skel;
	const char *desc;
	int ncpus;
};

static void sink_load(struct sink *s, const char *desc, const struct sink_cfg *cfg,
		      uint32_t ring_bytes)
{
	struct sink_cfg c = *cfg;
	struct tg_err err = { "" };

	s->desc = desc;
	if (!c.action)
		c.action = XDP_DROP;
	if (!c.snaplen)
		c.snaplen = SINK_SNAP_MAX;
	if (tg_sink_load(&s->skel, &c, ring_bytes, NULL, &err))
		fail_msg("%s: %s", desc, err.msg);
	s->ncpus = tg_percpu_ncpus();
	assert_true(s->ncpus > 0);
}

static void sink_free(struct sink *s)
{
	sink_bpf__destroy(s->skel);
	s->skel = NULL;
}

static int sink_run(struct sink *s, const struct frame *fr)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = fr->buf,
		.data_size_in = fr->len,
		.repeat = 1,
	);
	int ret;

	ret = bpf_prog_test_run_opts(bpf_program__fd(s->skel->progs.sink), &opts);
	if (ret)
		fail_msg("%s: BPF_PROG_TEST_RUN of %u bytes: %s", s->desc, fr->len,
			 strerror(-ret));
	return (int)opts.retval;
}

/* Counters summed over CPUs. */
static struct sink_pcpu read_stats(struct sink *s)
{
	struct sink_pcpu *v = tg_percpu_alloc(sizeof(*v), s->ncpus), sum;

	assert_non_null(v);
	assert_int_equal(tg_percpu_read(s->skel->maps.stats, 0, v, sizeof(*v), s->ncpus), 0);
	tg_percpu_sum_all(v, sizeof(*v), s->ncpus, &sum);
	free(v);
	return sum;
}

/* Latency summed over CPUs; min and max over the CPUs that saw any. */
static struct sink_lat read_lat(struct sink *s)
{
	struct sink_lat *v = tg_percpu_alloc(sizeof(*v), s->ncpus), sum = { .min = UINT64_MAX };
	int cpu, i;

	assert_non_null(v);
	assert_int_equal(tg_percpu_read(s->skel->maps.lat, 0, v, sizeof(*v), s->ncpus), 0);
	for (cpu = 0; cpu < s->ncpus; cpu++) {
		if (!v[cpu].count)
			continue;
		sum.count += v[cpu].count;
		sum.sum += v[cpu].sum;
		if (v[cpu].min < sum.min)
			sum.min = v[cpu].min;
		if (v[cpu].max > sum.max)
			sum.max = v[cpu].max;
		for (i = 0; i < LATHIST_BUCKETS; i++)
			sum.buckets[i] += v[cpu].buckets[i];
	}
	free(v);
	return sum;
}

/* A stream's state as the sink's readers see it: its CPUs' merged. */
static struct seqtrack read_stream(struct sink *s, uint32_t id)
{
	int ncpus = tg_percpu_ncpus();
	struct sink_stream *v = tg_percpu_alloc(sizeof(*v), ncpus);
	struct seqtrack t;

	assert_non_null(v);
	if (tg_sink_stream_read(bpf_map__fd(s->skel->maps.streams), id, v, ncpus, &t))
		fail_msg("%s: no stream %u in the map", s->desc, id);
	free(v);
	return t;
}

/* Records taken out of the ring buffer by the callback. */
struct records {
	const struct frame *fr;
	const char *desc;
	uint64_t n;
	uint32_t caplen, len;
	uint64_t ts_ns;
};

static int on_record(void *ctx, void *data, size_t size)
{
	struct records *r = ctx;
	const struct sink_rec *rec = data;

	assert_true(size >= sizeof(*rec) + rec->caplen);
	r->n++;
	r->caplen = rec->caplen;
	r->len = rec->len;
	r->ts_ns = rec->ts_ns;
	if (r->fr && memcmp(rec + 1, r->fr->buf, rec->caplen))
		fail_msg("%s: the record's bytes differ from the frame's", r->desc);
	return 0;
}

static uint64_t drain(struct sink *s, struct records *r)
{
	struct ring_buffer *rb;
	int ret;

	rb = ring_buffer__new(bpf_map__fd(s->skel->maps.pcap_rb), on_record, r, NULL);
	assert_non_null(rb);
	ret = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	assert_true(ret >= 0);
	return r->n;
}

static void run_fixture(const struct fixture *fx)
{
	struct sink s;
	struct frame *fr = calloc(1, sizeof(*fr));
	struct records rec = { .fr = fr, .desc = fx->desc };
	struct sink_pcpu before, after;
	uint64_t t0;
	int verdict, i;

	assert_non_null(fr);
	build(fr, &fx->f, 7, 0, mono_ns() - 1000);
	sink_load(&s, fx->desc, &fx->cfg, 1 << 16);
	before = read_stats(&s);
	t0 = mono_ns();
	verdict = sink_run(&s, fr);
	after = read_stats(&s);
	if (verdict != fx->verdict)
		fail_msg("%s: verdict %d, expected %d", fx->desc, verdict, fx->verdict);
	for (i = 0; i < SINK_NACTIONS; i++) {
		uint64_t want = fx->counted && i == fx->verdict;

		if (after.packets[i] - before.packets[i] != want ||
		    after.bytes[i] - before.bytes[i] != want * fr->len)
			fail_msg("%s: counted %llu frames, %llu bytes under verdict %d, "
				 "expected %llu, %llu", fx->desc,
				 (unsigned long long)(after.packets[i] - before.packets[i]),
				 (unsigned long long)(after.bytes[i] - before.bytes[i]), i,
				 (unsigned long long)want, (unsigned long long)(want * fr->len));
	}
	if (after.truncated - before.truncated != fx->truncated ||
	    after.ignored - before.ignored != fx->ignored ||
	    after.stamped - before.stamped != fx->stamped)
		fail_msg("%s: truncated +%llu ignored +%llu stamped +%llu, expected +%llu +%llu +%llu",
			 fx->desc, (unsigned long long)(after.truncated - before.truncated),
			 (unsigned long long)(after.ignored - before.ignored),
			 (unsigned long long)(after.stamped - before.stamped),
			 (unsigned long long)fx->truncated, (unsigned long long)fx->ignored,
			 (unsigned long long)fx->stamped);
	assert_int_equal(after.pcap_dropped, 0);
	assert_int_equal(after.stream_overflow, 0);
	if (drain(&s, &rec) != fx->records)
		fail_msg("%s: %llu pcap records, expected %llu", fx->desc,
			 (unsigned long long)rec.n, (unsigned long long)fx->records);
	if (fx->records) {
		assert_int_equal(rec.caplen, fx->caplen);
		assert_int_equal(rec.len, fr->len);
		assert_true(rec.ts_ns >= t0 && rec.ts_ns <= mono_ns());
	}
	sink_free(&s);
	free(fr);
}

/* One TAP line per fixture: the fixture comes in as the test's state. */
static void test_fixture(void **state)
{
	run_fixture(*state);
}

/* Sends seqs of stream `id` through the program, stamped 1 us in the past. */
static void send_seqs(struct sink *s, int family, uint32_t id, const uint64_t *seqs,
		      size_t n)
{
	const struct frame_spec f = { family, 9, 100, M_STAMP, 0 };
	struct frame *fr = calloc(1, sizeof(*fr));
	size_t i;

	assert_non_null(fr);
	for (i = 0; i < n; i++) {
		build(fr, &f, id, seqs[i], mono_ns() - 1000);
		assert_int_equal(sink_run(s, fr), XDP_DROP);
	}
	free(fr);
}

static void assert_stream(const struct seqtrack *t, uint64_t next, uint64_t lost,
			  uint64_t reordered, uint64_t dup, uint64_t late)
{
	assert_int_equal(t->next, next);
	assert_int_equal(seqtrack_lost(t), lost);
	assert_int_equal(t->reordered, reordered);
	assert_int_equal(t->duplicates, dup);
	assert_int_equal(t->late, late);
}

/* The example, on two interleaved streams of both families. */
static void test_sequences(void **state)
{
	static const uint64_t a[] = { 0, 1, 3 }, b[] = { 2, 2 };
	static const uint64_t c[] = { 0, 5, 1, 2, 9000, 100 };
	const struct sink_cfg cfg = CFG();
	struct sink s;
	struct sink_pcpu st;

	sink_load(&s, "sequences", &cfg, 4096);
	send_seqs(&s, AF_INET, 0x100, a, 3);
	send_seqs(&s, AF_INET6, 0x201, c, 3);
	{
		struct seqtrack t = read_stream(&s, 0x100);

		assert_stream(&t, 4, 1, 0, 0, 0);	/* 2 missing so far */
	}
	send_seqs(&s, AF_INET, 0x100, b, 2);
	send_seqs(&s, AF_INET6, 0x201, c + 3, 3);
	{
		struct seqtrack t = read_stream(&s, 0x100);

		assert_stream(&t, 4, 0, 1, 1, 0);	/* 2 filled the gap, then repeated */
		t = read_stream(&s, 0x201);
		/* 0 5 1 2 9000 100: 100 is more than the window behind 9000 */
		assert_stream(&t, 9001, 9001 - 5, 2, 0, 1);
	}
	st = read_stats(&s);
	assert_int_equal(st.stamped, 11);
	assert_int_equal(st.packets[XDP_DROP], 11);
	assert_int_equal(st.stream_overflow, 0);
	sink_free(&s);
}

/*
 * The form that announces the stream's total (udp -n): frames after the
 * last that came count as lost; a total stamp cut after 24 bytes counts
 * nothing, like any stamp that is not whole.
 */
static void test_total(void **state)
{
	const struct frame_spec f = { AF_INET, 9, 100, M_STAMP, 0 };
	const struct sink_cfg cfg = CFG();
	struct frame *fr = calloc(1, sizeof(*fr));
	struct sink s;
	uint64_t seq;

	assert_non_null(fr);
	sink_load(&s, "total", &cfg, 4096);
	/* 10 frames announced, 0, 1, 2, 4 and 5 arrive. */
	for (seq = 0; seq < 6; seq++) {
		if (seq == 3)
			continue;
		build(fr, &f, 0x300, seq, mono_ns() - 1000);
		tg_put32(fr->buf + fr->lay.payload_off, TG_STAMP_MAGIC_TOTAL);
		tg_put64(fr->buf + fr->lay.payload_off + TG_STAMP_LEN, 10);
		assert_int_equal(sink_run(&s, fr), XDP_DROP);
	}
	{
		struct seqtrack t = read_stream(&s, 0x300);

		assert_stream(&t, 6, 1 + 4, 0, 0, 0);
		assert_int_equal(t.total, 10);
	}
	/* A UDP length that ends inside the total: not a stamp. */
	build(fr, &f, 0x301, 0, mono_ns() - 1000);
	tg_put32(fr->buf + fr->lay.payload_off, TG_STAMP_MAGIC_TOTAL);
	tg_put16(fr->buf + fr->lay.l4_off + 4, 8 + TG_STAMP_LEN + 4);
	sink_run(&s, fr);
	assert_int_equal(read_stats(&s).stamped, 5);
	sink_free(&s);
	free(fr);
}

/* A frame stamped 1 ms ago: one sample of at least 1 ms, in its bucket. */
static void test_latency(void **state)
{
	const struct frame_spec f = { AF_INET, 9, 100, M_STAMP, 0 };
	const struct sink_cfg cfg = CFG();
	struct frame *fr = calloc(1, sizeof(*fr));
	struct sink_lat l;
	struct sink s;
	uint64_t tx, t1;

	assert_non_null(fr);
	sink_load(&s, "latency", &cfg, 4096);
	tx = mono_ns() - 1000000;
	build(fr, &f, 1, 0, tx);
	sink_run(&s, fr);
	t1 = mono_ns();
	l = read_lat(&s);
	assert_int_equal(l.count, 1);
	assert_int_equal(l.min, l.max);
	assert_int_equal(l.sum, l.min);
	assert_true(l.min >= 1000000);
	assert_true(l.min <= t1 - tx);
	assert_int_equal(l.buckets[tg_hist_bucket(l.min)], 1);
	assert_int_equal(read_stats(&s).clock_skew, 0);

	/* A second frame, 3 ms old: min and max apart, two samples. */
	tx = mono_ns() - 3000000;
	build(fr, &f, 1, 1, tx);
	sink_run(&s, fr);
	l = read_lat(&s);
	assert_int_equal(l.count, 2);
	assert_true(l.max >= 3000000 && l.min < 3000000);

	/* From the future (unsynchronised clocks): no sample, counted apart. */
	build(fr, &f, 1, 2, mono_ns() + 10000000000ull);
	sink_run(&s, fr);
	l = read_lat(&s);
	assert_int_equal(l.count, 2);
	assert_int_equal(read_stats(&s).clock_skew, 1);
	assert_int_equal(read_stats(&s).stamped, 3);
	sink_free(&s);
	free(fr);
}

/*
 * The frames of one sending batch carry one send time: on one CPU the
 * first of them reads the clock, the others take its latency (bucket and
 * all), and a batch sent "in the future" counts every frame as skewed.
 */
/*
 * Runs the caller on the CPU it is on, whose per-CPU state (the latency
 * kept for a send time, the stream table) it then sees whole; *was is the
 * affinity to put back with unpin().
 */
static void pin(cpu_set_t *was)
{
	cpu_set_t one;

	assert_int_equal(sched_getaffinity(0, sizeof(*was), was), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof(one), &one), 0);
}

static void unpin(const cpu_set_t *was)
{
	assert_int_equal(sched_setaffinity(0, sizeof(*was), was), 0);
}

static void test_latency_batch(void **state)
{
	const struct frame_spec f = { AF_INET, 9, 100, M_STAMP, 0 };
	const struct sink_cfg cfg = CFG();
	struct frame *fr = calloc(1, sizeof(*fr));
	struct sink_lat a, b;
	struct sink s;
	cpu_set_t was;
	uint64_t tx, d;

	assert_non_null(fr);
	/* One CPU: the latency kept for a send time is that CPU's. */
	pin(&was);
	sink_load(&s, "latency batch", &cfg, 4096);
	tx = mono_ns() - 2000000;
	build(fr, &f, 1, 0, tx);
	sink_run(&s, fr);
	a = read_lat(&s);
	d = a.sum;
	assert_int_equal(a.count, 1);
	assert_true(d >= 2000000);
	/* Two more of that batch, 1 ms later: the same latency, not 1 ms more. */
	usleep(1000);
	build(fr, &f, 1, 1, tx);
	sink_run(&s, fr);
	build(fr, &f, 1, 2, tx);
	sink_run(&s, fr);
	b = read_lat(&s);
	assert_int_equal(b.count, 3);
	assert_int_equal(b.sum, 3 * d);
	assert_int_equal(b.min, d);
	assert_int_equal(b.max, d);
	assert_int_equal(b.buckets[tg_hist_bucket(d)], 3);
	/* The next batch reads the clock again. */
	build(fr, &f, 1, 3, tx + 1);
	sink_run(&s, fr);
	b = read_lat(&s);
	assert_int_equal(b.count, 4);
	assert_true(b.max > d);
	/* A batch from the future: each of its frames is skewed, none a sample. */
	tx = mono_ns() + 10000000000ull;
	build(fr, &f, 1, 4, tx);
	sink_run(&s, fr);
	build(fr, &f, 1, 5, tx);
	sink_run(&s, fr);
	assert_int_equal(read_lat(&s).count, 4);
	assert_int_equal(read_stats(&s).clock_skew, 2);
	assert_int_equal(read_stats(&s).stamped, 6);
	sink_free(&s);
	free(fr);
	unpin(&was);
}

/*
 * The streams of every CPU merged by id, as `trafficgen sink` reports them
 * (lib/sink/maps.c).
 */
static struct tg_sink_totals read_totals(struct sink *s)
{
	struct tg_sink_totals t = { 0 };
	struct tg_sink_maps m;
	struct tg_err err = { "" };

	if (tg_sink_maps_open(&m, bpf_map__fd(s->skel->maps.stats),
			      bpf_map__fd(s->skel->maps.lat),
			      bpf_map__fd(s->skel->maps.streams), &err))
		fail_msg("%s: %s", s->desc, err.msg);
	assert_int_equal(tg_sink_maps_read(&m, true, &t), 0);
	tg_sink_maps_close(&m);
	return t;
}

/*
 * One stream more than the table holds: its frames are counted apart. On
 * one CPU: the table is each CPU's.
 */
static void test_stream_table_full(void **state)
{
	const struct sink_cfg cfg = CFG();
	struct sink_pcpu st;
	struct sink s;
	cpu_set_t was;
	uint64_t seq = 0;
	uint32_t id;

	pin(&was);
	sink_load(&s, "stream table full", &cfg, 4096);
	for (id = 0; id < SINK_MAX_STREAMS; id++)
		send_seqs(&s, AF_INET, id, &seq, 1);
	st = read_stats(&s);
	assert_int_equal(st.stream_overflow, 0);
	send_seqs(&s, AF_INET, SINK_MAX_STREAMS, &seq, 1);
	send_seqs(&s, AF_INET, SINK_MAX_STREAMS, &seq, 1);
	/* Known streams still go on. */
	seq = 1;
	send_seqs(&s, AF_INET, 5, &seq, 1);
	st = read_stats(&s);
	assert_int_equal(st.stream_overflow, 2);
	assert_int_equal(st.stamped, SINK_MAX_STREAMS + 3);
	{
		struct seqtrack t = read_stream(&s, 5);

		assert_stream(&t, 2, 0, 0, 0, 0);
	}
	assert_int_equal(read_totals(&s).streams, SINK_MAX_STREAMS);
	sink_free(&s);
	unpin(&was);
}

/*
 * A stream is looked for at most SINK_STREAM_PROBES slots from its home
 * (bpf/sink.h), so that a frame of a stream with no room costs a short
 * search: with that many streams in one home slot's run, one more is
 * counted apart although the table is far from full, and the others go on.
 */
static void test_stream_probe_bound(void **state)
{
	const struct sink_cfg cfg = CFG();
	uint32_t ids[SINK_STREAM_PROBES + 1], id = 0x5eed0000, n = 0;
	struct sink_pcpu st;
	uint64_t seq = 0;
	struct sink s;
	cpu_set_t was;

	/* Bounded: one id in SINK_STREAM_SLOTS has a given home, about. */
	for (; n < SINK_STREAM_PROBES + 1 && id < 0x5eed0000 + (1u << 24); id++)
		if (sink_stream_slot(id) == sink_stream_slot(0x5eed0000))
			ids[n++] = id;
	assert_int_equal(n, SINK_STREAM_PROBES + 1);
	pin(&was);
	sink_load(&s, "stream probe bound", &cfg, 4096);
	for (n = 0; n < SINK_STREAM_PROBES + 1; n++)
		send_seqs(&s, AF_INET, ids[n], &seq, 1);
	st = read_stats(&s);
	assert_int_equal(st.stream_overflow, 1);
	assert_int_equal(st.streams_used, SINK_STREAM_PROBES);
	seq = 1;
	send_seqs(&s, AF_INET, ids[SINK_STREAM_PROBES - 1], &seq, 1);
	{
		struct seqtrack t = read_stream(&s, ids[SINK_STREAM_PROBES - 1]);

		assert_stream(&t, 2, 0, 0, 0, 0);
	}
	assert_int_equal(read_totals(&s).streams, SINK_STREAM_PROBES);
	sink_free(&s);
	unpin(&was);
}

/*
 * Two streams with one home slot (bpf/sink.h), and a third whose home slot
 * the second took: each tracked exactly, whichever slot it found.
 */
static void test_stream_collision(void **state)
{
	static const uint64_t a[] = { 0, 1, 3 }, b[] = { 0, 2, 2 }, c[] = { 1, 0 };
	const struct sink_cfg cfg = CFG();
	uint32_t ida = 0x4d2a0100, idb = ida + 1, idc = ida + 1;
	struct tg_sink_totals tot;
	struct seqtrack t;
	struct sink s;
	cpu_set_t was;

	while (sink_stream_slot(idb) != sink_stream_slot(ida))
		idb++;
	while (sink_stream_slot(idc) != ((sink_stream_slot(ida) + 1) & (SINK_STREAM_SLOTS - 1)))
		idc++;
	pin(&was);
	sink_load(&s, "stream collision", &cfg, 4096);
	send_seqs(&s, AF_INET, ida, a, 1);
	send_seqs(&s, AF_INET, idb, b, 1);
	send_seqs(&s, AF_INET, idc, c, 1);
	send_seqs(&s, AF_INET, ida, a + 1, 2);
	send_seqs(&s, AF_INET, idb, b + 1, 2);
	send_seqs(&s, AF_INET, idc, c + 1, 1);
	t = read_stream(&s, ida);
	assert_stream(&t, 4, 1, 0, 0, 0);
	t = read_stream(&s, idb);
	assert_stream(&t, 3, 1, 0, 1, 0);
	t = read_stream(&s, idc);
	assert_stream(&t, 2, 0, 1, 0, 0);
	tot = read_totals(&s);
	assert_int_equal(tot.streams, 3);
	assert_int_equal(tot.lost, 2);
	assert_int_equal(tot.duplicates, 1);
	assert_int_equal(tot.reordered, 1);
	assert_int_equal(read_stats(&s).stream_overflow, 0);
	sink_free(&s);
	unpin(&was);
}

/*
 * A ring of one page, never read: records stop fitting and each frame that
 * finds no room is counted as dropped, never lost without a trace.
 */
static void test_ring_full(void **state)
{
	const struct frame_spec f = { AF_INET, 9, 60, 0, 0 };
	const struct sink_cfg cfg = CFG(.pcap = 1);
	struct frame *fr = calloc(1, sizeof(*fr));
	struct records rec = { .desc = "ring full" };
	struct sink_pcpu st;
	struct sink s;
	int i, n = 100;

	assert_non_null(fr);
	sink_load(&s, "ring full", &cfg, 4096);
	build(fr, &f, 0, 0, 0);
	rec.fr = fr;
	for (i = 0; i < n; i++)
		assert_int_equal(sink_run(&s, fr), XDP_DROP);
	st = read_stats(&s);
	assert_int_equal(st.packets[XDP_DROP], n);
	/* 8-byte ring header + 16-byte record header + 128 bytes: 26 fit in 4096. */
	assert_int_equal(st.pcap_dropped, n - 26);
	assert_int_equal(drain(&s, &rec), 26);
	/* Read out, the ring takes records again. */
	assert_int_equal(sink_run(&s, fr), XDP_DROP);
	assert_int_equal(drain(&s, &rec), 27);
	assert_int_equal(read_stats(&s).pcap_dropped, n - 26);
	sink_free(&s);
	free(fr);
}

int main(void)
{
	static const struct CMUnitTest others[] = {
		cmocka_unit_test(test_sequences),
		cmocka_unit_test(test_latency),
		cmocka_unit_test(test_latency_batch),
		cmocka_unit_test(test_total),
		cmocka_unit_test(test_stream_table_full),
		cmocka_unit_test(test_stream_collision),
		cmocka_unit_test(test_stream_probe_bound),
		cmocka_unit_test(test_ring_full),
	};
	struct CMUnitTest tests[NFIXTURES + sizeof(others) / sizeof(others[0])];
	size_t i;

	for (i = 0; i < NFIXTURES; i++)
		tests[i] = (struct CMUnitTest){
			.name = fixtures[i].desc,
			.test_func = test_fixture,
			.initial_state = (void *)&fixtures[i],
		};
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		tests[NFIXTURES + i] = others[i];
	return _cmocka_run_group_tests("test_sink", tests, sizeof(tests) / sizeof(tests[0]),
				       NULL, NULL);
}
