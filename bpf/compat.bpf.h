/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TG_COMPAT_BPF_H
#define TG_COMPAT_BPF_H
/* Common includes for the XDP programs, built against the machine's UAPI. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#endif
