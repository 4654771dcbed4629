// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary text into every parser of lib/parse.h.
 * Beyond "does not crash" it checks what the parsers promise: only 0,
 * -EINVAL or -ERANGE; a message that quotes the input on failure; values in
 * their documented ranges and a round trip through the formatters on success.
 *
 * Built and run by 'make fuzz' (see the Makefile for the command line);
 * by hand, after a build: build/fuzz/fuzz_parse -max_total_time=60 CORPUS_DIR
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"

/* Long inputs are quoted in full only up to the message size. */
#define QUOTED_MAX 100

static void check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void check_failure(const char *s, int ret, const struct tg_err *err)
{
	check(ret == -EINVAL || ret == -ERANGE);
	check(err->msg[0] != '\0');
	check(strlen(err->msg) < TG_ERRLEN);
	if (strlen(s) < QUOTED_MAX)
		check(strstr(err->msg, s) != NULL);
}

static void fuzz_mac(const char *s)
{
	struct tg_err err = { "" };
	uint8_t mac[6], again[6];
	char buf[18];
	int ret = tg_parse_mac(s, mac, &err);

	if (ret) {
		check_failure(s, ret, &err);
		return;
	}
	tg_format_mac(mac, buf);
	check(strlen(buf) == 17);
	check(tg_parse_mac(buf, again, &err) == 0);
	check(!memcmp(mac, again, 6));
}

static void fuzz_addr(const char *s)
{
	struct tg_err err = { "" };
	union tg_addr a;
	int family = 0;
	int ret = tg_parse_addr(s, &family, &a, &err);

	if (ret)
		check_failure(s, ret, &err);
	else
		check(family == AF_INET || family == AF_INET6);
}

static uint32_t low32(const struct tg_addr_range *r, const union tg_addr *a)
{
	const uint8_t *b = r->family == AF_INET ? (const uint8_t *)&a->v4
						: a->v6.s6_addr + 12;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void fuzz_addr_range(const char *s)
{
	char buf[2 * INET6_ADDRSTRLEN + 2];
	struct tg_err err = { "" };
	struct tg_addr_range r, again;
	union tg_addr last;
	int ret = tg_parse_addr_range(s, &r, &err);

	if (ret) {
		check_failure(s, ret, &err);
		return;
	}
	check(r.family == AF_INET || r.family == AF_INET6);
	check(r.count >= 1 && r.count <= 1ULL << 32);
	/* The last address must not have carried out of the low 32 bits. */
	tg_addr_range_at(&r, r.count - 1, &last);
	check((uint64_t)low32(&r, &r.first) + r.count - 1 == low32(&r, &last));
	if (r.family == AF_INET6)
		check(!memcmp(&r.first, &last, 12));

	tg_format_addr_range(&r, buf, sizeof(buf));
	check(tg_parse_addr_range(buf, &again, &err) == 0);
	check(again.family == r.family && again.count == r.count);
	check(!memcmp(&again.first, &r.first,
		      r.family == AF_INET ? 4 : 16));
}

static void fuzz_port_range(const char *s)
{
	struct tg_err err = { "" };
	struct tg_port_range r;
	int ret = tg_parse_port_range(s, &r, &err);

	if (ret) {
		check_failure(s, ret, &err);
		return;
	}
	check(r.count >= 1 && r.count <= 65536);
	check(r.first + r.count - 1 <= 65535);
}

static void fuzz_count(const char *s)
{
	char buf[TG_NUMSTR_LEN];
	struct tg_err err = { "" };
	uint64_t v, again;
	int ret = tg_parse_count(s, &v, &err);

	if (ret) {
		check_failure(s, ret, &err);
		return;
	}
	tg_format_count(v, buf, sizeof(buf));
	check(tg_parse_count(buf, &again, &err) == 0 && again == v);
}

static void fuzz_duration(const char *s)
{
	char buf[TG_NUMSTR_LEN];
	struct tg_err err = { "" };
	uint64_t v, again;
	int ret = tg_parse_duration(s, &v, &err);

	if (ret) {
		check_failure(s, ret, &err);
		return;
	}
	tg_format_duration(v, buf, sizeof(buf));
	check(tg_parse_duration(buf, &again, &err) == 0 && again == v);
}

static void fuzz_uint(const char *s)
{
	static const uint64_t bounds[][2] = {
		{ 0, UINT64_MAX }, { 1, 64 }, { 0, 65535 }, { 5, 5 },
	};
	struct tg_err err = { "" };
	size_t i;

	for (i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
		uint64_t v;
		int ret = tg_parse_uint(s, bounds[i][0], bounds[i][1], &v, &err);

		if (ret)
			check_failure(s, ret, &err);
		else
			check(v >= bounds[i][0] && v <= bounds[i][1]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly sized, so ASan catches any read past the terminator. */
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_mac(s);
	fuzz_addr(s);
	fuzz_addr_range(s);
	fuzz_port_range(s);
	fuzz_count(s);
	fuzz_duration(s);
	fuzz_uint(s);
	free(s);
	return 0;
}
