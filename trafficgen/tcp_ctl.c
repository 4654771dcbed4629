// SPDX-License-Identifier: GPL-2.0
/*
 * trafficgen tcp: segments crafted by userspace (lib/packet_tcp, full
 * checksums) and sent by a one-frame live run of tcp_ctl, and the end of
 * the flows.
 *
 * A window probe asks a peer that advertised no room for its window again,
 * in case the ACK that reopened it was lost (RFC 9293 3.8.6.1).
 *
 * Each flow is closed with our FIN, the peer's ACK and FIN (seen by the ACK
 * program), our ACK of its FIN. A peer that does not close within the bound
 * is reset. Then the kernel socket is put in TCP_REPAIR mode and closed: a
 * socket closed in repair mode sends nothing (tcp_disconnect() skips the
 * RST for it) and is freed at once, so neither kernel keeps a trace.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "log.h"
#include "packet_tcp.h"
#include "tcp.h"
#include "tcp_ack.skel.h"
#include "tcp_gen.skel.h"

#define NS_PER_MS 1000000ULL
#define CLOSE_BOUND_NS (1000ULL * NS_PER_MS)
#define FIN_RESEND_NS (200ULL * NS_PER_MS)

/* glibc's <netinet/tcp.h> may predate it. */
#ifndef TCP_REPAIR
#define TCP_REPAIR 19
#endif

/* One crafted segment of flow i, sent by a one-frame live run of tcp_ctl. */
static int send_ctl(struct tcp_run *r, unsigned int i, uint8_t flags, uint64_t seq_off,
		    const struct tcp_flow *st)
{
	uint8_t frame[128];
	struct tg_tcp_spec spec = {
		.family = r->family, .src = r->src, .dst = r->dst,
		.sport = ntohs(r->flow[i].key.lport), .dport = (uint16_t)r->o.dport,
		.ttl = (uint8_t)r->o.ttl, .flags = flags, .window = r->window,
		.seq = st->iss1 + (uint32_t)seq_off, .ack = st->rcv_nxt,
		.ts = r->ts, .tsval = r->ts ? tcp_tsval_now(r, i) : 0, .tsecr = st->ts_recent,
	};
	struct tg_layout l;
	int ret, tries;

	memcpy(spec.dst_mac, r->dst_mac, 6);
	memcpy(spec.src_mac, r->iface.mac, 6);
	ret = tg_build_tcp(&spec, frame, sizeof(frame), &l, NULL);
	if (ret)
		return ret;
	for (tries = 0; tries < 3; tries++) {
		LIBBPF_OPTS(bpf_test_run_opts, opts,
			.data_in = frame,
			.data_size_in = l.len,
			.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
			.repeat = 1,
		);

		ret = bpf_prog_test_run_opts(bpf_program__fd(r->progs.gen->progs.tcp_ctl), &opts);
		if (ret != -EINTR)
			break;
	}
	if (ret)
		tg_debug("sending a control segment of flow %u failed: %s\n", i, strerror(-ret));
	return ret;
}

/*
 * An ACK one byte below snd_una: old, so the peer answers it at once with
 * an ACK that carries its current window (RFC 9293 3.10.7.4).
 */
void tcp_flow_probe(struct tcp_run *r, unsigned int i, const struct tcp_flow *st)
{
	send_ctl(r, i, TG_TCP_ACK, st->snd_una - 1, st);
}

static void set_fin(struct tcp_run *r, unsigned int i, uint64_t fin)
{
	r->flow[i].fin_seq = fin;
	__atomic_store_n(&r->ctl[i].fin_seq, fin, __ATOMIC_RELAXED);
	__atomic_store_n(&r->ctl[i].closing, 1, __ATOMIC_RELEASE);
}

/* One step of flow i's close; true when it is over. */
static bool close_step(struct tcp_run *r, unsigned int i, uint64_t now)
{
	struct tcp_flow_user *fu = &r->flow[i];
	struct tcp_flow st;

	if (tcp_flow_read(r, i, &st))
		return false;
	if (st.flags & TCP_FLOW_F_RST) {
		fu->how = TCP_CLOSE_RESET_RCVD;
		return true;
	}
	if ((st.flags & TCP_FLOW_F_FIN_ACKED) && (st.flags & TCP_FLOW_F_PEER_FIN)) {
		send_ctl(r, i, TG_TCP_ACK, fu->fin_seq + 1, &st);
		fu->how = TCP_CLOSE_CLEAN;
		return true;
	}
	if (st.flags & TCP_FLOW_F_FIN_ACKED)
		return false;	/* the peer's application has yet to close */
	if (st.snd_una > fu->fin_seq) {
		/*
		 * The peer had data past our FIN (its ACK was late) and took the
		 * FIN for an old segment: send it again where it now belongs.
		 */
		set_fin(r, i, st.snd_una < st.snd_max ? st.snd_una : st.snd_max);
	} else if (now - fu->fin_sent_ns < FIN_RESEND_NS) {
		return false;
	}
	send_ctl(r, i, TG_TCP_FIN | TG_TCP_ACK, fu->fin_seq, &st);
	fu->fin_sent_ns = now;
	return false;
}

