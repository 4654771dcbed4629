// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp: what the run reports. Its totals come from the
 * generator's per-CPU counters, the flows' state in the ACK program's map
 * and the target's refusals; the start line, a line every interval and the
 * summary are written as text or JSON by one lib/print.h call a figure.
 */
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "percpu.h"
#include "packet_tcp.h"
#include "print.h"
#include "tcp.h"
#include "tcp_gen.skel.h"

const char *const tcp_cc_names[] = { "none", "reno", "cubic", "bbr", NULL };

static const char *plural(uint64_t n)
{
	return n > 1 ? "s" : "";
}

struct tcp_totals tcp_read_totals(struct tcp_run *r, bool final)
{
	struct tcp_totals t = { 0 };
	struct tcp_flow st;
	uint64_t refused;
	unsigned int i;

	if (r->progs.gen &&
	    !tg_percpu_read(r->progs.gen->maps.pcpu, 0, r->pcpu, sizeof(*r->pcpu), r->ncpus)) {
		t.segments = TG_PERCPU_SUM(r->pcpu, r->ncpus, segments);
		t.bytes = TG_PERCPU_SUM(r->pcpu, r->ncpus, bytes);
		t.payload = TG_PERCPU_SUM(r->pcpu, r->ncpus, payload);
		t.retransmitted = TG_PERCPU_SUM(r->pcpu, r->ncpus, retransmitted);
		t.window_drops = TG_PERCPU_SUM(r->pcpu, r->ncpus, window_drops);
		t.pace_holds = TG_PERCPU_SUM(r->pcpu, r->ncpus, pace_holds);
	}
	for (i = 0; i < r->nflows; i++) {
		if (!r->flow[i].owned || tcp_flow_read(r, i, &st))
			continue;
		t.acked += tcp_flow_acked(r, i, &st);
		t.dup_acks += st.dup_acks;
		t.fast_retransmits += st.fast_retransmits;
		t.timeouts += st.timeouts;
		t.sacked += st.sacked_bytes;
		t.sack_rejected += st.sack_rejected;
		t.lost += st.lost_segs;
	}
	/* Frames the target refused were counted as sent: every one a data segment. */
	refused = final ? tg_txerr_read_final(&r->txerr, 0, t.segments)
			: tg_txerr_read(&r->txerr, 0);
	if (refused > t.segments)
		refused = t.segments;
	t.tx_errors = refused;
	t.segments -= refused;
	t.bytes -= refused * r->cfg.frame_len;
	t.payload -= refused * r->mss;
	return t;
}

static struct tcp_totals totals_sub(const struct tcp_totals *a, const struct tcp_totals *b)
{
	return (struct tcp_totals){
		.segments = a->segments - b->segments,
		.bytes = a->bytes - b->bytes,
		.payload = a->payload - b->payload,
		.retransmitted = a->retransmitted - b->retransmitted,
		.window_drops = a->window_drops - b->window_drops,
		.pace_holds = a->pace_holds - b->pace_holds,
		.acked = a->acked - b->acked,
		.dup_acks = a->dup_acks - b->dup_acks,
		.fast_retransmits = a->fast_retransmits - b->fast_retransmits,
		.timeouts = a->timeouts - b->timeouts,
		.sacked = a->sacked - b->sacked,
		.sack_rejected = a->sack_rejected - b->sack_rejected,
		.lost = a->lost - b->lost,
		.tx_errors = a->tx_errors - b->tx_errors,
	};
}

/*
 * The JSON keys keep their order (the text says the source first and the
 * interface later, and the frame with its FCS): those figures go to each
 * output by a call of their own.
 */
void tcp_print_start(struct tcp_run *r)
{
	char dst[INET6_ADDRSTRLEN], src[INET6_ADDRSTRLEN], mac[18];
	struct tg_print p;

	inet_ntop(r->family, &r->dst, dst, sizeof(dst));
	inet_ntop(r->family, &r->src, src, sizeof(src));
	tg_format_mac(r->dst_mac, mac);
	tg_debug("destination MAC %s from %s\n", mac, r->mac_source);
	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "start");
	tg_print_str(&p, TG_PRINT_JSON, "interface", NULL, r->o.ifname);
	tg_print_str(&p, TG_PRINT_TEXT, NULL, "sending TCP %s", src);
	tg_print_str(&p, TG_PRINT_ANY, "dst", " -> %s", dst);
	tg_print_u64(&p, TG_PRINT_ANY, "dst_port", " port %llu", r->o.dport);
	tg_print_str(&p, TG_PRINT_JSON, "src", NULL, src);
	tg_print_str(&p, TG_PRINT_TEXT, NULL, " on %s", r->o.ifname);
	tg_print_str(&p, TG_PRINT_ANY, "dst_mac", " (to %s)", mac);
	tg_print_u64(&p, TG_PRINT_ANY, "flows", ": %llu flow", r->nflows);
	tg_print_text(&p, "%s", plural(r->nflows));
	tg_print_u64(&p, TG_PRINT_ANY, "threads", ", %llu thread", r->nthreads);
	tg_print_text(&p, "%s", plural(r->nthreads));
	tg_print_u64(&p, TG_PRINT_ANY, "mss", ", %llu-byte segments", r->mss);
	tg_print_u64(&p, TG_PRINT_JSON, "frame_len", NULL, r->cfg.frame_len);
	tg_print_u64(&p, TG_PRINT_TEXT, NULL, " in %llu-byte frames",
		     r->cfg.frame_len + TG_FCS_LEN);
	tg_print_bool(&p, TG_PRINT_JSON, "timestamps", NULL, r->ts);
	tg_print_text(&p, "%s", r->ts ? ", timestamps" : "");
	tg_print_close(&p);
}

