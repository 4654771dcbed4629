// SPDX-License-Identifier: GPL-2.0
/*
 * From the user's ranges to the UDP generator's BPF config, and the C
 * reference of what the generator must send. The reference rebuilds every
 * frame from scratch with full checksums, so it shares nothing with the
 * incremental updates it is there to check.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "csum.h"
#include "live.h"
#include "udp/size_wheel.h"
#include "stamp.h"
#include "udp/cfg.h"

_Static_assert(UDP_GEN_TMPL_MAX == TG_MAX_FRAME_LEN, "a template holds any frame the tool builds");

static const char *fam_name(int family)
{
	switch (family) {
	case AF_INET:
		return "IPv4";
	case AF_INET6:
		return "IPv6";
	default:
		return "of unknown family";
	}
}

/* The generator counts in the last 32 bits of an address, in host order. */
static uint32_t addr_low32(int family, const union tg_addr *a)
{
	uint32_t w;

	if (family == AF_INET6)
		memcpy(&w, &a->v6.s6_addr[12], 4);
	else
		memcpy(&w, &a->v4.s_addr, 4);
	return ntohl(w);
}

static int check_addr_range(const char *what, const struct tg_addr_range *r,
			    struct tg_err *err)
{
	uint64_t low = addr_low32(r->family, &r->first);

	/* The BPF program adds offsets to 32 bits only: a carry would be lost. */
	if (r->count < 1)
		return tg_fail(err, EINVAL, "%s address range is empty", what);
	if (low + r->count - 1 > UINT32_MAX)
		return tg_fail(err, EINVAL,
			       "%s address range of %llu addresses from last word %#x carries past the last 32 bits",
			       what, (unsigned long long)r->count, (unsigned int)low);
	return 0;
}

static int check_port_range(const char *what, const struct tg_port_range *r,
			    struct tg_err *err)
{
	uint32_t last = (uint32_t)r->first + r->count - 1;

	if (r->count < 1)
		return tg_fail(err, EINVAL, "%s port range starting at %u is empty",
			       what, r->first);
	if (last > UINT16_MAX)
		return tg_fail(err, EINVAL, "%s ports %u-%u go past 65535",
			       what, r->first, last);
	return 0;
}

/*
 * Writes the stamp into a built frame and recomputes the UDP checksum in
 * full: the reference never updates incrementally.
 */
static void put_stamp(uint8_t *frame, uint32_t l3, int family, uint32_t stream,
		      uint64_t seq, uint64_t tx_ns, bool with_total, uint64_t total)
{
	uint32_t l4 = l3 + (family == AF_INET6 ? 40 : 20);
	uint16_t ulen, check = 0;
	union tg_addr src, dst;
	struct tg_stamp_total st = {
		.s.magic = htonl(with_total ? TG_STAMP_MAGIC_TOTAL : TG_STAMP_MAGIC),
		.s.stream = htonl(stream),
		.s.seq = htobe64(seq),
		.s.tx_ns = htobe64(tx_ns),
		.total = htobe64(total),
	};

	memcpy(frame + l4 + 8, &st, with_total ? sizeof(st) : sizeof(st.s));
	memcpy(&ulen, frame + l4 + 4, 2);
	memcpy(frame + l4 + 6, &check, 2);
	/* Addresses sit at offsets no in_addr may be read from: copy them out. */
	if (family == AF_INET6) {
		memcpy(&src.v6, frame + l3 + 8, 16);
		memcpy(&dst.v6, frame + l3 + 24, 16);
		check = tg_l4_csum6(&src.v6, &dst.v6, IPPROTO_UDP, frame + l4, ntohs(ulen));
	} else {
		memcpy(&src.v4, frame + l3 + 12, 4);
		memcpy(&dst.v4, frame + l3 + 16, 4);
		check = tg_l4_csum4(&src.v4, &dst.v4, IPPROTO_UDP, frame + l4, ntohs(ulen));
	}
	check = tg_udp_csum_nonzero(check);
	memcpy(frame + l4 + 6, &check, 2);
}

