// SPDX-License-Identifier: GPL-2.0
/*
 * lib/pcap_write: a file of two frames read back byte for byte: the global
 * header with the nanosecond magic, each record's header (wall clock
 * seconds and nanoseconds, captured and original lengths) and data, and a
 * frame longer than the snaplen cut to it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "pcap_write.h"

#define SNAPLEN 48

/* The file's layout, in the writer's byte order (pcap's own rule). */
struct global_hdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs;
	uint32_t snaplen;
	uint32_t linktype;
};

struct rec_hdr {
	uint32_t sec, nsec;
	uint32_t caplen, len;
};

static char path[64];

static int setup(void **state)
{
	int fd;

	strcpy(path, "/tmp/tg_test_pcap_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	unlink(path);
	return 0;
}

static void read_exact(FILE *f, void *buf, size_t n)
{
	assert_int_equal(fread(buf, 1, n, f), n);
}

static void check_record(FILE *f, uint64_t real_ns, uint32_t caplen, uint32_t len,
			 const uint8_t *data)
{
	struct rec_hdr h;
	uint8_t got[SNAPLEN];

	read_exact(f, &h, sizeof(h));
	assert_int_equal(h.sec, real_ns / 1000000000ULL);
	assert_int_equal(h.nsec, real_ns % 1000000000ULL);
	assert_int_equal(h.caplen, caplen);
	assert_int_equal(h.len, len);
	read_exact(f, got, caplen);
	assert_memory_equal(got, data, caplen);
}

static void test_two_frames(void **state __attribute__((unused)))
{
	struct tg_err err = { "" };
	struct tg_pcapw w;
	uint8_t small[20], big[100];
	struct global_hdr g;
	uint64_t t1 = 5000000123ULL, t2 = 7999999999ULL;
	int64_t off;
	FILE *f;
	size_t i;

	for (i = 0; i < sizeof(small); i++)
		small[i] = 0xa0 + i;
	for (i = 0; i < sizeof(big); i++)
		big[i] = i;
	assert_int_equal(tg_pcapw_open(&w, path, SNAPLEN, &err), 0);
	off = w.mono_to_real_ns;
	/* The offset turns CLOCK_MONOTONIC into wall clock time: after 2020. */
	assert_true(off > 1577836800LL * 1000000000LL);
	tg_pcapw_write(&w, t1, sizeof(small), small, sizeof(small));
	/* 100 bytes offered, the snaplen keeps 48; the original length stays. */
	tg_pcapw_write(&w, t2, 1514, big, sizeof(big));
	assert_int_equal(w.written, 2);
	assert_int_equal(tg_pcapw_close(&w, &err), 0);
	assert_int_equal(tg_pcapw_close(&w, &err), 0);	/* twice is safe */

	f = fopen(path, "rb");
	assert_non_null(f);
	read_exact(f, &g, sizeof(g));
	assert_int_equal(g.magic, 0xa1b23c4d);	/* nanosecond timestamps */
	assert_int_equal(g.major, 2);
	assert_int_equal(g.minor, 4);
	assert_int_equal(g.thiszone, 0);
	assert_int_equal(g.sigfigs, 0);
	assert_int_equal(g.snaplen, SNAPLEN);
	assert_int_equal(g.linktype, 1);	/* LINKTYPE_ETHERNET */
	check_record(f, t1 + off, sizeof(small), sizeof(small), small);
	check_record(f, t2 + off, SNAPLEN, 1514, big);
	assert_int_equal(fgetc(f), EOF);	/* nothing after */
	assert_int_equal(ftell(f), sizeof(g) + 2 * sizeof(struct rec_hdr) +
			 sizeof(small) + SNAPLEN);
	fclose(f);
}

static void test_refusals(void **state __attribute__((unused)))
{
	struct tg_err err = { "" };
	struct tg_pcapw w;

	/* Stdout carries the sink's own output. */
	assert_int_equal(tg_pcapw_open(&w, "-", SNAPLEN, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "give a file name"));
	assert_int_equal(tg_pcapw_close(&w, &err), 0);	/* never opened: safe */
	assert_int_equal(tg_pcapw_open(&w, "/nonexistent-dir/x.pcap", SNAPLEN, &err), -EIO);
	assert_non_null(strstr(err.msg, "/nonexistent-dir/x.pcap"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_frames, setup, teardown),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
