// SPDX-License-Identifier: GPL-2.0
/*
 * The sink: attached to a receiving interface, it counts what arrives,
 * tracks the sequence and latency of frames stamped by `udp --stamp`,
 * optionally records frames into a ring buffer for a pcap file, and gives
 * every matching frame the configured verdict. Frames the filter does not
 * match go to the stack untouched and uncounted.
 */
#include "compat.bpf.h"
#include "sink.h"
#include "sink_parse.h"
#include "stamp.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct sink_cfg cfg = {
	.action = XDP_DROP,
	.snaplen = SINK_SNAP_MAX,
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_pcpu);
} stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sink_lat);
} lat SEC(".maps");

/*
 * Streams may arrive on any CPU (several RX queues, or several sending
 * threads whose veth NAPI runs on their own CPUs), but one stream normally
 * keeps to one (one flow, one queue). So each CPU keeps its own state of a
 * stream, with no lock and no shared cache line per frame, and readers
 * merge them (bpf/seqtrack.h says what stays exact across CPUs).
 * An array the verifier inlines, not a hash map: a stream found in its
 * home slot (sink_stream_slot(), bpf/sink.h) costs one array lookup and
 * one compare, where a hash map's lookup hashed the id and walked a
 * bucket, about half of a stamp's cost here. Each CPU owns its slots, and
 * XDP does not nest on a CPU: claiming a slot needs no lock or atomic.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SINK_STREAM_SLOTS);
	__type(key, __u32);
	__type(value, struct sink_stream);
} streams SEC(".maps");

/* Userspace shrinks it to one page when nothing is recorded. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24);
} pcap_rb SEC(".maps");

/* A probe for a stream away from its home slot: the slot found, or none. */
struct stream_probe {
	__u64 tag;
	__u32 home;
	__u32 slot;
	int found;
	int full;	/* this CPU tracks SINK_MAX_STREAMS already: claim nothing */
	int claimed;
};

/*
 * Linear probing from the home slot: the stream's slot, or the first free
 * one, which it then claims (slots are never freed, so a free slot ends
 * the search: the stream has none further on).
 */
static long stream_probe_step(__u64 i, void *ctx)
{
	struct stream_probe *p = ctx;
	struct sink_stream *s;
	__u32 slot = (p->home + (__u32)i) & (SINK_STREAM_SLOTS - 1);

	s = bpf_map_lookup_elem(&streams, &slot);
	if (!s)
		return 1;
	if (!s->tag) {
		if (p->full)
			return 1;
		s->tag = p->tag;	/* st is still all zeros */
		p->claimed = 1;
	} else if (s->tag != p->tag) {
		return 0;
	}
	p->slot = slot;
	p->found = 1;
	return 1;
}

static __always_inline void track_seq(struct sink_pcpu *pc, __u32 id, __u64 seq,
				      __u64 total)
{
	__u32 home = sink_stream_slot(id);
	__u64 tag = sink_stream_tag(id);
	struct sink_stream *s;

	s = bpf_map_lookup_elem(&streams, &home);
	if (!s)
		return;
	if (s->tag != tag) {
		/* A new stream, or another one in its home slot: rare. */
		struct stream_probe p = {
			.tag = tag, .home = home,
			.full = pc->streams_used >= SINK_MAX_STREAMS,
		};

		bpf_loop(SINK_STREAM_PROBES, stream_probe_step, &p, 0);
		if (!p.found) {
			pc->stream_overflow++;
			return;
		}
		pc->streams_used += p.claimed;
		s = bpf_map_lookup_elem(&streams, &p.slot);
		if (!s)
			return;
	}
	seqtrack_add(&s->st, seq);
	seqtrack_total(&s->st, total);
}

/*
 * The latency of the last send time this CPU saw. `udp --stamp` reads its
 * clock once per kernel batch, so the frames of a batch carry one send time
 * and arrive together (the batch leaves at one flush): the first of them to
 * arrive reads the clock, and the others are given its latency, bucket and
 * all. A frame is thus reported as late as the first frame of its batch to
 * arrive here, which can be early by the time between the two arrivals (the
 * receiver taking in one batch: the man page gives the bound), not by more.
 * A clock read costs about as much as the rest of the stamped path here.
 */
