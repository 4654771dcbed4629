// SPDX-License-Identifier: GPL-2.0
/*
 * UDP generator: runs once per live frame, rewrites the varying fields and
 * redirects the frame out of the target interface. Userspace loads one of
 * four programs (lib/udp/load.c picks): udp_plain or udp_copy where every
 * frame is a copy of the template or of a header ring entry (udp_plain
 * with no pacing, stamp or second interface), udp_gen where fields are
 * computed per frame, udp_tmpl for templates from a capture.
 *
 * Live mode recycles pages without re-initialising them: this program sees
 * frames it already rewrote, and frames a receiver changed in place (a veth
 * peer with GRO rewrites the IPv6 payload length and the UDP checksum inside
 * our pages). So every frame first gets whole headers written back (the
 * template's, or a header ring entry built in userspace), which makes each
 * field and checksum absolute: the checksum updates below start from words
 * known before load.
 */
#include "compat.bpf.h"
#include "csum.bpf.h"
#include "stamp.h"
#include "udp_gen.h"
/* tx_port: the target of a single-interface run with cfg.devmap (lib/udp/load.c). */
#include "tx_port.bpf.h"

char LICENSE[] SEC("license") = "GPL";

const volatile struct udp_gen_cfg cfg = {};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct udp_gen_pcpu);
} pcpu SEC(".maps");

/*
 * A thread's cursor through [0, n): returns where it stands and moves it
 * stride on, wrapping. stride < n (reduced modulo n in userspace), so one
 * subtraction wraps it without a division. Callers pass each cfg field once:
 * every read of the volatile is a load.
 */
static __always_inline __u64 cursor_step(__u64 *cur, __u64 stride, __u64 n)
{
	__u64 i = *cur;

	*cur = i + stride >= n ? i + stride - n : i + stride;
	return i;
}

/*
 * The next index into [0, n): at random with cfg.random, where
 * multiply-shift maps 32 random bits onto [0, n) without a division; else
 * the cursor's step.
 */
static __always_inline __u64 pick(__u64 *cur, __u64 stride, __u64 n)
{
	if (cfg.random)
		return ((__u64)bpf_get_prandom_u32() * n) >> 32;
	return cursor_step(cur, stride, n);
}

/* Next offset into a field's span. */
static __always_inline __u32 next_off(const volatile struct udp_gen_field *f,
				      __u64 *cur)
{
	return pick(cur, f->stride, f->span);
}

/*
 * The template's header bytes. cfg is a const object initialised to zeros
 * in this file, so plain reads of cfg.hdr would be folded to those zeros;
 * volatile reads are not, but they also keep clang from unrolling the
 * copies into straight wide loads. Laundering the pointer through an empty
 * asm hides where it points, which is all the folding needed to be stopped.
 */
static __always_inline const __u8 *tmpl_hdr(void)
{
	const __u8 *p = (const __u8 *)cfg.hdr;

	asm volatile("" : "+r"(p));
	return p;
}

/* The header ring (see udp_gen.h); value_size is set at load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, 8);
} ring SEC(".maps");

/* The bytes of a header past its last whole 8-byte word, at off. */
static __always_inline void copy_tail(void *data, const __u8 *src, __u32 off, __u32 hl)
{
	if (hl & 4) {
		*(__u32 *)(data + off) = *(const __u32 *)(src + off);
		off += 4;
	}
	if (hl & 2)
		*(__u16 *)(data + off) = *(const __u16 *)(src + off);
}

/*
 * Straight-line code over the header's 8-byte words. hdr_len is a
 * load-time constant, and each length leaves the chain through a tail of
 * its own (its offsets differ), so the verifier sees one way through and
 * drops the other tails and the tests that lead to them: what runs is
 * just the loads and stores this header needs. (A chain that skipped to
 * one shared end kept every test, since that end is reached either way;
 * a loop over a switch of lengths is what clang made of the obvious
 * version.)
 */
#define COPY_WORD(i)							\
	if (hl < 8 * (i) + 8) {						\
		copy_tail(data, src, 8 * (i), hl);			\
		return;							\
	}								\
	((__u64 *)data)[i] = ((const __u64 *)src)[i];

static __always_inline void copy_hdr(void *data, const __u8 *src)
{
	__u32 hl = cfg.hdr_len;

	COPY_WORD(0) COPY_WORD(1) COPY_WORD(2) COPY_WORD(3)
	COPY_WORD(4) COPY_WORD(5) COPY_WORD(6) COPY_WORD(7)
	COPY_WORD(8) COPY_WORD(9) COPY_WORD(10) COPY_WORD(11)
	COPY_WORD(12)
	_Static_assert(UDP_GEN_HDR_MAX == 8 * 13, "one COPY_WORD per word of hdr");
}
#undef COPY_WORD

