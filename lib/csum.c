// SPDX-License-Identifier: GPL-2.0
/*
 * The Internet checksum, RFC 1071. Plain and unhurried on purpose: this is
 * the reference the XDP programs' incremental updates are judged against,
 * so it sums every word in full and leaves speed to the kernel.
 */
#include <string.h>
#include "csum.h"

/* Folds a 64-bit one's-complement sum to 32 bits; the end-around carries keep it equal mod 0xffff. */
static uint32_t fold64(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint32_t tg_csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t acc = sum;
	uint16_t w;

	/* 64 bits cannot overflow before 2^48 words: no buffer gets near that. */
	for (; len >= 2; p += 2, len -= 2) {
		memcpy(&w, p, 2);
		acc += w;
	}
	if (len) {
		/* The pad byte follows the last one in memory, whatever the host's order. */
		uint8_t last[2] = { p[0], 0 };

		memcpy(&w, last, 2);
		acc += w;
	}
	return fold64(acc);
}

uint16_t tg_csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t tg_csum(const void *buf, size_t len)
{
	return tg_csum_fold(tg_csum_add(0, buf, len));
}

uint16_t tg_csum_replace16(uint16_t check, uint16_t old, uint16_t new)
{
	uint32_t sum = (uint16_t)~check;

	sum += (uint16_t)~old;
	sum += new;
	return tg_csum_fold(sum);
}

uint16_t tg_l4_csum4(const struct in_addr *src, const struct in_addr *dst,
		     uint8_t proto, const void *l4, size_t l4len)
{
	/* RFC 768 pseudo-header: source, destination, zero, protocol, length. */
	uint8_t ph[12];

	memcpy(ph, &src->s_addr, 4);
	memcpy(ph + 4, &dst->s_addr, 4);
	ph[8] = 0;
	ph[9] = proto;
	ph[10] = (uint8_t)(l4len >> 8);
	ph[11] = (uint8_t)l4len;
	return tg_csum_fold(tg_csum_add(tg_csum_add(0, ph, sizeof(ph)), l4, l4len));
}

uint16_t tg_l4_csum6(const struct in6_addr *src, const struct in6_addr *dst,
		     uint8_t proto, const void *l4, size_t l4len)
{
	/* RFC 8200 8.1 pseudo-header: addresses, 32-bit length, 3 zero bytes, next header. */
	uint8_t ph[40];

	memcpy(ph, src->s6_addr, 16);
	memcpy(ph + 16, dst->s6_addr, 16);
	ph[32] = (uint8_t)((uint64_t)l4len >> 24);
	ph[33] = (uint8_t)(l4len >> 16);
	ph[34] = (uint8_t)(l4len >> 8);
	ph[35] = (uint8_t)l4len;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = proto;
	return tg_csum_fold(tg_csum_add(tg_csum_add(0, ph, sizeof(ph)), l4, l4len));
}