/*
 * Each flow's congestion state: in JSON an object "flows" in the interval's
 * line, keyed by flow number; in text (with -v) a line a flow after it.
 * cwnd and ssthresh are null without a --cc, ssthresh before the first loss.
 */
static void print_flows(struct tcp_run *r, struct tg_print *line)
{
	static const char *const bbr_states[] = { "startup", "drain", "probe_bw", "?" };
	struct tcp_flow st;
	struct tg_print own;
	unsigned int i;
	char key[16];

	if (line)
		tg_print_obj(line, "flows");
	for (i = 0; i < r->nflows; i++) {
		struct tg_print *p = line ? line : &own;
		bool cc;

		if (!r->flow[i].owned || tcp_flow_read(r, i, &st))
			continue;
		cc = st.cc.algo != TCP_CC_NONE;
		snprintf(key, sizeof(key), "%u", i);
		if (line)
			tg_print_obj(p, key);
		else
			tg_print_open(p, stdout, false);
		tg_print_u64(p, TG_PRINT_TEXT, NULL, "    flow %llu:", i);
		if (cc)
			tg_print_u64(p, TG_PRINT_ANY, "cwnd", " cwnd %llu", st.cc.cwnd);
		else
			tg_print_null(p, TG_PRINT_ANY, "cwnd", " cwnd none");
		if (cc && st.cc.ssthresh != UINT32_MAX)
			tg_print_u64(p, TG_PRINT_ANY, "ssthresh", ", ssthresh %llu", st.cc.ssthresh);
		else
			tg_print_null(p, TG_PRINT_ANY, "ssthresh", ", ssthresh none");
		tg_print_u64(p, TG_PRINT_ANY, "sacked_bytes", ", %llu bytes SACKed", st.sb.sacked);
		tg_print_u64(p, TG_PRINT_ANY, "in_flight", ", %llu in flight",
			     st.snd_max - st.snd_una);
		/* Round-trip time and pacing rate: null until the first sample, and without a --cc. */
		if (cc && st.rtt.srtt_ns) {
			tg_print_double(p, TG_PRINT_ANY, "srtt_us", ", srtt %.1f us",
					st.rtt.srtt_ns / 1e3);
			tg_print_double(p, TG_PRINT_ANY, "min_rtt_us", " (min %.1f)",
					st.rtt.min_ns / 1e3);
			tg_print_double(p, TG_PRINT_ANY, "pacing_mbps", ", paced at %.1f Mbit/s",
					tcp_pace_rate_bps(&st.cc, st.wnd, st.rtt.srtt_ns) / 1e6);
			/* bbr's model: the bottleneck bandwidth it measured, and its phase. */
			if (st.cc.algo == TCP_CC_BBR) {
				tg_print_double(p, TG_PRINT_ANY, "btl_bw_mbps", ", bbr %.1f Mbit/s",
						st.cc.bbr.btl_bw * 8 / 1e6);
				tg_print_str(p, TG_PRINT_ANY, "bbr_state", " %s",
					     bbr_states[st.cc.bbr.state < 3 ? st.cc.bbr.state : 3]);
			}
		} else {
			tg_print_null(p, TG_PRINT_ANY, "srtt_us", ", srtt none");
			tg_print_null(p, TG_PRINT_JSON, "min_rtt_us", NULL);
			tg_print_null(p, TG_PRINT_JSON, "pacing_mbps", NULL);
		}
		tg_print_bool(p, TG_PRINT_JSON, "recovery", NULL, st.flags & TCP_FLOW_F_RECOVERY);
		tg_print_text(p, "%s", st.flags & TCP_FLOW_F_RECOVERY ? ", in loss recovery" : "");
		if (line)
			tg_print_obj_end(p);
		else
			tg_print_close(p);
	}
	if (line)
		tg_print_obj_end(line);
}

