// SPDX-License-Identifier: GPL-2.0
/* Frames of a capture as the UDP generator's templates (see tmpl.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <pcap/pcap.h>
#include "csum.h"
#include "packet.h"
#include "udp/capture.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The IPv4 header checksum, in full, from the bytes. */
static void fix_ip_csum(uint8_t *f, uint32_t l3)
{
	uint32_t ihl = (f[l3] & 0xf) * 4u;
	uint16_t c;

	memset(f + l3 + 10, 0, 2);
	c = tg_csum(f + l3, ihl);
	memcpy(f + l3 + 10, &c, 2);
}

static bool is_udp(uint8_t kind)
{
	return kind == UDP_GEN_TMPL_UDP4 || kind == UDP_GEN_TMPL_UDP6;
}

/* The IPv4 header checksum and the UDP checksum, in full, from the bytes. */
static void fix_csums(uint8_t *f, uint8_t kind, uint32_t l3, uint32_t l4)
{
	uint16_t ulen, c;

	if (kind == UDP_GEN_TMPL_UDP4 || kind == UDP_GEN_TMPL_IP4)
		fix_ip_csum(f, l3);
	if (!is_udp(kind))
		return;
	ulen = be16(f + l4 + 4);
	memset(f + l4 + 6, 0, 2);
	if (kind == UDP_GEN_TMPL_UDP4) {
		struct in_addr s, d;

		memcpy(&s, f + l3 + 12, 4);
		memcpy(&d, f + l3 + 16, 4);
		c = tg_l4_csum4(&s, &d, IPPROTO_UDP, f + l4, ulen);
	} else {
		struct in6_addr s, d;

		memcpy(&s, f + l3 + 8, 16);
		memcpy(&d, f + l3 + 24, 16);
		c = tg_l4_csum6(&s, &d, IPPROTO_UDP, f + l4, ulen);
	}
	c = tg_udp_csum_nonzero(c);
	memcpy(f + l4 + 6, &c, 2);
}

/*
 * The kind of a frame and its offsets: UDP4 or UDP6 with both, IP4 or IP6
 * (an IP header that is whole, but not plain UDP) with l3 only, RAW with
 * neither.
 */
static uint8_t layout(const uint8_t *f, uint32_t len, uint32_t *l3p, uint32_t *l4p)
{
	uint32_t off = 12, l3, l4, iplen;
	uint16_t et = be16(f + 12);
	int i;

	for (i = 0; i < 2 && (et == TG_ETH_P_8021Q || et == TG_ETH_P_8021AD); i++) {
		off += TG_VLAN_HLEN;
		if (off + 2 > len)
			return UDP_GEN_TMPL_RAW;
		et = be16(f + off);
	}
	l3 = off + 2;
	if (et == 0x0800) {
		uint32_t ihl;

		if (l3 + 20 > len || f[l3] >> 4 != 4)
			return UDP_GEN_TMPL_RAW;
		ihl = (f[l3] & 0xf) * 4u;
		if (ihl < 20 || l3 + ihl > len)
			return UDP_GEN_TMPL_RAW;
		*l3p = l3;
		iplen = be16(f + l3 + 2);
		/* Fragments (MF set or an offset) carry part of a datagram: not rewritable. */
		if (f[l3 + 9] != IPPROTO_UDP || (be16(f + l3 + 6) & 0x3fff) ||
		    iplen < ihl + 8 || l3 + iplen > len)
			return UDP_GEN_TMPL_IP4;
		l4 = l3 + ihl;
	} else if (et == 0x86dd) {
		if (l3 + 40 > len || f[l3] >> 4 != 6)
			return UDP_GEN_TMPL_RAW;
		*l3p = l3;
		iplen = 40 + be16(f + l3 + 4);
		if (f[l3 + 6] != IPPROTO_UDP || l3 + iplen > len || iplen < 48)
			return UDP_GEN_TMPL_IP6;
		l4 = l3 + 40;
	} else {
		return UDP_GEN_TMPL_RAW;
	}
	if (be16(f + l4 + 4) < 8 || l4 + be16(f + l4 + 4) > l3 + iplen)
		return et == 0x0800 ? UDP_GEN_TMPL_IP4 : UDP_GEN_TMPL_IP6;
	*l4p = l4;
	return et == 0x0800 ? UDP_GEN_TMPL_UDP4 : UDP_GEN_TMPL_UDP6;
}

