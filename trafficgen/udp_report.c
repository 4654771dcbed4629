// SPDX-License-Identifier: GPL-2.0
/*
 * udp's own lines of output: the start line, and what the summary adds to
 * the common one (lib/stats.c): each interface's share, the rate reached
 * against the rate asked, the far end of --veth.
 */
#include <stdio.h>
#include "json.h"
#include "log.h"
#include "udp.h"
#include "udp_gen.h"

static void print_start_tmpl(struct udp_run *r)
{
	struct tg_json j;

	if (r->o.json) {
		tg_json_begin(&j, stdout);
		tg_json_str(&j, "type", "start");
		tg_json_str(&j, "interface", r->ifname ? r->ifname : "");
		tg_json_str(&j, "template", r->o.template);
		tg_json_u64(&j, "frames", r->ntmpl);
		tg_json_u64(&j, "threads", r->o.threads);
		tg_json_end(&j);
		return;
	}
	printf("sending the %u frames of %s on %s, %llu thread%s\n", r->ntmpl, r->o.template,
	       r->ifname ? r->ifname : "no interface", (unsigned long long)r->o.threads,
	       r->o.threads > 1 ? "s" : "");
	fflush(stdout);
}

void udp_print_start(struct udp_run *r)
{
	char dst[INET6_ADDRSTRLEN * 2 + 2], src[INET6_ADDRSTRLEN * 2 + 2], size[64];
	struct tg_json j;

	if (r->tmpls) {
		print_start_tmpl(r);
		return;
	}
	tg_format_addr_range(&r->o.dst, dst, sizeof(dst));
	tg_format_addr_range(&r->o.src, src, sizeof(src));
	if (r->o.json) {
		tg_json_begin(&j, stdout);
		tg_json_str(&j, "type", "start");
		tg_json_str(&j, "interface", r->ifname);
		tg_json_str(&j, "dst", dst);
		tg_json_str(&j, "src", src);
		tg_json_u64(&j, "pkt_size", r->o.pkt_size);
		if (r->nsizes > 1) {
			tg_json_u64(&j, "pkt_size_min", tg_size_wheel_min(r->wheel, r->nsizes) + TG_FCS_LEN);
			tg_json_double(&j, "pkt_size_mean", r->avg_wire);
		}
		tg_json_u64(&j, "threads", r->o.threads);
		tg_json_end(&j);
		return;
	}
	if (r->nsizes > 1)
		snprintf(size, sizeof(size), "%u-%llu-byte frames (%.1f on average)",
			 tg_size_wheel_min(r->wheel, r->nsizes) + TG_FCS_LEN,
			 (unsigned long long)r->o.pkt_size, r->avg_wire);
	else
		snprintf(size, sizeof(size), "%llu-byte frames", (unsigned long long)r->o.pkt_size);
	printf("sending UDP %s -> %s (ports %u+%u -> %u+%u) on %s: %s, %llu thread%s\n",
	       src, dst, r->o.sport.first, r->o.sport.count - 1, r->o.dport.first,
	       r->o.dport.count - 1, r->ifname, size,
	       (unsigned long long)r->o.threads, r->o.threads > 1 ? "s" : "");
	fflush(stdout);
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

/* With several interfaces, each one's share after the totals. */
void udp_report_ifs(struct udp_run *r, struct tg_json *j)
{
	unsigned int i;

	if (r->nifs < 2)
		return;
	if (j)
		tg_json_obj(j, "interfaces");
	for (i = 0; i < r->nifs; i++) {
		struct tg_tx_counts c = udp_group_counts(r, i);

		if (j) {
			tg_json_obj(j, r->ifs[i]);
			tg_json_u64(j, "sent", c.packets);
			tg_json_u64(j, "bytes", c.bytes);
			if (r->txerr.counting)
				tg_json_u64(j, "errors", c.errors);
			else
				tg_json_null(j, "errors");
			tg_json_obj_end(j);
		} else {
			printf("  on %s: sent %llu packets (%llu bytes), transmit errors ", r->ifs[i],
			       (unsigned long long)c.packets, (unsigned long long)c.bytes);
			if (r->txerr.counting)
				printf("%llu\n", (unsigned long long)c.errors);
			else
				printf("n/a\n");
		}
	}
	if (j)
		tg_json_obj_end(j);
}

void udp_summary_json(struct tg_json *j, void *arg)
{
	struct udp_run *r = arg;

	udp_report_ifs(r, j);
	if (r->paced) {
		double reached = rate_reached(r);

		tg_json_double(j, "rate_asked", r->rate_pps);
		tg_json_double(j, "rate_reached", reached);
		if (r->o.rate.bits) {
			tg_json_double(j, "rate_asked_bps", r->o.rate.value);
			tg_json_double(j, "rate_reached_bps", tg_rate_bps(reached, r->avg_wire));
		}
		tg_json_u64(j, "burst", r->pace.burst);
		tg_json_u64(j, "pace_forgiven_ns", forgiven_ns(r));
	}
	if (r->far_open) {
		tg_sink_json_far_end(j, &r->far_totals);
		tg_thresh_json(j, &r->o.gate, &r->gate);
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
	if (!r->o.json)
		printf("rate: asked %s, reached %s (bursts of %u)\n", a, b, r->pace.burst);

	if (reached < asked * 0.99 && slots_sent(r) >= 100)
		tg_warn("--rate %s is above what this machine reached: %s (%.1f%% of it); "
			"try more --threads or a larger --burst%s\n", a, b, 100 * reached / asked,
			stalls(r, c, sizeof(c)));
}

