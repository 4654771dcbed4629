// SPDX-License-Identifier: GPL-2.0
/*
 * Builds UDP frames byte by byte. The result is the template the XDP
 * generator rewrites and the reference its output is compared with, so every
 * field is written explicitly and every checksum computed in full.
 */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>
#include <sys/socket.h>
#include "csum.h"
#include "packet.h"
#include "stamp.h"

#define UDP_HLEN 8

/*
 * A live frame has one page and no frags (net/bpf/test_run.c): the page
 * holds the kernel's own head (struct xdp_page_head), XDP_PACKET_HEADROOM
 * before the data, and after the data room for a struct skb_shared_info
 * rounded up to the kernel's cache line (SKB_DATA_ALIGN). The head and the
 * struct are given the sizes of the 64-bit kernels the largest frame was
 * tried on; a kernel with a larger head refuses the top sizes with EINVAL,
 * which a run reports. The cache line is read as the L1 data cache line:
 * 64 bytes on x86_64 and arm64 (3408 with 4 KB pages), 256 on s390x (3216,
 * the kernel selftest's figure there).
 */
#define TG_XDP_PACKET_HEADROOM 256
#define TG_LIVE_PAGE_HEAD 112		/* two struct xdp_buff */
#define TG_SKB_SHARED_INFO_LEN 320

uint32_t tg_max_frame_len(void)
{
	long page = sysconf(_SC_PAGESIZE), line = sysconf(_SC_LEVEL1_DCACHE_LINESIZE);
	long tail, max;

	if (page <= 0)
		page = 4096;
	if (line <= 0 || (line & (line - 1)))
		line = 64;
	tail = (TG_SKB_SHARED_INFO_LEN + line - 1) & ~(line - 1);
	max = page - TG_LIVE_PAGE_HEAD - TG_XDP_PACKET_HEADROOM - tail;
	return max > 0 && max < TG_MAX_FRAME_LEN ? (uint32_t)max : TG_MAX_FRAME_LEN;
}

uint32_t tg_udp_min_frame_len(int family, unsigned int nvlan, bool stamp)
{
	uint32_t hdrs;

	switch (family) {
	case AF_INET:
		hdrs = TG_UDP4_HDRS;
		break;
	case AF_INET6:
		hdrs = TG_UDP6_HDRS;
		break;
	default:
		return 0;
	}
	return tg_min_frame_len(hdrs + nvlan * TG_VLAN_HLEN + (stamp ? TG_STAMP_LEN : 0));
}

void tg_fill_payload(uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i % 251 + 1);
}

/* UDP header and payload; the checksum needs the IP addresses, so it comes last. */
static void put_udp(uint8_t *p, const struct tg_udp_spec *spec, uint16_t len)
{
	uint16_t c;

	tg_put16(p, spec->sport);
	tg_put16(p + 2, spec->dport);
	tg_put16(p + 4, len);
	tg_put16(p + 6, 0);	/* the checksum covers itself as 0 */
	tg_fill_payload(p + UDP_HLEN, len - UDP_HLEN);
	if (spec->family == AF_INET)
		c = tg_l4_csum4(&spec->src.v4, &spec->dst.v4, IPPROTO_UDP, p, len);
	else
		c = tg_l4_csum6(&spec->src.v6, &spec->dst.v6, IPPROTO_UDP, p, len);
	tg_put_csum(p + 6, tg_udp_csum_nonzero(c));
}

static int check_size(const struct tg_udp_spec *spec, size_t buflen,
		      struct tg_err *err)
{
	const char *fam = spec->family == AF_INET ? "IPv4" : "IPv6";
	uint32_t min = tg_udp_min_frame_len(spec->family, spec->nvlan, false);
	uint32_t len = spec->frame_len, max = tg_max_frame_len();

