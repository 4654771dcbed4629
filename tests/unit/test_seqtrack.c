// SPDX-License-Identifier: GPL-2.0
/*
 * bpf/seqtrack.h, the very code the sink runs per CPU: loss,
 * reordering, duplicates and lateness over crafted sequences, and against a
 * reference model that remembers every seq (no window tricks) on long
 * random sequences.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "seqtrack.h"

/* Feeds seqs in order; returns the verdict of the last. */
static enum seq_verdict feed(struct seqtrack *t, const uint64_t *seqs, size_t n)
{
	enum seq_verdict v = SEQ_IN_ORDER;
	size_t i;

	for (i = 0; i < n; i++)
		v = seqtrack_add(t, seqs[i]);
	return v;
}

#define FEED(t, ...) ({ \
	static const uint64_t s_[] = { __VA_ARGS__ }; \
	feed(t, s_, sizeof(s_) / sizeof(s_[0])); \
})

static void assert_counts(const struct seqtrack *t, uint64_t lost, uint64_t reordered,
			  uint64_t dup, uint64_t late)
{
	assert_int_equal(seqtrack_lost(t), lost);
	assert_int_equal(t->reordered, reordered);
	assert_int_equal(t->duplicates, dup);
	assert_int_equal(t->late, late);
}

static void test_empty(void **state)
{
	struct seqtrack t = { 0 };

	assert_counts(&t, 0, 0, 0, 0);
	assert_int_equal(t.next, 0);
}

static void test_in_order(void **state)
{
	struct seqtrack t = { 0 };
	uint64_t i;

	for (i = 0; i < 100000; i++)
		assert_int_equal(seqtrack_add(&t, i), SEQ_IN_ORDER);
	assert_counts(&t, 0, 0, 0, 0);
	assert_int_equal(t.next, 100000);
	assert_int_equal(t.distinct, 100000);
}

static void test_gaps(void **state)
{
	struct seqtrack t = { 0 };

	FEED(&t, 0, 1, 2, 5, 6, 10);
	assert_counts(&t, 2 + 3, 0, 0, 0);
	assert_int_equal(t.next, 11);
}

/* A stream whose first frames were lost: they count, by definition. */
static void test_missing_start(void **state)
{
	struct seqtrack t = { 0 };

	FEED(&t, 3, 4);
	assert_counts(&t, 3, 0, 0, 0);
}

static void test_swap(void **state)
{
	struct seqtrack t = { 0 };

	FEED(&t, 0, 2, 1, 3);
	assert_counts(&t, 0, 1, 0, 0);
}

/* The issue's example: 2 arrives late and fills the gap, then repeats. */
static void test_issue_example(void **state)
{
	struct seqtrack t = { 0 };

	assert_int_equal(FEED(&t, 0, 1, 3), SEQ_IN_ORDER);
	assert_int_equal(seqtrack_lost(&t), 1);
	assert_int_equal(seqtrack_add(&t, 2), SEQ_REORDERED);
	assert_int_equal(seqtrack_lost(&t), 0);
	assert_int_equal(seqtrack_add(&t, 2), SEQ_DUPLICATE);
	assert_counts(&t, 0, 1, 1, 0);
}

static void test_repeats(void **state)
{
	struct seqtrack t = { 0 };

	FEED(&t, 0, 0, 1, 1, 1, 2);
	assert_counts(&t, 0, 0, 3, 0);
	/* A duplicate of a reordered frame is a duplicate, not a second fill. */
	FEED(&t, 5, 4, 4, 3, 3);
	assert_counts(&t, 0, 2, 5, 0);
}

/* Window edges: exactly SEQ_WINDOW behind is inside, one more is late. */
static void test_window_edge(void **state)
{
	struct seqtrack t = { 0 };
	uint64_t n = 10000, i;

	for (i = 0; i < n; i++)
		if (i != n - SEQ_WINDOW && i != n - SEQ_WINDOW - 1)
			seqtrack_add(&t, i);
	assert_int_equal(seqtrack_lost(&t), 2);
	assert_int_equal(seqtrack_add(&t, n - SEQ_WINDOW), SEQ_REORDERED);
	assert_int_equal(seqtrack_add(&t, n - SEQ_WINDOW - 1), SEQ_LATE);
	/* Late: not taken as a fill (it may be a duplicate), so still lost. */
	assert_counts(&t, 1, 1, 0, 1);
	/* And a very old duplicate is late, not a duplicate: no double count. */
	assert_int_equal(seqtrack_add(&t, 0), SEQ_LATE);
	assert_counts(&t, 1, 1, 0, 2);
}

/*
 * A jump of exactly the bitmap's size puts the new seq in the word of the
 * old one: the old block's bits must not be read as the new block's.
 */
