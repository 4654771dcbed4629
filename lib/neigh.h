/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_NEIGH_H
#define TG_NEIGH_H

#include <stdint.h>
#include "errbuf.h"
#include "parse.h"

/*
 * The link-layer address the kernel's neighbour table (ARP, NDP) holds for
 * addr on ifindex, read with libnl. Entries that are not usable (incomplete,
 * failed, no address) are treated as absent. Returns 0, -ENOENT when there
 * is no usable entry, or another -errno with err set.
 */
int tg_neigh_lookup(int ifindex, int family, const union tg_addr *addr,
		    uint8_t mac[6], struct tg_err *err);

#endif