	if (spec->nvlan > TG_MAX_VLANS)
		return tg_fail(err, EINVAL, "%u VLAN tags are more than %d", spec->nvlan,
			       TG_MAX_VLANS);
	if (!min)
		return tg_fail(err, EINVAL, "address family %d is neither IPv4 nor IPv6",
			       spec->family);
	if (len < min)
		return tg_fail(err, EINVAL,
			       "frame size %u (%u on the wire) is below the UDP/%s minimum of %u (%u on the wire)",
			       len, len + TG_FCS_LEN, fam, min, min + TG_FCS_LEN);
	if (len > max)
		return tg_fail(err, EINVAL,
			       "frame size %u (%u on the wire) is above the maximum of %u (%u on the wire)",
			       len, len + TG_FCS_LEN, max, max + TG_FCS_LEN);
	if (len > buflen)
		return tg_fail(err, EINVAL, "frame size %u does not fit a buffer of %zu bytes",
			       len, buflen);
	return 0;
}

int tg_build_udp(const struct tg_udp_spec *spec, uint8_t *buf, size_t buflen,
		 struct tg_layout *layout, struct tg_err *err)
{
	uint32_t len = spec->frame_len;
	struct tg_layout l = { .len = (uint16_t)len };
	int ret;

	ret = check_size(spec, buflen, err);
	if (ret)
		return ret;

	/* No Ethernet padding: everything after the Ethernet header is IP, even in a 60-byte frame. */
	l.l3_off = (uint16_t)tg_put_eth(buf, spec->dst_mac, spec->src_mac, spec->nvlan,
					spec->vlan_tpid, spec->vlan_tci,
					spec->family == AF_INET ? TG_ETH_P_IPV4 : TG_ETH_P_IPV6);
	if (spec->family == AF_INET) {
		l.l4_off = l.l3_off + TG_IP4_HLEN;
		tg_put_ip4(buf + l.l3_off, &spec->src.v4, &spec->dst.v4, IPPROTO_UDP, spec->ttl,
			   (uint16_t)(len - l.l3_off));
	} else {
		l.l4_off = l.l3_off + TG_IP6_HLEN;
		tg_put_ip6(buf + l.l3_off, &spec->src.v6, &spec->dst.v6, IPPROTO_UDP, spec->ttl,
			   (uint16_t)(len - l.l4_off));
	}
	l.payload_off = l.l4_off + UDP_HLEN;
	put_udp(buf + l.l4_off, spec, (uint16_t)(len - l.l4_off));
	if (layout)
		*layout = l;
	return 0;
}

/* Reads a decimal number within 0..max at *p; false if there is none or it is larger. */
static bool read_num(const char **p, uint32_t max, uint32_t *v)
{
	const char *s = *p;
	uint32_t x = 0;

	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		x = x * 10 + (uint32_t)(*s - '0');
		if (x > max)
			return false;
	}
	*v = x;
	*p = s;
	return true;
}

/* VID 4095 is reserved (802.1Q): never sent. */
#define VID_MAX 4094

int tg_parse_vlan(const char *s, uint16_t *tci, struct tg_err *err)
{
	const char *p = s;
	uint32_t vid, pcp = 0;

	if (!read_num(&p, VID_MAX, &vid))
		goto bad;
	if (*p == ':') {
		p++;
		if (!read_num(&p, 7, &pcp))
			goto bad;
	}
	if (*p)
		goto bad;
	*tci = (uint16_t)(pcp << 13 | vid);
	return 0;
bad:
	return tg_fail(err, EINVAL,
		       "'%s' is not a VLAN ID (0-4094) with an optional priority (0-7) (examples: 100, 100:5)",
		       s);
}

int tg_parse_qinq(const char *s, uint16_t tci[2], struct tg_err *err)
{
	const char *p = s;
	uint32_t outer, inner;

	if (!read_num(&p, VID_MAX, &outer) || *p++ != ':' ||
	    !read_num(&p, VID_MAX, &inner) || *p)
		return tg_fail(err, EINVAL,
			       "'%s' is not OUTER:INNER, two VLAN IDs (0-4094) (example: 100:200)", s);
	tci[0] = (uint16_t)outer;
	tci[1] = (uint16_t)inner;
	return 0;
}