void tg_capture_parse(const uint8_t *frame, uint32_t len, struct udp_gen_tmpl *t)
{
	uint32_t l3 = 0, l4 = 0;

	memset(t, 0, sizeof(*t));
	if (len > UDP_GEN_TMPL_MAX)
		len = UDP_GEN_TMPL_MAX;
	memcpy(t->data, frame, len);
	t->len = (uint16_t)len;
	t->kind = len >= TG_ETH_HLEN ? layout(t->data, len, &l3, &l4) : UDP_GEN_TMPL_RAW;
	if (t->kind == UDP_GEN_TMPL_RAW)
		return;
	t->l3_off = (uint16_t)l3;
	t->l4_off = (uint16_t)l4;
	fix_csums(t->data, t->kind, l3, l4);
}

int tg_capture_read(const char *path, struct udp_gen_tmpl *t, unsigned int max,
		 struct tg_err *err)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct pcap_pkthdr *h;
	const u_char *data;
	unsigned int n = 0;
	pcap_t *p;
	int ret;

	p = pcap_open_offline(path, ebuf);
	if (!p)
		return tg_fail(err, EINVAL, "could not read %s: %s", path, ebuf);
	if (pcap_datalink(p) != DLT_EN10MB) {
		tg_fail(err, EINVAL, "%s holds %s frames: only Ethernet can be sent", path,
			pcap_datalink_val_to_name(pcap_datalink(p)) ?: "non-Ethernet");
		pcap_close(p);
		return -EINVAL;
	}
	while ((ret = pcap_next_ex(p, &h, &data)) == 1) {
		if (n == max) {
			ret = tg_fail(err, E2BIG, "%s has more than %u frames", path, max);
			break;
		}
		if (h->caplen < h->len) {
			ret = tg_fail(err, EINVAL,
				      "frame %u of %s was captured truncated (%u of %u bytes): capture with a larger snaplen (tcpdump -s 0)",
				      n + 1, path, h->caplen, h->len);
			break;
		}
		if (h->len < TG_ETH_HLEN || h->len > tg_max_frame_len()) {
			ret = tg_fail(err, EINVAL,
				      "frame %u of %s is %u bytes: a live frame is %d to %u bytes",
				      n + 1, path, h->len, TG_ETH_HLEN, tg_max_frame_len());
			break;
		}
		tg_capture_parse(data, h->len, &t[n++]);
	}
	if (ret == PCAP_ERROR)
		ret = tg_fail(err, EIO, "reading %s failed: %s", path, pcap_geterr(p));
	pcap_close(p);
	if (ret < 0 && ret != PCAP_ERROR_BREAK)
		return ret;
	if (!n)
		return tg_fail(err, EINVAL, "%s holds no frames", path);
	return (int)n;
}

void tg_capture_expected(const struct udp_gen_tmpl *t, const struct tg_capture_rw *rw,
		      uint64_t off_sport, uint64_t off_dport, uint64_t off_saddr,
		      uint64_t off_daddr, uint8_t *out)
{
	uint32_t l3 = t->l3_off, l4 = t->l4_off;
	bool v6 = t->kind == UDP_GEN_TMPL_UDP6 || t->kind == UDP_GEN_TMPL_IP6;
	size_t alen = v6 ? 16 : 4;
	union tg_addr a;

	memcpy(out, t->data, t->len);
	if (t->kind == UDP_GEN_TMPL_RAW)
		return;
	if (rw->flags & UDP_GEN_RW_DMAC)
		memcpy(out, rw->dst_mac, 6);
	if (rw->flags & UDP_GEN_RW_SMAC)
		memcpy(out + 6, rw->src_mac, 6);
	if (rw->flags & UDP_GEN_RW_TTL)
		out[l3 + (v6 ? 7 : 8)] = rw->ttl;
	if (!is_udp(t->kind)) {
		fix_csums(out, t->kind, l3, l4);
		return;
	}
	if (rw->flags & UDP_GEN_RW_SPORT)
		put16(out + l4, (uint16_t)(rw->sport.first + off_sport));
	if (rw->flags & UDP_GEN_RW_DPORT)
		put16(out + l4 + 2, (uint16_t)(rw->dport.first + off_dport));
	if ((rw->flags & UDP_GEN_RW_SADDR) && rw->src.family == (v6 ? AF_INET6 : AF_INET)) {
		tg_addr_range_at(&rw->src, off_saddr, &a);
		memcpy(out + l3 + (v6 ? 8 : 12), &a, alen);
	}
	if ((rw->flags & UDP_GEN_RW_DADDR) && rw->dst.family == (v6 ? AF_INET6 : AF_INET)) {
		tg_addr_range_at(&rw->dst, off_daddr, &a);
		memcpy(out + l3 + (v6 ? 24 : 16), &a, alen);
	}
	fix_csums(out, t->kind, l3, l4);
}