static __always_inline void restore_hdr(void *data)
{
	copy_hdr(data, tmpl_hdr());
}

/*
 * Folds a UDP checksum accumulator into the header. RFC 768: a computed
 * zero goes out as all ones (zero means "no checksum").
 */
static __always_inline void udp_csum_store(struct udphdr *udp, __u32 acc)
{
	__u16 c = csum_end(acc);

	udp->check = c ? c : 0xffff;
}

/*
 * The transmit time of a stamp. The frames of a kernel batch leave
 * together, at the flush after its last frame, so a clock read per frame
 * tells no more than one per batch: with cfg.stamp_batch the first frame
 * of each batch reads it and the others reuse it (the driver starts every
 * call on a batch boundary). A stamp's time is thus when its batch began
 * to be made, early by at most the making of one batch; a clock read
 * costs about as much as making a plain frame.
 */
static __always_inline __u64 stamp_time(struct udp_gen_pcpu *pc)
{
	if (cfg.stamp_batch <= 1)
		return bpf_ktime_get_ns();
	if (!pc->stamp_left) {
		pc->stamp_ns = bpf_ktime_get_ns();
		pc->stamp_left = cfg.stamp_batch;
	}
	pc->stamp_left--;
	return pc->stamp_ns;
}

/*
 * Writes stream, sequence number and transmit time (and with
 * cfg.stamp_total the thread's frame count) into the stamp the template
 * carries, and accounts for them in the UDP checksum. The words written
 * over are the zeros every frame's source has there (the template and
 * each header ring entry: lib/udp/cfg.c), whose share of the checksum is
 * nothing, so each new word is only added. Not read back from the frame:
 * those loads straddle the header copy's 8-byte stores, which stalls them
 * until the stores retire (5 to 10 ns a frame here, by bpf_stats).
 */
static __always_inline __u32 stamp(struct udphdr *udp, struct udp_gen_pcpu *pc,
				   __u32 ucsum)
{
	__u32 *w = (__u32 *)(udp + 1);
	__u64 seq = pc->seq++, now = stamp_time(pc);
	__u32 nw[5] = {
		bpf_htonl(pc->stream),
		bpf_htonl(seq >> 32), bpf_htonl((__u32)seq),
		bpf_htonl(now >> 32), bpf_htonl((__u32)now),
	};
	int i;

	/* Word 0 is the magic, already in the template. */
#pragma unroll
	for (i = 0; i < 5; i++) {
		ucsum = csum_add32(ucsum, nw[i]);
		w[i + 1] = nw[i];
	}
	if (cfg.stamp_total) {
		__u32 hi = bpf_htonl(pc->stamp_total >> 32), lo = bpf_htonl((__u32)pc->stamp_total);

		ucsum = csum_add32(csum_add32(ucsum, hi), lo);
		w[6] = hi;
		w[7] = lo;
	}
	return ucsum;
}

/*
 * Pacing. A live-frame call runs its frames in kernel batches of cfg.burst
 * and flushes the batch's redirects at its end, so the first frame of a
 * batch decides for the whole batch: it waits for the thread's next slot
 * and the batch sends (one burst, leaving together at the flush), or the
 * slot is still more than spin_ns away and the whole batch is dropped
 * unsent, which hands the CPU back to the kernel (softirqs, signals) before
 * the next batch. The driver keeps every call a whole number of batches,
 * so counting frames here finds the batches' starts.
 */
#define PACE_LOOP_MAX (1 << 20)	/* bounds the wait; spin_ns ends it first */

struct pace_wait {
	__u64 until;
	__u64 now;
};

static int pace_wait_cb(__u32 i, void *arg)
{
	struct pace_wait *w = arg;

	w->now = bpf_ktime_get_ns();
	return w->now >= w->until;
}