static void test_word_reuse(void **state)
{
	const uint64_t span = SEQ_WORDS * 64;
	struct seqtrack t = { 0 };
	uint64_t i;

	for (i = 0; i < 64; i++)
		seqtrack_add(&t, i);			/* block 0, word 0, all set */
	assert_int_equal(seqtrack_add(&t, span + 10), SEQ_IN_ORDER);	/* word 0 again */
	assert_int_equal(seqtrack_lost(&t), span + 11 - 65);
	assert_int_equal(seqtrack_add(&t, span + 5), SEQ_REORDERED);
	assert_int_equal(seqtrack_add(&t, span + 10), SEQ_DUPLICATE);
	assert_int_equal(seqtrack_add(&t, span + 5), SEQ_DUPLICATE);
	/* The bottom of the window is in block 1, whose word was never used. */
	assert_int_equal(seqtrack_add(&t, span + 11 - SEQ_WINDOW), SEQ_REORDERED);
	assert_int_equal(seqtrack_add(&t, span + 10 - SEQ_WINDOW), SEQ_LATE);
	assert_counts(&t, span + 11 - 67, 2, 2, 1);
}

static void test_far_jump(void **state)
{
	struct seqtrack t = { 0 };

	FEED(&t, 0, 1000000);
	assert_counts(&t, 999999, 0, 0, 0);
	assert_int_equal(seqtrack_add(&t, 999999), SEQ_REORDERED);
	assert_int_equal(seqtrack_add(&t, 5), SEQ_LATE);
	assert_counts(&t, 999998, 1, 0, 1);
	/* Jumps far beyond the window, twice, then back inside it. */
	FEED(&t, 1ULL << 40, (1ULL << 40) + 3 * SEQ_WINDOW, (1ULL << 40) + 2 * SEQ_WINDOW + 1);
	assert_int_equal(t.next, (1ULL << 40) + 3 * SEQ_WINDOW + 1);
	assert_int_equal(t.distinct, 6);
	assert_counts(&t, t.next - 6, 2, 0, 1);
}

/* The largest seq would make next wrap to "nothing seen": refused as late. */
static void test_max_seq(void **state)
{
	struct seqtrack t = { 0 };

	FEED(&t, 0, ~0ULL);
	assert_counts(&t, 0, 0, 0, 1);
	assert_int_equal(t.next, 1);
}

/* Deterministic so that a failure can be replayed. */
static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The reference: remembers every seq ever seen, same window rule. */
struct model {
	uint64_t next, distinct, reordered, duplicates, late;
	uint8_t *seen;
};

static enum seq_verdict model_add(struct model *m, uint64_t seq)
{
	if (seq >= m->next) {
		m->seen[seq] = 1;
		m->next = seq + 1;
		m->distinct++;
		return SEQ_IN_ORDER;
	}
	if (m->next - seq > SEQ_WINDOW) {
		m->late++;
		return SEQ_LATE;
	}
	if (m->seen[seq]) {
		m->duplicates++;
		return SEQ_DUPLICATE;
	}
	m->seen[seq] = 1;
	m->distinct++;
	m->reordered++;
	return SEQ_REORDERED;
}

/*
 * A sender's n frames through a bad network: some lost, some repeated,
 * some held back by up to max_delay positions (so some beyond the window).
 */
static struct seqtrack run_random(uint64_t n, uint64_t max_delay, unsigned int loss_pct,
				  unsigned int dup_pct)
{
	struct seqtrack out;
	struct seqtrack *t = calloc(1, sizeof(*t));
	struct model m = { .seen = calloc(n + 1, 1) };
	uint64_t *order = calloc(3 * n, sizeof(*order)), *held = calloc(n, sizeof(*held));
	uint64_t *due = calloc(n, sizeof(*due));
	uint64_t k = 0, nheld = 0, i, j, stamped = 0;

	assert_non_null(t);
	assert_non_null(m.seen);
	assert_non_null(order);
	for (i = 0; i < n; i++) {
		/* Release the held frames that are due, in the order they fell due. */
		for (j = 0; j < nheld;) {
			if (due[j] <= i) {
				order[k++] = held[j];
				held[j] = held[--nheld];
				due[j] = due[nheld];
			} else {
				j++;
			}
		}
		if (rnd() % 100 < loss_pct)
			continue;
		if (rnd() % 100 < 5) {
			held[nheld] = i;
			due[nheld++] = i + 1 + rnd() % max_delay;
		} else {
			order[k++] = i;
		}
		if (rnd() % 100 < dup_pct)
			order[k++] = i - rnd() % (i + 1 < 50 ? i + 1 : 50);
	}
	for (j = 0; j < nheld; j++)
		order[k++] = held[j];
	for (i = 0; i < k; i++) {
		enum seq_verdict want = model_add(&m, order[i]);

		if (seqtrack_add(t, order[i]) != want)
			fail_msg("frame %llu (seq %llu): verdict differs from the model's %d",
				 (unsigned long long)i, (unsigned long long)order[i], want);
		stamped++;
	}
	assert_int_equal(t->next, m.next);
	assert_int_equal(t->distinct, m.distinct);
	assert_int_equal(t->reordered, m.reordered);
	assert_int_equal(t->duplicates, m.duplicates);
	assert_int_equal(t->late, m.late);
	/* Every frame counted exactly once. */
	assert_int_equal(stamped, t->distinct + t->duplicates + t->late);
	assert_int_equal(seqtrack_lost(t), m.next - m.distinct);
	out = *t;
	free(t);
	free(m.seen);
	free(order);
	free(held);
	free(due);
	return out;
}

