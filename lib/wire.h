/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_WIRE_H
#define TG_WIRE_H

#include <stdint.h>
#include <string.h>
#include <netinet/in.h>

/*
 * Wire-format fields, and the L2/L3 headers that every frame builder
 * (lib/packet.c for UDP, lib/packet_tcp.c for TCP) writes the same way.
 * Multi-byte fields are stored big-endian a byte at a time: frames come out
 * identical on any host, and a field may sit at any offset (after a VLAN
 * tag an IP header is only 2-byte aligned). Pure C: no libbpf.
 */

#define TG_ETH_HLEN 14
#define TG_VLAN_HLEN 4
#define TG_ETH_P_IPV4 0x0800
#define TG_ETH_P_IPV6 0x86dd
#define TG_ETH_P_8021Q 0x8100
#define TG_ETH_P_8021AD 0x88a8
#define TG_IP4_HLEN 20		/* no options */
#define TG_IP6_HLEN 40		/* no extension headers */

static inline void tg_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void tg_put32(uint8_t *p, uint32_t v)
{
	tg_put16(p, (uint16_t)(v >> 16));
	tg_put16(p + 2, (uint16_t)v);
}

static inline void tg_put64(uint8_t *p, uint64_t v)
{
	tg_put32(p, (uint32_t)(v >> 32));
	tg_put32(p + 4, (uint32_t)v);
}

static inline uint16_t tg_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t tg_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Checksums are not big-endian values: lib/csum sums 16-bit words in memory
 * order, and by RFC 1071's byte order independence the result is stored as
 * computed, on any host.
 */
static inline void tg_put_csum(uint8_t *p, uint16_t c)
{
	memcpy(p, &c, 2);
}

/*
 * Ethernet header: the MACs, nvlan tags (TPID, TCI) outermost first, the
 * EtherType proto. tpid and tci may be NULL when nvlan is 0. Returns the
 * bytes written, which is where the L3 header starts.
 */
uint32_t tg_put_eth(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
		    unsigned int nvlan, const uint16_t *tpid, const uint16_t *tci,
		    uint16_t proto);

/*
 * IPv4 header without options, its checksum computed in full. DF is set and
 * the id is 0: RFC 6864, an atomic datagram's id means nothing, since it is
 * never reassembled. tot_len is the header and everything after it.
 */
void tg_put_ip4(uint8_t *p, const struct in_addr *src, const struct in_addr *dst,
		uint8_t proto, uint8_t ttl, uint16_t tot_len);

/*
 * IPv6 header, traffic class and flow label 0, next header proto.
 * payload_len is what follows the 40 bytes of the header.
 */
void tg_put_ip6(uint8_t *p, const struct in6_addr *src, const struct in6_addr *dst,
		uint8_t proto, uint8_t hop_limit, uint16_t payload_len);

#endif
