// SPDX-License-Identifier: GPL-2.0
/*
 * TCP segments byte by byte, in the manner of lib/packet.c: every field is
 * written explicitly and every checksum computed in full, since the result
 * is both what the generator starts from and what its output is judged by.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include "csum.h"
#include "packet_tcp.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_IPV6 0x86dd
#define IP4_HLEN 20
#define IP6_HLEN 40
#define IP4_DF 0x4000
#define ETH_MIN_FRAME 60

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t tg_tcp_hdrs_len(int family, bool ts)
{
	uint32_t l3 = family == AF_INET ? IP4_HLEN : IP6_HLEN;

	return TG_ETH_HLEN + l3 + TG_TCP_HLEN + (ts ? TG_TCP_TSOPT_LEN : 0);
}

uint32_t tg_tcp_frame_len(int family, bool ts, uint32_t payload_len)
{
	uint32_t len = tg_tcp_hdrs_len(family, ts) + payload_len;

	return len < ETH_MIN_FRAME ? ETH_MIN_FRAME : len;
}

uint32_t tg_tcp_payload_for_wire(int family, bool ts, uint32_t wire_size)
{
	uint32_t hdrs = tg_tcp_hdrs_len(family, ts) + TG_FCS_LEN;

	return wire_size > hdrs ? wire_size - hdrs : 0;
}

static void put_tcp(uint8_t *p, const struct tg_tcp_spec *s, uint32_t l4len)
{
	uint32_t hlen = TG_TCP_HLEN + (s->ts ? TG_TCP_TSOPT_LEN : 0);
	uint16_t c;

	put16(p, s->sport);
	put16(p + 2, s->dport);
	put32(p + 4, s->seq);
	put32(p + 8, s->ack);
	p[12] = (uint8_t)((hlen / 4) << 4);
	p[13] = s->flags;
	put16(p + 14, s->window);
	put16(p + 16, 0);
	put16(p + 18, 0);	/* urgent pointer */
	if (s->ts) {
		p[20] = 1;	/* NOP */
		p[21] = 1;
		p[22] = 8;	/* kind: timestamps */
		p[23] = 10;
		put32(p + 24, s->tsval);
		put32(p + 28, s->tsecr);
	}
	tg_fill_payload(p + hlen, l4len - hlen);
	if (s->family == AF_INET)
		c = tg_l4_csum4(&s->src.v4, &s->dst.v4, IPPROTO_TCP, p, l4len);
	else
		c = tg_l4_csum6(&s->src.v6, &s->dst.v6, IPPROTO_TCP, p, l4len);
	/* TCP has no "no checksum" value: a computed 0 is sent as 0. */
	memcpy(p + 16, &c, 2);
}

int tg_build_tcp(const struct tg_tcp_spec *s, uint8_t *buf, size_t buflen,
		 struct tg_layout *layout, struct tg_err *err)
{
	struct tg_layout l = { .l3_off = TG_ETH_HLEN };
	uint32_t hdrs, len, l4len;
	uint16_t c;

	if (s->family != AF_INET && s->family != AF_INET6)
		return tg_fail(err, EINVAL, "address family %d is neither IPv4 nor IPv6",
			       s->family);
	hdrs = tg_tcp_hdrs_len(s->family, s->ts);
	len = tg_tcp_frame_len(s->family, s->ts, s->payload_len);
	if (s->payload_len > TG_MAX_FRAME_LEN || len > TG_MAX_FRAME_LEN)
		return tg_fail(err, EINVAL,
			       "a segment with %u bytes of payload (%u-byte frame) is above the maximum frame of %u bytes (%u on the wire)",
			       s->payload_len, hdrs + s->payload_len, TG_MAX_FRAME_LEN,
			       TG_MAX_WIRE_SIZE);
	if (len > buflen)
		return tg_fail(err, EINVAL, "frame size %u does not fit a buffer of %zu bytes",
			       len, buflen);
	memset(buf, 0, len);	/* Ethernet padding, if any */
	memcpy(buf, s->dst_mac, 6);
	memcpy(buf + 6, s->src_mac, 6);
	l.l4_off = l.l3_off + (s->family == AF_INET ? IP4_HLEN : IP6_HLEN);
	l4len = hdrs + s->payload_len - l.l4_off;
	if (s->family == AF_INET) {
		uint8_t *p = buf + l.l3_off;

		put16(buf + 12, ETH_P_IPV4);
		p[0] = 0x45;
		p[1] = 0;
		put16(p + 2, (uint16_t)(IP4_HLEN + l4len));
		put16(p + 4, 0);
		put16(p + 6, IP4_DF);
		p[8] = s->ttl;
		p[9] = IPPROTO_TCP;
		put16(p + 10, 0);
		memcpy(p + 12, &s->src.v4.s_addr, 4);
		memcpy(p + 16, &s->dst.v4.s_addr, 4);
		c = tg_csum(p, IP4_HLEN);
		memcpy(p + 10, &c, 2);
	} else {
		uint8_t *p = buf + l.l3_off;

		put16(buf + 12, ETH_P_IPV6);
		put32(p, 6u << 28);
		put16(p + 4, (uint16_t)l4len);
		p[6] = IPPROTO_TCP;
		p[7] = s->ttl;
		memcpy(p + 8, s->src.v6.s6_addr, 16);
		memcpy(p + 24, s->dst.v6.s6_addr, 16);
	}
	put_tcp(buf + l.l4_off, s, l4len);
	l.payload_off = (uint16_t)hdrs;
	l.len = (uint16_t)len;
	if (layout)
		*layout = l;
	return 0;
}

int tg_tcp_verify_csums(const uint8_t *f, uint32_t len)
{
	uint32_t l4len;

	if (len < TG_ETH_HLEN + IP4_HLEN)
		return -EINVAL;
	if (get16(f + 12) == ETH_P_IPV4) {
		struct in_addr s, d;

		l4len = get16(f + 16) - IP4_HLEN;
		if (TG_ETH_HLEN + IP4_HLEN + l4len > len || tg_csum(f + 14, IP4_HLEN))
			return -EBADMSG;
		memcpy(&s, f + 26, 4);
		memcpy(&d, f + 30, 4);
		return tg_l4_csum4(&s, &d, IPPROTO_TCP, f + 34, l4len) ? -EBADMSG : 0;
	}
	if (get16(f + 12) == ETH_P_IPV6 && len >= TG_ETH_HLEN + IP6_HLEN) {
		struct in6_addr s, d;

		l4len = get16(f + 18);
		if (TG_ETH_HLEN + IP6_HLEN + l4len > len)
			return -EBADMSG;
		memcpy(&s, f + 22, 16);
		memcpy(&d, f + 38, 16);
		return tg_l4_csum6(&s, &d, IPPROTO_TCP, f + 54, l4len) ? -EBADMSG : 0;
	}
	return -EINVAL;
}
