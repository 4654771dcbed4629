// SPDX-License-Identifier: GPL-2.0
/*
 * A line-by-line port of bpf/udp_gen.bpf.c's udp_copy, udp_gen and
 * udp_tmpl: the unit of comparison is the frame, so every step (header
 * restore, cursor moves, checksum accumulators and their fold) follows the
 * program's order.
 */
#include <arpa/inet.h>
#include <string.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include "csum.bpf.h"
#include "udp/cfg.h"
#include "udp/rewrite.h"

/* What rewrite_ip() writes: the fields that are no UDP matter (the program's IP_RW). */
#define TG_UDP_IP_RW (UDP_GEN_RW_DMAC | UDP_GEN_RW_SMAC | UDP_GEN_RW_TTL)

static uint64_t cursor_step(__u64 *cur, uint64_t stride, uint64_t n)
{
	uint64_t i = *cur;

	*cur = i + stride >= n ? i + stride - n : i + stride;
	return i;
}

/* xorshift64: the program's bpf_get_prandom_u32 has no userspace twin. */
static uint32_t rand32(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return (uint32_t)(x >> 32);
}

static uint64_t pick(const struct udp_gen_cfg *cfg, uint64_t *rng, __u64 *cur,
		     uint64_t stride, uint64_t n)
{
	if (cfg->random)
		return ((uint64_t)rand32(rng) * n) >> 32;
	return cursor_step(cur, stride, n);
}

static uint32_t next_off(const struct udp_gen_cfg *cfg, uint64_t *rng,
			 const struct udp_gen_field *f, __u64 *cur)
{
	return pick(cfg, rng, cur, f->stride, f->span);
}

static void udp_csum_store(struct udphdr *udp, uint32_t acc)
{
	uint16_t c = csum_end(acc);

	udp->check = c ? c : 0xffff;
}

/*
 * As the program's stamp(): each new word added to the checksum, since
 * the words written over are the zeros of every frame's source (the
 * template, each ring entry), the thread's frame count too in the stamp's
 * longer form (cfg->stamp_total).
 */
static uint32_t stamp(const struct udp_gen_cfg *cfg, struct udphdr *udp,
		      struct udp_gen_pcpu *pc, uint32_t ucsum, uint64_t now)
{
	uint8_t *p = (uint8_t *)(udp + 1);
	uint64_t seq = pc->seq++;
	uint32_t nw[7] = {
		htonl(pc->stream), htonl(seq >> 32), htonl((uint32_t)seq),
		htonl(now >> 32), htonl((uint32_t)now),
		htonl(pc->stamp_total >> 32), htonl((uint32_t)pc->stamp_total),
	};
	int i, n = cfg->stamp_total ? 7 : 5;

