#!/usr/bin/env bash
# End to end: trafficgen sink on the receiving veth, fed by trafficgen udp.
# The kernel's interface counters, its UDP layer and tshark judge what the
# sink reports; `ip link` judges that nothing stays attached, however the
# sink ends.
. "$(dirname "$0")/lib.sh"
require_root

SINK_PID=

# start_sink NAME ARGS...: the sink on $VR in $NSR, in the background, its
# JSON in $TMP/NAME.json; returns once it has attached (its start line).
# Not through in_r: a backgrounded function is a subshell, and $! would be
# that shell's pid, not the sink's (`ip netns exec` execs, it does not fork).
start_sink() {
	local name=$1
	shift
	ip netns exec "$NSR" "$TG" sink --json "$@" "$VR" >"$TMP/$name.json" 2>"$TMP/$name.err" &
	SINK_PID=$!
	wait_start "$SINK_PID" "$TMP/$name.json"
}

# send ARGS...: trafficgen udp from $NSG to the receiver's MAC.
send() {
	in_g timeout 30 "$TG" udp -I 0 -m "$VR_MAC" "$@" "$VG" >/dev/null 2>>"$TMP/send.err"
}

xdp_on_recv() { ! no_xdp_on_recv; }

# rx_settled NS DEV RX0 N: waits (bounded: 10 s) until DEV's rx_packets
# has moved by at least N since RX0 and then stood still for 200 ms. A veth
# counts a batch of frames after its XDP program has run on them, and the
# sender has returned by then: every frame of the run has been through the
# program, so the sink's counters are final. Faster than waiting out a -D.
rx_settled() {
	local a b i still=0
	a=$(ifstat "$1" "$2" rx_packets)
	for i in $(seq 100); do
		nap 0.1
		b=$(ifstat "$1" "$2" rx_packets)
		if [ "$a" = "$b" ]; then still=$((still + 1)); else still=0; fi
		[ $((b - $3)) -ge "$4" ] && [ "$still" -ge 2 ] && return 0
		a=$b
	done
	return 1
}

# stop_sink PID RX0 N: once N frames (at least) have been through the
# sink on $VR (rx_settled), SIGINT ends it as -D would: summary, exit 0.
# Returns its exit status. -D stays on the sinks as a bound of their own.
stop_sink() {
	rx_settled "$NSR" "$VR" "$2" "$3"
	kill -INT "$1" 2>/dev/null
	wait_exit "$1" 10
}


# Every line of a file is a JSON object.
json_lines() { jq -e 'type == "object"' "$1" >/dev/null; }

# Field of the sink's summary (its last line).
sf() { json_field "$TMP/$1.json" "$2"; }

# Field of an interface's statistics: ifstat NS DEV FIELD.
ifstat() { ip netns exec "$1" cat "/sys/class/net/$2/statistics/$3"; }

# The sink's summary has the keys the issue fixes, in its order.
summary_shape() {
	tail -n 1 "$1" | jq -e '
		(keys_unsorted[:9] == ["type", "received", "bytes", "stamped", "lost",
			"reordered", "duplicates", "latency_ns", "actions"]) and
		(.latency_ns | keys_unsorted == ["min", "p50", "p90", "p99", "max"]) and
		(.actions | keys_unsorted == ["aborted", "drop", "pass", "tx", "redirect"])' \
		>/dev/null
}

# sink_fails NAME: the sink did not start; say why.
sink_fails() {
	not_ok "$1: sink started" "$(cat "$TMP/$1.err" 2>/dev/null)"
	[ -n "$SINK_PID" ] && kill -9 "$SINK_PID" 2>/dev/null
}

# exact NAME FAM N ARGS...: N frames sent; the sink (drop) counts N, and so
# does the kernel on $VR.
exact() {
	local name=$1 fam=$2 n=$3 rx0 rx1 rc
	shift 3
	rx0=$(rx_packets)
	start_sink "$name" -D 20 -I 0 || { sink_fails "$name"; return; }
	send -n "$n" "$@"
	stop_sink "$SINK_PID" "$rx0" "$n"
	rc=$?
	rx1=$(rx_packets)
	echo "# $name: sink received $(sf "$name" received), kernel rx_packets delta on $VR $((rx1 - rx0))"
	check_eq "$name: exit status" 0 "$rc"
	check_eq "$name: sink received $n" "$n" "$(sf "$name" received)"
	check_eq "$name: kernel's rx_packets delta on $VR is $n" "$n" $((rx1 - rx0))
	check_eq "$name: all dropped" "$n" "$(sf "$name" drop)"
	check_eq "$name: bytes as the kernel counts them" \
		"$(( $(sf "$name" received) * ${FRAME_LEN:-60} ))" "$(sf "$name" bytes)"
	check_true "$name: nothing left attached" no_xdp_on_recv
}