/* Whether the slot has come (waiting for it a little); if so, books it. */
static __always_inline int slot_due(struct udp_gen_pcpu *pc)
{
	__u64 now = bpf_ktime_get_ns(), frac;

	if (!pc->next_slot)
		pc->next_slot = now;
	if (now < pc->next_slot) {
		struct pace_wait w = { .now = now };

		w.until = pc->next_slot - now > cfg.spin_ns ? now + cfg.spin_ns
							    : pc->next_slot;
		bpf_loop(PACE_LOOP_MAX, pace_wait_cb, &w, 0);
		now = w.now;
		if (now < pc->next_slot)
			return 0;
	} else {
		__u64 behind = now - pc->next_slot;

		if (behind > pc->max_behind_ns)
			pc->max_behind_ns = behind;
		if (behind > cfg.max_lag_ns) {
			/* Too far behind to catch up without a flood: forgive the rest. */
			pc->forgiven_ns += behind - cfg.max_lag_ns;
			pc->next_slot = now - cfg.max_lag_ns;
		}
	}
	if (!pc->first_tx)
		pc->first_tx = now;
	pc->last_tx = now;
	/* The schedule is absolute: rounding never adds up. */
	frac = pc->slot_frac + cfg.interval_frac;
	pc->next_slot += cfg.interval_ns + (frac >> 32);
	pc->slot_frac = (__u32)frac;
	return 1;
}

/* Whether this frame may go; the ones that may not are counted as pace_drops. */
static __always_inline int pace(struct udp_gen_pcpu *pc)
{
	int over = pc->limit && pc->packets >= pc->limit;

	if (!pc->batch_left) {
		pc->batch_left = cfg.burst;
		/*
		 * Over the limit (-n), or past the end of the schedule (-D: a
		 * run of D seconds sends the slots scheduled in them, however
		 * late the stop comes), drop fast: the driver ends the call soon.
		 */
		pc->slot_open = !over && !(pc->stop_at && pc->next_slot >= pc->stop_at) &&
				slot_due(pc);
	}
	pc->batch_left--;
	if (pc->slot_open && !over)
		return 1;
	pc->pace_drops++;
	return 0;
}

/*
 * This CPU's state for the frame about to go, or NULL with the verdict for
 * a frame that does not: XDP_DROP when pacing holds it back (paced, a
 * constant: udp_plain's build leaves pacing out altogether).
 */
static __always_inline struct udp_gen_pcpu *frame_state(int *verdict, const int paced)
{
	struct udp_gen_pcpu *pc;
	__u32 key = 0;

	pc = bpf_map_lookup_elem(&pcpu, &key);
	if (!pc) {
		*verdict = XDP_ABORTED;
		return NULL;
	}
	if (paced && cfg.pace && !pace(pc)) {
		*verdict = XDP_DROP;
		return NULL;
	}
	return pc;
}

/*
 * Sizes: cuts the frame from the template's length to the wheel's next
 * one. Live frames come back with data_end reset to the template's length
 * (the page pool's reset_ctx) and the bytes past a cut untouched, so every
 * frame starts whole; one that does not is dropped as short. Returns the
 * wheel entry's checksum change through *csum, or -1.
 */
static __always_inline int resize(struct xdp_md *ctx, struct udp_gen_pcpu *pc,
				  __u16 *len, __u16 *csum)
{
	const volatile struct udp_gen_size *e;
	__u64 i, n = cfg.nsizes;
	__u16 l;

	i = pick(&pc->cur_size, cfg.size_stride, n);
	if (i >= UDP_GEN_MAX_SIZES)
		return -1;
	e = &cfg.sizes[i];
	l = e->len;
	*csum = e->csum;
	*len = l;
	if ((__u64)(ctx->data_end - ctx->data) != cfg.frame_len)
		return -1;
	if (l != cfg.frame_len && bpf_xdp_adjust_tail(ctx, (int)l - (int)cfg.frame_len))
		return -1;
	return 0;
}

/* The redirect of a run with one interface. */
static __always_inline int send_one(void)
{
	return cfg.devmap ? bpf_redirect_map(&tx_port, 0, 0) : bpf_redirect(cfg.ifindex, 0);
}

/*
 * The redirect, to this thread's interface with several. data holds at
 * least the headers (checked by the caller).
 */
static __always_inline int send(void *data, struct udp_gen_pcpu *pc)
{
	if (!cfg.multi_if)
		return send_one();
	if (cfg.multi_mac)
		__builtin_memcpy(data + 6, pc->src_mac, 6);
	return bpf_redirect(pc->ifindex, 0);
}

/* The next entry of the header ring, for this thread. */
static __always_inline const __u8 *ring_next(struct udp_gen_pcpu *pc)
{
	__u32 key = cursor_step(&pc->cur_ring, cfg.ring_stride, cfg.ring_len);

	return bpf_map_lookup_elem(&ring, &key);
}

