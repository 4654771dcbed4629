#!/usr/bin/env bash
# End to end: trafficgen tcp against a real kernel TCP receiver, as
# test_tcp.sh: stops (Ctrl-C, SIGKILL, a peer that never closes), mistakes,
# and GRO on the receiver instead of an XDP program.
. "$(dirname "$0")/lib.sh"
require_root
# shellcheck source=tests/e2e/tcp.sh
. "$(dirname "$0")/tcp.sh"
tcp_setup

# sigint_run NAME DELAY: two flows, Ctrl-C after DELAY seconds (DELAY
# "sending": 0.1 s after the start line, mid-run): sending stops, the flows
# are still closed, the start and summary lines printed.
sigint_run() {
	local name=$1 out=$TMP/$1.json rc
	start_rx "$name" 2
	ip netns exec "$NSG" "$TG" tcp -i "$VG" -f 2 -I 0 --json "$R4" >"$out" 2>&1 &
	tg_pid=$!
	if [ "$2" = sending ]; then
		wait_start "$tg_pid" "$out"
		sleep 0.1
	else
		wait_blocked "$tg_pid"
		sleep "$2"
	fi
	kill -INT "$tg_pid"
	wait_exit "$tg_pid" 10
	rc=$?
	check_eq "$name: exit status" 0 "$rc"
	[ "$rc" = 0 ] || sed 's/^/# /' "$out" "$TMP/$name.rx" "$TMP/$name.rxerr"
	wait_exit "$RX_PID" 10
	check_eq "$name: the receiver saw end of stream on both flows" 2 "$(rx_eof "$name")"
	check_eq "$name: start and summary printed" "start summary" \
		"$(grep -o '^{"type":"[a-z]*"' "$out" | cut -d'"' -f4 | paste -sd' ')"
	check_eq "$name: bytes read = acked_bytes" "$(json_field "$out" acked_bytes)" \
		"$(rx_total "$name")"
	check_eq "$name: both flows closed cleanly" 2 "$(json_field "$out" closed_clean)"
}
sigint_run sigint sending
# During the set-up (programs loading, handshakes): it once exited 0 with
# no output at all, and a loaded machine made the run above hit that.
# (0.05 s after it blocks SIGINT: sent before, the signal was lost on a
# loaded machine, and the run went on until killed.)
sigint_run early-sigint 0.05

# A peer that does not close after our FIN: reset within the bound.
start_rx noclose 1 -k 2
in_g "$TG" tcp -i "$VG" -n 1000 -I 0 --json "$R4" >"$TMP/noclose.json" 2>"$TMP/noclose.err"
check_eq "peer that never closes: exit status" 0 $?
check_eq "peer that never closes: reset" 1 "$(json_field "$TMP/noclose.json" closed_reset)"
wait_exit "$RX_PID" 10
check_eq "peer that never closes: it read to end of stream before" 1 "$(rx_eof noclose)"
check_eq "peer that never closes: bytes read = acked_bytes" \
	"$(json_field "$TMP/noclose.json" acked_bytes)" "$(rx_total noclose)"
sleep 0.2
check_eq "peer that never closes: no socket left on either side" 0 \
	$(( $(leftover "$NSG") + $(leftover "$NSR") ))

# SIGKILL: the kernel drops the bpf_link with the process. (On a port of its
# own: the flow cannot be closed, and what the kernels make of it lingers.)
PORT=10002 start_rx kill 1
ip netns exec "$NSG" "$TG" tcp -i "$VG" -I 0 -p 10002 --json "$R4" >"$TMP/kill.json" 2>&1 &
tg_pid=$!
wait_start "$tg_pid" "$TMP/kill.json"
sleep 0.1
kill -9 "$tg_pid"
{ wait "$tg_pid"; } 2>/dev/null
check_true "sigkill: nothing left attached to the generator's veth" no_xdp_on_gen
kill -9 "$RX_PID" 2>/dev/null
{ wait "$RX_PID"; } 2>/dev/null

# Mistakes say what is wrong.
in_g "$TG" tcp -n 10 "$R4" >/dev/null 2>"$TMP/noif.err"
check_eq "no -i: usage error" 2 $?
in_g "$TG" tcp -i "$VG" -n 10 -p 10999 "$R4" >/dev/null 2>"$TMP/refused.err"
check_eq "nobody listening: exit status 1" 1 $?
check_true "nobody listening: says so" grep -q "refused" "$TMP/refused.err"
check_true "nobody listening: nothing left attached" no_xdp_on_gen

# The same with GRO on the receiver instead of an XDP program: GRO rewrites
# the generator's pages in place.
ip -n "$NSR" link set dev "$VR" xdp off
in_r ethtool -K "$VR" gro on >/dev/null
run_tcp gro-ipv4-1flow "$R4" 1 -D 0.2
run_tcp gro-ipv6-1flow "$R6" 1 -n 20000
run_tcp gro-ipv4-4flows "$R4" 4 -n 20000
run_tcp gro-ipv6-4flows-count "$R6" 4 -n 20000
check_eq "gro-ipv6-4flows-count: 20000 segments of data acknowledged" \
	$(( 20000 * $(json_field "$TMP/gro-ipv6-4flows-count.json" mss) )) \
	"$(json_field "$TMP/gro-ipv6-4flows-count.json" acked_bytes)"

finish