setup_pair none || { not_ok "set up the veth pair"; finish; exit 1; }

# Counting, both families. Nothing but the generator's frames reaches $VR:
# its peer has IPv6 off, and the generator sends to a fixed MAC.
exact ipv4 4 100000 -a "$R4" -A "$G4"
FRAME_LEN=62 exact ipv6 6 100000 -a "$R6" -A "$G6"
FRAME_LEN=1496 exact ipv4-1500 4 20000 -s 1500 -a "$R4" -A "$G4"

# The summary's shape, and --json's every line an object.
check_true "json: every line is a JSON object" json_lines "$TMP/ipv4.json"
check_true "json: summary keys in the issue's order" summary_shape "$TMP/ipv4.json"
check_eq "json: no latency without stamps" null "$(tail -n 1 "$TMP/ipv4.json" | jq -c '.latency_ns.p50')"

# --action pass: the receiver's UDP layer gets every frame. Only UDP is
# counted: the port unreachables the receiver sends back bring an ARP reply.
in0=$(udp_in 4) rx0=$(rx_packets)
start_sink pass -D 20 -I 0 --action pass --proto udp || sink_fails pass
send -n 50000 -a "$R4" -A "$G4"
stop_sink "$SINK_PID" "$rx0" 50000
check_eq "pass: exit status" 0 $?
check_eq "pass: sink received 50000" 50000 "$(sf pass received)"
check_eq "pass: counted as passed" 50000 "$(sf pass pass)"
check_eq "pass: the UDP layer got 50000" 50000 $(( $(udp_in 4) - in0 ))

# Filters: frames that do not match go to the stack, uncounted.
in0=$(udp_in 4) rx0=$(rx_packets)
start_sink proto -D 20 -I 0 --proto tcp || sink_fails proto
send -n 10000 -a "$R4" -A "$G4"
stop_sink "$SINK_PID" "$rx0" 10000
check_eq "proto tcp: nothing counted" 0 "$(sf proto received)"
check_eq "proto tcp: 10000 passed on" 10000 "$(sf proto ignored)"
check_eq "proto tcp: the UDP layer got them" 10000 $(( $(udp_in 4) - in0 ))

in0=$(udp_in 6) rx0=$(rx_packets)
start_sink port -D 20 -I 0 --proto udp --port 5000 || sink_fails port
send -n 20000 -a "$R6" -A "$G6" -p 4999-5000
stop_sink "$SINK_PID" "$rx0" 20000
check_eq "port 5000: half the ports' frames counted" 10000 "$(sf port received)"
check_eq "port 5000: the other half passed on" 10000 "$(sf port ignored)"
check_eq "port 5000: the UDP layer got the other half" 10000 $(( $(udp_in 6) - in0 ))

# -c stops by itself once the count is reached.
start_sink count -c 1000 -D 20 -I 0 || sink_fails count
send -n 1000 -a "$R4" -A "$G4"
wait_exit "$SINK_PID" 5
check_eq "count: stopped by itself, exit status 0" 0 $?
check_eq "count: received 1000" 1000 "$(sf count received)"
d=$(sf count duration_s)
check_true "count: well before -D (ran $d s)" awk -v d="$d" 'BEGIN { exit !(d < 5) }'

# --pcap: tshark reads exactly the frames the sink counted.
start_sink pcap -c 3000 -D 20 -I 0 --pcap "$TMP/sink.pcap" || sink_fails pcap
send -n 3000 -s 200 -a "$R4" -A "$G4" -p 7000-7099
wait_exit "$SINK_PID" 5
check_eq "pcap: exit status" 0 $?
check_eq "pcap: 3000 written" 3000 "$(sf pcap pcap_written)"
check_eq "pcap: none dropped" 0 "$(sf pcap pcap_dropped)"
# tshark's answers: judge_all, at the end (one tshark run for both captures).
judge sink
judge_sink() {
	check_eq "pcap: tshark reads 3000 frames" 3000 "$(frame_count "$TMP/sink.pcap")"
	check_eq "pcap: every frame whole (196 bytes)" 196 "$(tshark_fields "$TMP/sink.pcap" frame.cap_len | sort -u)"
	check_eq "pcap: all 100 destination ports" 100 "$(count_unique "$TMP/sink.pcap" udp.dstport)"
}

