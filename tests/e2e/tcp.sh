# shellcheck shell=bash
# What tests/e2e/test_tcp.sh and test_tcp_gro.sh share: a kernel TCP
# receiver (tests/tools/tcp_discard) in the receiver's namespace, and
# run_tcp, one `trafficgen tcp` run with everything it must leave true.
# Source it after tests/e2e/lib.sh; tcp_setup makes the pair.
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

# tcp_setup: the pair, with an XDP program on the receiver's end; TCP needs
# an address on the generator's end, and IPv6 back on it.
tcp_setup() {
	setup_pair xdp || { not_ok "set up the veth pair"; finish; exit 1; }
	in_g sysctl -qw "net.ipv6.conf.$VG.disable_ipv6=0"
	ip -n "$NSG" addr add "$G4/24" dev "$VG"
	ip -n "$NSG" addr add "$G6/64" dev "$VG" nodad
}
