#!/usr/bin/env bash
# End to end: trafficgen tcp against a real kernel TCP receiver
# (tests/tools/tcp_discard) in the receiver's namespace, IPv4 and IPv6, one
# and several flows, with an XDP program on the receiver's veth and then with
# GRO. The receiving application must read exactly the bytes trafficgen
# reports acknowledged, then end of stream on every flow; both kernels must
# be left with no socket of the run.
. "$(dirname "$0")/lib.sh"
require_root
require_discard
PORT=10000

# tcp_snmp FIELD: a Tcp: counter of the receiver's namespace.
tcp_snmp() {
	in_r awk -v k="$1" '
		$1 == "Tcp:" && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == "Tcp:" && hdr { print $col[k] }' /proc/net/snmp
}

# start_rx NAME FLOWS [ARGS]: the receiver in $NSR (lib.sh's tcp_rx_start).
start_rx() { tcp_rx_start "$NSR" "$@"; }

# ratio_ok A P MIN: A / P >= MIN.
ratio_ok() { awk -v a="$1" -v p="$2" -v m="$3" 'BEGIN { exit !(p > 0 && a / p >= m) }'; }

# run_tcp NAME HOST FLOWS ARGS...: one run and everything it must leave true.
run_tcp() {
	local name=$1 host=$2 flows=$3 out=$TMP/$1.json rc rrc acked payload ce0 read
	shift 3
	start_rx "$name" "$flows"
	ce0=$(tcp_snmp InCsumErrors)
	in_g "$TG" tcp -i "$VG" -f "$flows" --json -I 0 "$@" "$host" >"$out" 2>"$TMP/$name.err"
	rc=$?
	wait_exit "$RX_PID" 10
	rrc=$?
	[ "$rrc" = 124 ] && not_ok "$name: the receiver ended by itself"
	acked=$(json_field "$out" acked_bytes)
	payload=$(json_field "$out" payload_bytes)
	read=$(rx_total "$name")
	check_eq "$name: exit status" 0 "$rc"
	[ "$rc" = 0 ] || sed 's/^/# /' "$TMP/$name.err"
	check_eq "$name: the receiver read to end of stream on all $flows flows" "$flows" \
		"$(rx_eof "$name")"
	[ "$(rx_eof "$name")" = "$flows" ] || sed 's/^/# /' "$TMP/$name.rx" "$TMP/$name.rxerr"
	check_eq "$name: bytes read = acked_bytes" "$acked" "$read"
	check_true "$name: something was sent ($payload payload bytes)" test "${payload:-0}" -gt 0
	check_true "$name: acknowledged >= 0.95 of the payload on the wire ($acked / $payload)" \
		ratio_ok "$acked" "$payload" 0.95
	check_eq "$name: every flow closed cleanly" "$flows" "$(json_field "$out" closed_clean)"
	check_eq "$name: summary line has the required keys first" 1 \
		"$(tail -n 1 "$out" | grep -c '^{"type":"summary","flows":[0-9]*,"segments":[0-9]*,"bytes":[0-9]*,"payload_bytes":[0-9]*,"retransmitted":[0-9]*,"acked_bytes":[0-9]*,"goodput_bps":[0-9.e+]*,"duration_s":[0-9.e+]*')"
	check_eq "$name: no TCP checksum errors at the receiver" 0 \
		$(( $(tcp_snmp InCsumErrors) - ce0 ))
	sleep 0.2
	check_eq "$name: no socket of the run left on the generator's side" 0 "$(leftover "$NSG")"
	check_eq "$name: no socket of the run left on the receiver's side" 0 "$(leftover "$NSR")"
	check_true "$name: nothing left attached to the generator's veth" no_xdp_on_gen
	echo "# $name: $(tail -n 1 "$out")"
}

