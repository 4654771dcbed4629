#!/usr/bin/env bash
# Pass/fail thresholds for CI: each on both sides of the line, on
# udp --veth and on sink. Met: exit 0; missed: exit 3 with the figure.
. "$(dirname "$0")/lib.sh"
require_root

# veth_gate NAME EXPECTED-EXIT ARGS...
veth_gate() {
	local name=$1 want=$2
	shift 2
	timeout 60 "$TG" udp --veth -n 50000 -I 0 --json "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
	check_eq "udp --veth $name: exit $want" "$want" $?
	if [ "$want" = 3 ]; then
		check_true "udp --veth $name: message names the missed figure" \
			grep -q "threshold missed" "$TMP/$name.err"
		check_eq "udp --veth $name: JSON says thresholds_met false" false \
			"$(json_field "$TMP/$name.json" thresholds_met)"
	else
		check_eq "udp --veth $name: JSON says thresholds_met true" true \
			"$(json_field "$TMP/$name.json" thresholds_met)"
	fi
}

veth_gate loss-met 0 --max-loss 0
veth_gate pps-met 0 --min-pps 1k
veth_gate pps-missed 3 --min-pps 100G
veth_gate p99-met 0 --stamp --max-latency-p99 10s
veth_gate p99-missed 3 --stamp --max-latency-p99 1ns
veth_gate p99-unknown 3 --max-latency-p99 10s
timeout 10 "$TG" udp --max-loss 1 lo >/dev/null 2>&1
check_eq "thresholds without --veth on udp: usage error" 2 $?

# On a sink: it sees every other stamped frame (a port filter), so half of
# each stream is lost as far as it can tell. It stops at its 10000th frame
# (-c), the last even one, rather than waiting out a -D.
setup_pair none || { not_ok "set up the veth pair"; finish; exit 1; }
sink_gate() {
	local name=$1 want=$2 pid
	shift 2
	ip netns exec "$NSR" "$TG" sink -c 10000 -D 20 -I 0 --json --proto udp --port 5000 "$@" "$VR" \
		>"$TMP/$name.json" 2>"$TMP/$name.err" &
	pid=$!
	CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
	for i in $(seq 50); do ! no_xdp_on_recv && break; sleep 0.1; done
	in_g "$TG" udp -n 20000 -I 0 --stamp -m "$VR_MAC" -a "$R4" -A "$G4" -p 4999-5000 "$VG" \
		>/dev/null 2>&1
	wait_exit "$pid" 25
	check_eq "sink $name: exit $want" "$want" $?
	[ -n "${MSG:-}" ] && check_true "sink $name: message says '$MSG'" grep -q "$MSG" "$TMP/$name.err"
	MSG=
}
MSG="loss 50% > --max-loss 10%" sink_gate loss-missed 3 --max-loss 10
sink_gate loss-met 0 --max-loss 60
MSG="pps < --min-pps" sink_gate pps-missed 3 --min-pps 1G

finish