/*
 * The frames that are each a copy: of the template when nothing varies
 * (only undoing what a receiver changed), or of the next header ring
 * entry. Apart from udp_gen, because at these rates every instruction
 * shows: the verifier drops the branches a run does not take but not the
 * loads of cfg that lead to them, and the extra live values of the
 * computed path cost spills, which the bench's paired ratio (README) tells
 * apart. For the same reason it comes in two builds (plain: a constant):
 * udp_plain, for runs with no pacing, no stamp and one interface, which
 * is what runs at full speed, and udp_copy for the rest. The paired ratio
 * (tests/bench/abrate, fixed template) put udp_plain about 1.5% ahead.
 */
static __always_inline int copy_frame(struct xdp_md *ctx, const int plain)
{
	void *data, *data_end;
	struct udp_gen_pcpu *pc;
	const __u8 *src;
	int verdict;

	pc = frame_state(&verdict, !plain);
	if (!pc)
		return verdict;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + cfg.hdr_len > data_end) {
		pc->short_frames++;
		return XDP_DROP;
	}
	/*
	 * Written blindly, not compared first: the frame's lines are rarely
	 * in L1 (every page's headers share a cache set), and stores do not
	 * wait for them while loads do.
	 */
	src = cfg.ring_len ? ring_next(pc) : tmpl_hdr();
	if (!src)
		return XDP_ABORTED;
	copy_hdr(data, src);
	if (!plain && cfg.stamp) {
		struct udphdr *udp = data + cfg.l4_off;

		udp_csum_store(udp, stamp(udp, pc, csum_begin(udp->check)));
	}
	pc->packets++;
	/* No size wheel here: every frame has the template's length. */
	pc->bytes += cfg.frame_len;
	return plain ? send_one() : send(data, pc);
}

SEC("xdp")
int udp_plain(struct xdp_md *ctx)
{
	return copy_frame(ctx, 1);
}

SEC("xdp")
int udp_copy(struct xdp_md *ctx)
{
	return copy_frame(ctx, 0);
}

/*
 * Runs whose fields are computed per frame: random picks, periods too long
 * for the ring, sizes. Each frame starts from the template's headers, so
 * every update below starts from words known before load.
 */
SEC("xdp")
int udp_gen(struct xdp_md *ctx)
{
	void *data, *data_end;
	struct udp_gen_pcpu *pc;
	__u16 len = 0, size_csum = 0;
	int verdict;

	pc = frame_state(&verdict, 1);
	if (!pc)
		return verdict;
	if (cfg.nsizes > 1 && resize(ctx, pc, &len, &size_csum)) {
		pc->short_frames++;
		return XDP_DROP;
	}
	/* After resize: bpf_xdp_adjust_tail invalidates packet pointers. */
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	/* hdr_len is a load-time constant, so this also bounds every access below. */
	if (data + cfg.hdr_len > data_end) {
		pc->short_frames++;
		return XDP_DROP;
	}
	restore_hdr(data);
	{
		struct udphdr *udp = data + cfg.l4_off;
		struct iphdr *ip = data + cfg.l3_off;
		/* The old words are the template's: their share is in the bases. */
		__u32 ucsum = cfg.ucsum_base, icsum = cfg.icsum_base;
		/* Addresses and the total length are in the IPv4 header checksum. */
		const int ip4_csum = !cfg.ipv6 &&
			(cfg.saddr.span > 1 || cfg.daddr.span > 1 || cfg.nsizes > 1);
		__u16 nv;

		if (cfg.sport.span > 1) {
			nv = bpf_htons(cfg.sport.base + next_off(&cfg.sport, &pc->cur_sport));
			ucsum += nv;
			udp->source = nv;
		}
		if (cfg.dport.span > 1) {
			nv = bpf_htons(cfg.dport.base + next_off(&cfg.dport, &pc->cur_dport));
			ucsum += nv;
			udp->dest = nv;
		}
		if (cfg.saddr.span > 1 || cfg.daddr.span > 1) {
			__u32 *sa, *da, na;

			if (cfg.ipv6) {
				struct ipv6hdr *ip6 = data + cfg.l3_off;

				sa = &ip6->saddr.in6_u.u6_addr32[3];
				da = &ip6->daddr.in6_u.u6_addr32[3];
			} else {
				sa = &ip->saddr;
				da = &ip->daddr;
			}
			/* IPv4 addresses are in the IP header checksum and, through the
			 * pseudo-header, in the UDP one; IPv6 has only the latter. */
			if (cfg.saddr.span > 1) {
				na = bpf_htonl(cfg.saddr.base + next_off(&cfg.saddr, &pc->cur_saddr));
				ucsum = csum_add32(ucsum, na);
				if (!cfg.ipv6)
					icsum = csum_add32(icsum, na);
				*sa = na;
			}
			if (cfg.daddr.span > 1) {
				na = bpf_htonl(cfg.daddr.base + next_off(&cfg.daddr, &pc->cur_daddr));
				ucsum = csum_add32(ucsum, na);
				if (!cfg.ipv6)
					icsum = csum_add32(icsum, na);
				*da = na;
			}
		}
		if (cfg.nsizes > 1) {
			/* The UDP checksum's share (payload cut, both lengths) is precomputed. */
			nv = bpf_htons(len - cfg.l4_off);
			if (cfg.ipv6) {
				struct ipv6hdr *ip6 = data + cfg.l3_off;

				ip6->payload_len = nv;
			} else {
				__u16 tot = bpf_htons(len - cfg.l3_off);

				icsum += tot;
				ip->tot_len = tot;
			}
			udp->len = nv;
			ucsum += size_csum;
		}
		if (ip4_csum)
			ip->check = csum_end(icsum);
		if (cfg.stamp)
			ucsum = stamp(udp, pc, ucsum);
		udp_csum_store(udp, ucsum);
	}
	pc->packets++;
	pc->bytes += data_end - data;
	return send(data, pc);
}