/* The text puts rates in Mbit/s where JSON has counts, and retransmissions last. */
void tcp_print_interval(struct tcp_run *r, uint64_t elapsed_ns)
{
	struct tcp_totals now = tcp_read_totals(r, false), d = totals_sub(&now, &r->last);
	uint64_t dt = elapsed_ns - r->last_ns;
	struct tg_print p;

	r->last = now;
	r->last_ns = elapsed_ns;
	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "interval");
	tg_print_double(&p, TG_PRINT_ANY, "time_s", "%8.2fs", elapsed_ns / 1e9);
	tg_print_u64(&p, TG_PRINT_ANY, "segments", "  %10llu segs", d.segments);
	tg_print_u64(&p, TG_PRINT_JSON, "bytes", NULL, d.bytes);
	tg_print_double(&p, TG_PRINT_TEXT, NULL, "  %9.1f Mbit/s on the wire",
			tg_rate(d.bytes * 8, dt) / 1e6);
	tg_print_u64(&p, TG_PRINT_JSON, "payload_bytes", NULL, d.payload);
	tg_print_u64(&p, TG_PRINT_JSON, "retransmitted", NULL, d.retransmitted);
	tg_print_u64(&p, TG_PRINT_JSON, "acked_bytes", NULL, d.acked);
	tg_print_double(&p, TG_PRINT_JSON, "goodput_bps", NULL, tg_tcp_goodput_bps(d.acked, dt));
	tg_print_double(&p, TG_PRINT_TEXT, NULL, "  %9.1f Mbit/s goodput",
			tg_tcp_goodput_bps(d.acked, dt) / 1e6);
	tg_print_double(&p, TG_PRINT_JSON, "duration_s", NULL, dt / 1e9);
	tg_print_u64(&p, TG_PRINT_JSON, "window_drops", NULL, d.window_drops);
	tg_print_u64(&p, TG_PRINT_JSON, "pace_holds", NULL, d.pace_holds);
	tg_print_u64(&p, TG_PRINT_JSON, "sacked_bytes", NULL, d.sacked);
	tg_print_u64(&p, TG_PRINT_JSON, "lost_segments", NULL, d.lost);
	tg_print_u64(&p, TG_PRINT_TEXT, NULL, "  %llu retransmitted", d.retransmitted);
	if (r->o.json)
		print_flows(r, &p);
	tg_print_close(&p);
	if (r->o.verbose && !r->o.json)
		print_flows(r, NULL);
}

/* Each connection the receiver accepted against the flow it belongs to. */
void tcp_report_receiver(struct tcp_run *r)
{
	const struct tg_receiver *rx = &r->veth->rx;
	const struct tg_receiver_conn *c;
	struct tcp_flow st;
	unsigned int i, k;

	for (k = 0; k < rx->nconns; k++) {
		c = &rx->conn[k];
		for (i = 0; i < r->nflows; i++)
			if (r->flow[i].owned && ntohs(r->flow[i].key.lport) == c->peer_port)
				break;
		if (i == r->nflows || tcp_flow_read(r, i, &st))
			continue;
		tg_debug("flow %u: %llu bytes acknowledged, %llu read by the receiver, %s\n", i,
			 (unsigned long long)tcp_flow_acked(r, i, &st),
			 (unsigned long long)c->bytes, c->eof ? "end of stream" :
			 c->error ? strerror(c->error) : "still open");
		if (r->flow[i].how == TCP_CLOSE_CLEAN && c->bytes != tcp_flow_acked(r, i, &st))
			tg_warn("flow %u closed cleanly, but its receiver read %llu bytes where %llu "
				"were acknowledged\n", i, (unsigned long long)c->bytes,
				(unsigned long long)tcp_flow_acked(r, i, &st));
	}
}

/*
 * One text sentence, a second with --veth; JSON keys in their order, the
 * ratio as a fraction where the text has a percentage.
 */