static bool sized(const struct tg_udp_params *p)
{
	return p->nsizes > 1;
}

/* The smallest frame the run sends. */
static uint32_t min_len(const struct tg_udp_params *p)
{
	return sized(p) ? tg_size_wheel_min(p->sizes, p->nsizes) : p->spec.frame_len;
}

/*
 * Whether the stamps carry the total: it is known, and every frame has
 * room for the longer stamp (else the shorter one goes, as without -n).
 */
static bool stamp_has_total(const struct tg_udp_params *p)
{
	uint32_t hdrs = (p->spec.family == AF_INET6 ? TG_UDP6_HDRS : TG_UDP4_HDRS) +
			p->spec.nvlan * TG_VLAN_HLEN;

	return p->stamp && p->count && min_len(p) >= hdrs + TG_STAMP_TOTAL_LEN;
}

uint64_t tg_udp_stamp_total(const struct tg_udp_params *p, unsigned int thread)
{
	struct tg_live_cfg split = { .count = p->count, .nthreads = p->nthreads };

	return stamp_has_total(p) ? tg_live_quota(&split, thread) : 0;
}

static int check_sizes(const struct tg_udp_params *p, struct tg_err *err)
{
	uint32_t lo = tg_udp_min_frame_len(p->spec.family, p->spec.nvlan, p->stamp);
	uint32_t hi = tg_max_frame_len();
	unsigned int i;

	if (!sized(p))
		return 0;
	if (p->nsizes > UDP_GEN_MAX_SIZES)
		return tg_fail(err, EINVAL, "%u sizes are more than the generator's %d",
			       p->nsizes, UDP_GEN_MAX_SIZES);
	for (i = 0; i < p->nsizes; i++)
		if (p->sizes[i] < lo || p->sizes[i] > hi)
			return tg_fail(err, EINVAL,
				       "size %u (%u on the wire) is out of range for %s%s (%u-%u on the wire)",
				       p->sizes[i], p->sizes[i] + TG_FCS_LEN, fam_name(p->spec.family),
				       p->stamp ? " with --stamp" : "", lo + TG_FCS_LEN,
				       hi + TG_FCS_LEN);
	return 0;
}

static int check_params(const struct tg_udp_params *p, struct tg_err *err)
{
	int fam = p->spec.family;
	int ret;

	ret = check_sizes(p, err);
	if (ret)
		return ret;
	if (p->stamp && min_len(p) < tg_udp_min_frame_len(fam, p->spec.nvlan, true))
		return tg_fail(err, EINVAL,
			       "a %u-byte frame has no room for the %d-byte stamp: --stamp needs frames of at least %u bytes on the wire with %s",
			       min_len(p) + TG_FCS_LEN, TG_STAMP_LEN,
			       tg_udp_min_frame_len(fam, p->spec.nvlan, true) + TG_FCS_LEN,
			       fam_name(fam));

	if (p->src.family != fam || p->dst.family != fam)
		return tg_fail(err, EINVAL,
			       "source addresses are %s and destination addresses %s: both must be %s like the frame",
			       fam_name(p->src.family), fam_name(p->dst.family),
			       fam_name(fam));
	if (p->nthreads < 1)
		return tg_fail(err, EINVAL, "thread count %u is not at least 1", p->nthreads);
	if (p->pace && (p->pace->burst < 1 || p->pace->burst > TG_PACE_MAX_BURST))
		return tg_fail(err, EINVAL, "burst %u is out of range (1-%d)",
			       p->pace->burst, TG_PACE_MAX_BURST);
	ret = check_addr_range("source", &p->src, err);
	if (!ret)
		ret = check_addr_range("destination", &p->dst, err);
	if (!ret)
		ret = check_port_range("source", &p->sport, err);
	if (!ret)
		ret = check_port_range("destination", &p->dport, err);
	return ret;
}

