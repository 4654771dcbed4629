/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_SEQTRACK_H
#define TG_SEQTRACK_H

/*
 * Per-stream sequence accounting, shared word for word by bpf/sink.bpf.c and
 * the unit tests, so that the tests exercise the code the kernel runs. No
 * loops and no calls: everything is forced inline.
 *
 * The sink keeps one seqtrack per stream and CPU, with no lock (a stream
 * normally arrives on one CPU: one flow, one RX queue), and readers merge
 * the CPUs' with seqtrack_merge(). On one CPU every count is exact; see
 * seqtrack_merge() for what holds across CPUs.
 *
 * Definitions, per stream, at any moment:
 *   next       highest seq seen + 1 (0 before the first frame)
 *   distinct   seqs received at least once, as far as the window can tell
 *   total      the stream's frame count, as its stamps announce it (0:
 *              not announced)
 *   lost       max(next, total) - distinct: gaps that nothing has filled
 *              (yet), and with total the frames after the last that came;
 *              a late arrival inside the window fills its gap and lowers it
 *   reordered  arrived below the highest seq, not seen before
 *   duplicates arrived below the highest seq, seen before
 *   late       arrived more than SEQ_WINDOW below the highest seq: too old
 *              to tell a reordered frame from a duplicate, so counted only
 *              here, neither as distinct nor as reordered or duplicate
 * So stamped frames = distinct + duplicates + late, and lost is at most the
 * number of late frames too high.
 *
 * The window is a bitmap of SEQ_WORDS words, each holding one aligned block
 * of 64 seqs and tagged with that block's number. A word whose tag is not
 * the block asked about holds an older block: nothing of the block asked
 * about was seen. Tags make advancing the window free (no clearing loop,
 * whatever the jump). The window is one word shorter than the bitmap, so the
 * (unaligned) window never covers two blocks that share a word.
 */
#include <linux/types.h>

#define SEQ_WORDS 64				/* a power of two */
#define SEQ_WINDOW ((SEQ_WORDS - 1) * 64)	/* 4032 seqs */

struct seqtrack {
	__u64 next;
	__u64 distinct;
	__u64 reordered;
	__u64 duplicates;
	__u64 late;
	__u64 total;
	__u64 block[SEQ_WORDS];		/* block number (seq / 64) a word holds */
	__u64 bits[SEQ_WORDS];		/* bit seq % 64: seq seen */
};

enum seq_verdict {
	SEQ_IN_ORDER,		/* a new highest seq (gaps before it count as lost) */
	SEQ_REORDERED,
	SEQ_DUPLICATE,
	SEQ_LATE,
};

#define SEQ_INLINE static inline __attribute__((always_inline))

/* Marks seq as seen; returns whether it had been seen already. */
SEQ_INLINE int seqtrack_test_and_set(struct seqtrack *t, __u64 seq)
{
	__u64 blk = seq >> 6, bit = 1ULL << (seq & 63);
	__u32 w = blk & (SEQ_WORDS - 1);
	int seen;

	if (t->block[w] != blk) {
		t->block[w] = blk;
		t->bits[w] = 0;
	}
	seen = (t->bits[w] & bit) != 0;
	t->bits[w] |= bit;
	return seen;
}

SEQ_INLINE enum seq_verdict seqtrack_add(struct seqtrack *t, __u64 seq)
{
	/* next = seq + 1 would wrap to "nothing seen": no sender gets here. */
	if (seq == ~0ULL) {
		t->late++;
		return SEQ_LATE;
	}
	if (seq >= t->next) {
		seqtrack_test_and_set(t, seq);
		t->next = seq + 1;
		t->distinct++;
		return SEQ_IN_ORDER;
	}
	if (t->next - seq > SEQ_WINDOW) {
		t->late++;
		return SEQ_LATE;
	}
	if (seqtrack_test_and_set(t, seq)) {
		t->duplicates++;
		return SEQ_DUPLICATE;
	}
	t->distinct++;
	t->reordered++;
	return SEQ_REORDERED;
}

/* A stamp announced the stream's frame count. */
SEQ_INLINE void seqtrack_total(struct seqtrack *t, __u64 total)
{
	if (total > t->total)
		t->total = total;
}

SEQ_INLINE __u64 seqtrack_lost(const struct seqtrack *t)
{
	__u64 end = t->total > t->next ? t->total : t->next;

	/* Only a merge of CPUs that saw one seq each can make distinct larger. */
	return end > t->distinct ? end - t->distinct : 0;
}

/*
 * Adds one CPU's state of a stream into a merge (start from zeros): the
 * highest seq and total over CPUs, the sums of the rest (the windows are
 * not merged). When a stream arrives on one CPU, the merge is that CPU's
 * state and exact. When it is spread over CPUs, each CPU judges only the
 * frames it saw: a seq that arrives on two CPUs counts as distinct on
 * both (not as a duplicate, and lost is lower by one for it); a frame
 * below the highest seq of another CPU but not of its own is not counted
 * as reordered; and late is judged against its own CPU's highest seq.
 * lost stays exact across CPUs as long as no seq arrives twice and none
 * is late.
 */
SEQ_INLINE void seqtrack_merge(struct seqtrack *m, const struct seqtrack *cpu)
{
	if (cpu->next > m->next)
		m->next = cpu->next;
	if (cpu->total > m->total)
		m->total = cpu->total;
	m->distinct += cpu->distinct;
	m->reordered += cpu->reordered;
	m->duplicates += cpu->duplicates;
	m->late += cpu->late;
}

#endif
