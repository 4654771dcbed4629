// SPDX-License-Identifier: GPL-2.0
/*
 * udp's own lines of output: the start line, and what the summary adds to
 * the common one (lib/stats.c): each interface's share, the rate reached
 * against the rate asked, the far end of --veth.
 */
#include <stdio.h>
#include "log.h"
#include "print.h"
#include "udp.h"
#include "udp_gen.h"

/* A dry run (--pcap-out) writes what a run would send. */
static const char *verb(const struct udp_run *r)
{
	return r->o.pcap_out ? "writing" : "sending";
}

/* The interface, and with --pcap-out the file ("file" in JSON). */
static void print_where(const struct udp_run *r, struct tg_print *p)
{
	tg_print_str(p, TG_PRINT_TEXT, NULL, " on %s", r->ifname ? r->ifname : "no interface");
	if (r->o.pcap_out)
		tg_print_str(p, TG_PRINT_ANY, "file", " into %s", r->o.pcap_out);
}

void udp_print_start_capture(struct udp_run *r)
{
	struct tg_print p;

	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "start");
	tg_print_str(&p, TG_PRINT_JSON, "interface", NULL, r->ifname ? r->ifname : "");
	tg_print_str(&p, TG_PRINT_JSON, "template", NULL, r->o.template);
	tg_print_text(&p, "%s", verb(r));
	tg_print_u64(&p, TG_PRINT_ANY, "frames", " the %llu frames", r->ncaptures);
	tg_print_str(&p, TG_PRINT_TEXT, NULL, " of %s", r->o.template);
	print_where(r, &p);
	tg_print_u64(&p, TG_PRINT_ANY, "threads", ", %llu thread", r->o.threads);
	tg_print_text(&p, "%s", r->o.threads > 1 ? "s" : "");
	tg_print_close(&p);
}

/*
 * The JSON keys keep their order (interface, dst, src, pkt_size, ...);
 * the text line says the addresses first, so those figures are written to
 * each output by a call of their own.
 */
void udp_print_start(struct udp_run *r)
{
	char dst[INET6_ADDRSTRLEN * 2 + 2], src[INET6_ADDRSTRLEN * 2 + 2];
	uint64_t min = r->nsizes > 1 ? tg_size_wheel_min(r->wheel, r->nsizes) + TG_FCS_LEN : 0;
	struct tg_print p;

	tg_format_addr_range(&r->o.dst, dst, sizeof(dst));
	tg_format_addr_range(&r->o.src, src, sizeof(src));
	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "start");
	tg_print_str(&p, TG_PRINT_JSON, "interface", NULL, r->ifname ? r->ifname : "");
	tg_print_str(&p, TG_PRINT_JSON, "dst", NULL, dst);
	tg_print_text(&p, "%s", verb(r));
	tg_print_str(&p, TG_PRINT_ANY, "src", " UDP %s", src);
	tg_print_str(&p, TG_PRINT_TEXT, NULL, " -> %s", dst);
	tg_print_text(&p, " (ports %u+%u -> %u+%u)", r->o.sport.first, r->o.sport.count - 1,
		      r->o.dport.first, r->o.dport.count - 1);
	print_where(r, &p);
	tg_print_text(&p, ": ");
	if (min)
		tg_print_u64(&p, TG_PRINT_TEXT, NULL, "%llu-", min);
	tg_print_u64(&p, TG_PRINT_ANY, "pkt_size", "%llu-byte frames", r->o.pkt_size);
	if (min) {
		tg_print_u64(&p, TG_PRINT_JSON, "pkt_size_min", NULL, min);
		tg_print_double(&p, TG_PRINT_ANY, "pkt_size_mean", " (%.1f on average)", r->avg_wire);
	}
	tg_print_u64(&p, TG_PRINT_ANY, "threads", ", %llu thread", r->o.threads);
	tg_print_text(&p, "%s", r->o.threads > 1 ? "s" : "");
	tg_print_close(&p);
}

/* The rate all threads reached on their own schedules (r->pcpu read). */
static double rate_reached(struct udp_run *r)
{
	double pps = 0;
	unsigned int i;

	for (i = 0; i < r->o.threads; i++) {
		const struct udp_gen_pcpu *pc = &r->pcpu[r->cpus[i]];

		pps += tg_pace_reached(&r->pace, pc->packets, pc->first_tx, pc->last_tx);
	}
	return pps;
}

static uint64_t forgiven_ns(struct udp_run *r)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < r->o.threads; i++)
		n += r->pcpu[r->cpus[i]].forgiven_ns;
	return n;
}

/* Slots sent by all threads: too few say little about a rate. */
static uint64_t slots_sent(struct udp_run *r)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < r->o.threads; i++)
		n += r->pcpu[r->cpus[i]].packets / r->pace.burst;
	return n;
}

void udp_move_refused(const struct udp_run *r, struct tg_tx_counts *c, uint64_t refused)
{
	if (refused > c->packets)
		refused = c->packets;
	c->packets -= refused;
	/* Frames have the template's length, or the mean of the sizes'. */
	c->bytes -= (uint64_t)(refused * (r->avg_wire - TG_FCS_LEN) + 0.5);
	c->errors += refused;
}

struct tg_tx_counts udp_group_counts(const struct udp_run *r, unsigned int i)
{
	unsigned int t, step = r->nifs > 1 ? r->nifs : 1;
	struct tg_tx_counts c = { 0 };

