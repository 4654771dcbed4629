/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TESTS_BPF_HARNESS_H
#define TG_TESTS_BPF_HARNESS_H

/*
 * What the BPF test-run tests of the generators (test_udp_gen, test_udp_shape,
 * test_tcp_gen) share: pinning to one CPU, reading and writing that CPU's
 * slot of a per-CPU map, one BPF_PROG_TEST_RUN, changing a frame the way a
 * receiver does, comparing an output frame with its reference, and a
 * cmocka group made of fixture tables.
 *
 * Static inline in a header, as each tests/bpf/test_*.c is built into its
 * own binary against build/libtrafficgen.a alone; the helpers fail the
 * running test through cmocka, so they are not for lib/. The Makefile's
 * rule for these tests lists the headers in tests/ and tests/bpf/, so a
 * change here rebuilds every test binary.
 */

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "cpu.h"
#include "percpu.h"
#include "wire.h"

/*
 * Pins the process to the first CPU it may run on and says which in *cpu.
 * A test run executes on the caller's CPU, so the per-CPU state a test sets
 * and reads is the program's only if the test cannot migrate in between.
 * Returns 0 or a negative errno.
 */
static inline int th_pin_cpu(int *cpu)
{
	int c, ret = tg_cpus_allowed(&c, 1);

	if (ret <= 0)
		return ret ? ret : -ENOENT;
	ret = tg_cpu_pin(pthread_self(), c);
	if (!ret)
		*cpu = c;
	return ret;
}

static inline size_t th_ncpus(void)
{
	int n = tg_percpu_ncpus();

	if (n < 0)
		fail_msg("counting the possible CPUs: %s", strerror(-n));
	return (size_t)n;
}

/*
 * Every CPU's value of key 0 of a per-CPU array of values of size bytes:
 * CPU i's at i * tg_percpu_slot(size). The caller frees it.
 */
static inline uint8_t *th_pcpu_lookup(const struct bpf_map *map, size_t size)
{
	size_t n = th_ncpus();
	uint8_t *vals = tg_percpu_alloc(size, (int)n);
	int ret;

	assert_non_null(vals);
	ret = tg_percpu_read(map, 0, vals, size, (int)n);
	if (ret)
		fail_msg("reading per-CPU map %s: %s", bpf_map__name(map), strerror(-ret));
	return vals;
}

/* CPU cpu's value of key 0 of a per-CPU array into val. */
static inline void th_pcpu_read(const struct bpf_map *map, int cpu, void *val, size_t size)
{
	uint8_t *vals = th_pcpu_lookup(map, size);

	memcpy(val, vals + (size_t)cpu * tg_percpu_slot(size), size);
	free(vals);
}

/* Writes val as CPU cpu's value of key 0 of a per-CPU array, zeros as every other CPU's. */
static inline void th_pcpu_write(const struct bpf_map *map, int cpu, const void *val, size_t size)
{
	size_t n = th_ncpus();
	uint8_t *vals = tg_percpu_alloc(size, (int)n);
	int ret;

	assert_non_null(vals);
	memcpy(vals + (size_t)cpu * tg_percpu_slot(size), val, size);
	ret = tg_percpu_write(map, 0, vals, size, (int)n);
	if (ret)
		fail_msg("writing per-CPU map %s: %s", bpf_map__name(map), strerror(-ret));
	free(vals);
}

/*
 * One BPF_PROG_TEST_RUN (normal mode, once) of len bytes of in, the result
 * into out (out_size bytes) and its length into *out_len if not NULL.
 * Returns the XDP verdict; a run the kernel refuses fails the test, with
 * desc (what was being run) in the message.
 */
static inline int th_test_run(const char *desc, int prog_fd, const void *in, uint32_t len,
			      void *out, uint32_t out_size, uint32_t *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in,
		.data_size_in = len,
		.data_out = out,
		.data_size_out = out_size,
		.repeat = 1,
	);
	int ret;

	ret = bpf_prog_test_run_opts(prog_fd, &opts);
	if (ret)
		fail_msg("%s: BPF_PROG_TEST_RUN of %u bytes: %s", desc, len, strerror(-ret));
	if (out_len)
		*out_len = opts.data_size_out;
	return (int)opts.retval;
}

/*
 * Live mode hands a generator pages it has used before, holding the frame
 * it rewrote last, maybe changed in place by a GRO receiver (th_mangle_*).
 * So the tests feed each case three ways: the template, the previous
 * output, and that output mangled; the output must not depend on which.
 */
