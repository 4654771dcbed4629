#!/usr/bin/env bash
# End to end: trafficgen tcp against a real kernel TCP receiver
# (tests/tools/tcp_discard) in the receiver's namespace, IPv4 and IPv6, one
# and several flows, with an XDP program on the receiver's veth, then with
# loss, then beside other traffic. The receiving application must read
# exactly the bytes trafficgen reports acknowledged, then end of stream on
# every flow; both kernels must be left with no socket of the run.
# (Signals, mistakes and GRO: test_tcp_gro.sh, beside it.)
. "$(dirname "$0")/lib.sh"
require_root
# shellcheck source=tests/e2e/tcp.sh
. "$(dirname "$0")/tcp.sh"
tcp_setup

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

finish
