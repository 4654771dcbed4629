// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "packet.h"
#include "tcp/cfg.h"

int tg_tcp_cfg_build(const struct tg_tcp_spec *spec, const uint16_t *sports,
		     const uint32_t *ts_base, unsigned int nflows, uint32_t ifindex,
		     struct tcp_gen_cfg *c, uint8_t *frame, struct tg_err *err)
{
	struct tg_tcp_spec s = *spec;
	struct tg_layout l = { 0 };
	unsigned int i;
	uint8_t *buf;
	int ret = 0;

	if (!nflows || nflows > TCP_GEN_MAX_FLOWS)
		return tg_fail(err, EINVAL, "%u flows: give 1 to %d", nflows, TCP_GEN_MAX_FLOWS);
	buf = malloc(TG_MAX_FRAME_LEN);
	if (!buf)
		return tg_fail(err, ENOMEM, "no memory for the flows' headers");
	memset(c, 0, sizeof(*c));
	for (i = 0; i < nflows && !ret; i++) {
		s.sport = sports[i];
		ret = tg_build_tcp(&s, buf, TG_MAX_FRAME_LEN, &l, err);
		if (ret)
			break;
		memcpy(c->flow[i].hdr, buf, l.payload_off);
		c->flow[i].ts_base = ts_base[i];
		if (!i)
			memcpy(frame, buf, l.len);
	}
	free(buf);
	if (ret)
		return ret;
	c->ifindex = ifindex;
	c->l3_off = l.l3_off;
	c->l4_off = l.l4_off;
	c->hdr_len = l.payload_off;
	c->frame_len = l.len;
	c->payload_len = spec->payload_len;
	c->ipv6 = spec->family == AF_INET6;
	c->ts = spec->ts;
	c->nflows = nflows;
	return 0;
}
