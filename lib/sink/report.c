// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include "json.h"
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
	int64_t lost = (int64_t)(now->lost - prev->lost);
	struct tg_json j;

	if (o->json) {
		tg_json_begin(&j, o->f);
		tg_json_str(&j, "type", "interval");
		tg_json_double(&j, "time_s", elapsed_ns / 1e9);
		tg_json_u64(&j, "received", rx);
		tg_json_u64(&j, "bytes", bytes);
		tg_json_double(&j, "pps", tg_rate(rx, dt_ns));
		tg_json_double(&j, "mbps", tg_rate(bytes * 8, dt_ns) / 1e6);
		tg_json_u64(&j, "stamped", now->stamped - prev->stamped);
		tg_json_i64(&j, "lost", lost);
		tg_json_u64(&j, "reordered", now->reordered - prev->reordered);
		tg_json_u64(&j, "duplicates", now->duplicates - prev->duplicates);
		tg_json_u64(&j, "truncated", now->truncated - prev->truncated);
		tg_json_end(&j);
		return;
	}
	fprintf(o->f, "%8.2fs  %12" PRIu64 " pkts  %10.0f pps  %9.1f Mbit/s",
		elapsed_ns / 1e9, rx, tg_rate(rx, dt_ns), tg_rate(bytes * 8, dt_ns) / 1e6);
	if (now->stamped)
		fprintf(o->f, "  stamped %" PRIu64 " lost %+" PRId64 " reordered %" PRIu64
			" dup %" PRIu64, now->stamped - prev->stamped, lost,
			now->reordered - prev->reordered, now->duplicates - prev->duplicates);
	fputc('\n', o->f);
	fflush(o->f);
}

static void json_latency(struct tg_json *j, const struct tg_hist_summary *l)
{
	static const char *const keys[] = { "min", "p50", "p90", "p99", "max" };
	const uint64_t v[] = { l->min, l->p50, l->p90, l->p99, l->max };
	size_t i;

	tg_json_obj(j, "latency_ns");
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (l->count)
			tg_json_u64(j, keys[i], v[i]);
		else
			tg_json_null(j, keys[i]);
	}
	tg_json_obj_end(j);
}

static void json_summary(const struct tg_sink_out *o, const struct tg_sink_totals *t,
			 uint64_t ns)
{
	uint64_t rx = tg_sink_received(t), bytes = tg_sink_bytes(t);
	struct tg_json j;
	int i;

	/* The order up to "actions" is fixed (scripts read it); extras after. */
	tg_json_begin(&j, o->f);
	tg_json_str(&j, "type", "summary");
	tg_json_u64(&j, "received", rx);
	tg_json_u64(&j, "bytes", bytes);
	tg_json_u64(&j, "stamped", t->stamped);
	tg_json_u64(&j, "lost", t->lost);
	tg_json_u64(&j, "reordered", t->reordered);
	tg_json_u64(&j, "duplicates", t->duplicates);
	json_latency(&j, &t->lat);
	tg_json_obj(&j, "actions");
	for (i = 0; i < TG_SINK_NACTIONS; i++)
		tg_json_u64(&j, action_names[i], t->packets[i]);
	tg_json_obj_end(&j);
	tg_json_u64(&j, "late", t->late);
	tg_json_u64(&j, "streams", t->streams);
	tg_json_u64(&j, "stream_overflow", t->stream_overflow);
	tg_json_u64(&j, "clock_skew", t->clock_skew);
	if (t->lat.count)
		tg_json_u64(&j, "latency_mean_ns", t->lat.mean);
	else
		tg_json_null(&j, "latency_mean_ns");
	tg_json_u64(&j, "truncated", t->truncated);
	tg_json_u64(&j, "ignored", t->ignored);
	tg_json_u64(&j, "pcap_written", t->pcap_written);
	tg_json_u64(&j, "pcap_dropped", t->pcap_dropped);
	tg_json_double(&j, "duration_s", ns / 1e9);
	tg_json_double(&j, "pps", tg_rate(rx, ns));
	tg_json_double(&j, "mbps", tg_rate(bytes * 8, ns) / 1e6);
	if (o->ifname)
		tg_json_str(&j, "interface", o->ifname);
	if (o->gate && o->gate_result)
		tg_thresh_json(&j, o->gate, o->gate_result);
	tg_json_end(&j);
}