static void set_field(struct udp_gen_field *f, uint32_t base, uint64_t count,
		      unsigned int nthreads)
{
	f->base = base;
	f->span = count;
	f->stride = nthreads % count;
}

/* S, the one's complement sum behind a checksum C = ~S, of the UDP header and payload. */
static uint16_t udp_sum(const uint8_t *frame, const struct tg_layout *l, int family,
			uint32_t len)
{
	uint8_t udp[TG_MAX_FRAME_LEN];
	uint32_t ulen = len - l->l4_off;
	union tg_addr src, dst;
	uint16_t c, be = htons((uint16_t)ulen);

	/* The frame as cut to len: the same bytes, its own length, checksum 0. */
	memcpy(udp, frame + l->l4_off, ulen);
	memcpy(udp + 4, &be, 2);
	memset(udp + 6, 0, 2);
	if (family == AF_INET6) {
		memcpy(&src.v6, frame + l->l3_off + 8, 16);
		memcpy(&dst.v6, frame + l->l3_off + 24, 16);
		c = tg_l4_csum6(&src.v6, &dst.v6, IPPROTO_UDP, udp, ulen);
	} else {
		memcpy(&src.v4, frame + l->l3_off + 12, 4);
		memcpy(&dst.v4, frame + l->l3_off + 16, 4);
		c = tg_l4_csum4(&src.v4, &dst.v4, IPPROTO_UDP, udp, ulen);
	}
	return (uint16_t)~c;
}

uint16_t tg_udp_cfg_size_csum(const uint8_t *frame, const struct tg_layout *l,
			      int family, uint32_t len)
{
	uint32_t d = udp_sum(frame, l, family, len) +
		     (uint16_t)~udp_sum(frame, l, family, l->len);

	/* S_len - S_template in one's complement: add the complement. */
	d = (d & 0xffff) + (d >> 16);
	return (uint16_t)((d & 0xffff) + (d >> 16));
}

void tg_udp_cfg_set_pace(struct udp_gen_cfg *cfg, const struct tg_pace *pace)
{
	if (!pace)
		return;
	cfg->pace = 1;
	cfg->burst = pace->burst;
	cfg->interval_ns = pace->interval_ns;
	cfg->interval_frac = pace->interval_frac;
	cfg->max_lag_ns = pace->max_lag_ns;
	cfg->spin_ns = pace->spin_ns;
}

uint32_t tg_udp_cfg_frame_len(const struct tg_udp_params *p, unsigned int thread,
			      uint64_t k)
{
	if (!sized(p))
		return p->spec.frame_len;
	return p->sizes[tg_seq_offset(p->nsizes, p->nthreads, thread, k)];
}

/* The complement of the 16-bit word at off, as the program loads it. */
static uint32_t not16(const uint8_t *frame, unsigned int off)
{
	uint16_t w;

	memcpy(&w, frame + off, sizeof(w));
	return (uint16_t)~w;
}

static uint32_t not32(const uint8_t *frame, unsigned int off)
{
	return not16(frame, off) + not16(frame, off + 2);
}

/*
 * The bases of bpf/udp_gen.h: the same words, under the same conditions,
 * as the program's rewrite path changes, taken from the template it
 * restores on every frame.
 */
static void set_csum_bases(struct udp_gen_cfg *cfg, const uint8_t *frame)
{
	unsigned int l3 = cfg->l3_off, l4 = cfg->l4_off;
	/* The last 32 bits of each address: IPv4's whole, IPv6's bytes 12..15. */
	unsigned int sa = cfg->ipv6 ? l3 + 20 : l3 + 12, da = cfg->ipv6 ? l3 + 36 : l3 + 16;
	uint32_t u = not16(frame, l4 + 6), i = not16(frame, l3 + 10);

	if (cfg->sport.span > 1)
		u += not16(frame, l4);
	if (cfg->dport.span > 1)
		u += not16(frame, l4 + 2);
	if (cfg->saddr.span > 1) {
		u += not32(frame, sa);
		i += not32(frame, sa);
	}
	if (cfg->daddr.span > 1) {
		u += not32(frame, da);
		i += not32(frame, da);
	}
	if (cfg->nsizes > 1)
		i += not16(frame, l3 + 2);
	cfg->ucsum_base = u;
	cfg->icsum_base = cfg->ipv6 ? 0 : i;
}

