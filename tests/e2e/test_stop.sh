#!/usr/bin/env bash
# End to end: Ctrl-C stops a two-thread `udp` run at once, with its summary.
# run alone: the stop is timed (250 ms), and the other scripts' load on the
# two CPUs the generator's threads are pinned to would be timed with it.
. "$(dirname "$0")/lib.sh"
require_root

setup_pair gro || { not_ok "set up the veth pair"; finish; exit 1; }

# Ctrl-C: every thread stops at once, the summary is printed, exit 0.
# Started directly (not through a shell function, which would run in a
# subshell) so that $! is trafficgen itself: ip netns exec execs it.
ip netns exec "$NSG" "$TG" udp -t 2 -I 0 --json -m "$VR_MAC" \
	-a "$R4" -A "$G4" "$VG" >"$TMP/int.json" 2>/dev/null &
pid=$!
CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
# Mid-run: sending has begun (its start line), both threads under way.
wait_start "$pid" "$TMP/int.json"
sleep 0.2
t0=$(date +%s%N)
kill -INT "$pid"
for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
t1=$(date +%s%N)
kill -9 "$pid" 2>/dev/null
wait "$pid"
rc=$?
ms=$(( (t1 - t0) / 1000000 ))
check_eq "sigint: exit status" 0 "$rc"
check_eq "sigint: summary printed" summary "$(json_field "$TMP/int.json" type)"
check_true "sigint: stopped within 250 ms (took $ms ms)" test "$ms" -lt 250
check_true "nothing left attached after Ctrl-C" no_xdp_on_gen

finish
