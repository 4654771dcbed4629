#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The sink program's own cost per frame, for work on bpf/sink.bpf.c.

`trafficgen udp --veth` is the fixed sender (its own throwaway pair, the
sink at the far end); the figure is the sink program's run_time_ns /
run_cnt over the middle half of the run. Run-time statistics are turned on
with the bpf(2) BPF_ENABLE_STATS command for the measurement only: they
stay on while this process holds the descriptor (whatever others do with
kernel.bpf_stats_enabled meanwhile) and end with it. The sink is found by
the sender's own descriptors (/proc/PID/fdinfo), not by name: other work
on the machine may run sinks of its own. The sender's rate is not the
figure: the load of the machine changes the number of frames, not much
the sink's time per frame.

Usage: BUILD=build tests/bench/sink_ns.py [-r RUNS] [-D SECONDS] [udp options...]
Prints one line per run: each program's ns per frame (the sink's and the
generator's), then the medians.
"""
import ctypes, json, os, subprocess, sys, time

BPF_ENABLE_STATS, BPF_STATS_RUN_TIME, SYS_BPF = 32, 0, 321


def enable_stats():
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(8)
    ctypes.c_uint32.from_buffer(attr).value = BPF_STATS_RUN_TIME
    fd = libc.syscall(SYS_BPF, BPF_ENABLE_STATS, attr, 4)
    if fd < 0:
        sys.exit("sink_ns: BPF_ENABLE_STATS: %s" % os.strerror(ctypes.get_errno()))
    return fd


def prog_ids(pid):
    ids = set()
    try:
        for fd in os.listdir("/proc/%d/fdinfo" % pid):
            try:
                with open("/proc/%d/fdinfo/%s" % (pid, fd)) as f:
                    for line in f:
                        if line.startswith("prog_id:"):
                            ids.add(int(line.split()[1]))
            except OSError:
                pass
    except OSError:
        pass
    return ids


def progs(pid):
    """{name: (run_time_ns, run_cnt)} of the sender's programs."""
    out = {}
    for i in sorted(prog_ids(pid)):
        js = subprocess.run(["bpftool", "-j", "prog", "show", "id", str(i)],
                            capture_output=True, text=True).stdout
        try:
            p = json.loads(js)
        except ValueError:
            continue
        out[p.get("name")] = (p.get("run_time_ns", 0), p.get("run_cnt", 0))
    return out


def sender(pid):
    """The trafficgen process: timeout(1)'s child."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            kids = f.read().split()
    except OSError:
        return None
    return int(kids[0]) if kids else None


def one(tg, secs, args):
    """ns per frame of the sink and of the generator's program that ran."""
    snd = subprocess.Popen(["timeout", "-k", "5", str(secs + 30), tg, "udp", "--veth",
                            "-I", "0", "-D", str(secs)] + args,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        t_end, child, a = time.monotonic() + 20, None, {}
        while time.monotonic() < t_end and snd.poll() is None:
            child = child or sender(snd.pid)
            a = progs(child) if child else {}
            if a.get("sink", (0, 0))[1] > 0:
                break
            time.sleep(0.05)
        if not a.get("sink", (0, 0))[1]:
            return None
        time.sleep(secs / 4)
        a = progs(child)
        time.sleep(secs / 2)
        b = progs(child)
    finally:
        err = snd.communicate()[1]
    res = {}
    for name in b:
        if name in a and b[name][1] > a[name][1]:
            res[name] = ((b[name][0] - a[name][0]) / (b[name][1] - a[name][1]),
                         b[name][1] - a[name][1])
    if "sink" not in res:
        sys.stderr.write("sink_ns: no figure: %s\n" % err.strip())
        return None
    return res


def main():
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    tg = os.path.join(top, os.environ.get("BUILD", "build"), "trafficgen")
    args, runs, secs = sys.argv[1:], 3, 3.0
    while args and args[0] in ("-r", "-D"):
        if args[0] == "-r":
            runs = int(args[1])
        else:
            secs = float(args[1])
        args = args[2:]
    fd = enable_stats()
    got = {}
    try:
        for _ in range(runs):
            r = one(tg, secs, args)
            if r:
                print("  ".join("%s %.1f ns (%d frames)" % (n, v[0], v[1])
                                for n, v in sorted(r.items())))
                for n, v in r.items():
                    got.setdefault(n, []).append(v[0])
    finally:
        os.close(fd)
    if "sink" not in got:
        sys.exit(1)
    for n, v in sorted(got.items()):
        v.sort()
        print("median %s %.1f ns/frame over %d run(s)" % (n, v[len(v) // 2], len(v)))
    print("load %s" % open("/proc/loadavg").read().split()[0])


main()
