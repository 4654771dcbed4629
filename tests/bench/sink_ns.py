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
Prints one line per run: ns_per_frame frames; then the median.
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


def prog(pid):
    """(run_time_ns, run_cnt) of the sender's program named sink, or None."""
    for i in sorted(prog_ids(pid)):
        out = subprocess.run(["bpftool", "-j", "prog", "show", "id", str(i)],
                             capture_output=True, text=True).stdout
        try:
            p = json.loads(out)
        except ValueError:
            continue
        if p.get("name") == "sink":
            return p.get("run_time_ns", 0), p.get("run_cnt", 0)
    return None


def one(tg, secs, args):
    snd = subprocess.Popen(["timeout", "-k", "5", str(secs + 30), tg, "udp", "--veth",
                            "-I", "0", "-D", str(secs)] + args,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        t_end = time.monotonic() + 20
        a, child = None, snd.pid
        while time.monotonic() < t_end and snd.poll() is None:
            a = prog(snd.pid)
            # timeout(1) runs trafficgen as its child
            if a is None:
                for c in open("/proc/%d/task/%d/children" % (snd.pid, snd.pid)).read().split():
                    a = prog(int(c))
                    if a:
                        child = int(c)
                        break
            if a and a[1] > 0:
                break
            time.sleep(0.05)
        if not a or not a[1]:
            return None
        time.sleep(secs / 4)
        a = prog(child)
        time.sleep(secs / 2)
        b = prog(child)
    finally:
        err = snd.communicate()[1]
    if not a or not b or b[1] <= a[1]:
        sys.stderr.write("sink_ns: no figure: %s\n" % err.strip())
        return None
    return (b[0] - a[0]) / (b[1] - a[1]), b[1] - a[1]


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
    got = []
    try:
        for _ in range(runs):
            r = one(tg, secs, args)
            if r:
                print("%.1f %d" % r)
                got.append(r[0])
    finally:
        os.close(fd)
    if not got:
        sys.exit(1)
    got.sort()
    print("median %.1f ns/frame over %d run(s); load %s" %
          (got[len(got) // 2], len(got), open("/proc/loadavg").read().split()[0]))


main()
