/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CSUM_H
#define TG_CSUM_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/*
 * The one reference implementation of the Internet checksum (RFC 1071) in
 * the project. Sums are of 16-bit words in memory order; by RFC 1071's byte
 * order independence the folded result is stored back with memcpy as is,
 * on any host. BPF tests compare the XDP programs' incremental updates
 * against these full computations.
 */

/* Adds len bytes (odd length padded with a zero byte) to a 32-bit partial sum. */
uint32_t tg_csum_add(uint32_t sum, const void *buf, size_t len);

/* Folds a partial sum to 16 bits and complements it: the header value. */
uint16_t tg_csum_fold(uint32_t sum);

/* Checksum of a buffer: tg_csum_fold(tg_csum_add(0, buf, len)). */
uint16_t tg_csum(const void *buf, size_t len);

/*
 * RFC 1624 eqn. 3: the checksum after a 16-bit word changes from old to new,
 * HC' = ~(~HC + ~m + m'). Unlike adding a two's-complement difference it is
 * right when the new value is below the old.
 */
uint16_t tg_csum_replace16(uint16_t check, uint16_t old, uint16_t new);

/* UDP or TCP checksum over an IPv4 or IPv6 pseudo-header and l4len bytes at l4. */
uint16_t tg_l4_csum4(const struct in_addr *src, const struct in_addr *dst,
		     uint8_t proto, const void *l4, size_t l4len);
uint16_t tg_l4_csum6(const struct in6_addr *src, const struct in6_addr *dst,
		     uint8_t proto, const void *l4, size_t l4len);

/*
 * UDP's rule (RFC 768, RFC 8200 8.1): a computed 0 is sent as 0xffff, since
 * 0 means "no checksum" (and is not allowed at all over IPv6).
 */
static inline uint16_t tg_udp_csum_nonzero(uint16_t c)
{
	return c ? c : 0xffff;
}

#endif
