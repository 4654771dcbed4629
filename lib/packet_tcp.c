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

uint32_t tg_tcp_hdrs_len(int family, bool ts)
{
	uint32_t l3 = family == AF_INET ? TG_IP4_HLEN : TG_IP6_HLEN;

	return TG_ETH_HLEN + l3 + TG_TCP_HLEN + (ts ? TG_TCP_TSOPT_LEN : 0);
}

uint32_t tg_tcp_frame_len(int family, bool ts, uint32_t payload_len)
{
	uint32_t len = tg_tcp_hdrs_len(family, ts) + payload_len;

	return tg_min_frame_len(len);
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

	tg_put16(p, s->sport);
	tg_put16(p + 2, s->dport);
	tg_put32(p + 4, s->seq);
	tg_put32(p + 8, s->ack);
	p[12] = (uint8_t)((hlen / 4) << 4);
	p[13] = s->flags;
	tg_put16(p + 14, s->window);
	tg_put16(p + 16, 0);	/* the checksum covers itself as 0 */
	tg_put16(p + 18, 0);	/* urgent pointer */
	if (s->ts) {
		p[20] = 1;	/* NOP */
		p[21] = 1;
		p[22] = 8;	/* kind: timestamps */
		p[23] = 10;
		tg_put32(p + 24, s->tsval);
		tg_put32(p + 28, s->tsecr);
	}
	tg_fill_payload(p + hlen, l4len - hlen);
	if (s->family == AF_INET)
		c = tg_l4_csum4(&s->src.v4, &s->dst.v4, IPPROTO_TCP, p, l4len);
	else
		c = tg_l4_csum6(&s->src.v6, &s->dst.v6, IPPROTO_TCP, p, l4len);
	/* TCP has no "no checksum" value: a computed 0 is sent as 0. */
	tg_put_csum(p + 16, c);
}

int tg_build_tcp(const struct tg_tcp_spec *s, uint8_t *buf, size_t buflen,
		 struct tg_layout *layout, struct tg_err *err)
{
	struct tg_layout l = { .l3_off = TG_ETH_HLEN };
	uint32_t hdrs, len, l4len, max = tg_max_frame_len();

	if (s->family != AF_INET && s->family != AF_INET6)
		return tg_fail(err, EINVAL, "address family %d is neither IPv4 nor IPv6",
			       s->family);
	hdrs = tg_tcp_hdrs_len(s->family, s->ts);
	len = tg_tcp_frame_len(s->family, s->ts, s->payload_len);
	if (s->payload_len > max || len > max)
		return tg_fail(err, EINVAL,
			       "a segment with %u bytes of payload (%u-byte frame) is above the maximum frame of %u bytes (%u on the wire)",
			       s->payload_len, hdrs + s->payload_len, max, max + TG_FCS_LEN);
	if (len > buflen)
		return tg_fail(err, EINVAL, "frame size %u does not fit a buffer of %zu bytes",
			       len, buflen);
	memset(buf, 0, len);	/* Ethernet padding, if any */
	tg_put_eth(buf, s->dst_mac, s->src_mac, 0, NULL, NULL,
		   s->family == AF_INET ? TG_ETH_P_IPV4 : TG_ETH_P_IPV6);
	l.l4_off = l.l3_off + (s->family == AF_INET ? TG_IP4_HLEN : TG_IP6_HLEN);
	l4len = hdrs + s->payload_len - l.l4_off;
	if (s->family == AF_INET)
		tg_put_ip4(buf + l.l3_off, &s->src.v4, &s->dst.v4, IPPROTO_TCP, s->ttl,
			   (uint16_t)(TG_IP4_HLEN + l4len));
	else
		tg_put_ip6(buf + l.l3_off, &s->src.v6, &s->dst.v6, IPPROTO_TCP, s->ttl,
			   (uint16_t)l4len);
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

	if (len < TG_ETH_HLEN + TG_IP4_HLEN)
		return -EINVAL;
	if (tg_get16(f + 12) == TG_ETH_P_IPV4) {
		struct in_addr s, d;

		l4len = tg_get16(f + 16) - TG_IP4_HLEN;
		if (TG_ETH_HLEN + TG_IP4_HLEN + l4len > len || tg_csum(f + 14, TG_IP4_HLEN))
			return -EBADMSG;
		memcpy(&s, f + 26, 4);
		memcpy(&d, f + 30, 4);
		return tg_l4_csum4(&s, &d, IPPROTO_TCP, f + 34, l4len) ? -EBADMSG : 0;
	}
	if (tg_get16(f + 12) == TG_ETH_P_IPV6 && len >= TG_ETH_HLEN + TG_IP6_HLEN) {
		struct in6_addr s, d;

		l4len = tg_get16(f + 18);
		if (TG_ETH_HLEN + TG_IP6_HLEN + l4len > len)
			return -EBADMSG;
		memcpy(&s, f + 22, 16);
		memcpy(&d, f + 38, 16);
		return tg_l4_csum6(&s, &d, IPPROTO_TCP, f + 54, l4len) ? -EBADMSG : 0;
	}
	return -EINVAL;
}