enum th_feed { TH_FEED_TEMPLATE, TH_FEED_PREVIOUS, TH_FEED_MANGLED, TH_FEED_N };

/* A feed's name, for failure messages. */
static inline const char *th_feed_name(enum th_feed feed)
{
	static const char *const names[TH_FEED_N] = {
		"template", "previous output", "mangled output",
	};

	return feed < TH_FEED_N ? names[feed] : "unknown feed";
}

/*
 * What a GRO receiver does to the IP header of a frame in our page, which
 * live mode hands the generator again: it rewrites the length for the
 * merged packet and, in IPv4, the header checksum. The generator must not
 * depend on either.
 */
static inline void th_mangle_ip(uint8_t *l3, bool ipv6)
{
	if (ipv6) {
		tg_put16(l3 + 4, 2872);
	} else {
		tg_put16(l3 + 2, 2872);
		tg_put16(l3 + 10, 0x5a5a);
	}
}

/* The same for a UDP frame, whose length and checksum the receiver rewrites too. */
static inline void th_mangle_udp(uint8_t *f, uint32_t l3_off, uint32_t l4_off, bool ipv6)
{
	th_mangle_ip(f + l3_off, ipv6);
	tg_put16(f + l4_off + 4, 0xbeef);
	tg_put16(f + l4_off + 6, 0x1234);
}

/*
 * Fails unless got's first len bytes are want's. The message names the
 * first byte that differs, after what (a printf format) says which frame
 * it is: the byte's offset is what tells which field the program got wrong.
 */
static inline void th_assert_frame(const uint8_t *got, const uint8_t *want, uint32_t len,
				   const char *what, ...) __attribute__((format(printf, 4, 5)));
static inline void th_assert_frame(const uint8_t *got, const uint8_t *want, uint32_t len,
				   const char *what, ...)
{
	char buf[512];
	va_list ap;
	uint32_t i;

	for (i = 0; i < len && got[i] == want[i]; i++)
		;
	if (i == len)
		return;
	va_start(ap, what);
	vsnprintf(buf, sizeof(buf), what, ap);
	va_end(ap);
	fail_msg("%s differs from the reference at byte %u: %#04x, expected %#04x", buf, i,
		 got[i], want[i]);
}

/*
 * A fixture table as cmocka tests: one test per row, named by the row's
 * desc and given the row as its state. TH_ROWS(array, fn) fills one in for
 * any row type with a `const char *desc` member.
 */
struct th_rows {
	const void *rows;
	size_t nrows, row_size, desc_off;
	CMUnitTestFunction fn;
};

#define TH_ROWS(a, f) { (a), sizeof(a) / sizeof((a)[0]), sizeof((a)[0]), \
			offsetof(__typeof__((a)[0]), desc), (f) }

/*
 * Runs group: the rows of ntables tables, in order, then the nextra tests
 * in extra. If cpu is not NULL, first pins the process (th_pin_cpu) and
 * says to which CPU in *cpu. Returns what cmocka's group run does (the
 * failed tests' count), or 1 if the tests cannot be set up.
 */
static inline int th_run_group(const char *group, int *cpu, const struct th_rows *tables,
			       size_t ntables, const struct CMUnitTest *extra, size_t nextra)
{
	struct CMUnitTest *tests;
	size_t n = nextra, t, i;
	int ret;

	if (cpu) {
		ret = th_pin_cpu(cpu);
		if (ret) {
			fprintf(stderr, "%s: cannot pin to a CPU: %s\n", group, strerror(-ret));
			return 1;
		}
	}
	for (t = 0; t < ntables; t++)
		n += tables[t].nrows;
	tests = calloc(n, sizeof(*tests));
	if (!tests) {
		fprintf(stderr, "%s: cannot allocate a table of %zu tests\n", group, n);
		return 1;
	}
	n = 0;
	for (t = 0; t < ntables; t++) {
		for (i = 0; i < tables[t].nrows; i++) {
			const char *row = (const char *)tables[t].rows + i * tables[t].row_size;

			memcpy(&tests[n].name, row + tables[t].desc_off, sizeof(tests[n].name));
			tests[n].test_func = tables[t].fn;
			tests[n].initial_state = (void *)row;
			n++;
		}
	}
	if (nextra)
		memcpy(tests + n, extra, nextra * sizeof(*extra));
	ret = _cmocka_run_group_tests(group, tests, n + nextra, NULL, NULL);
	free(tests);
	return ret;
}

#endif
