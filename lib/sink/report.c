// SPDX-License-Identifier: GPL-2.0
#include "print.h"
#include "sink/report.h"
#include "stats.h"

static const char *const action_names[TG_SINK_NACTIONS] = {
	"aborted", "drop", "pass", "tx", "redirect",
};

uint64_t tg_sink_received(const struct tg_sink_totals *t)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < TG_SINK_NACTIONS; i++)
		n += t->packets[i];
	return n;
}

uint64_t tg_sink_bytes(const struct tg_sink_totals *t)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < TG_SINK_NACTIONS; i++)
		n += t->bytes[i];
	return n;
}

void tg_sink_interval(const struct tg_sink_out *o, uint64_t elapsed_ns,
		      const struct tg_sink_totals *now,
		      const struct tg_sink_totals *prev, uint64_t dt_ns)
{
	uint64_t rx = tg_sink_received(now) - tg_sink_received(prev);
	uint64_t bytes = tg_sink_bytes(now) - tg_sink_bytes(prev);
	/* The text says loss only once stamped frames have come. */
	enum tg_print_to stamped = now->stamped ? TG_PRINT_ANY : TG_PRINT_JSON;
	struct tg_print p;

	tg_print_open(&p, o->f, o->json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "interval");
	tg_print_double(&p, TG_PRINT_ANY, "time_s", "%8.2fs", elapsed_ns / 1e9);
	tg_print_u64(&p, TG_PRINT_ANY, "received", "  %12llu pkts", rx);
	tg_print_u64(&p, TG_PRINT_JSON, "bytes", NULL, bytes);
	tg_print_double(&p, TG_PRINT_ANY, "pps", "  %10.0f pps", tg_rate(rx, dt_ns));
	tg_print_double(&p, TG_PRINT_ANY, "mbps", "  %9.1f Mbit/s",
			tg_rate(bytes * 8, dt_ns) / 1e6);
	tg_print_u64(&p, stamped, "stamped", "  stamped %llu", now->stamped - prev->stamped);
	/* Signed: a late frame that fills a gap takes one off. */
	tg_print_i64(&p, stamped, "lost", " lost %+lld", (long long)(now->lost - prev->lost));
	tg_print_u64(&p, stamped, "reordered", " reordered %llu",
		     now->reordered - prev->reordered);
	tg_print_u64(&p, stamped, "duplicates", " dup %llu",
		     now->duplicates - prev->duplicates);
	tg_print_u64(&p, TG_PRINT_JSON, "truncated", NULL, now->truncated - prev->truncated);
	tg_print_close(&p);
}

/* JSON: an object, null in each key when nothing was measured. */
static void latency(struct tg_print *p, enum tg_print_to to, const struct tg_hist_summary *l)
{
	static const char *const keys[] = { "min", "p50", "p90", "p99", "max" };
	static const char *const text[] = {
		"\nlatency: min %s", ", p50 %s", ", p90 %s", ", p99 %s", ", max %s",
	};
	const uint64_t v[] = { l->min, l->p50, l->p90, l->p99, l->max };
	size_t i;

	tg_print_obj(p, "latency_ns");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (l->count)
			tg_print_ns(p, to, keys[i], text[i], v[i]);
		else
			tg_print_null(p, to, keys[i], NULL);
	}
	tg_print_obj_end(p);
}

/*
 * The figures below are said at one place in the text and at another in
 * JSON, so each is written once for each output, by the same call.
 */
static void actions(struct tg_print *p, enum tg_print_to to, const struct tg_sink_totals *t)
{
	static const char *const text[TG_SINK_NACTIONS] = {
		"\nactions: aborted %llu", ", drop %llu", ", pass %llu", ", tx %llu",
		", redirect %llu",
	};
	int i;

	for (i = 0; i < TG_SINK_NACTIONS; i++)
		tg_print_u64(p, to, action_names[i], text[i], t->packets[i]);
}

static void filtered(struct tg_print *p, enum tg_print_to to, const struct tg_sink_totals *t)
{
	tg_print_u64(p, to, "truncated", "\ntruncated %llu", t->truncated);
	tg_print_u64(p, to, "ignored", ", not matching the filter (passed) %llu", t->ignored);
}

static void rates(struct tg_print *p, enum tg_print_to to, uint64_t rx, uint64_t bytes,
		  uint64_t ns)
{
	tg_print_double(p, to, "duration_s", " in %.3f s", ns / 1e9);
	tg_print_double(p, to, "pps", ": %.0f pps", tg_rate(rx, ns));
	tg_print_double(p, to, "mbps", ", %.1f Mbit/s", tg_rate(bytes * 8, ns) / 1e6);
}

/*
 * Text: a line of totals, the verdicts, the filter's, then a line each for
 * loss, latency, clock skew and the recording when there is anything to
 * say. JSON: every key always, in an order fixed up to "actions" (scripts
 * read it), extras after.
 */
