#!/usr/bin/env bash
# tcp --veth: a self-contained run, its own receiver at the far end of a
# throwaway veth pair. The receiving application must read exactly the bytes
# acknowledged and reach end of stream on every flow; nothing may be left.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
require_root

# run_veth NAME FLOWS ARGS...: one run and what it must leave true.
run_veth() {
	local name=$1 flows=$2 out=$TMP/$1.json rc acked
	shift 2
	timeout -k 5 60 "$TG" tcp --veth -f "$flows" --json -I 0 "$@" >"$out" 2>"$TMP/$name.err"
	rc=$?
	acked=$(json_field "$out" acked_bytes)
	check_eq "$name: exit status" 0 "$rc"
	[ "$rc" = 0 ] || sed 's/^/# /' "$TMP/$name.err"
	check_true "$name: something was acknowledged (${acked:-none} bytes)" test "${acked:-0}" -gt 0
	check_eq "$name: received_bytes = acked_bytes" "$acked" "$(json_field "$out" received_bytes)"
	check_eq "$name: the receiver reached end of stream on all $flows flows" "$flows" \
		"$(json_field "$out" eof_clean)"
	check_eq "$name: every flow closed cleanly" "$flows" "$(json_field "$out" closed_clean)"
	check_eq "$name: nothing left: no namespace or link of ours" 0 "$(veth_leftovers)"
	echo "# $name: $(tail -n 1 "$out")"
}

run_veth ipv4-1flow 1 -D 0.2
run_veth ipv4-4flows 4 -n 20000
run_veth ipv4-4flows-2threads-1500 4 -t 2 -s 1500 -D 0.2
run_veth ipv4-count 1 -n 20000
check_eq "ipv4-count: -n 20000 means 50000 segments acknowledged and read" \
	$(( 20000 * $(json_field "$TMP/ipv4-count.json" mss) )) \
	"$(json_field "$TMP/ipv4-count.json" received_bytes)"
run_veth ipv6-1flow 1 -n 20000 2001:2::1
check_eq "ipv6-1flow: to the far end's IPv6 address" "2001:2::1" \
	"$(head -n 1 "$TMP/ipv6-1flow.json" | grep -o '"dst":"[^"]*"' | cut -d'"' -f4)"
run_veth ipv6-4flows-count 4 -n 20000 2001:2::1
check_eq "ipv6-4flows-count: 20000 segments acknowledged and read" \
	$(( 20000 * $(json_field "$TMP/ipv6-4flows-count.json" mss) )) \
	"$(json_field "$TMP/ipv6-4flows-count.json" received_bytes)"

# The text summary says the same in words.
timeout -k 5 60 "$TG" tcp --veth -n 1000 -I 0 >"$TMP/text.out" 2>&1
check_eq "text: exit status" 0 $?
check_true "text: says the receiver read exactly what was acknowledged" \
	grep -q 'the receiver read [0-9]* bytes, exactly those acknowledged, and reached end of stream on 1 of 1 flow' \
	"$TMP/text.out"

# Ctrl-C mid-run: the flows are still closed, the summary printed, exit 0.
"$TG" tcp --veth -f 4 -I 0 --json >"$TMP/sigint.json" 2>"$TMP/sigint.err" &
pid=$!
# shellcheck disable=SC2034 # lib.sh's cleanup evaluates it
CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
wait_start "$pid" "$TMP/sigint.json"
sleep 0.1
kill -INT "$pid"
wait_exit "$pid" 10
check_eq "sigint: exit status" 0 $?
check_eq "sigint: a summary was printed" 1 "$(tail -n 1 "$TMP/sigint.json" | grep -c '"type":"summary"')"
acked=$(json_field "$TMP/sigint.json" acked_bytes)
check_true "sigint: something was acknowledged (${acked:-none} bytes)" test "${acked:-0}" -gt 0
check_eq "sigint: received_bytes = acked_bytes" "$acked" "$(json_field "$TMP/sigint.json" received_bytes)"
check_eq "sigint: end of stream on all 4 flows" 4 "$(json_field "$TMP/sigint.json" eof_clean)"
check_eq "sigint: all 4 flows closed cleanly" 4 "$(json_field "$TMP/sigint.json" closed_clean)"
check_eq "sigint: nothing left: no namespace or link of ours" 0 "$(veth_leftovers)"

# Another namespace's transmit errors are not ours: a udp run elsewhere whose
# every frame is refused (1500-byte frames into a 1000-byte MTU) sends to a
# veth with the same ifindex as --veth's, and the xdp tracepoints see both.
setup_pair xdp || { not_ok "set up the veth pair"; finish; exit 1; }
ip -n "$NSR" link set dev "$VR" mtu 1000
check_eq "txerr: the other run's veth has our interface's ifindex (2)" 2 \
	"$(ip netns exec "$NSG" cat "/sys/class/net/$VG/ifindex")"
# The udp run lasts until the tcp run is over (then Ctrl-C).
ip netns exec "$NSG" "$TG" udp -s 1500 --json -I 0 -m "$VR_MAC" -a "$R4" -A "$G4" "$VG" \
	>"$TMP/other.json" 2>"$TMP/other.err" &
pid=$!
CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
wait_start "$pid" "$TMP/other.json"
check_eq "txerr: the other run started" 0 $?
timeout -k 5 60 "$TG" tcp --veth -D 0.2 --json -I 0 >"$TMP/txerr.json" 2>"$TMP/txerr.err"
check_eq "txerr: exit status" 0 $?
kill -INT "$pid"
wait_exit "$pid" 10
check_eq "txerr: the other run ended well" 0 $?
check_true "txerr: the other run counted its errors ($(json_field "$TMP/other.json" errors))" \
	test "$(json_field "$TMP/other.json" errors)" -gt 0
check_eq "txerr: none of them counted in the tcp run" 0 "$(json_field "$TMP/txerr.json" tx_errors)"
check_eq "txerr: received_bytes = acked_bytes" "$(json_field "$TMP/txerr.json" acked_bytes)" \
	"$(json_field "$TMP/txerr.json" received_bytes)"

# SIGKILL: the flows cannot be closed, but the namespaces die with the process.
check_veth_sigkill sending tcp --veth -I 0 --json

# Usage: --veth makes the interface and picks the host.
"$TG" tcp --veth -i lo -n 10 >/dev/null 2>"$TMP/u1.err"
check_eq "--veth with -i: exit 2" 2 $?
check_true "--veth with -i: says to give no -i" grep -q -- "give no -i" "$TMP/u1.err"
"$TG" tcp --veth -n 10 192.0.2.1 >/dev/null 2>"$TMP/u2.err"
check_eq "--veth to another host: exit 2" 2 $?
check_true "--veth to another host: names the far end's addresses" \
	grep -q "198.18.0.1 (the default) or 2001:2::1" "$TMP/u2.err"
"$TG" tcp -n 10 >/dev/null 2>"$TMP/u3.err"
check_eq "neither -i nor --veth: exit 2" 2 $?
check_true "neither -i nor --veth: mentions --veth" grep -q -- "--veth" "$TMP/u3.err"
"$TG" tcp -i lo -n 10 >/dev/null 2>"$TMP/u4.err"
check_eq "-i without a host: exit 2" 2 $?
check_eq "usage errors left nothing" 0 "$(veth_leftovers)"

finish
