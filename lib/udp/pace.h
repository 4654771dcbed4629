/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_PACE_H
#define TG_PACE_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"

/*
 * The arithmetic of `udp --rate`: parsing a rate, turning it into frames per
 * second per thread, and each thread's pacing slots. Pure C.
 *
 * Pacing runs inside the BPF program (bpf/udp_gen.bpf.c): a live-frame call
 * costs tens of ms to set up and tear down, so userspace cannot pace with
 * many small calls. The program sends `burst` frames per slot, one kernel
 * batch each (redirects are flushed once per batch, so a slot's frames
 * leave together), and slots of one thread are `interval` apart on an
 * absolute schedule: next = start + k * interval, so rounding never
 * accumulates. The interval keeps 32 bits of fraction of a nanosecond.
 */

/* A rate as typed: frames per second, or bits per second on the wire. */
struct tg_rate {
	double value;		/* > 0 */
	bool bits;		/* value is in bit/s, counting (frame + FCS) * 8 */
};

/*
 * "100k", "2.5M", "1000" (frames per second; an optional "pps" after the
 * suffix), "1Gbit", "400Mbit", "10kbit", "1.5Gbit" (bits per second; k, M,
 * G, T in either case, powers of 1000). Refuses zero, signs, exponents,
 * junk, and "bps" (which tc reads as bytes per second: say "bit").
 */
int tg_parse_rate(const char *s, struct tg_rate *r, struct tg_err *err);

/* "100k"-style text of a rate for messages ("2.5Mpps", "400Mbit/s"). */
void tg_format_rate(double value, bool bits, char *buf, unsigned int len);

/*
 * Frames per second for a rate; avg_wire_bytes is the mean frame size on
 * the wire with the FCS (frame_len + 4), which only a bit rate needs.
 */
double tg_rate_pps(const struct tg_rate *r, double avg_wire_bytes);

/* Bits per second on the wire for pps frames of avg_wire_bytes. */
double tg_rate_bps(double pps, double avg_wire_bytes);

/*
 * Slots shorter than this cost more in per-batch overhead than they carry
 * (measured here: a one-frame batch into a veth costs about 1.3 us): the
 * default burst is the smallest that keeps slots at least this long.
 */
#define TG_PACE_MIN_SLOT_NS 5000ULL
#define TG_PACE_MAX_BURST 256		/* a kernel batch at most */
/*
 * How far a thread may fall behind its schedule and still catch up by
 * sending slots back to back: a stall shorter than this costs no frames.
 * It covers the setup of the first kernel call (doc/live-frames.md: the
 * schedule starts when the run does) and a few scheduler slices of another
 * process on a busy CPU. Debt beyond it is forgiven, so a long stall never
 * turns into a flood.
 */
#define TG_PACE_MAX_LAG_NS (50ULL * 1000000ULL)
/*
 * The longest the program busy-waits (with bottom halves disabled) for a
 * slot; a batch still early then is dropped unsent, and the kernel gets to
 * run softirqs and see signals before the next batch.
 */
#define TG_PACE_SPIN_NS (50ULL * 1000ULL)

struct tg_pace {
	double pps_thread;		/* frames per second of each thread */
	uint32_t burst;			/* frames per slot = kernel batch size */
	uint64_t interval_ns;		/* slot interval, whole ns ... */
	uint32_t interval_frac;		/* ... + interval_frac / 2^32 ns */
	uint64_t max_lag_ns;
	uint64_t spin_ns;
};

/*
 * Plans pps_total frames per second over nthreads threads with `burst`
 * frames a slot (0: the smallest that keeps slots TG_PACE_MIN_SLOT_NS
 * long, at most TG_PACE_MAX_BURST). -EINVAL with err set when the rate is
 * not positive or too low to express (a slot more than an hour apart), or
 * the burst is out of range.
 */
int tg_pace_plan(double pps_total, unsigned int nthreads, uint32_t burst,
		 struct tg_pace *p, struct tg_err *err);

/* The smallest burst that keeps slots of pps_thread at least TG_PACE_MIN_SLOT_NS. */
uint32_t tg_pace_auto_burst(double pps_thread);

/*
 * The schedule as the program keeps it: the time of slot k from a start,
 * advanced k times by interval_ns + interval_frac / 2^32 (for tests, and
 * to check the program's fixed point against exact arithmetic).
 */
uint64_t tg_pace_slot_time(const struct tg_pace *p, uint64_t start_ns, uint64_t k);

/*
 * The rate a thread reached: frames sent from its first slot at first_ns
 * to its last at last_ns, each slot standing for one interval.
 */
double tg_pace_reached(const struct tg_pace *p, uint64_t frames,
		       uint64_t first_ns, uint64_t last_ns);

#endif
