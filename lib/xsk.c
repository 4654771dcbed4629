// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <linux/if_xdp.h>
#include "xsk.h"

/* Linux 6.17's copy-mode send budget (the UAPI headers here are older). */
#ifndef XDP_MAX_TX_SKB_BUDGET
#define XDP_MAX_TX_SKB_BUDGET 9
#endif

const char *const tg_xsk_mode_names[] = {
	[TG_XSK_AUTO] = "auto", [TG_XSK_COPY] = "copy", [TG_XSK_ZEROCOPY] = "zerocopy", NULL,
};

const char *tg_xsk_mode_name(enum tg_xsk_mode mode)
{
	return tg_xsk_mode_names[mode];
}

int tg_xsk_memlock(uint64_t len, struct tg_err *err)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		return tg_fail(err, errno, "could not read RLIMIT_MEMLOCK: %s", strerror(errno));
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= len)
		return 0;
	/* A raise past the hard limit needs CAP_SYS_RESOURCE: try it, it may be there. */
	rl.rlim_cur = len;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < len)
		rl.rlim_max = len;
	if (setrlimit(RLIMIT_MEMLOCK, &rl)) {
		int e = errno;

		return tg_fail(err, e, "could not raise RLIMIT_MEMLOCK by %llu bytes for the UMEM: %s "
			       "(raise it with 'ulimit -l' or run with CAP_SYS_RESOURCE)",
			       (unsigned long long)len, strerror(e));
	}
	return 0;
}

/* One try at a UMEM and a socket bound with bind_flags. */
static int open_bound(struct tg_xsk *x, const struct tg_xsk_cfg *cfg, uint16_t bind_flags)
{
	uint32_t ring = cfg->ring_size ? cfg->ring_size : XSK_RING_PROD__DEFAULT_NUM_DESCS;
	struct xsk_umem_config ucfg = {
		.fill_size = ring,
		.comp_size = ring,
		.frame_size = cfg->frame_size,
		.frame_headroom = cfg->headroom,
	};
	struct xsk_socket_config scfg = {
		.rx_size = cfg->rx ? ring : 0,
		.tx_size = cfg->tx ? ring : 0,
		/* Our own program redirects (bpf/xsk_rx); libxdp's would be attached for good. */
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = bind_flags | XDP_USE_NEED_WAKEUP,
	};
	int ret;

	ret = xsk_umem__create(&x->umem, x->area, x->area_len, &x->fill, &x->comp, &ucfg);
	if (ret)
		return ret;
	ret = xsk_socket__create(&x->sock, cfg->ifname, cfg->queue, x->umem,
				 cfg->rx ? &x->rx : NULL, cfg->tx ? &x->tx : NULL, &scfg);
	if (ret) {
		xsk_umem__delete(x->umem);
		x->umem = NULL;
		x->sock = NULL;
	}
	return ret;
}

