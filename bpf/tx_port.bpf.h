/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TX_PORT_BPF_H
#define TG_TX_PORT_BPF_H
/*
 * A one-entry devmap, entry 0 the target interface, written by the loader:
 * the redirect through it (bpf_redirect_map(&tx_port, 0, 0)) lets the
 * kernel queue a batch's frames per device and send them at the flush in
 * one go, which measured faster here than a redirect by ifindex
 * (tests/bench/abrate -X). Shared by the generator and the bench's ceiling,
 * so that both redirect the same way.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} tx_port SEC(".maps");

#endif
