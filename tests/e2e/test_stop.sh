#!/usr/bin/env bash
# End to end: Ctrl-C and SIGTERM stop a two-thread `udp` run and a sink at
# once, with their summaries.
# run alone: the stops are timed (250 ms, 500 ms), and the other scripts' load on the
# two CPUs the generator's threads are pinned to would be timed with it.
. "$(dirname "$0")/lib.sh"
require_root

setup_pair gro || { not_ok "set up the veth pair"; finish; exit 1; }

# Ctrl-C and SIGTERM: every thread stops at once, the summary is printed,
# exit 0. Started directly (not through a shell function, which would run
# in a subshell) so that $! is trafficgen itself: ip netns exec execs it.
# stop_timed PID SIG: sends SIG, waits (3 s at most); STOP_MS, STOP_RC.
stop_timed() {
	local pid=$1 t0 t1 i
	t0=$(date +%s%N)
	kill -"$2" "$pid"
	for i in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
	t1=$(date +%s%N)
	kill -9 "$pid" 2>/dev/null
	wait "$pid"
	STOP_RC=$?
	STOP_MS=$(( (t1 - t0) / 1000000 ))
}

for sig in INT TERM; do
	name=$(tr 'A-Z' 'a-z' <<<"sig$sig")
	ip netns exec "$NSG" "$TG" udp -t 2 -I 0 --json -m "$VR_MAC" \
		-a "$R4" -A "$G4" "$VG" >"$TMP/$sig.json" 2>/dev/null &
	pid=$!
	CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
	# Mid-run: sending has begun (its start line), both threads under way.
	wait_start "$pid" "$TMP/$sig.json"
	sleep 0.2
	stop_timed "$pid" "$sig"
	check_eq "$name: exit status" 0 "$STOP_RC"
	check_eq "$name: summary printed" summary "$(json_field "$TMP/$sig.json" type)"
	check_true "$name: stopped within 250 ms (took $STOP_MS ms)" test "$STOP_MS" -lt 250
	check_true "nothing left attached after $name" no_xdp_on_gen
done

# The sink, stopped the same way, with what arrived counted.
ip netns exec "$NSR" "$TG" sink -I 0 --json "$VR" >"$TMP/sink.json" 2>/dev/null &
pid=$!
CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
wait_start "$pid" "$TMP/sink.json"
in_g "$TG" udp -n 1000 -I 0 -m "$VR_MAC" -a "$R4" -A "$G4" "$VG" >/dev/null 2>&1
stop_timed "$pid" TERM
check_eq "sink sigterm: exit status" 0 "$STOP_RC"
check_eq "sink sigterm: summary counts what arrived" 1000 "$(json_field "$TMP/sink.json" received)"
check_true "sink sigterm: stopped within 500 ms (took $STOP_MS ms)" test "$STOP_MS" -lt 500
check_true "nothing left attached to the sink's end" no_xdp_on_recv

finish
