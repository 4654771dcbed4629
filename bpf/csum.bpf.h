/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CSUM_BPF_H
#define TG_CSUM_BPF_H

#include <linux/types.h>

/*
 * Incremental checksum updates by RFC 1624 eqn. 3, HC' = ~(~HC + ~m + m'),
 * accumulated in 32 bits over several changed words and folded once. The
 * form matters: adding a two's-complement difference is off by one whenever
 * the new value is below the old. Words are 16-bit values as they sit in the
 * frame (network order); one's-complement sums do not care about byte order.
 */

/* Starts an update of the checksum `check` (as stored in the frame). */
static __always_inline __u32 csum_begin(__u16 check)
{
	return (__u16)~check;
}

/* Accounts for a 16-bit word that changes from old to new. */
static __always_inline __u32 csum_word(__u32 acc, __u16 old, __u16 new)
{
	return acc + (__u16)~old + new;
}

/* Accounts for a 32-bit word (two 16-bit halves) that changes. */
static __always_inline __u32 csum_word32(__u32 acc, __u32 old, __u32 new)
{
	acc = csum_word(acc, old & 0xffff, new & 0xffff);
	return csum_word(acc, old >> 16, new >> 16);
}

/*
 * Accounts for a 32-bit word whose old value's complement is already in the
 * accumulator (a base computed before load).
 */
static __always_inline __u32 csum_add32(__u32 acc, __u32 new)
{
	return acc + (new & 0xffff) + (new >> 16);
}

/* Folds the accumulator and returns the new checksum to store. */
static __always_inline __u16 csum_end(__u32 acc)
{
	acc = (acc & 0xffff) + (acc >> 16);
	acc = (acc & 0xffff) + (acc >> 16);
	return (__u16)~acc;
}

#endif
