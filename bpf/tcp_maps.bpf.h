/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_TCP_MAPS_BPF_H
#define TG_TCP_MAPS_BPF_H
/*
 * The maps bpf/tcp_ack.bpf.c and bpf/tcp_gen.bpf.c share. Both objects
 * declare them alike; userspace loads the ACK program first (it must see the
 * SYN-ACKs) and hands its maps to the generator with bpf_map__reuse_fd().
 */
#include "tcp_gen.h"

/* 4-tuple -> index into flows and flow_ctl. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, TCP_GEN_MAX_FLOWS);
	__type(key, struct tcp_flow_key);
	__type(value, __u32);
} flow_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, TCP_GEN_MAX_FLOWS);
	__type(key, __u32);
	__type(value, struct tcp_flow);
} flows SEC(".maps");

/* Userspace writes it through mmap(), hence BPF_F_MMAPABLE. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, TCP_GEN_MAX_FLOWS);
	__type(key, __u32);
	__type(value, struct tcp_flow_ctl);
} flow_ctl SEC(".maps");

#endif
