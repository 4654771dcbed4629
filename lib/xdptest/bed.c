// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "vethenv.h"
#include "xdptest/bed.h"

int tg_xt_bed_create(struct tg_xt_bed *b, unsigned int queues, struct tg_err *err)
{
	int pid = (int)getpid(), ifindex, ret;

	memset(b, 0, sizeof(*b));
	b->ns = -1;
	snprintf(b->tx, sizeof(b->tx), "xt%dt", pid);
	snprintf(b->dut, sizeof(b->dut), "xt%dd", pid);
	snprintf(b->rd, sizeof(b->rd), "xt%dr", pid);
	snprintf(b->rd_peer, sizeof(b->rd_peer), "xt%dp", pid);
	b->orig_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (b->orig_ns < 0)
		return tg_fail(err, errno, "could not open this network namespace: %s",
			       strerror(errno));
	ret = tg_netns_new(&b->ns, err);
	/*
	 * Nothing but the run's frames may cross the pairs (IPv6 DAD, router
	 * solicitations): the counters would see more than was sent.
	 */
	if (!ret)
		ret = tg_sysctl_write("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1", err);
	if (!ret)
		ret = tg_sysctl_write("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1", err);
	if (!ret)
		ret = tg_veth_add(b->tx, b->dut, queues, -1, err);
	if (!ret)
		ret = tg_veth_add(b->rd, b->rd_peer, queues, -1, err);
	if (!ret)
		ret = tg_link_setup(b->tx, NULL, &ifindex, NULL, err);
	if (!ret)
		ret = tg_link_setup(b->dut, TG_XT_BED_DUT_ADDR, &ifindex, NULL, err);
	if (!ret)
		ret = tg_link_setup(b->rd, NULL, &ifindex, NULL, err);
	if (!ret)
		ret = tg_link_setup(b->rd_peer, NULL, &ifindex, NULL, err);
	return ret;
}

void tg_xt_bed_destroy(struct tg_xt_bed *b)
{
	if (b->orig_ns >= 0) {
		setns(b->orig_ns, CLONE_NEWNET);
		close(b->orig_ns);
	}
	if (b->ns >= 0)
		close(b->ns);
	b->orig_ns = b->ns = -1;
}
