#!/usr/bin/env bash
# xdptest: the driver checklist on veth, judged from outside: the kernel's
# UDP counters for pass, a capture at the tx end for tx; a DUT that fails
# gives exit 4 naming its row; bad input exit 2; nothing left attached.
. "$(dirname "$0")/lib.sh"
require_root
command -v jq >/dev/null || skip_all "needs jq"

N=20000
# One namespace, two pairs: tx end XA and DUT XB; redirect target XC, its peer XD.
XA=tg${ID}a XB=tg${ID}b XC=tg${ID}c XD=tg${ID}d
# A pair across namespaces: XE here, XF in another.
XE=tg${ID}e XF=tg${ID}f
in_x() { timeout -k 5 60 ip netns exec "$NSR" "$@"; }
xt_leftovers() { { ip netns list; ip -o link show; } 2>/dev/null | grep -c 'xt[0-9]*[tdrp]:'; }
no_xdp_anywhere() { ! ip -n "$NSR" link show | grep -q 'xdp'; }
dut_has_xdp() { ip -n "$NSR" link show dev "$XB" | grep -q 'xdp'; }
# row FILE CHECK KEY: a field of a check's verdict object.
row() { jq -r --arg c "$2" "select(.type == \"verdict\" and .verdict == \$c) | .$3" "$1"; }

# ---- --veth: every check exact, xsk through AF_XDP sockets in copy mode -----
timeout 60 "$TG" xdptest --veth -n $N --json >"$TMP/veth.json" 2>"$TMP/veth.err"
check_eq "--veth: exit status" 0 $?
for c in pass drop tx redirect xmit xsk; do
	check_eq "--veth $c: exact" true "$(row "$TMP/veth.json" $c exact)"
	check_eq "--veth $c: seen $N" $N "$(row "$TMP/veth.json" $c seen)"
done
check_eq "--veth xsk: the driver's xdp_redirect match" match \
	"$(row "$TMP/veth.json" xsk 'driver_stats.rx_xdp_redirect.state')"
check_eq "--veth drop: the driver's xdp_drops match" match \
	"$(row "$TMP/veth.json" drop 'driver_stats.rx_xdp_drops.state')"
check_eq "--veth summary: 6 exact" 6 "$(json_field "$TMP/veth.json" exact)"
check_eq "--veth summary: none not available" 0 "$(json_field "$TMP/veth.json" not_available)"
check_eq "--veth: nothing left (namespace, links)" 0 "$(xt_leftovers)"

# ---- the same checks between interfaces given by name ------------------------
ip netns add "$NSR" || exit 1
ip -n "$NSR" link add "$XA" type veth peer name "$XB" || exit 1
ip -n "$NSR" link add "$XC" type veth peer name "$XD" || exit 1
in_x sysctl -qw net.ipv6.conf.all.disable_ipv6=1
for i in lo "$XA" "$XB" "$XD"; do ip -n "$NSR" link set dev "$i" up; done
ip -n "$NSR" addr add 198.18.0.1/24 dev "$XB"
XA_MAC=$(ip -n "$NSR" -br link show dev "$XA" | awk '{print $3}')
XB_MAC=$(ip -n "$NSR" -br link show dev "$XB" | awk '{print $3}')

# pass: the row is what the kernel's UDP layer counted.
in0=$(snmp InDatagrams)
in_x "$TG" xdptest -n $N --only pass --json "$XA" "$XB" >"$TMP/pass.json" 2>"$TMP/pass.err"
check_eq "pass: exit status" 0 $?
if [ "$(row "$TMP/pass.json" pass lost_at_full_rate)" = 0 ]; then
	check_eq "pass: the row equals the kernel's UDP InDatagrams" \
		"$(( $(snmp InDatagrams) - in0 ))" "$(row "$TMP/pass.json" pass seen)"
else
	# A paced pass followed: the kernel counted the datagrams of both.
	ok "pass: the row equals the kernel's UDP InDatagrams # SKIP frames lost at full rate (a loaded machine)"
fi
check_eq "pass: exact" true "$(row "$TMP/pass.json" pass exact)"