struct lat_last {
	__u64 tx_ns;
	__u64 d;		/* its latency (with skew: none) */
	__u32 bucket;		/* lathist_bucket(d) */
	__u8 valid;
	__u8 skew;		/* sent "after" it arrived */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lat_last);
} lat_last SEC(".maps");

static __always_inline void record_latency(struct sink_pcpu *pc, __u64 tx_ns)
{
	struct lat_last *c;
	struct sink_lat *l;
	__u32 key = 0;

	c = bpf_map_lookup_elem(&lat_last, &key);
	l = bpf_map_lookup_elem(&lat, &key);
	if (!c || !l)
		return;
	if (c->valid && c->tx_ns == tx_ns && (c->skew || l->count)) {
		/*
		 * The first frame of the batch put this latency in l, so min
		 * and max hold it already (l->count: unless l was cleared since).
		 */
		if (c->skew)
			pc->clock_skew++;
		else
			sink_lat_add_again(l, c->d, c->bucket);
		return;
	}
	{
		__u64 now = bpf_ktime_get_ns();

		c->tx_ns = tx_ns;
		c->valid = 1;
		c->skew = tx_ns > now;
		c->d = now - tx_ns;
		c->bucket = lathist_bucket(c->d);
	}
	/* Sent "after" it arrived: the clocks are not one (see the man page). */
	if (c->skew) {
		pc->clock_skew++;
		return;
	}
	sink_lat_add_bucket(l, c->d, c->bucket);
}

/*
 * A field of the stamp, by a load of its width: struct tg_stamp is packed
 * (it sits at any offset in a frame), so its members compile to a load a
 * byte. Packet data may be read unaligned here (the verifier enforces no
 * alignment where the CPU needs none; udp_gen writes the stamp the same way).
 */
#define STAMP_WORD(p, type, field) (*(const type *)((const void *)(p) + \
					__builtin_offsetof(struct tg_stamp_total, field)))

static __always_inline void handle_stamp(struct sink_pcpu *pc, const struct pkt *p,
					 void *end)
{
	struct tg_stamp *st = p->payload;
	struct tg_stamp_total *stt = p->payload;
	__u64 total = 0;
	__u32 magic;

	if (p->l4 != IPPROTO_UDP || (void *)(st + 1) > end ||
	    p->udp_len < sizeof(struct udphdr) + sizeof(*st))
		return;
	magic = STAMP_WORD(st, __u32, s.magic);
	if (magic == bpf_htonl(TG_STAMP_MAGIC_TOTAL)) {
		if ((void *)(stt + 1) > end ||
		    p->udp_len < sizeof(struct udphdr) + sizeof(*stt))
			return;
		total = bpf_be64_to_cpu(STAMP_WORD(stt, __u64, total));
	} else if (magic != bpf_htonl(TG_STAMP_MAGIC)) {
		return;
	}
	pc->stamped++;
	track_seq(pc, bpf_ntohl(STAMP_WORD(st, __u32, s.stream)),
		  bpf_be64_to_cpu(STAMP_WORD(st, __u64, s.seq)), total);
	record_latency(pc, bpf_be64_to_cpu(STAMP_WORD(st, __u64, s.tx_ns)));
}

/* Copies up to `size` bytes of the frame into a ring buffer record of that size. */
static __always_inline void record_n(struct xdp_md *ctx, struct sink_pcpu *pc,
				     __u64 len, __u64 size)
{
	struct sink_rec *r;
	__u64 cap = len < size ? len : size;

	r = bpf_ringbuf_reserve(&pcap_rb, sizeof(*r) + size, 0);
	if (!r) {
		pc->pcap_dropped++;
		return;
	}
	/*
	 * The verifier must see cap bounded by the record in the register that
	 * goes to the helper: hide its origin so the check stays, on that register.
	 */
	barrier_var(cap);
	if (cap < 1 || cap > size || bpf_xdp_load_bytes(ctx, 0, r + 1, cap)) {
		bpf_ringbuf_discard(r, 0);
		pc->pcap_dropped++;
		return;
	}
	r->ts_ns = bpf_ktime_get_ns();
	r->len = len;
	r->caplen = cap;
	bpf_ringbuf_submit(r, 0);
}

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/*
 * The reserved size must be a constant, so frames go into records of a few
 * fixed sizes: small frames do not each take a page of the ring.
 */