/*
 * Templates from a capture (udp --template): each packet takes the next
 * template (or a random one) from the `tmpls` map, written over the live
 * page in full, so nothing of the page's previous frame or of a receiver's
 * changes survives. One long kernel call interleaves all the templates;
 * a call per template would pay the call's fixed cost (tens of ms) at
 * every switch.
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);		/* set to the template count at load */
	__type(key, __u32);
	__type(value, struct udp_gen_tmpl);
} tmpls SEC(".maps");

/*
 * Writes an address of 1 (IPv4: in both checksums) or 4 (IPv6) words; the
 * last one varies.
 */
static __always_inline __u32 put_addr(__u32 *a, const volatile __u32 *hi,
				      __u32 low, __u32 acc, __u32 *icsum)
{
	int i;

	if (cfg.rw_ipv6) {
#pragma unroll
		for (i = 0; i < 3; i++) {
			acc = csum_word32(acc, a[i], hi[i]);
			a[i] = hi[i];
		}
		a += 3;
	} else {
		*icsum = csum_word32(*icsum, *a, low);
	}
	acc = csum_word32(acc, *a, low);
	*a = low;
	return acc;
}

/* -m and -M, into any IP template frame. eth: 12 bytes checked by the caller. */
static __always_inline void put_macs(__u8 *eth)
{
	int i;

	/* cfg is read byte by byte through its volatile qualifier (see tmpl_hdr). */
	if (cfg.rw & UDP_GEN_RW_DMAC)
		for (i = 0; i < 6; i++)
			eth[i] = cfg.dst_mac[i];
	if (cfg.rw & UDP_GEN_RW_SMAC)
		for (i = 0; i < 6; i++)
			eth[6 + i] = cfg.src_mac[i];
}

/* --ttl, into any IP template frame; IPv4's in the header checksum icsum. */
static __always_inline void put_ttl(void *ip, const int v6, __u32 *icsum)
{
	if (!(cfg.rw & UDP_GEN_RW_TTL))
		return;
	if (v6) {
		((struct ipv6hdr *)ip)->hop_limit = cfg.ttl;
	} else {
		/* TTL shares its 16-bit word with the protocol. */
		__u16 *w = ip + 8, n = *w;

		((__u8 *)&n)[0] = cfg.ttl;
		*icsum = csum_word(*icsum, *w, n);
		*w = n;
	}
}

/* An IP frame that is not plain UDP: MACs and TTL only. */
static __always_inline void rewrite_ip(struct xdp_md *ctx, __u32 l3, const int v6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	void *ip = data + (l3 & 0x3ff);
	__u32 icsum;

	if (ip + (v6 ? 40 : 20) > data_end || data + 12 > data_end)
		return;
	put_macs(data);
	if (v6) {
		put_ttl(ip, 1, &icsum);
	} else if (cfg.rw & UDP_GEN_RW_TTL) {
		icsum = csum_begin(((struct iphdr *)ip)->check);
		put_ttl(ip, 0, &icsum);
		((struct iphdr *)ip)->check = csum_end(icsum);
	}
}