	for (t = i; t < r->o.threads; t += step) {
		c.packets += r->pcpu[r->cpus[t]].packets;
		c.bytes += r->pcpu[r->cpus[t]].bytes;
		c.errors += r->pcpu[r->cpus[t]].short_frames;
	}
	udp_move_refused(r, &c, tg_txerr_read_final(&r->txerr, i, c.packets));
	return c;
}

/* One interface's share: its own text line, or an object of the JSON summary. */
static void report_if(struct tg_print *p, const struct udp_run *r, unsigned int i)
{
	struct tg_tx_counts c = udp_group_counts(r, i);

	tg_print_obj(p, r->ifs[i]);
	tg_print_str(p, TG_PRINT_TEXT, NULL, "  on %s:", r->ifs[i]);
	tg_print_u64(p, TG_PRINT_ANY, "sent", " sent %llu packets", c.packets);
	tg_print_u64(p, TG_PRINT_ANY, "bytes", " (%llu bytes)", c.bytes);
	tg_print_text(p, ", transmit errors ");
	if (r->txerr.counting)
		tg_print_u64(p, TG_PRINT_ANY, "errors", "%llu", c.errors);
	else
		tg_print_null(p, TG_PRINT_ANY, "errors", "n/a");
	tg_print_obj_end(p);
}

/* With several interfaces, each one's share: text lines after the totals. */
void udp_report_ifs(struct udp_run *r)
{
	struct tg_print p;
	unsigned int i;

	if (r->nifs < 2 || r->o.json)
		return;
	for (i = 0; i < r->nifs; i++) {
		tg_print_open(&p, stdout, false);
		report_if(&p, r, i);
		tg_print_close(&p);
	}
}

void udp_summary_json(struct tg_print *p, void *arg)
{
	struct udp_run *r = arg;
	unsigned int i;

	if (r->nifs > 1) {
		tg_print_obj(p, "interfaces");
		for (i = 0; i < r->nifs; i++)
			report_if(p, r, i);
		tg_print_obj_end(p);
	}
	if (r->paced) {
		double reached = rate_reached(r);

		tg_print_double(p, TG_PRINT_JSON, "rate_asked", NULL, r->rate_pps);
		tg_print_double(p, TG_PRINT_JSON, "rate_reached", NULL, reached);
		if (r->o.rate.bits) {
			tg_print_double(p, TG_PRINT_JSON, "rate_asked_bps", NULL, r->o.rate.value);
			tg_print_double(p, TG_PRINT_JSON, "rate_reached_bps", NULL,
					tg_rate_bps(reached, r->avg_wire));
		}
		tg_print_u64(p, TG_PRINT_JSON, "burst", NULL, r->pace.burst);
		tg_print_u64(p, TG_PRINT_JSON, "pace_forgiven_ns", NULL, forgiven_ns(r));
	}
	if (r->far_open) {
		tg_sink_json_far_end(p, &r->far_totals);
		tg_thresh_json(p, &r->o.gate, &r->gate);
	}
}

/*
 * Time a thread gave up to stalls longer than the catch-up bound: the
 * machine was busy with something else, not short of speed.
 */
static const char *stalls(struct udp_run *r, char *buf, size_t len)
{
	uint64_t forgiven = 0, behind = 0;
	unsigned int i;

	for (i = 0; i < r->o.threads; i++) {
		const struct udp_gen_pcpu *pc = &r->pcpu[r->cpus[i]];

		forgiven += pc->forgiven_ns;
		if (pc->max_behind_ns > behind)
			behind = pc->max_behind_ns;
	}
	if (!forgiven)
		return "";
	snprintf(buf, len, " (stalls: a thread fell %.0f ms behind, and %.0f ms of schedule were given up past the %.0f ms catch-up bound: was the CPU busy with something else?)",
		 behind / 1e6, forgiven / 1e6, r->pace.max_lag_ns / 1e6);
	return buf;
}

/*
 * Pacing never sends faster than asked, but it may send slower when the
 * machine cannot keep up: say so with both figures rather than fall short
 * in silence. Short runs (a few slots) measure nothing.
 */
void udp_report_rate(struct udp_run *r)
{
	bool bits = r->o.rate.bits;
	double reached = rate_reached(r), asked = r->rate_pps;
	char a[32], b[32], c[256];

	tg_format_rate(bits ? r->o.rate.value : asked, bits, a, sizeof(a));
	tg_format_rate(bits ? tg_rate_bps(reached, r->avg_wire) : reached, bits, b, sizeof(b));
	/* The JSON summary holds these figures (udp_summary_json). */
	if (!r->o.json) {
		struct tg_print p;

		tg_print_open(&p, stdout, false);
		tg_print_str(&p, TG_PRINT_TEXT, NULL, "rate: asked %s", a);
		tg_print_str(&p, TG_PRINT_TEXT, NULL, ", reached %s", b);
		tg_print_u64(&p, TG_PRINT_TEXT, NULL, " (bursts of %llu)", r->pace.burst);
		tg_print_close(&p);
	}

	if (reached < asked * 0.99 && slots_sent(r) >= 100)
		tg_warn("--rate %s is above what this machine reached: %s (%.1f%% of it); "
			"try more --threads or a larger --burst%s\n", a, b, 100 * reached / asked,
			stalls(r, c, sizeof(c)));
}

