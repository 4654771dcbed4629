/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_PARSE_H
#define TG_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>
#include "errbuf.h"

/*
 * Parsers for the values users type. Each returns 0 or -EINVAL (-ERANGE for
 * a well-formed value out of range) and leaves in err a message that quotes
 * the bad text and says what is expected, e.g.
 *   "'10.0.0.300' is not an IPv4 or IPv6 address"
 * Pure C: no libbpf, no I/O.
 */

union tg_addr {
	struct in_addr v4;
	struct in6_addr v6;
};

/*
 * A range of addresses: first, first+1, ..., first+count-1, counted in the
 * low 32 bits (big-endian) of the address. Ranges never carry into the upper
 * bits: the generator rewrites only the last 32 bits, so a range that would
 * is refused. count is 1 for a single address, at most 2^32.
 */
struct tg_addr_range {
	int family;		/* AF_INET or AF_INET6 */
	union tg_addr first;
	uint64_t count;
};

/* Ports first .. first+count-1; count 1..65536 and first+count-1 <= 65535. */
struct tg_port_range {
	uint16_t first;
	uint32_t count;
};

/* "aa:bb:cc:dd:ee:ff" (also '-' separators). */
int tg_parse_mac(const char *s, uint8_t mac[6], struct tg_err *err);

/* One IPv4 or IPv6 address; family set to AF_INET or AF_INET6. */
int tg_parse_addr(const char *s, int *family, union tg_addr *addr,
		  struct tg_err *err);

/*
 * "A", "A-B" (B >= A, same family, same upper bits) or "A/len" (every address
 * of the prefix, network and broadcast included; len >= 0 for IPv4 and such
 * that the prefix has at most 2^32 addresses).
 */
int tg_parse_addr_range(const char *s, struct tg_addr_range *r,
			struct tg_err *err);

/* "P" or "P-Q", 0..65535, Q >= P. */
int tg_parse_port_range(const char *s, struct tg_port_range *r,
			struct tg_err *err);

/*
 * Unsigned decimal count with optional suffix k, M, G (powers of 1000):
 * "1000", "10k", "2.5M" (fractions allowed when the result is whole).
 * Negative numbers, trailing junk and overflow are refused.
 */
int tg_parse_count(const char *s, uint64_t *out, struct tg_err *err);

/*
 * Duration to nanoseconds: a plain number is seconds ("10", "0.5"); suffixes
 * ns, us, ms, s, m, h ("250ms", "1.5s", "2m"). Zero allowed (callers check).
 */
int tg_parse_duration(const char *s, uint64_t *ns, struct tg_err *err);

/* Unsigned integer in [min, max] (decimal, or 0x hex). */
int tg_parse_uint(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		  struct tg_err *err);

/* Formatting helpers shared by output code. */
void tg_format_mac(const uint8_t mac[6], char buf[18]);
/* Address range back to text: "A" or "A-B". buf at least 2*INET6_ADDRSTRLEN+2. */
void tg_format_addr_range(const struct tg_addr_range *r, char *buf, size_t len);
/* The address at offset i of a range (i < count). */
void tg_addr_range_at(const struct tg_addr_range *r, uint64_t i,
		      union tg_addr *out);

/*
 * Readable counts and durations for messages and reports, in forms the
 * parsers above read back: "10M", "1500", "2m", "1.5s", "250ms".
 */
#define TG_NUMSTR_LEN 32
void tg_format_count(uint64_t v, char *buf, size_t len);
void tg_format_duration(uint64_t ns, char *buf, size_t len);

#endif