start_sink snap -c 500 -D 20 -I 0 --pcap "$TMP/snap.pcap" --snaplen 64 || sink_fails snap
send -n 500 -s 1000 -a "$R6" -A "$G6"
wait_exit "$SINK_PID" 5
judge snap
judge_snap() {
	check_eq "snaplen: 500 frames" 500 "$(frame_count "$TMP/snap.pcap")"
	check_eq "snaplen: 64 bytes kept" 64 "$(tshark_fields "$TMP/snap.pcap" frame.cap_len | sort -u)"
	check_eq "snaplen: original length 996" 996 "$(tshark_fields "$TMP/snap.pcap" frame.len | sort -u)"
}

# Intervals: one line every 200 ms, then the summary.
start_sink intervals -D 1.1 -I 200ms || sink_fails intervals
send -n 1000 -a "$R4" -A "$G4"
wait_exit "$SINK_PID" 5
check_true "intervals: every line is a JSON object" json_lines "$TMP/intervals.json"
check_eq "intervals: 5 interval lines" 5 "$(grep -c '"type":"interval"' "$TMP/intervals.json")"
check_eq "intervals: they add up to the summary" 1000 \
	"$(jq -s '[.[] | select(.type == "interval") | .received] | add' "$TMP/intervals.json")"
check_eq "intervals: summary last" summary "$(sf intervals type)"

# Text mode: readable lines, no JSON.
in_r "$TG" sink -D 0.3 -I 100ms "$VR" >"$TMP/text.out" 2>&1
check_eq "text: exit status" 0 $?
check_true "text: summary line" grep -q "^received 0 packets (0 bytes) on $VR" "$TMP/text.out"
check_eq "text: no JSON" 0 "$(grep -c '{' "$TMP/text.out")"

# SIGINT and SIGTERM: the summary, exit 0, at once, nothing left attached.
for sig in INT TERM; do
	start_sink "sig$sig" -I 0 || sink_fails "sig$sig"
	rx0=$(rx_packets)
	send -n 5000 -a "$R4" -A "$G4"
	rx_settled "$NSR" "$VR" "$rx0" 5000
	t0=$(date +%s%N)
	kill -"$sig" "$SINK_PID"
	wait_exit "$SINK_PID" 5
	rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	check_eq "SIG$sig: exit status 0" 0 "$rc"
	check_eq "SIG$sig: summary printed" summary "$(sf "sig$sig" type)"
	check_eq "SIG$sig: received 5000" 5000 "$(sf "sig$sig" received)"
	check_true "SIG$sig: ended within 500 ms (took $ms ms)" test "$ms" -lt 500
	check_true "SIG$sig: nothing left attached" no_xdp_on_recv
done

# SIGKILL: no chance to clean up, but the link dies with the process.
start_sink kill -I 0 || sink_fails kill
check_true "SIGKILL: attached while running" xdp_on_recv
kill -9 "$SINK_PID"
wait_exit "$SINK_PID" 5 2>/dev/null	# no "Killed" job notice in the TAP
check_eq "SIGKILL: killed" 137 $?
for i in $(seq 20); do no_xdp_on_recv && break; sleep 0.1; done
check_true "SIGKILL: nothing left attached" no_xdp_on_recv

# An interface that has a program already: refused, and left alone.
ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_pass.bpf.o" sec xdp
in_r timeout 10 "$TG" sink -D 1 "$VR" >/dev/null 2>"$TMP/busy.err"
check_eq "busy: exit status 1" 1 $?
check_true "busy: says a program is attached" grep -q "already has an XDP program" "$TMP/busy.err"
check_true "busy: the other program stays" xdp_on_recv
ip -n "$NSR" link set dev "$VR" xdp off

# --action redirect: out of a second veth pair in the receiver's namespace,
# whose far end has a pass program so that the near end takes redirects.
RA=${VR}a RB=${VR}b
ip -n "$NSR" link add "$RA" type veth peer name "$RB"
# Nothing of their own on the wire: $RB's counter counts only redirects.
in_r sysctl -qw "net.ipv6.conf.$RA.disable_ipv6=1" "net.ipv6.conf.$RB.disable_ipv6=1"
ip -n "$NSR" link set dev "$RA" up
ip -n "$NSR" link set dev "$RB" up
ip -n "$NSR" link set dev "$RB" xdp obj "$BPF_OBJ/xdp_pass.bpf.o" sec xdp
rb0=$(ifstat "$NSR" "$RB" rx_packets) rx0=$(rx_packets)
start_sink redirect -D 20 -I 0 --action "redirect:$RA" || sink_fails redirect
send -n 20000 -a "$R4" -A "$G4"
stop_sink "$SINK_PID" "$rx0" 20000
rx_settled "$NSR" "$RB" "$rb0" 20000
check_eq "redirect: exit status" 0 $?
check_eq "redirect: counted as redirected" 20000 "$(sf redirect redirect)"
check_eq "redirect: $RB received them" 20000 $(( $(ifstat "$NSR" "$RB" rx_packets) - rb0 ))
in_r "$TG" sink -D 0.1 --action redirect:nosuchif "$VR" >/dev/null 2>"$TMP/noif.err"
check_eq "redirect: unknown interface is a usage error" 2 $?