	/* memcpy: the stamp sits 2 bytes off 4-byte alignment behind VLAN tags. */
	for (i = 0; i < n; i++) {
		ucsum = csum_add32(ucsum, nw[i]);
		memcpy(p + 4 * (i + 1), &nw[i], 4);
	}
	return ucsum;
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* udp_gen's computed path, after the headers were restored. */
static void compute(const struct udp_gen_cfg *cfg, struct udp_gen_pcpu *pc, uint64_t *rng,
		    uint8_t *data, uint16_t len, uint16_t size_csum, uint64_t now)
{
	struct udphdr *udp = (struct udphdr *)(data + cfg->l4_off);
	uint8_t *ip = data + cfg->l3_off;
	uint8_t *u = data + cfg->l4_off;
	uint32_t ucsum = cfg->ucsum_base, icsum = cfg->icsum_base;
	const int ip4_csum = !cfg->ipv6 &&
		(cfg->saddr.span > 1 || cfg->daddr.span > 1 || cfg->nsizes > 1);
	uint16_t nv;
	uint32_t na;

	if (cfg->sport.span > 1) {
		nv = htons(cfg->sport.base + next_off(cfg, rng, &cfg->sport, &pc->cur_sport));
		ucsum += nv;
		put16(u + offsetof(struct udphdr, source), nv);
	}
	if (cfg->dport.span > 1) {
		nv = htons(cfg->dport.base + next_off(cfg, rng, &cfg->dport, &pc->cur_dport));
		ucsum += nv;
		put16(u + offsetof(struct udphdr, dest), nv);
	}
	/* The addresses' last 32 bits: IPv4 saddr at 12, daddr 16; IPv6 at 20 and 36. */
	if (cfg->saddr.span > 1) {
		na = htonl(cfg->saddr.base + next_off(cfg, rng, &cfg->saddr, &pc->cur_saddr));
		ucsum = csum_add32(ucsum, na);
		if (!cfg->ipv6)
			icsum = csum_add32(icsum, na);
		put32(ip + (cfg->ipv6 ? 20 : 12), na);
	}
	if (cfg->daddr.span > 1) {
		na = htonl(cfg->daddr.base + next_off(cfg, rng, &cfg->daddr, &pc->cur_daddr));
		ucsum = csum_add32(ucsum, na);
		if (!cfg->ipv6)
			icsum = csum_add32(icsum, na);
		put32(ip + (cfg->ipv6 ? 36 : 16), na);
	}
	if (cfg->nsizes > 1) {
		nv = htons(len - cfg->l4_off);
		if (cfg->ipv6) {
			put16(ip + offsetof(struct ipv6hdr, payload_len), nv);
		} else {
			uint16_t tot = htons(len - cfg->l3_off);

			icsum += tot;
			put16(ip + offsetof(struct iphdr, tot_len), tot);
		}
		put16(u + offsetof(struct udphdr, len), nv);
		ucsum += size_csum;
	}
	if (ip4_csum)
		put16(ip + offsetof(struct iphdr, check), csum_end(icsum));
	if (cfg->stamp)
		ucsum = stamp(cfg, udp, pc, ucsum, now);
	udp_csum_store(udp, ucsum);
}

uint32_t tg_udp_rewrite(const struct udp_gen_cfg *cfg, const uint8_t *ring,
			struct udp_gen_pcpu *pc, uint64_t *rng, uint8_t *frame,
			uint64_t now_ns)
{
	uint16_t len = cfg->frame_len, size_csum = 0;

	/* udp_copy: each frame a copy of the template or of a ring entry. */
	if (cfg->ring_len || !cfg->varies) {
		const uint8_t *src = cfg->hdr;

		if (cfg->ring_len)
			src = ring + (size_t)cursor_step(&pc->cur_ring, cfg->ring_stride,
							 cfg->ring_len) * tg_udp_cfg_ring_entry(cfg);
		memcpy(frame, src, cfg->hdr_len);
		if (cfg->stamp) {
			struct udphdr *udp = (struct udphdr *)(frame + cfg->l4_off);

			udp_csum_store(udp, stamp(cfg, udp, pc, csum_begin(get16(frame + cfg->l4_off + 6)),
						  now_ns));
		}
		pc->packets++;
		pc->bytes += cfg->frame_len;
		return cfg->frame_len;
	}
	if (cfg->nsizes > 1) {
		const struct udp_gen_size *e;

		e = &cfg->sizes[pick(cfg, rng, &pc->cur_size, cfg->size_stride, cfg->nsizes)];
		len = e->len;
		size_csum = e->csum;
	}
	memcpy(frame, cfg->hdr, cfg->hdr_len);
	compute(cfg, pc, rng, frame, len, size_csum, now_ns);
	pc->packets++;
	pc->bytes += len;
	return len;
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* As the program's put_macs(): -m and -M, into any IP template frame. */
static void put_macs(const struct udp_gen_cfg *cfg, uint8_t *eth)
{
	if (cfg->rw & UDP_GEN_RW_DMAC)
		memcpy(eth, cfg->dst_mac, 6);
	if (cfg->rw & UDP_GEN_RW_SMAC)
		memcpy(eth + 6, cfg->src_mac, 6);
}

/* As put_ttl(): IPv4's TTL shares its 16-bit word with the protocol. */
static void put_ttl(const struct udp_gen_cfg *cfg, uint8_t *ip, int v6, uint32_t *icsum)
{
	uint16_t w, n;

	if (!(cfg->rw & UDP_GEN_RW_TTL))
		return;
	if (v6) {
		ip[offsetof(struct ipv6hdr, hop_limit)] = cfg->ttl;
		return;
	}
	w = n = get16(ip + 8);
	((uint8_t *)&n)[0] = cfg->ttl;
	*icsum = csum_word(*icsum, w, n);
	put16(ip + 8, n);
}

/* As put_addr(): an address of 1 (IPv4, in both checksums) or 4 (IPv6) words. */
static uint32_t put_addr(const struct udp_gen_cfg *cfg, uint8_t *a, const __u32 *hi,
			 uint32_t low, uint32_t acc, uint32_t *icsum)
{
	int i;

	if (cfg->rw_ipv6) {
		for (i = 0; i < 3; i++) {
			acc = csum_word32(acc, get32(a + 4 * i), hi[i]);
			put32(a + 4 * i, hi[i]);
		}
		a += 12;
	} else {
		*icsum = csum_word32(*icsum, get32(a), low);
	}
	acc = csum_word32(acc, get32(a), low);
	put32(a, low);
	return acc;
}

/* As rewrite_ip(): MACs and TTL of an IP frame that is not plain UDP. */
static void rewrite_ip(const struct udp_gen_cfg *cfg, uint8_t *data, uint32_t len, uint32_t l3,
		       int v6)
{
	uint8_t *ip = data + (l3 & 0x3ff);
	uint32_t icsum = 0;

	if ((l3 & 0x3ff) + (v6 ? 40 : 20) > len || len < 12)
		return;
	put_macs(cfg, data);
	if (v6) {
		put_ttl(cfg, ip, 1, &icsum);
	} else if (cfg->rw & UDP_GEN_RW_TTL) {
		icsum = csum_begin(get16(ip + offsetof(struct iphdr, check)));
		put_ttl(cfg, ip, 0, &icsum);
		put16(ip + offsetof(struct iphdr, check), csum_end(icsum));
	}
}

/* As rewrite_tmpl(): the user's fields into a UDP template frame. */
static void rewrite_tmpl(const struct udp_gen_cfg *cfg, struct udp_gen_pcpu *pc, uint64_t *rng,
			 uint8_t *data, uint32_t len, uint32_t l3, uint32_t l4, int v6)
{
	uint8_t *ip = data + (l3 & 0x3ff), *u = data + (l4 & 0x3ff);
	uint32_t ucsum, icsum = 0;
	uint16_t nv;

	if ((l4 & 0x3ff) + sizeof(struct udphdr) > len || (l3 & 0x3ff) + (v6 ? 40 : 20) > len ||
	    len < 12)
		return;
	put_macs(cfg, data);
	ucsum = csum_begin(get16(u + offsetof(struct udphdr, check)));
	if (!v6)
		icsum = csum_begin(get16(ip + offsetof(struct iphdr, check)));
	if (cfg->rw & UDP_GEN_RW_SPORT) {
		nv = htons(cfg->sport.base + next_off(cfg, rng, &cfg->sport, &pc->cur_sport));
		ucsum = csum_word(ucsum, get16(u + offsetof(struct udphdr, source)), nv);
		put16(u + offsetof(struct udphdr, source), nv);
	}
	if (cfg->rw & UDP_GEN_RW_DPORT) {
		nv = htons(cfg->dport.base + next_off(cfg, rng, &cfg->dport, &pc->cur_dport));
		ucsum = csum_word(ucsum, get16(u + offsetof(struct udphdr, dest)), nv);
		put16(u + offsetof(struct udphdr, dest), nv);
	}
	if (v6 == cfg->rw_ipv6) {
		if (cfg->rw & UDP_GEN_RW_SADDR)
			ucsum = put_addr(cfg, ip + (v6 ? 8 : 12), cfg->saddr_hi,
					 htonl(cfg->saddr.base +
					       next_off(cfg, rng, &cfg->saddr, &pc->cur_saddr)),
					 ucsum, &icsum);
		if (cfg->rw & UDP_GEN_RW_DADDR)
			ucsum = put_addr(cfg, ip + (v6 ? 24 : 16), cfg->daddr_hi,
					 htonl(cfg->daddr.base +
					       next_off(cfg, rng, &cfg->daddr, &pc->cur_daddr)),
					 ucsum, &icsum);
	}
	put_ttl(cfg, ip, v6, &icsum);
	if (!v6)
		put16(ip + offsetof(struct iphdr, check), csum_end(icsum));
	udp_csum_store((struct udphdr *)u, ucsum);
}

uint32_t tg_udp_rewrite_tmpl(const struct udp_gen_cfg *cfg, const struct udp_gen_tmpl *tmpls,
			     struct udp_gen_pcpu *pc, uint64_t *rng, uint8_t *frame)
{
	const struct udp_gen_tmpl *t = &tmpls[pick(cfg, rng, &pc->cur_tmpl, cfg->tmpl_stride,
						   cfg->ntmpl)];
	uint32_t len = t->len;

	memcpy(frame, t->data, len);
	if (cfg->rw && t->kind == UDP_GEN_TMPL_UDP4)
		rewrite_tmpl(cfg, pc, rng, frame, len, t->l3_off, t->l4_off, 0);
	else if (cfg->rw && t->kind == UDP_GEN_TMPL_UDP6)
		rewrite_tmpl(cfg, pc, rng, frame, len, t->l3_off, t->l4_off, 1);
	else if ((cfg->rw & TG_UDP_IP_RW) && t->kind == UDP_GEN_TMPL_IP4)
		rewrite_ip(cfg, frame, len, t->l3_off, 0);
	else if ((cfg->rw & TG_UDP_IP_RW) && t->kind == UDP_GEN_TMPL_IP6)
		rewrite_ip(cfg, frame, len, t->l3_off, 1);
	pc->packets++;
	pc->bytes += len;
	return len;
}
