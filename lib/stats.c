// SPDX-License-Identifier: GPL-2.0
#include "json.h"
#include "stats.h"

double tg_rate(uint64_t n, uint64_t ns)
{
	return ns ? (double)n * 1e9 / (double)ns : 0.0;
}

struct tg_tx_counts tg_tx_sub(const struct tg_tx_counts *a,
			      const struct tg_tx_counts *b)
{
	return (struct tg_tx_counts){
		.packets = a->packets - b->packets,
		.bytes = a->bytes - b->bytes,
		.errors = a->errors - b->errors,
	};
}

static void json_counts(struct tg_json *j, const struct tg_out *o,
			const struct tg_tx_counts *c, uint64_t ns)
{
	tg_json_u64(j, "sent", c->packets);
	tg_json_u64(j, "bytes", c->bytes);
	if (o->errors_counted)
		tg_json_u64(j, "errors", c->errors);
	else
		tg_json_null(j, "errors");
	tg_json_double(j, "duration_s", ns / 1e9);
	tg_json_double(j, "pps", tg_rate(c->packets, ns));
	tg_json_double(j, "mbps", tg_rate(c->bytes * 8, ns) / 1e6);
}

static void text_errors(const struct tg_out *o, uint64_t errors)
{
	if (o->errors_counted)
		fprintf(o->f, "%llu", (unsigned long long)errors);
	else
		fputs("n/a", o->f);
}

void tg_tx_interval(const struct tg_out *o, uint64_t elapsed_ns,
		    const struct tg_tx_counts *d, uint64_t dt_ns)
{
	struct tg_json j;

	if (o->json) {
		tg_json_begin(&j, o->f);
		tg_json_str(&j, "type", "interval");
		tg_json_double(&j, "time_s", elapsed_ns / 1e9);
		json_counts(&j, o, d, dt_ns);
		tg_json_end(&j);
		return;
	}
	fprintf(o->f, "%8.2fs  %12llu pkts  %10.0f pps  %9.1f Mbit/s  errors ",
		elapsed_ns / 1e9, (unsigned long long)d->packets,
		tg_rate(d->packets, dt_ns), tg_rate(d->bytes * 8, dt_ns) / 1e6);
	text_errors(o, d->errors);
	fputc('\n', o->f);
	fflush(o->f);
}

void tg_tx_summary(const struct tg_out *o, const struct tg_tx_counts *t,
		   uint64_t ns)
{
	struct tg_json j;

	if (o->json) {
		tg_json_begin(&j, o->f);
		tg_json_str(&j, "type", "summary");
		json_counts(&j, o, t, ns);
		if (o->ifname)
			tg_json_str(&j, "interface", o->ifname);
		if (o->json_extra)
			o->json_extra(&j, o->extra_arg);
		tg_json_end(&j);
		return;
	}
	fprintf(o->f, "sent %llu packets (%llu bytes) on %s in %.3f s: %.0f pps, %.1f Mbit/s; transmit errors: ",
		(unsigned long long)t->packets, (unsigned long long)t->bytes,
		o->ifname ? o->ifname : "?", ns / 1e9, tg_rate(t->packets, ns),
		tg_rate(t->bytes * 8, ns) / 1e6);
	text_errors(o, t->errors);
	fputc('\n', o->f);
	fflush(o->f);
}