void tg_sink_json_far_end(struct tg_json *j, const struct tg_sink_totals *t)
{
	tg_json_u64(j, "received", tg_sink_received(t));
	tg_json_u64(j, "received_bytes", tg_sink_bytes(t));
	tg_json_u64(j, "stamped", t->stamped);
	tg_json_u64(j, "lost", t->lost);
	tg_json_u64(j, "reordered", t->reordered);
	tg_json_u64(j, "duplicates", t->duplicates);
	json_latency(j, &t->lat);
}

/* "950ns", "12.3us", "4.56ms", "1.234s": latencies span nine decades. */
static void fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 "ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1000000000)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
}

static void text_summary(const struct tg_sink_out *o, const struct tg_sink_totals *t,
			 uint64_t ns)
{
	uint64_t rx = tg_sink_received(t), bytes = tg_sink_bytes(t);
	char v[6][24];
	int i;

	fprintf(o->f, "received %" PRIu64 " packets (%" PRIu64 " bytes) on %s in %.3f s: "
		"%.0f pps, %.1f Mbit/s\n", rx, bytes, o->ifname ? o->ifname : "?",
		ns / 1e9, tg_rate(rx, ns), tg_rate(bytes * 8, ns) / 1e6);
	fprintf(o->f, "actions:");
	for (i = 0; i < TG_SINK_NACTIONS; i++)
		fprintf(o->f, "%s %s %" PRIu64, i ? "," : "", action_names[i], t->packets[i]);
	fprintf(o->f, "\ntruncated %" PRIu64 ", not matching the filter (passed) %" PRIu64 "\n",
		t->truncated, t->ignored);
	if (t->stamped) {
		fprintf(o->f, "stamped %" PRIu64 " in %" PRIu64 " stream%s: lost %" PRIu64
			", reordered %" PRIu64 ", duplicates %" PRIu64 ", late %" PRIu64 "\n",
			t->stamped, t->streams, t->streams == 1 ? "" : "s", t->lost,
			t->reordered, t->duplicates, t->late);
		if (t->stream_overflow)
			fprintf(o->f, "stamped frames of streams beyond the tracked ones: %" PRIu64 "\n",
				t->stream_overflow);
	}
	if (t->lat.count) {
		fmt_ns(t->lat.min, v[0], sizeof(v[0]));
		fmt_ns(t->lat.p50, v[1], sizeof(v[1]));
		fmt_ns(t->lat.p90, v[2], sizeof(v[2]));
		fmt_ns(t->lat.p99, v[3], sizeof(v[3]));
		fmt_ns(t->lat.max, v[4], sizeof(v[4]));
		fmt_ns(t->lat.mean, v[5], sizeof(v[5]));
		fprintf(o->f, "latency: min %s, p50 %s, p90 %s, p99 %s, max %s (mean %s)\n",
			v[0], v[1], v[2], v[3], v[4], v[5]);
	}
	if (t->clock_skew)
		fprintf(o->f, "stamped frames sent \"after\" they arrived (clocks not "
			"synchronised): %" PRIu64 "\n", t->clock_skew);
	if (o->pcap)
		fprintf(o->f, "pcap: %" PRIu64 " frames written to %s, %" PRIu64
			" dropped (ring buffer full)\n", t->pcap_written,
			o->pcap_path ? o->pcap_path : "?", t->pcap_dropped);
	fflush(o->f);
}

void tg_sink_summary(const struct tg_sink_out *o, const struct tg_sink_totals *t,
		     uint64_t duration_ns)
{
	if (o->json)
		json_summary(o, t, duration_ns);
	else
		text_summary(o, t, duration_ns);
}