setup_pair xdp || { not_ok "set up the veth pair"; finish; exit 1; }
# TCP needs an address on the generator's end, and IPv6 back on it.
in_g sysctl -qw "net.ipv6.conf.$VG.disable_ipv6=0"
ip -n "$NSG" addr add "$G4/24" dev "$VG"
ip -n "$NSG" addr add "$G6/64" dev "$VG" nodad

# Receiver with an XDP program on its veth.
run_tcp xdp-ipv4-count "$R4" 1 -n 20000
check_eq "xdp-ipv4-count: -n 20000 means 20000 segments of data acknowledged" \
	$(( 20000 * $(json_field "$TMP/xdp-ipv4-count.json" mss) )) \
	"$(json_field "$TMP/xdp-ipv4-count.json" acked_bytes)"
run_tcp xdp-ipv6-1flow "$R6" 1 -D 0.2
run_tcp xdp-ipv4-4flows "$R4" 4 -n 20000
run_tcp xdp-ipv6-4flows-2threads "$R6" 4 -t 2 -D 0.2
run_tcp xdp-ipv4-1500 "$R4" 2 -n 20000 -s 1500
check_eq "xdp-ipv4-1500: -s 1500 makes 1496-byte frames: 1430 bytes of payload" 1430 \
	"$(json_field "$TMP/xdp-ipv4-1500.json" mss)"

# Loss: the receiver drops one data segment in 1000 at random
# (tests/progs/xdp_lossy.bpf.c). Duplicate ACKs and timeouts must recover every
# hole: still exactly the bytes acknowledged read, still a clean close.
ip -n "$NSR" link set dev "$VR" xdp off
ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_lossy.bpf.o" sec xdp
run_tcp lossy-ipv4-2flows "$R4" 2 -D 0.3
check_true "lossy-ipv4-2flows: holes were filled by retransmission" \
	test "$(json_field "$TMP/lossy-ipv4-2flows.json" retransmitted)" -gt 0
check_true "lossy-ipv4-2flows: the third duplicate ACK sent flows back" \
	test "$(json_field "$TMP/lossy-ipv4-2flows.json" fast_retransmits)" -gt 0
run_tcp lossy-ipv6-count "$R6" 1 -n 50000
check_eq "lossy-ipv6-count: all 50000 segments acknowledged despite the loss" \
	$(( 50000 * $(json_field "$TMP/lossy-ipv6-count.json" mss) )) \
	"$(json_field "$TMP/lossy-ipv6-count.json" acked_bytes)"
ip -n "$NSR" link set dev "$VR" xdp off
ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_pass.bpf.o" sec xdp

# Other traffic passes the ACK program untouched while it runs: a kernel
# TCP connection of its own to the same host, on another port.
start_rx during 1
during_rx=$RX_PID
# Until stopped: Ctrl-C once the other connection is done, so that the
# generator ran all through it.
ip netns exec "$NSG" "$TG" tcp -i "$VG" -I 0 --json "$R4" >"$TMP/during.json" 2>&1 &
tg_pid=$!
wait_start "$tg_pid" "$TMP/during.json"
check_eq "other traffic: the generator started" 0 $?
PORT=10001 start_rx other 1
echo "hello, kernel" | in_g socat -u - "TCP:$R4:10001"
check_eq "other traffic: a kernel TCP connection runs alongside" 0 $?
wait_exit "$RX_PID" 5
check_eq "other traffic: its receiver got all 14 bytes and end of stream" \
	"conn 0 bytes 14 eof" "$(head -n 1 "$TMP/other.rx")"
kill -INT "$tg_pid"
wait_exit "$tg_pid" 15
check_eq "other traffic: the run ended well" 0 $?
# Its receiver still listens on the port the next test binds: let it go first.
wait_exit "$during_rx" 10
check_eq "other traffic: the generator's receiver saw end of stream" 1 "$(rx_eof during)"
check_eq "other traffic: its flow closed cleanly" 1 "$(json_field "$TMP/during.json" closed_clean)"

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