void tcp_flows_close(struct tcp_run *r)
{
	uint64_t deadline = tg_now_ns() + CLOSE_BOUND_NS, now;
	unsigned int i, pending = 0;
	struct tcp_flow st;

	for (i = 0; i < r->nflows; i++) {
		struct tcp_flow_user *fu = &r->flow[i];

		if (!fu->owned || fu->how != TCP_CLOSE_NONE || tcp_flow_read(r, i, &st))
			continue;
		__atomic_store_n(&r->ctl[i].limit, 0, __ATOMIC_RELAXED);
		if (st.flags & TCP_FLOW_F_RST) {
			fu->how = TCP_CLOSE_RESET_RCVD;
			continue;
		}
		/*
		 * The FIN goes at snd_una: anything sent past it and not
		 * acknowledged is given up (RFC 9293 3.10.7.4: the receiver
		 * drops its out-of-order queue on an in-order FIN), so the
		 * bytes the peer's application reads are exactly those
		 * acknowledged.
		 */
		set_fin(r, i, st.snd_una);
		fu->fin_sent_ns = tg_now_ns();
		send_ctl(r, i, TG_TCP_FIN | TG_TCP_ACK, st.snd_una, &st);
		pending++;
	}
	while (pending && (now = tg_now_ns()) < deadline) {
		pending = 0;
		for (i = 0; i < r->nflows; i++) {
			struct tcp_flow_user *fu = &r->flow[i];

			if (!fu->owned || fu->how != TCP_CLOSE_NONE)
				continue;
			if (!close_step(r, i, now))
				pending++;
		}
		if (pending)
			tg_sleep_ns(NS_PER_MS);
	}
	r->closed_clean = r->closed_reset = 0;
	for (i = 0; i < r->nflows; i++) {
		struct tcp_flow_user *fu = &r->flow[i];

		if (!fu->owned)
			continue;
		if (fu->how == TCP_CLOSE_NONE && !tcp_flow_read(r, i, &st)) {
			/* The peer never closed: reset it where it expects us. */
			send_ctl(r, i, TG_TCP_RST | TG_TCP_ACK,
				 (st.flags & TCP_FLOW_F_FIN_ACKED) ? fu->fin_seq + 1 : fu->fin_seq, &st);
			fu->how = TCP_CLOSE_RESET_SENT;
		}
		if (fu->how == TCP_CLOSE_CLEAN)
			r->closed_clean++;
		else
			r->closed_reset++;
	}
}

/*
 * Every exit path: kernel sockets the generator owned are closed in repair
 * mode (silently); the others normally. Then the tracking goes, and the
 * bpf_link with it.
 */
void tcp_flows_release(struct tcp_run *r)
{
	int one = 1;
	unsigned int i;

	for (i = 0; i < TCP_GEN_MAX_FLOWS; i++) {
		struct tcp_flow_user *fu = &r->flow[i];

		if (fu->fd < 0)
			continue;
		if (fu->owned && setsockopt(fu->fd, IPPROTO_TCP, TCP_REPAIR, &one, sizeof(one)))
			tg_warn("could not put flow %u's socket in repair mode (%s): closing it "
				"sends a stale FIN\n", i, strerror(errno));
		close(fu->fd);
		fu->fd = -1;
		if (fu->registered && r->progs.ack)
			bpf_map_delete_elem(bpf_map__fd(r->progs.ack->maps.flow_keys), &fu->key);
		fu->registered = false;
	}
	bpf_link__destroy(r->ack_link);
	r->ack_link = NULL;
	if (r->ctl)
		munmap(r->ctl, r->ctl_len);
	r->ctl = NULL;
	tcp_gen_bpf__destroy(r->progs.gen);
	r->progs.gen = NULL;
	tcp_ack_bpf__destroy(r->progs.ack);
	r->progs.ack = NULL;
}