# xsk between named interfaces: the sockets' count, and nothing left on the DUT.
in_x "$TG" xdptest -n $N --only xsk --json "$XA" "$XB" >"$TMP/xsk.json" 2>"$TMP/xsk.err"
check_eq "xsk: exit status" 0 $?
check_eq "xsk: exact" true "$(row "$TMP/xsk.json" xsk exact)"
check_eq "xsk: seen $N" $N "$(row "$TMP/xsk.json" xsk seen)"
check_true "xsk: nothing left attached" no_xdp_anywhere

# tx: the bounced frames (from the DUT's MAC to the tx end's), counted by
# tcpdump until they stop coming: for 1.5 s, longer than libpcap takes to
# hand over a part-filled block of its capture ring (1 s).
FILTER="udp and ether src $XB_MAC and ether dst $XA_MAC" tcpdump_start "$TMP/tx.pcap" $((N * 10)) "$XA"
in_x "$TG" xdptest -n $N --only tx --json "$XA" "$XB" >"$TMP/tx.json" 2>"$TMP/tx.err"
check_eq "tx: exit status" 0 $?
size=-1 still=0
for i in $(seq 60); do
	last=$size size=$(stat -c %s "$TMP/tx.pcap")
	if [ "$size" = "$last" ]; then still=$((still + 1)); else still=0; fi
	[ $still -ge 15 ] && break
	sleep 0.1
done
kill -INT "$TCPDUMP_PID" 2>/dev/null
tcpdump_wait
check_eq "tx: exact" true "$(row "$TMP/tx.json" tx exact)"
if [ "$(row "$TMP/tx.json" tx lost_at_full_rate)" = 0 ]; then
	check_eq "tx: the row equals tcpdump's count at $XA" "$(frame_count "$TMP/tx.pcap")" \
		"$(row "$TMP/tx.json" tx seen)"
else
	# A paced pass followed: the capture holds the frames of both.
	ok "tx: the row equals tcpdump's count # SKIP frames lost at full rate (a loaded machine)"
fi

# A redirect target that is down: exit 4, the redirect row named.
in_x "$TG" xdptest -n $N --only drop,redirect --redirect-to "$XC" --json "$XA" "$XB" \
	>"$TMP/down.json" 2>"$TMP/down.err"
check_eq "redirect to a down interface: exit 4" 4 $?
check_eq "redirect to a down interface: the row is not exact" false "$(row "$TMP/down.json" redirect exact)"
check_eq "redirect to a down interface: drop still exact" true "$(row "$TMP/down.json" drop exact)"
check_true "redirect to a down interface: the message names the row" grep -q 'redirect check' "$TMP/down.err"

# ---- bad input: exit 2 with a message -----------------------------------
bad() { # NAME PATTERN ARGS...
	local name=$1 pat=$2
	shift 2
	in_x "$TG" xdptest -n 1000 "$@" >/dev/null 2>"$TMP/bad.err"
	check_eq "$name: exit 2" 2 $?
	check_true "$name: says why" grep -q "$pat" "$TMP/bad.err"
}
bad "same interface twice" "both the tx interface and the DUT" "$XA" "$XA"
ip netns add "$NSG" && ip -n "$NSR" link add "$XE" type veth peer name "$XF" netns "$NSG"
bad "a DUT in another namespace" "no such interface in this network namespace" "$XA" "$XF"
bad "a DUT without XDP" "no native XDP" "$XA" lo
bad "an unknown check" "not a check" --only pass,bogus "$XA" "$XB"
check_true "nothing attached after the runs" no_xdp_anywhere

# SIGKILL mid-run: the links go with the process.
ip netns exec "$NSR" "$TG" xdptest -n 1G --only drop "$XA" "$XB" >/dev/null 2>&1 &
pid=$!
CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
for i in $(seq 50); do ip -n "$NSR" link show dev "$XB" | grep -q xdp && break; sleep 0.1; done
check_true "sigkill: the DUT had our program" dut_has_xdp
kill -9 $pid
wait_exit $pid 20	# patience for the RTNL lock, as check_veth_sigkill (lib.sh)
check_eq "sigkill: the process died of it" 137 $?
for i in $(seq 20); do no_xdp_anywhere && break; sleep 0.1; done
check_true "sigkill: nothing attached" no_xdp_anywhere

echo "1..$TAP_N"
[ "$TAP_FAILED" -eq 0 ]
