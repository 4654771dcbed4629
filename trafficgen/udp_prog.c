// SPDX-License-Identifier: GPL-2.0
/*
 * udp --prog FILE.bpf.o[:NAME]: a user's XDP program instead of the
 * built-in rewrite, run over the template the options build. The contract
 * is trafficgen/gen.h: trafficgen sets the const volatile tg_gen (target,
 * thread count) in the object's .rodata before load, and each thread's
 * tg_gen_state (index, sequence number, share of -n) before the run; the
 * program counts what it sends through tg_gen_send(), which is how -n
 * stays exact and the summary knows what was sent.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "cmds.h"
#include "gen.h"
#include "log.h"
#include "percpu.h"
#include "udp.h"

/*
 * The built-in mode's template, and not the options that belong to the
 * built-in program.
 */
static int prog_resolve(struct udp_run *r)
{
	const struct udp_given *g = &r->given;
	const struct udp_given_name builtin[] = {
		{ g->random, "random" }, { g->stamp, "stamp" }, { g->imix, "imix" },
		{ g->template, "template" }, { g->rate, "rate" }, { g->burst, "burst" },
		{ g->dyn_ports, "dyn-ports" }, { g->pcap_out, "pcap-out" },
	};
	const char *name;
	int ret;

	ret = udp_builtin_resolve(r);
	if (ret != TG_GO_ON)
		return ret;
	name = udp_first_given(builtin, sizeof(builtin) / sizeof(builtin[0]));
	if (name)
		return tg_usage_error(&udp_cmd_def, "--prog %s and --%s exclude each other: that is the built-in program's work",
				      r->o.prog, name);
	if (r->o.src.count > 1 || r->o.dst.count > 1 || r->o.sport.count > 1 ||
	    r->o.dport.count > 1 || r->nsizes > 1)
		return tg_usage_error(&udp_cmd_def, "--prog %s takes one address, port and size each way: ranges are the built-in program's work",
				      r->o.prog);
	if (r->nifs > 1)
		return tg_usage_error(&udp_cmd_def, "--prog %s sends on one interface (tg_gen.ifindex)", r->o.prog);
	return TG_GO_ON;
}

/* Writes cfg into the variable tg_gen of the object's .rodata, found through BTF. */
static int set_tg_gen(struct bpf_object *obj, const struct tg_gen_cfg *cfg, const char *path)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map, *rodata = NULL;
	const void *init;
	char *copy;
	size_t size;
	int id, i, ret;

	id = btf ? btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC) : -ENOENT;
	/* The map of section .rodata exactly: constants may sit in .rodata.cst4 and the like. */
	bpf_object__for_each_map(map, obj) {
		const char *n = bpf_map__name(map);
		size_t len = strlen(n);

		if (bpf_map__is_internal(map) && len >= 7 && !strcmp(n + len - 7, ".rodata"))
			rodata = map;
	}
	if (id < 0 || !rodata)
		goto missing;
	sec = btf__type_by_id(btf, id);
	vs = btf_var_secinfos(sec);
	for (i = 0; i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);

		if (strcmp(btf__name_by_offset(btf, var->name_off), "tg_gen"))
			continue;
		init = bpf_map__initial_value(rodata, &size);
		if (!init || vs->size != sizeof(*cfg) || vs->offset + sizeof(*cfg) > size) {
			tg_error("--prog %s: tg_gen is %u bytes, not the %zu of this trafficgen's gen.h: rebuild it\n",
				 path, vs->size, sizeof(*cfg));
			return -EINVAL;
		}
		/* libbpf hands out the section read-only: patch a copy and set it. */
		copy = malloc(size);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, init, size);
		memcpy(copy + vs->offset, cfg, sizeof(*cfg));
		ret = bpf_map__set_initial_value(rodata, copy, size);
		free(copy);
		if (ret)
			tg_error("--prog %s: could not set tg_gen: %s\n", path, strerror(-ret));
		return ret;
	}
missing:
	tg_error("--prog %s has no const volatile tg_gen: is it built with #include <trafficgen/gen.h>, "
		 "and does it send with tg_gen_send()?\n", path);
	return -ENOENT;
}

/* NAME, or the object's only XDP program. */
static struct bpf_program *pick(struct bpf_object *obj, const char *name, const char *path)
{
	struct bpf_program *p, *found = NULL;
	int n = 0;