void tcp_print_summary(struct tcp_run *r)
{
	struct tcp_totals t = tcp_read_totals(r, true);
	uint64_t ns = r->end_ns > r->start_ns ? r->end_ns - r->start_ns : 0;
	double ratio = t.payload ? (double)t.acked / (double)t.payload : 0.0;
	struct tg_print p;

	tg_print_open(&p, stdout, r->o.json);
	tg_print_str(&p, TG_PRINT_JSON, "type", NULL, "summary");
	tg_print_u64(&p, TG_PRINT_JSON, "flows", NULL, r->nflows);
	tg_print_u64(&p, TG_PRINT_ANY, "segments", "sent %llu segments", t.segments);
	tg_print_u64(&p, TG_PRINT_ANY, "bytes", " (%llu bytes", t.bytes);
	tg_print_u64(&p, TG_PRINT_ANY, "payload_bytes", ", %llu of payload", t.payload);
	tg_print_u64(&p, TG_PRINT_ANY, "retransmitted", ", %llu retransmitted)", t.retransmitted);
	tg_print_u64(&p, TG_PRINT_TEXT, NULL, " on %llu flow", r->nflows);
	tg_print_text(&p, "%s", plural(r->nflows));
	tg_print_u64(&p, TG_PRINT_JSON, "acked_bytes", NULL, t.acked);
	tg_print_double(&p, TG_PRINT_JSON, "goodput_bps", NULL, tg_tcp_goodput_bps(t.acked, ns));
	tg_print_double(&p, TG_PRINT_ANY, "duration_s", " in %.3f s", ns / 1e9);
	tg_print_u64(&p, TG_PRINT_TEXT, NULL, "; %llu bytes acknowledged", t.acked);
	tg_print_double(&p, TG_PRINT_JSON, "goodput_bytes_per_s", NULL, tg_rate(t.acked, ns));
	tg_print_double(&p, TG_PRINT_JSON, "acked_ratio", NULL, ratio);
	tg_print_double(&p, TG_PRINT_TEXT, NULL, " (%.1f%% of the payload sent)", ratio * 100);
	tg_print_double(&p, TG_PRINT_TEXT, NULL, ": goodput %.1f Mbit/s",
			tg_tcp_goodput_bps(t.acked, ns) / 1e6);
	tg_print_u64(&p, TG_PRINT_JSON, "window_drops", NULL, t.window_drops);
	tg_print_u64(&p, TG_PRINT_JSON, "pace_holds", NULL, t.pace_holds);
	tg_print_u64(&p, TG_PRINT_JSON, "dup_acks", NULL, t.dup_acks);
	tg_print_u64(&p, TG_PRINT_JSON, "fast_retransmits", NULL, t.fast_retransmits);
	tg_print_u64(&p, TG_PRINT_JSON, "fast_recoveries", NULL, t.fast_retransmits);
	tg_print_u64(&p, TG_PRINT_JSON, "timeouts", NULL, t.timeouts);
	tg_print_u64(&p, TG_PRINT_JSON, "sacked_bytes", NULL, t.sacked);
	tg_print_u64(&p, TG_PRINT_JSON, "sack_rejected", NULL, t.sack_rejected);
	tg_print_u64(&p, TG_PRINT_JSON, "lost_segments", NULL, t.lost);
	tg_print_double(&p, TG_PRINT_JSON, "retransmitted_per_lost", NULL,
			t.lost ? (double)t.retransmitted / (double)t.lost : 0.0);
	tg_print_str(&p, TG_PRINT_JSON, "cc", NULL, tcp_cc_names[r->o.cc]);
	if (r->txerr.counting)
		tg_print_u64(&p, TG_PRINT_JSON, "tx_errors", NULL, t.tx_errors);
	else
		tg_print_null(&p, TG_PRINT_JSON, "tx_errors", NULL);
	if (t.retransmitted || t.lost)
		tg_print_text(&p, "; %llu retransmitted for %llu lost (%llu fast recover%s, "
			      "%llu timeout%s)", (unsigned long long)t.retransmitted,
			      (unsigned long long)t.lost, (unsigned long long)t.fast_retransmits,
			      t.fast_retransmits == 1 ? "y" : "ies",
			      (unsigned long long)t.timeouts, plural(t.timeouts));
	tg_print_u64(&p, TG_PRINT_ANY, "closed_clean", "; %llu flow", r->closed_clean);
	tg_print_text(&p, "%s closed cleanly", r->closed_clean == 1 ? "" : "s");
	tg_print_u64(&p, TG_PRINT_ANY, "closed_reset", ", %llu reset", r->closed_reset);
	tg_print_u64(&p, TG_PRINT_JSON, "mss", NULL, r->mss);
	tg_print_str(&p, TG_PRINT_JSON, "interface", NULL, r->o.ifname);
	if (r->rx_known) {
		tg_print_text(&p, "\n");
		tg_print_u64(&p, TG_PRINT_ANY, "received_bytes", "the receiver read %llu bytes",
			     r->received_bytes);
		if (r->received_bytes == t.acked)
			tg_print_text(&p, ", exactly those acknowledged");
		else
			tg_print_u64(&p, TG_PRINT_TEXT, NULL, " where %llu were acknowledged",
				     t.acked);
		tg_print_u64(&p, TG_PRINT_ANY, "eof_clean", ", and reached end of stream on %llu",
			     r->eof_clean);
		tg_print_u64(&p, TG_PRINT_TEXT, NULL, " of %llu flow", r->nflows);
		tg_print_text(&p, "%s", plural(r->nflows));
	}
	tg_print_close(&p);
}
