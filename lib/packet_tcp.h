/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_PACKET_TCP_H
#define TG_PACKET_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "errbuf.h"
#include "packet.h"
#include "parse.h"

/*
 * TCP segments built byte by byte: the templates of `trafficgen tcp`, its
 * control segments (FIN, ACK, RST), and the reference the BPF tests judge
 * the generator's output by. Every checksum is computed in full with
 * lib/csum.
 */

#define TG_TCP_FIN 0x01
#define TG_TCP_SYN 0x02
#define TG_TCP_RST 0x04
#define TG_TCP_PSH 0x08
#define TG_TCP_ACK 0x10

#define TG_TCP_HLEN 20
#define TG_TCP_TSOPT_LEN 12	/* NOP, NOP, timestamps (RFC 7323 appendix A layout) */

struct tg_tcp_spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	int family;			/* AF_INET or AF_INET6 */
	union tg_addr src, dst;
	uint16_t sport, dport;		/* host order */
	uint8_t ttl;
	uint32_t seq, ack;		/* host order */
	uint8_t flags;			/* TG_TCP_* */
	uint16_t window;		/* the field as sent (unscaled) */
	bool ts;			/* carry the timestamp option */
	uint32_t tsval, tsecr;
	uint32_t payload_len;		/* tg_fill_payload's pattern */
};

/* Ethernet + IP + TCP (+ timestamps): where the payload starts. */
uint32_t tg_tcp_hdrs_len(int family, bool ts);

/*
 * Frame length of a segment, FCS excluded: the headers and payload, padded
 * to Ethernet's 60-byte minimum (the padding is not in the IP length).
 */
uint32_t tg_tcp_frame_len(int family, bool ts, uint32_t payload_len);

/*
 * Largest payload a frame of wire_size bytes (FCS included) carries, or 0
 * when the headers do not fit.
 */
uint32_t tg_tcp_payload_for_wire(int family, bool ts, uint32_t wire_size);

/*
 * Builds the segment into buf. IPv4 has DF set and id 0 (RFC 6864: an
 * atomic datagram's id means nothing). Returns 0 or -EINVAL (family, size)
 * with a message in err.
 */
int tg_build_tcp(const struct tg_tcp_spec *spec, uint8_t *buf, size_t buflen,
		 struct tg_layout *layout, struct tg_err *err);

/*
 * Checks the IP header checksum (IPv4) and the TCP checksum of a frame
 * built like the above, computing both in full: 0 when both verify.
 */
int tg_tcp_verify_csums(const uint8_t *frame, uint32_t len);

#endif