# --action tx: back out of $VR to the generator's end, where a second sink
# counts the UDP frames that come back (and, being an XDP program, lets the
# veth pass them in: a veth hands XDP_TX frames to its peer's NAPI).
ip netns exec "$NSG" "$TG" sink --json -D 20 -I 0 --proto udp --action pass "$VG" \
	>"$TMP/back.json" 2>"$TMP/back.err" &
back=$!
wait_start "$back" "$TMP/back.json"
back0=$(ifstat "$NSG" "$VG" rx_packets) rx0=$(rx_packets)
start_sink tx -D 20 -I 0 --action tx || sink_fails tx
send -n 20000 -a "$R4" -A "$G4"
stop_sink "$SINK_PID" "$rx0" 20000
check_eq "tx: exit status" 0 $?
check_eq "tx: counted as sent back" 20000 "$(sf tx tx)"
rx_settled "$NSG" "$VG" "$back0" 20000
kill -INT "$back" 2>/dev/null
wait_exit "$back" 10
check_eq "tx: a sink on $VG received them" 20000 "$(json_field "$TMP/back.json" received)"

# Stamped frames need `udp --stamp`.
if "$TG" udp --help 2>/dev/null | grep -q -- '--stamp'; then
	rx0=$(rx_packets)
	start_sink stamped -D 20 -I 0 || sink_fails stamped
	send -n 100000 --stamp -a "$R4" -A "$G4"
	stop_sink "$SINK_PID" "$rx0" 100000
	check_eq "stamped: all 100000 stamped" 100000 "$(sf stamped stamped)"
	check_eq "stamped: the kernel saw as many" 100000 $(( $(rx_packets) - rx0 ))
	check_eq "stamped: 0 lost" 0 "$(sf stamped lost)"
	check_eq "stamped: 0 duplicates" 0 "$(sf stamped duplicates)"
	check_eq "stamped: 0 reordered" 0 "$(sf stamped reordered)"
	check_eq "stamped: one stream" 1 "$(sf stamped streams)"
	min=$(tail -n 1 "$TMP/stamped.json" | jq '.latency_ns.min')
	check_true "stamped: latency min > 0 ($min ns)" test "$min" -gt 0
	echo "# stamped latency: $(tail -n 1 "$TMP/stamped.json" | jq -c .latency_ns)"

	# Two threads, two streams, IPv6. Two senders can overflow a one-queue
	# veth's ring (doc/live-frames.md): what did not arrive is what the
	# sink calls lost, to the last frame (-n: the stamps announce each
	# stream's total). What arrives is not known ahead: until the counter
	# stands still.
	rx0=$(rx_packets)
	start_sink stamped6 -D 20 -I 0 || sink_fails stamped6
	send -n 100000 --stamp -t 2 -a "$R6" -A "$G6"
	stop_sink "$SINK_PID" "$rx0" 0
	got=$(sf stamped6 stamped) lost=$(sf stamped6 lost)
	echo "# stamped6: $got of 100000 arrived, $lost lost"
	check_eq "stamped6: two streams" 2 "$(sf stamped6 streams)"
	check_true "stamped6: lost ($lost) is what did not arrive ($((100000 - got))) but the tails" \
		test "$lost" -le $((100000 - got)) -a $((100000 - got - lost)) -le 512
	check_eq "stamped6: lost is what did not arrive, tails included" $((100000 - got)) "$lost"
	check_eq "stamped6: 0 duplicates" 0 "$(sf stamped6 duplicates)"

	# The sink sees only the even frames of a stream alternating two ports:
	# every other seq is missing, by construction.
	rx0=$(rx_packets)
	start_sink stamped-loss -D 20 -I 0 --port 5000 || sink_fails stamped-loss
	send -n 10000 --stamp -a "$R4" -A "$G4" -p 5000-5001
	stop_sink "$SINK_PID" "$rx0" 10000
	check_eq "stamped loss: 5000 seen" 5000 "$(sf stamped-loss stamped)"
	check_eq "stamped loss: the odd seqs are lost, the last one (the tail) too" 5000 \
		"$(sf stamped-loss lost)"
	check_eq "stamped loss: no duplicates" 0 "$(sf stamped-loss duplicates)"
else
	ok "stamped runs # SKIP trafficgen udp has no --stamp yet"
fi

check_true "nothing left attached at the end" no_xdp_on_recv
judge_all
finish
