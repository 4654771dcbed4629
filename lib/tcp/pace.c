// SPDX-License-Identifier: GPL-2.0
#include "tcp/pace.h"

static uint64_t window_segs(const struct tg_tcp_view *v, uint32_t len)
{
	uint64_t nxt = v->rto_pending ? v->una : v->nxt, right = v->una + v->wnd;
	uint64_t in_wnd, allowed;

	if (!len || nxt + len > right)
		return v->hole && len && v->una + len <= right ? 1 : 0;
	in_wnd = (right - nxt) / len;
	allowed = v->max > nxt ? (v->max - nxt) / len : 0;
	if (v->limit > v->max)
		allowed += (v->limit - (v->max > nxt ? v->max : nxt)) / len;
	return (in_wnd < allowed ? in_wnd : allowed) + (v->hole && !v->rto_pending);
}

uint64_t tg_tcp_free_segs(const struct tg_tcp_view *v, uint32_t len)
{
	uint64_t n = window_segs(v, len), cw;

	if (!len)
		return 0;
	if (v->lost && !v->rto_pending)
		n += (v->lost + len - 1) / len;
	if (v->rto_pending || !v->cwnd_limited)
		return n;
	cw = v->cwnd_room / len;
	return n < cw ? n : cw;
}

uint64_t tg_tcp_pace_next(struct tg_tcp_pace *p, uint64_t free_segs,
			  uint64_t last_sent, uint64_t last_dropped)
{
	uint64_t max = p->max ? p->max : TG_TCP_REPEAT_MAX, r;

	if (!p->repeat)
		r = free_segs;
	else if (last_dropped > p->repeat / 8)
		r = last_sent + last_sent / 4;	/* window-bound: what the clock carried */
	else
		r = p->repeat * 2;
	if (r < free_segs)
		r = free_segs;
	if (r < TG_TCP_REPEAT_MIN)
		r = TG_TCP_REPEAT_MIN;
	if (r > max)
		r = max;
	if (!r)
		r = 1;
	p->repeat = r;
	return r;
}

void tg_tcp_rto_init(struct tg_tcp_rto *r)
{
	*r = (struct tg_tcp_rto){ .rto_ns = TG_TCP_RTO_INIT_NS };
}

bool tg_tcp_rto_tick(struct tg_tcp_rto *r, uint64_t now, uint64_t una, uint64_t max)
{
	if (una >= max) {
		/* Nothing outstanding: nothing to time. */
		r->armed = false;
		r->rto_ns = TG_TCP_RTO_INIT_NS;
		r->una = una;
		return false;
	}
	if (!r->armed || una != r->una) {
		if (r->armed)
			r->rto_ns = TG_TCP_RTO_INIT_NS;	/* progress */
		r->armed = true;
		r->since_ns = now;
		r->una = una;
		return false;
	}
	if (now - r->since_ns < r->rto_ns)
		return false;
	r->since_ns = now;
	r->rto_ns = r->rto_ns * 2 > TG_TCP_RTO_MAX_NS ? TG_TCP_RTO_MAX_NS : r->rto_ns * 2;
	r->fired++;
	return true;
}

double tg_tcp_goodput_bps(uint64_t bytes, uint64_t ns)
{
	return ns ? (double)bytes * 8e9 / (double)ns : 0.0;
}