int tg_xsk_open(struct tg_xsk *x, const struct tg_xsk_cfg *cfg, struct tg_err *err)
{
	struct tg_err lock_err = { "" };
	int ret, lock_ret;

	*x = (struct tg_xsk){ .nframes = cfg->nframes, .frame_size = cfg->frame_size,
			      .queue = cfg->queue, .fd = -1 };
	x->area_len = (uint64_t)cfg->nframes * cfg->frame_size;
	/*
	 * Only needed without CAP_IPC_LOCK: a failed raise is told only if the
	 * UMEM is then refused.
	 */
	lock_ret = tg_xsk_memlock(x->area_len, &lock_err);
	/* mmap: page aligned, as the kernel requires of a UMEM. */
	x->area = mmap(NULL, x->area_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (x->area == MAP_FAILED) {
		ret = errno;
		x->area = NULL;
		return tg_fail(err, ret, "could not allocate a UMEM of %u frames of %u bytes: %s",
			       cfg->nframes, cfg->frame_size, strerror(ret));
	}
	if (cfg->mode != TG_XSK_COPY) {
		ret = open_bound(x, cfg, XDP_ZEROCOPY);
		x->bound = TG_XSK_ZEROCOPY;
		if (ret && cfg->mode == TG_XSK_ZEROCOPY) {
			tg_fail(err, -ret, "%s queue %u: zero-copy AF_XDP bind failed: %s (the driver "
				"may not offer zero-copy: try --xsk-mode copy, and 'trafficgen probe %s')",
				cfg->ifname, cfg->queue, strerror(-ret), cfg->ifname);
			goto fail;
		}
	}
	if (cfg->mode == TG_XSK_COPY || (cfg->mode == TG_XSK_AUTO && ret)) {
		ret = open_bound(x, cfg, XDP_COPY);
		x->bound = TG_XSK_COPY;
	}
	if (ret && lock_ret && (ret == -ENOMEM || ret == -EPERM || ret == -ENOBUFS)) {
		tg_fail(err, -ret, "%s queue %u: the UMEM of %llu bytes was refused (%s): %s", cfg->ifname,
			cfg->queue, (unsigned long long)x->area_len, strerror(-ret), lock_err.msg);
		goto fail;
	}
	if (ret) {
		tg_fail(err, -ret, "%s queue %u: could not create an AF_XDP socket: %s%s", cfg->ifname,
			cfg->queue, strerror(-ret),
			ret == -EOPNOTSUPP ? " (does the driver support XDP? try 'trafficgen probe')" : "");
		goto fail;
	}
	x->fd = xsk_socket__fd(x->sock);
	/*
	 * Copy mode sends at most 32 descriptors a sendto() unless told more
	 * (6.17+; older kernels refuse the option and keep 32): the whole ring
	 * a call saves system calls. Zero-copy ignores it.
	 */
	if (cfg->tx && x->bound == TG_XSK_COPY) {
		unsigned int budget = cfg->ring_size ? cfg->ring_size : XSK_RING_PROD__DEFAULT_NUM_DESCS;

		x->tx_budget = setsockopt(x->fd, SOL_XDP, XDP_MAX_TX_SKB_BUDGET, &budget,
					  sizeof(budget)) ? 32 : budget;
	}
	return 0;
fail:
	munmap(x->area, x->area_len);
	x->area = NULL;
	return ret;
}

void tg_xsk_close(struct tg_xsk *x)
{
	if (x->sock)
		xsk_socket__delete(x->sock);
	if (x->umem)
		xsk_umem__delete(x->umem);
	if (x->area)
		munmap(x->area, x->area_len);
	x->sock = NULL;
	x->umem = NULL;
	x->area = NULL;
}

int tg_xsk_tx_submit(struct tg_xsk *x, uint32_t n)
{
	xsk_ring_prod__submit(&x->tx, n);
	if (!xsk_ring_prod__needs_wakeup(&x->tx))
		return 0;
	x->kicks++;
	if (sendto(x->fd, NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	/* The ring was full or the driver busy: the next kick retries. */
	if (errno == EAGAIN || errno == EBUSY || errno == ENOBUFS || errno == EINTR)
		return 0;
	return -errno;
}

uint32_t tg_xsk_comp_drain(struct tg_xsk *x, uint64_t *addrs, uint32_t max)
{
	uint32_t idx, n, i;

	n = xsk_ring_cons__peek(&x->comp, max, &idx);
	for (i = 0; addrs && i < n; i++)
		addrs[i] = *xsk_ring_cons__comp_addr(&x->comp, idx + i);
	if (n)
		xsk_ring_cons__release(&x->comp, n);
	return n;
}

uint32_t tg_xsk_fill(struct tg_xsk *x, const uint64_t *addrs, uint32_t n)
{
	uint32_t idx, got, i;

	got = xsk_ring_prod__reserve(&x->fill, n, &idx);
	for (i = 0; i < got; i++)
		*xsk_ring_prod__fill_addr(&x->fill, idx + i) = addrs[i];
	if (got)
		xsk_ring_prod__submit(&x->fill, got);
	return got;
}

void tg_xsk_rx_wakeup(struct tg_xsk *x)
{
	if (xsk_ring_prod__needs_wakeup(&x->fill))
		recvfrom(x->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

uint64_t tg_xsk_rx_dropped(const struct tg_xsk *x)
{
	struct xdp_statistics st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &len))
		return 0;
	/* A full RX ring counts in rx_dropped too: it is not added twice. */
	/* A full RX ring or an empty fill ring counts in rx_dropped too (and twice if added). */
	return st.rx_dropped;
}

int64_t tg_xsk_tx_invalid(const struct tg_xsk *x)
{
	struct xdp_statistics st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(x->fd, SOL_XDP, XDP_STATISTICS, &st, &len))
		return -errno;
	return st.tx_invalid_descs;
}

int tg_xsk_map(struct tg_xsk *x, int map_fd, struct tg_err *err)
{
	int ret = xsk_socket__update_xskmap(x->sock, map_fd);

	if (ret)
		return tg_fail(err, -ret, "could not put the AF_XDP socket of queue %u into the XSKMAP: %s",
			       x->queue, strerror(-ret));
	return 0;
}
