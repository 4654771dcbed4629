// SPDX-License-Identifier: GPL-2.0
#include "print.h"
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

/*
 * The JSON keys keep their order (sent, bytes, errors, duration_s, pps,
 * mbps); the text line says errors last, so that figure is written to each
 * output by its own call.
 */
static void errors(struct tg_print *p, const struct tg_out *o, enum tg_print_to to,
		   uint64_t errors)
{
	if (o->errors_counted)
		tg_print_u64(p, to, "errors", "%llu", errors);
	else
		tg_print_null(p, to, "errors", "n/a");
}

void tg_tx_interval(const struct tg_out *o, uint64_t elapsed_ns,
		    const struct tg_tx_counts *d, uint64_t dt_ns)
{
	struct tg_print p;

	tg_print_open(&p, o->f, o->json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "interval");
	tg_print_double(&p, TG_PRINT_ANY, "time_s", "%8.2fs", elapsed_ns / 1e9);
	tg_print_u64(&p, TG_PRINT_ANY, "sent", "  %12llu pkts", d->packets);
	tg_print_u64(&p, TG_PRINT_JSON, "bytes", NULL, d->bytes);
	errors(&p, o, TG_PRINT_JSON, d->errors);
	tg_print_double(&p, TG_PRINT_JSON, "duration_s", NULL, dt_ns / 1e9);
	tg_print_double(&p, TG_PRINT_ANY, "pps", "  %10.0f pps", tg_rate(d->packets, dt_ns));
	tg_print_double(&p, TG_PRINT_ANY, "mbps", "  %9.1f Mbit/s",
			tg_rate(d->bytes * 8, dt_ns) / 1e6);
	tg_print_text(&p, "  errors ");
	errors(&p, o, TG_PRINT_TEXT, d->errors);
	tg_print_close(&p);
}

void tg_tx_summary(const struct tg_out *o, const struct tg_tx_counts *t,
		   uint64_t ns)
{
	struct tg_print p;

	tg_print_open(&p, o->f, o->json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_print_u64(&p, TG_PRINT_ANY, "sent", "sent %llu packets", t->packets);
	tg_print_u64(&p, TG_PRINT_ANY, "bytes", " (%llu bytes)", t->bytes);
	errors(&p, o, TG_PRINT_JSON, t->errors);
	tg_print_str(&p, TG_PRINT_TEXT, NULL, " on %s", o->ifname ? o->ifname : "?");
	tg_print_double(&p, TG_PRINT_ANY, "duration_s", " in %.3f s", ns / 1e9);
	tg_print_double(&p, TG_PRINT_ANY, "pps", ": %.0f pps", tg_rate(t->packets, ns));
	tg_print_double(&p, TG_PRINT_ANY, "mbps", ", %.1f Mbit/s", tg_rate(t->bytes * 8, ns) / 1e6);
	if (o->ifname)
		tg_print_str(&p, TG_PRINT_JSON, "interface", NULL, o->ifname);
	if (o->json && o->json_extra)
		o->json_extra(&p, o->extra_arg);
	tg_print_text(&p, "; transmit errors: ");
	errors(&p, o, TG_PRINT_TEXT, t->errors);
	tg_print_close(&p);
}