static __always_inline void record(struct xdp_md *ctx, struct sink_pcpu *pc, __u64 len)
{
	if (len <= 128 || cfg.snaplen <= 128)
		record_n(ctx, pc, len, MIN(128, cfg.snaplen));
	else if (len <= 512 || cfg.snaplen <= 512)
		record_n(ctx, pc, len, MIN(512, cfg.snaplen));
	else if (len <= 1536 || cfg.snaplen <= 1536)
		record_n(ctx, pc, len, MIN(1536, cfg.snaplen));
	else
		record_n(ctx, pc, len, MIN(SINK_SNAP_MAX, cfg.snaplen));
}

/*
 * The frames nearly every run sends, found in a few loads: untagged IPv4
 * with a 20-byte header, whole, not a fragment, or untagged IPv6 without
 * extension headers and with a payload length that fits, each carrying a
 * whole UDP header. For them, p is what parse() finds (the class follows
 * from the filter alone); any other frame returns 0 and takes the full
 * parse (sink_parse.h), which decides every other case. ethhdr is packed,
 * so its h_proto compiles to byte loads: read as the 16-bit word it is.
 */
static __always_inline void fast_udp(struct udphdr *udp, struct pkt *p)
{
	p->l4 = IPPROTO_UDP;
	p->dport = bpf_ntohs(udp->dest);
	p->payload = udp + 1;
	p->udp_len = bpf_ntohs(udp->len);
}

/*
 * Untagged IPv4 with a 20-byte header, UDP, as long as its header says,
 * with the UDP header in the frame: its IP header, else NULL. Ethernet
 * type and the version and length byte are one word, read whole and
 * masked (08 00 45, the TOS byte masked off).
 */
static __always_inline struct iphdr *udp4_simple(void *data, void *end)
{
	struct iphdr *ip = data + ETH_HLEN;

	if ((void *)ip + sizeof(*ip) + sizeof(struct udphdr) > end)
		return NULL;
	if ((*(__u32 *)(data + 12) & bpf_htonl(0xffffff00)) != bpf_htonl(0x08004500) ||
	    ip->protocol != IPPROTO_UDP || (void *)ip + bpf_ntohs(ip->tot_len) > end)
		return NULL;
	return ip;
}

/* Only a datagram's first fragment carries its UDP header and payload. */
static __always_inline int later_fragment(const struct iphdr *ip)
{
	return ip->frag_off & bpf_htons(0x1fff);
}

static __always_inline int parse_udp_fast(void *data, void *end, struct pkt *p)
{
	struct iphdr *ip = udp4_simple(data, end);

	if (ip) {
		if (later_fragment(ip))
			return 0;
		fast_udp((void *)(ip + 1), p);
		return 1;
	}
	if (data + ETH_HLEN > end)
		return 0;
	if (*(__u16 *)(data + 12) == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + ETH_HLEN;
		struct udphdr *udp = (void *)(ip6 + 1);
		__u16 plen;

		if ((void *)(udp + 1) > end || ip6->nexthdr != IPPROTO_UDP)
			return 0;
		plen = bpf_ntohs(ip6->payload_len);
		if (!plen || (void *)udp + plen > end)
			return 0;
		fast_udp(udp, p);
		return 1;
	}
	return 0;
}

