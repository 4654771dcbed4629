// SPDX-License-Identifier: GPL-2.0
/*
 * The L2/L3 headers shared by the UDP and TCP frame builders. Every field is
 * written, none left to whatever the buffer held, since the frames built
 * here are also the references the BPF tests judge the generators by.
 */
#include <string.h>
#include "csum.h"
#include "wire.h"

#define IP4_DF 0x4000

uint32_t tg_put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
		    unsigned int nvlan, const uint16_t *tpid, const uint16_t *tci,
		    uint16_t proto)
{
	uint32_t off = 12;
	unsigned int i;

	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	for (i = 0; i < nvlan; i++, off += TG_VLAN_HLEN) {
		tg_put16(p + off, tpid[i]);
		tg_put16(p + off + 2, tci[i]);
	}
	tg_put16(p + off, proto);
	return off + 2;
}

void tg_put_ip4(uint8_t *p, const struct in_addr *src, const struct in_addr *dst,
		uint8_t proto, uint8_t ttl, uint16_t tot_len)
{
	p[0] = 0x45;		/* version 4, 5 words of header */
	p[1] = 0;		/* TOS */
	tg_put16(p + 2, tot_len);
	tg_put16(p + 4, 0);	/* id */
	tg_put16(p + 6, IP4_DF);
	p[8] = ttl;
	p[9] = proto;
	tg_put16(p + 10, 0);	/* the checksum covers itself as 0 */
	memcpy(p + 12, &src->s_addr, 4);
	memcpy(p + 16, &dst->s_addr, 4);
	tg_put_csum(p + 10, tg_csum(p, TG_IP4_HLEN));
}

void tg_put_ip6(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst,
		uint8_t proto, uint8_t hop_limit, uint16_t payload_len)
{
	tg_put32(p, 6u << 28);	/* version 6, traffic class 0, flow label 0 */
	tg_put16(p + 4, payload_len);
	p[6] = proto;
	p[7] = hop_limit;
	memcpy(p + 8, src->s6_addr, 16);
	memcpy(p + 24, dst->s6_addr, 16);
}
