/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_CAPTURE_H
#define TG_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>
#include "errbuf.h"
#include "parse.h"
#include "udp_gen.h"

/*
 * Frames from a capture as templates (`udp --template FILE.pcap`): reading
 * the file, finding each frame's layout, and the C reference of a frame
 * with the user's fields written into it. The generator keeps the frames
 * in a BPF array map (struct udp_gen_tmpl) and picks one per packet.
 */
#define TG_CAPTURE_MAX 1024		/* frames of one capture */

/*
 * Finds a frame's layout: Ethernet, up to two VLAN tags (0x8100, 0x88a8),
 * then IPv4 (any header length, not a fragment) or IPv6 (UDP as the first
 * next header), then a UDP header inside the frame. Such a frame is kind
 * UDP4 or UDP6 and its checksums are recomputed in full (a capture on the
 * sending host carries the partial checksums the NIC was to complete);
 * another frame with a whole IPv4 or IPv6 header is IP4 or IP6 (its IPv4
 * header checksum recomputed too); anything else is RAW and left as it is.
 * len is 14..UDP_GEN_TMPL_MAX.
 */
void tg_capture_parse(const uint8_t *frame, uint32_t len, struct udp_gen_tmpl *t);

/*
 * Reads every frame of a pcap file (Ethernet link type) into t[max].
 * Refuses frames captured truncated, frames shorter than 14 or longer than
 * UDP_GEN_TMPL_MAX bytes, more than max frames and empty files, naming
 * the frame. Returns the number of frames or -errno with err set.
 */
int tg_capture_read(const char *path, struct udp_gen_tmpl *t, unsigned int max,
		 struct tg_err *err);

/* What the user's options write into UDP template frames. */
struct tg_capture_rw {
	uint32_t flags;			/* UDP_GEN_RW_* */
	uint8_t dst_mac[6], src_mac[6];
	uint8_t ttl;
	struct tg_addr_range src, dst;	/* one family: frames of the other keep theirs */
	struct tg_port_range sport, dport;
};

/*
 * The reference: template t with the fields of flags written in, the
 * ranges at the given offsets, and every checksum computed in full into
 * out (t->len bytes). IP4 and IP6 frames take only the MACs and the TTL;
 * RAW frames come out as they are.
 */
void tg_capture_expected(const struct udp_gen_tmpl *t, const struct tg_capture_rw *rw,
		      uint64_t off_sport, uint64_t off_dport, uint64_t off_saddr,
		      uint64_t off_daddr, uint8_t *out);

/*
 * The generator's config for n templates (t[n]) sent by nthreads threads:
 * the fields of rw, frame_len the longest template's. -EINVAL with err set
 * when a range does not fit the generator (see lib/udp/cfg.c).
 */
int tg_capture_cfg(const struct tg_capture_rw *rw, const struct udp_gen_tmpl *t,
		unsigned int n, unsigned int nthreads, bool random, uint32_t ifindex,
		struct udp_gen_cfg *cfg, struct tg_err *err);

#endif