	bpf_object__for_each_program(p, obj) {
		bool xdp = bpf_program__type(p) == BPF_PROG_TYPE_XDP;

		if (name ? !strcmp(bpf_program__name(p), name) : xdp) {
			found = p;
			n++;
		}
	}
	if (name && !found)
		tg_error("--prog %s has no program named %s\n", path, name);
	else if (!found)
		tg_error("--prog %s has no XDP program (SEC(\"xdp\"))\n", path);
	else if (n > 1)
		tg_error("--prog %s has %d XDP programs: name one (%s:NAME)\n", path, n, path);
	else if (bpf_program__type(found) != BPF_PROG_TYPE_XDP)
		tg_error("--prog %s: %s is not an XDP program\n", path, name);
	else
		return found;
	return NULL;
}

static int prog_load(struct udp_run *r)
{
	struct tg_gen_cfg cfg = { .ifindex = r->iface.ifindex, .nthreads = r->o.threads };
	char *path = strdup(r->o.prog), *name = strrchr(path, ':');
	struct bpf_program *p, *prog;
	int ret = -EINVAL;

	if (!path)
		return -ENOMEM;
	if (name)
		*name++ = '\0';
	r->uobj = bpf_object__open_file(path, NULL);
	if (!r->uobj) {
		ret = -errno;
		tg_error("--prog: could not open %s: %s\n", path, strerror(errno));
		r->uobj = NULL;
		goto out;
	}
	prog = pick(r->uobj, name, path);
	if (!prog)
		goto out;
	/* Only the chosen program is loaded. */
	bpf_object__for_each_program(p, r->uobj)
		bpf_program__set_autoload(p, p == prog);
	r->ustate = bpf_object__find_map_by_name(r->uobj, "tg_gen_state");
	if (!r->ustate || bpf_map__value_size(r->ustate) != sizeof(struct tg_gen_state)) {
		tg_error("--prog %s has no tg_gen_state map of this trafficgen's gen.h: build it with #include <trafficgen/gen.h>\n",
			 path);
		goto out;
	}
	ret = set_tg_gen(r->uobj, &cfg, path);
	if (ret)
		goto out;
	ret = bpf_object__load(r->uobj);
	if (ret) {
		tg_error("--prog: could not load %s: %s (run with -v for the verifier's log)\n",
			 path, strerror(-ret));
		goto out;
	}
	r->prog_fd = bpf_program__fd(prog);
out:
	free(path);
	return ret;
}

/* Every possible CPU's state, into v[ncpus]. */
static int read_states(const struct udp_run *r, struct tg_gen_state *v)
{
	return tg_percpu_read(r->ustate, 0, v, sizeof(*v), r->ncpus);
}

static int prog_init(struct udp_run *r)
{
	struct tg_live_cfg split = { .count = r->o.num, .nthreads = r->o.threads };
	struct tg_gen_state *v = tg_percpu_alloc(sizeof(*v), r->ncpus);
	__u32 t;
	int ret;

	if (!v)
		return -ENOMEM;
	for (t = 0; t < r->o.threads; t++) {
		v[r->cpus[t]].thread = t;
		v[r->cpus[t]].limit = tg_live_quota(&split, t);
	}
	ret = tg_percpu_write(r->ustate, 0, v, sizeof(*v), r->ncpus);
	free(v);
	return ret;
}

static int prog_counts(const struct udp_run *r, struct udp_gen_pcpu *pc)
{
	struct tg_gen_state *v = calloc(r->ncpus, sizeof(*v));
	int cpu, ret = -ENOMEM;

	if (v)
		ret = read_states(r, v);
	for (cpu = 0; !ret && cpu < r->ncpus; cpu++) {
		pc[cpu].packets = v[cpu].packets;
		pc[cpu].bytes = v[cpu].bytes;
	}
	free(v);
	return ret;
}

static int prog_init_pcpu(struct udp_run *r, uint64_t start_ns)
{
	int ret = prog_init(r);

	if (ret)
		tg_error("could not initialise --prog's tg_gen_state: %s\n", strerror(-ret));
	return ret;
}

const struct udp_mode udp_mode_prog = {
	.resolve = prog_resolve,
	.build = udp_builtin_build,
	.load = prog_load,
	.init_pcpu = prog_init_pcpu,
	.read_counts = prog_counts,
	.print_start = udp_print_start,
	/* User programs may drop frames: they count their own. */
	.counts_own = true,
};
