/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SIZE_WHEEL_H
#define TG_SIZE_WHEEL_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"

/*
 * Frame sizes that change per packet (`udp -s MIN-MAX`, `--imix`). Users
 * give sizes on the wire with the FCS; the generator works on frame
 * lengths without it. Pure C.
 *
 * Both become a wheel: the list of frame lengths the generator steps
 * through (a thread starts at its own index and steps by the thread count,
 * like the other fields) or picks from at random with --random. A range
 * MIN-MAX is every length once, so each is equally likely; a mix is laid
 * out by smooth weighted round robin, so that 7:4:1 interleaves as
 * a b a a b a c a b a b a rather than seven small frames in a row, and
 * each length takes exactly its share of every whole turn of the wheel.
 */
#define TG_SIZE_WHEEL_MAX 4096		/* wheel entries: every length 64..3412 fits */
#define TG_IMIX_MAX 16			/* sizes in one mix */

/* Wire sizes MIN..MAX, FCS included; MIN == MAX for "-s N". */
struct tg_size_range {
	uint32_t min, max;
};

struct tg_imix {
	unsigned int n;
	uint32_t wire[TG_IMIX_MAX];	/* wire sizes, FCS included */
	uint32_t weight[TG_IMIX_MAX];
	bool classic;			/* the default mix, not typed by the user */
};

/*
 * "N" or "MIN-MAX", each within lo..hi (wire sizes). Refuses MAX < MIN.
 * Messages quote the text, e.g. "'63' is out of range (64-3412)".
 */
int tg_parse_size_range(const char *s, uint32_t lo, uint32_t hi,
			struct tg_size_range *r, struct tg_err *err);

/*
 * "SIZE:WEIGHT,SIZE:WEIGHT,..." (wire sizes lo..hi, weights 1..4096, sizes
 * distinct), or "" and "classic" for the classic simple IMIX: 64, 594 and
 * 1518 bytes in 7:4:1.
 */
int tg_parse_imix(const char *s, uint32_t lo, uint32_t hi, struct tg_imix *m,
		  struct tg_err *err);
void tg_imix_classic(struct tg_imix *m);

/*
 * The wheel of frame lengths (FCS excluded) into wheel[max]; *n entries.
 * -EINVAL (err set) if it would not fit: a range of more than max lengths,
 * or a mix whose weights, divided by their greatest common divisor, add up
 * to more than max.
 */
int tg_size_wheel_range(const struct tg_size_range *r, uint16_t *wheel,
			 unsigned int max, unsigned int *n, struct tg_err *err);
int tg_size_wheel_imix(const struct tg_imix *m, uint16_t *wheel,
			unsigned int max, unsigned int *n, struct tg_err *err);

/* Mean size on the wire (FCS included) over a wheel of frame lengths. */
double tg_size_wheel_mean_wire(const uint16_t *wheel, unsigned int n);

/* The largest and smallest frame length of a wheel. */
uint16_t tg_size_wheel_max(const uint16_t *wheel, unsigned int n);
uint16_t tg_size_wheel_min(const uint16_t *wheel, unsigned int n);

/* Greatest common divisor (Euclid); tg_gcd(a, 0) is a. */
uint64_t tg_gcd(uint64_t a, uint64_t b);

#endif