static void set_field(struct udp_gen_field *f, uint32_t base, uint64_t count,
		      unsigned int nthreads)
{
	f->base = base;
	f->span = count;
	f->stride = nthreads % count;
}

/* An address range's last word (host order) and, for IPv6, its first three as stored. */
static int addr_field(const char *what, const struct tg_addr_range *r, struct udp_gen_field *f,
		      uint32_t hi[3], unsigned int nthreads, struct tg_err *err)
{
	bool v6 = r->family == AF_INET6;
	uint32_t low;

	memcpy(&low, (const uint8_t *)&r->first + (v6 ? 12 : 0), 4);
	low = ntohl(low);
	if (!r->count || (uint64_t)low + r->count - 1 > UINT32_MAX)
		return tg_fail(err, EINVAL, "%s address range of %llu addresses carries past the last 32 bits",
			       what, (unsigned long long)r->count);
	if (v6)
		memcpy(hi, &r->first, 12);
	set_field(f, low, r->count, nthreads);
	return 0;
}

int tg_capture_cfg(const struct tg_capture_rw *rw, const struct udp_gen_tmpl *t,
		unsigned int n, unsigned int nthreads, bool random, uint32_t ifindex,
		struct udp_gen_cfg *cfg, struct tg_err *err)
{
	unsigned int i;
	int ret = 0;

	if (!n || !nthreads)
		return tg_fail(err, EINVAL, "%u templates over %u threads", n, nthreads);
	memset(cfg, 0, sizeof(*cfg));
	cfg->ifindex = ifindex;
	cfg->random = random;
	cfg->ntmpl = n;
	cfg->tmpl_stride = nthreads % n;
	for (i = 0; i < n; i++)
		if (t[i].len > cfg->frame_len)
			cfg->frame_len = t[i].len;
	cfg->rw = rw->flags;
	cfg->ttl = rw->ttl;
	memcpy(cfg->dst_mac, rw->dst_mac, 6);
	memcpy(cfg->src_mac, rw->src_mac, 6);
	set_field(&cfg->sport, rw->sport.first, rw->sport.count ? rw->sport.count : 1, nthreads);
	set_field(&cfg->dport, rw->dport.first, rw->dport.count ? rw->dport.count : 1, nthreads);
	set_field(&cfg->saddr, 0, 1, nthreads);
	set_field(&cfg->daddr, 0, 1, nthreads);
	if (rw->flags & UDP_GEN_RW_SADDR) {
		cfg->rw_ipv6 = rw->src.family == AF_INET6;
		ret = addr_field("source", &rw->src, &cfg->saddr, cfg->saddr_hi, nthreads, err);
	}
	if (!ret && (rw->flags & UDP_GEN_RW_DADDR)) {
		cfg->rw_ipv6 = rw->dst.family == AF_INET6;
		ret = addr_field("destination", &rw->dst, &cfg->daddr, cfg->daddr_hi, nthreads, err);
	}
	if (!ret && (rw->flags & UDP_GEN_RW_SADDR) && (rw->flags & UDP_GEN_RW_DADDR) &&
	    rw->src.family != rw->dst.family)
		ret = tg_fail(err, EINVAL, "source and destination addresses are of different families");
	return ret;
}
