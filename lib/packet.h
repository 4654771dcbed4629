/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_PACKET_H
#define TG_PACKET_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "errbuf.h"
#include "parse.h"
#include "wire.h"

/*
 * Frame sizes. Users give sizes on the wire including the 4-byte FCS, as
 * xdp-trafficgen does; frames in memory are 4 bytes shorter.
 */
#define TG_FCS_LEN 4
#define TG_UDP4_HDRS (14 + 20 + 8)	/* 42 */
#define TG_UDP6_HDRS (14 + 40 + 8)	/* 62 */
#define TG_MIN_WIRE_SIZE4 64		/* Ethernet minimum */
#define TG_MIN_WIRE_SIZE6 66		/* 62 bytes of headers + FCS */
/*
 * The room this tool has for a frame: its buffers, and bpf/udp_gen.h's
 * templates and size wheel. It is the kernel's limit (tg_max_frame_len())
 * with 4 KB pages and 64-byte cache lines; a kernel with larger pages is
 * held to it, one with a smaller limit is held to its own.
 */
#define TG_MAX_FRAME_LEN 3408
#define TG_MAX_VLANS 2
#define TG_MAX_WIRE_SIZE (TG_MAX_FRAME_LEN + TG_FCS_LEN)

/*
 * The largest live frame (FCS excluded) this machine's kernel takes, at
 * most TG_MAX_FRAME_LEN: from the page size and the kernel's layout of a
 * live-frame page (lib/packet.c).
 */
uint32_t tg_max_frame_len(void);

struct tg_udp_spec {
	uint8_t dst_mac[6];
	uint8_t src_mac[6];
	int family;			/* AF_INET or AF_INET6 */
	union tg_addr src, dst;
	uint16_t sport, dport;		/* host order */
	uint8_t ttl;			/* IPv4 TTL or IPv6 hop limit */
	uint32_t frame_len;		/* bytes in memory, FCS excluded */
	/*
	 * VLAN tags between the MACs and the EtherType, outermost first:
	 * none, one (802.1Q, TPID 0x8100) or two (802.1ad QinQ: the outer
	 * with TPID 0x88a8, the inner 0x8100). tci is PCP << 13 | VID.
	 */
	unsigned int nvlan;
	uint16_t vlan_tpid[TG_MAX_VLANS];
	uint16_t vlan_tci[TG_MAX_VLANS];
};

/* Where things are in a built frame. */
struct tg_layout {
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t payload_off;
	uint16_t len;			/* whole frame */
};

/*
 * The smallest frame (FCS excluded) that carries hdrs bytes: Ethernet pads
 * anything shorter to 64 bytes on the wire, so the generators build that
 * padding in rather than send a runt.
 */
static inline uint32_t tg_min_frame_len(uint32_t hdrs)
{
	const uint32_t eth_min = TG_MIN_WIRE_SIZE4 - TG_FCS_LEN;

	return hdrs > eth_min ? hdrs : eth_min;
}

/*
 * The smallest UDP frame (FCS excluded) of a family with nvlan VLAN tags,
 * with room for a stamp (bpf/stamp.h) in its payload if stamp; 0 for a
 * family other than AF_INET and AF_INET6.
 */
uint32_t tg_udp_min_frame_len(int family, unsigned int nvlan, bool stamp);

/*
 * "ID" or "ID:PRIO" (VID 0-4094, PCP 0-7) into a TCI, for --vlan; and
 * "OUTER:INNER" (two VIDs) for --qinq.
 */
int tg_parse_vlan(const char *s, uint16_t *tci, struct tg_err *err);
int tg_parse_qinq(const char *s, uint16_t tci[2], struct tg_err *err);

/*
 * Builds Ethernet + IPv4 (DF, id 0, no options) or IPv6 + UDP + payload into
 * buf. The payload is tg_fill_payload's pattern; every checksum is computed
 * in full with lib/csum. Returns 0 or -EINVAL (size out of range, unknown
 * family) with a message in err.
 */
int tg_build_udp(const struct tg_udp_spec *spec, uint8_t *buf, size_t buflen,
		 struct tg_layout *layout, struct tg_err *err);

/*
 * Payload pattern: byte i is (i % 251) + 1, never zero, so a checksum that
 * skipped the payload would be caught.
 */
void tg_fill_payload(uint8_t *p, size_t len);

#endif