/*
 * The frames a sink sees most, as a test of their own: untagged IPv4 with
 * a 20-byte header, UDP, as long as its header says. With no filter and
 * no capture, all the parse would do with such a frame is count it and,
 * if a stamp's magic starts its payload, hand the stamp on; so neither
 * takes the parse. A plain one needs no fragment test: with no magic at
 * the stamp's place, the parse counts a fragment as plain too. The test
 * is udp4_simple, the parse's own first step, so the two cannot drift
 * apart. By bpf_stats this takes the sink's cost for plain frames over an
 * empty XDP_DROP program from about 2.9 to 2.3 ns a frame (a sixtieth of
 * a frame's whole cost at full speed: the bench's sink row); stamped
 * frames skip a second parse of their headers. Any other frame takes the
 * parse.
 */
_Static_assert((TG_STAMP_MAGIC ^ TG_STAMP_MAGIC_TOTAL) == 0x20,
	       "the two magics differ in one bit of the last byte");

enum { UDP4_OTHER, UDP4_PLAIN, UDP4_MAGIC };

static __always_inline int simple_udp4(void *data, void *end, struct pkt *p)
{
	struct iphdr *ip = udp4_simple(data, end);
	__u32 *magic;

	if (!ip)
		return UDP4_OTHER;
	magic = (void *)(ip + 1) + sizeof(struct udphdr);
	if ((void *)(magic + 1) > end)
		return UDP4_OTHER;
	if ((*magic | bpf_htonl(0x20)) != bpf_htonl(TG_STAMP_MAGIC))
		return UDP4_PLAIN;
	/* In a later fragment those bytes are no stamp: the parse calls it "other". */
	if (later_fragment(ip))
		return UDP4_OTHER;
	fast_udp((void *)(ip + 1), p);
	return UDP4_MAGIC;
}

static __always_inline enum sink_class classify(void *data, void *end, struct pkt *p)
{
	if (parse_udp_fast(data, end, p)) {
		/* No filter (the default), read as two fields, not four. */
		if (cfg.proto == SINK_PROTO_ANY && !cfg.port_filter)
			return SINK_MATCHED;
		return sink_matches(p, cfg.proto, cfg.port_filter, cfg.port_lo, cfg.port_hi) ?
		       SINK_MATCHED : SINK_IGNORED;
	}
	return sink_classify(data, end, p, cfg.proto, cfg.port_filter, cfg.port_lo, cfg.port_hi);
}

SEC("xdp")
int sink(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct pkt p = {};
	struct sink_pcpu *pc;
	__u64 len = end - data;
	__u32 key = 0, act;

	pc = bpf_map_lookup_elem(&stats, &key);
	if (!pc)
		return XDP_PASS;
	if (cfg.udp4_fast) {
		switch (simple_udp4(data, end, &p)) {
		case UDP4_PLAIN:
			goto count;
		case UDP4_MAGIC:
			handle_stamp(pc, &p, end);
			goto count;
		}
	}
	switch (classify(data, end, &p)) {
	case SINK_TRUNCATED_PASS:
		pc->truncated++;
		return XDP_PASS;
	case SINK_TRUNCATED:
		pc->truncated++;
		break;
	case SINK_IGNORED:
		pc->ignored++;
		return XDP_PASS;
	case SINK_MATCHED:
		if (p.payload)
			handle_stamp(pc, &p, end);
		break;
	}
	if (cfg.pcap)
		record(ctx, pc, len);
count:

	/*
	 * The default verdict with constant counter offsets: the verifier
	 * drops this test (cfg is read-only), and the general form below
	 * costs a computed index a frame.
	 */
	if (cfg.action == XDP_DROP) {
		pc->packets[XDP_DROP]++;
		pc->bytes[XDP_DROP] += len;
		return XDP_DROP;
	}
	/*
	 * bpf_redirect() returns XDP_REDIRECT, or XDP_ABORTED on bad flags.
	 * Written as a choice of constants so the counter index stays one.
	 */
	act = cfg.action;
	if (act == XDP_REDIRECT)
		act = bpf_redirect(cfg.redirect_ifindex, 0) == XDP_REDIRECT ?
		      XDP_REDIRECT : XDP_ABORTED;
	else if (act >= SINK_NACTIONS)
		act = XDP_ABORTED;
	pc->packets[act]++;
	pc->bytes[act] += len;
	return act;
}