/*
 * After how many frames a thread's fields all repeat: the least common
 * multiple of their spans, or UDP_GEN_RING_MAX + 1 once it is past that.
 */
static uint64_t ring_period(const struct udp_gen_cfg *cfg)
{
	const struct udp_gen_field *f[] = { &cfg->sport, &cfg->dport, &cfg->saddr, &cfg->daddr };
	uint64_t l = 1;
	unsigned int i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		if (f[i]->span <= 1)
			continue;
		if (f[i]->span > UDP_GEN_RING_MAX)
			return UDP_GEN_RING_MAX + 1;
		l = l / tg_gcd(l, f[i]->span) * f[i]->span;
		if (l > UDP_GEN_RING_MAX)
			return UDP_GEN_RING_MAX + 1;
	}
	return l;
}

int tg_udp_cfg_ring(const struct tg_udp_params *p, const struct udp_gen_cfg *cfg,
		    uint8_t *ring, struct tg_err *err)
{
	struct tg_udp_params one = *p;
	uint32_t entry = tg_udp_cfg_ring_entry(cfg), j;
	uint8_t *buf;
	int ret = 0;

	buf = malloc(TG_MAX_FRAME_LEN);
	if (!buf)
		return tg_fail(err, ENOMEM, "no memory for the header ring");
	/* Entry j is what a lone thread sends as its j-th frame. */
	one.nthreads = 1;
	one.stamp = false;
	for (j = 0; j < cfg->ring_len && !ret; j++) {
		ret = tg_udp_cfg_expected(&one, 0, j, 0, buf, err);
		if (ret)
			break;
		if (p->stamp)
			put_stamp(buf, cfg->l3_off, cfg->ipv6 ? AF_INET6 : AF_INET, 0, 0, 0,
				  cfg->stamp_total, 0);
		memset(ring + (size_t)j * entry, 0, entry);
		memcpy(ring + (size_t)j * entry, buf, cfg->hdr_len);
	}
	free(buf);
	return ret;
}

int tg_udp_cfg_build(const struct tg_udp_params *p, struct udp_gen_cfg *cfg,
		     uint8_t *frame, struct tg_layout *layout,
		     struct tg_err *err)
{
	struct tg_udp_spec spec = p->spec;
	struct tg_layout l;
	int ret;

	ret = check_params(p, err);
	if (ret)
		return ret;
	spec.src = p->src.first;
	spec.dst = p->dst.first;
	spec.sport = p->sport.first;
	spec.dport = p->dport.first;
	if (sized(p))
		spec.frame_len = tg_size_wheel_max(p->sizes, p->nsizes);
	ret = tg_build_udp(&spec, frame, TG_MAX_FRAME_LEN, &l, err);
	if (ret)
		return ret;