void tg_sink_summary(const struct tg_sink_out *o, const struct tg_sink_totals *t,
		     uint64_t ns)
{
	uint64_t rx = tg_sink_received(t), bytes = tg_sink_bytes(t);
	enum tg_print_to stamped = t->stamped ? TG_PRINT_ANY : TG_PRINT_JSON;
	enum tg_print_to lat = t->lat.count ? TG_PRINT_ANY : TG_PRINT_JSON;
	enum tg_print_to pcap = o->pcap ? TG_PRINT_ANY : TG_PRINT_JSON;
	struct tg_print p;

	tg_print_open(&p, o->f, o->json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_print_u64(&p, TG_PRINT_ANY, "received", "received %llu packets", rx);
	tg_print_u64(&p, TG_PRINT_ANY, "bytes", " (%llu bytes)", bytes);
	tg_print_str(&p, TG_PRINT_TEXT, NULL, " on %s", o->ifname ? o->ifname : "?");
	rates(&p, TG_PRINT_TEXT, rx, bytes, ns);
	actions(&p, TG_PRINT_TEXT, t);
	filtered(&p, TG_PRINT_TEXT, t);

	tg_print_u64(&p, stamped, "stamped", "\nstamped %llu", t->stamped);
	if (t->stamped) {
		tg_print_u64(&p, TG_PRINT_TEXT, NULL, " in %llu stream", t->streams);
		tg_print_text(&p, "%s", t->streams == 1 ? "" : "s");
	}
	tg_print_u64(&p, stamped, "lost", ": lost %llu", t->lost);
	tg_print_u64(&p, stamped, "reordered", ", reordered %llu", t->reordered);
	tg_print_u64(&p, stamped, "duplicates", ", duplicates %llu", t->duplicates);
	if (t->stamped) {
		tg_print_u64(&p, TG_PRINT_TEXT, NULL, ", late %llu", t->late);
		if (t->stream_overflow)
			tg_print_u64(&p, TG_PRINT_TEXT, NULL, "\nstamped frames of streams "
				     "beyond the tracked ones: %llu", t->stream_overflow);
	}
	latency(&p, lat, &t->lat);
	if (t->lat.count)
		tg_print_ns(&p, TG_PRINT_TEXT, NULL, " (mean %s)", t->lat.mean);

	tg_print_obj(&p, "actions");
	actions(&p, TG_PRINT_JSON, t);
	tg_print_obj_end(&p);
	tg_print_u64(&p, TG_PRINT_JSON, "late", NULL, t->late);
	tg_print_u64(&p, TG_PRINT_JSON, "streams", NULL, t->streams);
	tg_print_u64(&p, TG_PRINT_JSON, "stream_overflow", NULL, t->stream_overflow);
	tg_print_u64(&p, t->clock_skew ? TG_PRINT_ANY : TG_PRINT_JSON, "clock_skew",
		     "\nstamped frames sent \"after\" they arrived (clocks not "
		     "synchronised): %llu", t->clock_skew);
	if (t->lat.count)
		tg_print_u64(&p, TG_PRINT_JSON, "latency_mean_ns", NULL, t->lat.mean);
	else
		tg_print_null(&p, TG_PRINT_JSON, "latency_mean_ns", NULL);
	filtered(&p, TG_PRINT_JSON, t);
	tg_print_u64(&p, pcap, "pcap_written", "\npcap: %llu frames written to",
		     t->pcap_written);
	if (o->pcap)
		tg_print_str(&p, TG_PRINT_TEXT, NULL, " %s", o->pcap_path ? o->pcap_path : "?");
	tg_print_u64(&p, pcap, "pcap_dropped", ", %llu dropped (ring buffer full)",
		     t->pcap_dropped);
	rates(&p, TG_PRINT_JSON, rx, bytes, ns);
	if (o->ifname)
		tg_print_str(&p, TG_PRINT_JSON, "interface", NULL, o->ifname);
	if (p.json && o->gate && o->gate_result)
		tg_thresh_json(&p, o->gate, o->gate_result);
	tg_print_close(&p);
}

void tg_sink_json_far_end(struct tg_print *p, const struct tg_sink_totals *t)
{
	tg_print_u64(p, TG_PRINT_JSON, "received", NULL, tg_sink_received(t));
	tg_print_u64(p, TG_PRINT_JSON, "received_bytes", NULL, tg_sink_bytes(t));
	tg_print_u64(p, TG_PRINT_JSON, "stamped", NULL, t->stamped);
	tg_print_u64(p, TG_PRINT_JSON, "lost", NULL, t->lost);
	tg_print_u64(p, TG_PRINT_JSON, "reordered", NULL, t->reordered);
	tg_print_u64(p, TG_PRINT_JSON, "duplicates", NULL, t->duplicates);
	latency(p, TG_PRINT_JSON, &t->lat);
}