/*
 * The user's fields into a UDP template frame, checksums updated from its
 * bytes. v6 is a constant at each call, so each family gets its own code
 * with constant offsets from two pointers checked against data_end once.
 */
static __always_inline void rewrite_tmpl(struct xdp_md *ctx, struct udp_gen_pcpu *pc,
					 __u32 l3, __u32 l4, const int v6)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	__u8 *eth = data;
	struct udphdr *udp;
	__u32 ucsum, icsum = 0;
	void *ip;
	__u16 nv;

	/* Offsets from the map: bounded for the verifier, checked against the frame. */
	ip = data + (l3 & 0x3ff);
	udp = data + (l4 & 0x3ff);
	if ((void *)(udp + 1) > data_end || ip + (v6 ? 40 : 20) > data_end ||
	    (void *)(eth + 12) > data_end)
		return;
	put_macs(eth);
	ucsum = csum_begin(udp->check);
	if (!v6)
		icsum = csum_begin(((struct iphdr *)ip)->check);
	if (cfg.rw & UDP_GEN_RW_SPORT) {
		nv = bpf_htons(cfg.sport.base + next_off(&cfg.sport, &pc->cur_sport));
		ucsum = csum_word(ucsum, udp->source, nv);
		udp->source = nv;
	}
	if (cfg.rw & UDP_GEN_RW_DPORT) {
		nv = bpf_htons(cfg.dport.base + next_off(&cfg.dport, &pc->cur_dport));
		ucsum = csum_word(ucsum, udp->dest, nv);
		udp->dest = nv;
	}
	if (v6 == cfg.rw_ipv6) {
		if (cfg.rw & UDP_GEN_RW_SADDR)
			ucsum = put_addr(ip + (v6 ? 8 : 12), cfg.saddr_hi,
					 bpf_htonl(cfg.saddr.base + next_off(&cfg.saddr, &pc->cur_saddr)),
					 ucsum, &icsum);
		if (cfg.rw & UDP_GEN_RW_DADDR)
			ucsum = put_addr(ip + (v6 ? 24 : 16), cfg.daddr_hi,
					 bpf_htonl(cfg.daddr.base + next_off(&cfg.daddr, &pc->cur_daddr)),
					 ucsum, &icsum);
	}
	put_ttl(ip, v6, &icsum);
	if (!v6)
		((struct iphdr *)ip)->check = csum_end(icsum);
	udp_csum_store(udp, ucsum);
}

/* What rewrite_ip() writes: the fields that are no UDP matter. */
#define IP_RW (UDP_GEN_RW_DMAC | UDP_GEN_RW_SMAC | UDP_GEN_RW_TTL)

SEC("xdp")
int udp_tmpl(struct xdp_md *ctx)
{
	struct udp_gen_pcpu *pc;
	struct udp_gen_tmpl *t;
	__u32 i, n = cfg.ntmpl, len;
	int verdict;

	pc = frame_state(&verdict, 1);
	if (!pc)
		return verdict;
	i = pick(&pc->cur_tmpl, cfg.tmpl_stride, n);
	t = bpf_map_lookup_elem(&tmpls, &i);
	if (!t)
		return XDP_ABORTED;
	len = t->len;
	/* Every page starts at the longest template's length (see resize()). */
	if (len < ETH_HLEN || len > UDP_GEN_TMPL_MAX ||
	    (__u64)(ctx->data_end - ctx->data) != cfg.frame_len ||
	    (len != cfg.frame_len && bpf_xdp_adjust_tail(ctx, (int)len - (int)cfg.frame_len)) ||
	    bpf_xdp_store_bytes(ctx, 0, t->data, len)) {
		pc->short_frames++;
		return XDP_DROP;
	}
	if (cfg.rw && t->kind == UDP_GEN_TMPL_UDP4)
		rewrite_tmpl(ctx, pc, t->l3_off, t->l4_off, 0);
	else if (cfg.rw && t->kind == UDP_GEN_TMPL_UDP6)
		rewrite_tmpl(ctx, pc, t->l3_off, t->l4_off, 1);
	else if ((cfg.rw & IP_RW) && t->kind == UDP_GEN_TMPL_IP4)
		rewrite_ip(ctx, t->l3_off, 0);
	else if ((cfg.rw & IP_RW) && t->kind == UDP_GEN_TMPL_IP6)
		rewrite_ip(ctx, t->l3_off, 1);
	pc->packets++;
	pc->bytes += len;
	return bpf_redirect(cfg.multi_if ? pc->ifindex : cfg.ifindex, 0);
}