	memset(cfg, 0, sizeof(*cfg));
	cfg->ifindex = p->ifindex;
	/* No target (a dry run without an interface): nothing to put in the map. */
	cfg->devmap = p->devmap && p->ifindex;
	cfg->l3_off = l.l3_off;
	cfg->l4_off = l.l4_off;
	cfg->hdr_len = l.l4_off + 8;
	if (p->stamp) {
		/* The template carries the magic and zeros; the program fills in the rest. */
		cfg->stamp_total = stamp_has_total(p);
		put_stamp(frame, l.l3_off, spec.family, 0, 0, 0, cfg->stamp_total, 0);
		cfg->hdr_len += cfg->stamp_total ? TG_STAMP_TOTAL_LEN : TG_STAMP_LEN;
		cfg->stamp = 1;
		cfg->stamp_batch = p->batch;
		cfg->stream_base = p->stream_base;
	}
	cfg->ipv6 = spec.family == AF_INET6;
	cfg->random = p->random;
	cfg->varies = p->src.count > 1 || p->dst.count > 1 ||
		      p->sport.count > 1 || p->dport.count > 1 || p->stamp ||
		      sized(p);
	set_field(&cfg->sport, p->sport.first, p->sport.count, p->nthreads);
	set_field(&cfg->dport, p->dport.first, p->dport.count, p->nthreads);
	set_field(&cfg->saddr, addr_low32(spec.family, &p->src.first),
		  p->src.count, p->nthreads);
	set_field(&cfg->daddr, addr_low32(spec.family, &p->dst.first),
		  p->dst.count, p->nthreads);
	memcpy(cfg->hdr, frame, cfg->hdr_len);
	cfg->frame_len = l.len;
	if (sized(p)) {
		unsigned int i;

		cfg->nsizes = p->nsizes;
		cfg->size_stride = p->nthreads % p->nsizes;
		for (i = 0; i < p->nsizes; i++) {
			cfg->sizes[i].len = p->sizes[i];
			cfg->sizes[i].csum = tg_udp_cfg_size_csum(frame, &l, spec.family,
								  p->sizes[i]);
		}
	}
	set_csum_bases(cfg, frame);
	if (!p->random && !sized(p) && !p->no_ring) {
		uint64_t len = ring_period(cfg);

		if (len > 1 && len <= UDP_GEN_RING_MAX) {
			cfg->ring_len = len;
			cfg->ring_stride = p->nthreads % len;
		}
	}
	tg_udp_cfg_set_pace(cfg, p->pace);
	if (layout)
		*layout = l;
	return 0;
}

/* A single value has no cursor to move; the program never reads it. */
static uint64_t start(const struct udp_gen_field *f, unsigned int thread)
{
	return f->span > 1 ? thread % f->span : 0;
}

void tg_udp_cfg_thread_init(const struct udp_gen_cfg *cfg,
			    unsigned int thread, struct udp_gen_pcpu *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->cur_sport = start(&cfg->sport, thread);
	pc->cur_dport = start(&cfg->dport, thread);
	pc->cur_saddr = start(&cfg->saddr, thread);
	pc->cur_daddr = start(&cfg->daddr, thread);
	pc->cur_size = cfg->nsizes > 1 ? thread % cfg->nsizes : 0;
	pc->cur_tmpl = cfg->ntmpl ? thread % cfg->ntmpl : 0;
	pc->stream = cfg->stream_base | thread;
	pc->cur_ring = cfg->ring_len ? thread % cfg->ring_len : 0;
}

int tg_udp_cfg_expected(const struct tg_udp_params *p, unsigned int thread,
			uint64_t k, uint64_t tx_ns, uint8_t *buf,
			struct tg_err *err)
{
	struct tg_udp_spec spec = p->spec;
	unsigned int n = p->nthreads;
	struct tg_layout l;
	int ret;

	ret = check_params(p, err);
	if (ret)
		return ret;
	tg_addr_range_at(&p->src, tg_seq_offset(p->src.count, n, thread, k), &spec.src);
	tg_addr_range_at(&p->dst, tg_seq_offset(p->dst.count, n, thread, k), &spec.dst);
	spec.sport = (uint16_t)(p->sport.first +
				tg_seq_offset(p->sport.count, n, thread, k));
	spec.dport = (uint16_t)(p->dport.first +
				tg_seq_offset(p->dport.count, n, thread, k));
	spec.frame_len = tg_udp_cfg_frame_len(p, thread, k);
	ret = tg_build_udp(&spec, buf, spec.frame_len, &l, err);
	if (!ret && p->stamp)
		put_stamp(buf, l.l3_off, spec.family, p->stream_base | thread, k, tx_ns,
			  stamp_has_total(p), tg_udp_stamp_total(p, thread));
	return ret;
}