static void test_random_small_delays(void **state)
{
	struct seqtrack t = run_random(200000, 100, 1, 1);

	/* The run met every case but lateness. */
	assert_true(seqtrack_lost(&t) > 0 && t.reordered > 0 && t.duplicates > 0);
	assert_int_equal(t.late, 0);
}

static void test_random_delays_across_window(void **state)
{
	struct seqtrack t = run_random(200000, 3 * SEQ_WINDOW, 2, 2);

	assert_true(seqtrack_lost(&t) > 0 && t.reordered > 0 && t.duplicates > 0 &&
		    t.late > 0);
}

static void test_random_no_loss(void **state)
{
	struct seqtrack t = { 0 };
	uint64_t i;

	t = run_random(100000, 1000, 0, 0);
	assert_int_equal(seqtrack_lost(&t), 0);
	assert_int_equal(t.duplicates + t.late, 0);
	memset(&t, 0, sizeof(t));
	/* Swapping neighbours only: everything arrives, nothing is lost. */
	for (i = 0; i < 100000; i += 2) {
		seqtrack_add(&t, i + 1);
		seqtrack_add(&t, i);
	}
	assert_counts(&t, 0, 50000, 0, 0);
}

/*
 * The tail: frames after the last that arrived are invisible to the
 * sequence alone; an announced total makes them count.
 */
static void test_tail(void **state)
{
	struct seqtrack t = { 0 };
	uint64_t i;

	/* 10 frames sent, 7, 8 and 9 dropped: without a total, only gaps count. */
	for (i = 0; i < 7; i++)
		seqtrack_add(&t, i);
	assert_counts(&t, 0, 0, 0, 0);
	seqtrack_total(&t, 10);
	assert_counts(&t, 3, 0, 0, 0);
	/* A smaller total (a stray stamp) never hides what was announced. */
	seqtrack_total(&t, 5);
	assert_int_equal(t.total, 10);
	/* A gap inside and the tail add up; a late fill lowers it. */
	memset(&t, 0, sizeof(t));
	FEED(&t, 0, 2, 3);
	seqtrack_total(&t, 6);
	assert_counts(&t, 3, 0, 0, 0);
	FEED(&t, 1);
	assert_counts(&t, 2, 1, 0, 0);
	/* Nothing arrived past the total: the sequence is what counts. */
	FEED(&t, 4, 5, 6);
	assert_counts(&t, 0, 1, 0, 0);
}

/*
 * Merging CPUs: one CPU's state alone is itself; a stream split between
 * CPUs by seq keeps lost exact; a seq seen on two CPUs is what goes
 * unnoticed, as the header says.
 */
static void test_merge(void **state)
{
	struct seqtrack a = { 0 }, b = { 0 }, m = { 0 };
	uint64_t i;

	FEED(&a, 0, 1, 3, 2, 2, 7);
	seqtrack_total(&a, 10);
	seqtrack_merge(&m, &a);
	seqtrack_merge(&m, &b);		/* a CPU that saw nothing */
	assert_int_equal(m.next, a.next);
	assert_int_equal(seqtrack_lost(&m), seqtrack_lost(&a));
	assert_counts(&m, 5, 1, 1, 0);
	/* Even seqs on one CPU, odd on the other, 5 and 8 lost on the way. */
	memset(&a, 0, sizeof(a));
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 12; i++)
		if (i != 5 && i != 8)
			seqtrack_add(i % 2 ? &b : &a, i);
	seqtrack_total(&a, 12);
	seqtrack_total(&b, 12);
	seqtrack_merge(&m, &a);
	seqtrack_merge(&m, &b);
	assert_counts(&m, 2, 0, 0, 0);
	/* Seq 3 on both CPUs: counted twice as distinct, so lost is one short. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&m, 0, sizeof(m));
	FEED(&a, 0, 1, 3);
	FEED(&b, 3);
	seqtrack_total(&a, 5);
	seqtrack_merge(&m, &a);
	seqtrack_merge(&m, &b);
	assert_counts(&m, 5 - 4, 0, 0, 0);
	/* More distinct than seqs can only come of that: lost stays at 0. */
	memset(&m, 0, sizeof(m));
	seqtrack_merge(&m, &a);
	seqtrack_merge(&m, &a);
	assert_int_equal(seqtrack_lost(&m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_gaps),
		cmocka_unit_test(test_missing_start),
		cmocka_unit_test(test_swap),
		cmocka_unit_test(test_issue_example),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_window_edge),
		cmocka_unit_test(test_word_reuse),
		cmocka_unit_test(test_far_jump),
		cmocka_unit_test(test_max_seq),
		cmocka_unit_test(test_random_small_delays),
		cmocka_unit_test(test_random_delays_across_window),
		cmocka_unit_test(test_random_no_loss),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_merge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
