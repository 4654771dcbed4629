#!/usr/bin/env bash
# End to end: every command refuses bad input before it attaches or sends
# anything. One table line per case; each case must exit with its status,
# say on stderr what was wrong (the regex), print nothing on stdout, and
# leave no XDP program on either end of the pair. Then 'trafficgen probe'
# on interfaces that can and cannot take redirects.
. "$(dirname "$0")/lib.sh"
require_root

# The receiver's end has neither GRO nor XDP: the generator's end cannot take
# redirects, so even a command line that passed every check could not send.
setup_pair none || { not_ok "set up the veth pair"; finish; exit 1; }
NCPU=$(nproc)
TOO_MANY=$((NCPU + 1))

# expected status | namespace (g: generator's, r: receiver's) | ERE on stderr | arguments
TABLE=$(cat <<'EOF'
2 | g | Usage: trafficgen <command>               |
2 | g | unknown command 'flood'                   | flood $VG
2 | g | unknown option '--bogus'                  | udp --bogus $VG
2 | g | unknown option '-X'                       | udp -X $VG
2 | g | option '--num-packets' needs a value      | udp $VG -n
2 | g | interface                                 | udp -n 10
1 | g | no interface named 'nope0'                | udp -n 10 nope0
1 | g | 'abcdefghijklmnopqrst' is too long        | udp -n 10 abcdefghijklmnopqrst
2 | g | got 2                                     | udp -n 10 $VG extra
2 | g | '00:11:22:33:44' is not a MAC address     | udp -m 00:11:22:33:44 $VG
2 | g | '00:11:22:33:44:55:66' is not a MAC       | udp -m 00:11:22:33:44:55:66 $VG
2 | g | '00:11:22:33:44:gg' is not a MAC          | udp -m 00:11:22:33:44:gg $VG
2 | g | '0011.2233.4455' is not a MAC             | udp -m 0011.2233.4455 $VG
2 | g | '00:11:22:33:44:555' is not a MAC         | udp -m 00:11:22:33:44:555 $VG
2 | g | --src-mac: '1:2:3:4:5:6' is not a MAC     | udp -M 1:2:3:4:5:6 $VG
2 | g | --dst-mac: '' is not a MAC                | udp -m '' $VG
2 | g | '198.18.0.300' is not an IPv4 or IPv6     | udp -a 198.18.0.300 $VG
2 | g | '198.18.0' is not an IPv4 or IPv6         | udp -a 198.18.0 $VG
2 | g | --src-addr: '1.2.3.4.5' is not an IPv4    | udp -a $R4 -A 1.2.3.4.5 $VG
2 | g | '2001:2::1::2' is not an IPv4 or IPv6     | udp -a 2001:2::1::2 $VG
2 | g | '2001:2::g' is not an IPv4 or IPv6        | udp -a 2001:2::g $VG
2 | g | 198.18.0.1 and source 2001:2::2 are of different address families | udp -a $R4 -A $G6 $VG
2 | g | 2001:2::1 and source 198.18.0.2 are of different address families | udp -a $R6 -A $G4 $VG
2 | g | '198.18.0.1-2001:2::1': the two ends are of different address families | udp -a $R4-$R6 $VG
2 | g | '198.18.0.10-198.18.0.1': range end is below its start | udp -a 198.18.0.10-198.18.0.1 -A $G4 $VG
2 | g | '2001:2::ffff:fff0-2001:2::1:0:5': the two ends differ above the last 32 bits | udp -a 2001:2::ffff:fff0-2001:2::1:0:5 $VG
2 | g | '2001:2::/64': prefix length must be 96-128 | udp -a 2001:2::/64 $VG
2 | g | '198.18.0.0/33'                           | udp -a 198.18.0.0/33 -A $G4 $VG
2 | g | --dst-port: '65536' is not a port         | udp -p 65536 $VG
2 | g | '65000-65536'                             | udp -p 65000-65536 $VG
2 | g | --src-port: '70000' is not a port         | udp -P 70000 $VG
2 | g | --dst-port: '10-5': range end is below    | udp -p 10-5 $VG
2 | g | --dst-port: '-1'                          | udp -p -1 $VG
2 | g | --dyn-ports 10 and a --dst-port range     | udp -d 10 -p 1-5 $VG
2 | g | --dyn-ports 1000 from port 65000 goes past port 65535 | udp -p 65000 -d 1000 $VG
2 | g | --dyn-ports: '0' is out of range          | udp -d 0 $VG
2 | g | --dyn-ports: '65537' is out of range      | udp -d 65537 $VG
2 | g | --pkt-size: '63' is out of range \(64-3412\) | udp -a $R4 -A $G4 -s 63 $VG
2 | g | --pkt-size 65 is below the minimum of 66 bytes for IPv6 | udp -a $R6 -A $G6 -s 65 $VG
2 | g | --pkt-size 69 is below the minimum of 70 bytes for IPv4 with --stamp | udp -a $R4 -A $G4 --stamp -s 69 $VG
2 | g | --pkt-size: '3413' is out of range       | udp -s 3413 $VG
2 | g | --pkt-size: 'abc'                         | udp -s abc $VG
2 | g | --num-packets: '0' is out of range        | udp -n 0 $VG
2 | g | --num-packets: '-5' is not a count        | udp -n -5 $VG
2 | g | --num-packets: '10x' is not a count       | udp -n 10x $VG
2 | g | --threads: '0' is out of range            | udp -t 0 $VG
2 | g | --threads $TOO_MANY: each thread needs a CPU of its own | udp -n 10 -t $TOO_MANY -a $R4 -A $G4 $VG
2 | g | --threads: '257' is out of range          | udp -t 257 $VG
2 | g | --duration: '10x' is not a duration       | udp -D 10x $VG
2 | g | --duration: '-1' is not a duration        | udp -D -1 $VG
2 | g | --duration: '0' is out of range           | udp -D 0 $VG
2 | g | --duration: '' is not a duration          | udp -D '' $VG
2 | g | --interval: 'junk' is not a duration      | udp -I junk $VG
2 | g | --batch: '0' is out of range \(1-256\)    | udp --batch 0 $VG
2 | g | --batch: '257' is out of range \(1-256\)  | udp --batch 257 $VG
2 | g | --ttl: '0' is out of range \(1-255\)      | udp --ttl 0 $VG
2 | g | --ttl: '256' is out of range \(1-255\)    | udp --ttl 256 $VG
2 | g | --repeat: '0' is out of range            | udp --repeat 0 $VG
2 | g | option '--json' takes no value            | udp --json=yes $VG
2 | g | --veth makes its own interface            | udp --veth $VG
2 | g | --max-loss: '101' is not a percentage     | udp --max-loss 101 $VG
2 | g | --max-loss.*need --veth                   | udp --max-loss 5 $VG
2 | g | --min-pps: '0' is out of range            | udp --min-pps 0 $VG
2 | g | --max-latency-p99: 'junk' is not a duration | udp --max-latency-p99 junk $VG
2 | g | $VG has no IPv4 address to send from: give --src-addr | udp -n 10 -a $R4 $VG
1 | g | interface lo is down                      | udp -n 10 -a 127.0.0.1 -A 127.0.0.1 lo
1 | g | veth $VG cannot take redirected frames now.*GRO on | udp -n 10 -m $VR_MAC -a $R4 -A $G4 $VG
2 | r | --action: 'bogus' is not one of: drop, pass, tx, redirect:IFNAME | sink --action bogus $VR
2 | r | --action redirect:nope0: no such interface | sink --action redirect:nope0 $VR
2 | r | give an interface name after 'redirect:'  | sink --action redirect: $VR
2 | r | --proto: 'sctp' is not one of: any, udp, tcp, icmp | sink --proto sctp $VR
2 | r | --port: '70000' is not a port             | sink --port 70000 $VR
2 | r | --port: '10-5': range end is below        | sink -p 10-5 $VR
2 | r | --port needs UDP or TCP, not --proto icmp | sink --proto icmp -p 5 $VR
2 | r | --count: '0' is out of range              | sink -c 0 $VR
2 | r | --count: '-3' is not a count              | sink -c -3 $VR
2 | r | --snaplen: '0' is out of range            | sink -w $TMP/snap0.pcap -s 0 $VR
2 | r | --snaplen is for recording: give --pcap   | sink --snaplen 100 $VR
1 | r | /proc/nope/x.pcap.*directory              | sink -w /proc/nope/x.pcap $VR
2 | r | --pcap -: stdout                          | sink -w - $VR
2 | r | --duration: '0' is out of range           | sink -D 0 $VR
2 | r | --interval: 'junk' is not a duration      | sink -I junk $VR
2 | r | --max-loss: '101' is not a percentage     | sink --max-loss 101 $VR
2 | r | --min-pps: '-3' is not a count            | sink --min-pps -3 $VR
2 | r | --max-latency-p99: '0' is out of range    | sink --max-latency-p99 0 $VR
1 | r | no interface named 'nope0'                | sink nope0
2 | r | expected 1 argument                       | sink
2 | r | got 2                                     | sink $VR extra
2 | r | unknown option '--bogus'                  | sink --bogus $VR
1 | g | no interface named 'nope0'                | probe -i nope0
2 | g | expected no arguments, got 1              | probe extra
2 | g | unknown option '--bogus'                  | probe --bogus
2 | g | option '--interface' needs a value        | probe -i
EOF
)

# trim VAR...: each variable without its leading and trailing blanks (in
# place: no subshell a field, four fields a case).
trim() {
	local -n s
	for s; do
		s=${s#"${s%%[![:space:]]*}"}
		s=${s%"${s##*[![:space:]]}"}
	done
}

rx0=$(rx_packets)
cases=0
while IFS='|' read -r want ns regex args; do
	trim want ns regex args
	[ -n "$want" ] || continue
	cases=$((cases + 1))
	# The table is ours: eval gives its quoting ('') and variables their meaning.
	eval "set -- $args"
	eval "regex=\"$regex\""
	nsname=$NSG
	[ "$ns" = r ] && nsname=$NSR
	timeout -k 2 20 ip netns exec "$nsname" "$TG" "$@" </dev/null >"$TMP/out" 2>"$TMP/err"
	rc=$?
	why=()
	[ "$rc" = "$want" ] || why+=("exit status $rc, expected $want")
	grep -Eq -- "$regex" "$TMP/err" || why+=("stderr does not match: $regex")
	[ -s "$TMP/out" ] && why+=("stdout is not empty: $(head -c 200 "$TMP/out")")
	no_xdp_on_gen || why+=("an XDP program is attached to $VG")
	no_xdp_on_recv || why+=("an XDP program is attached to $VR")
	if [ ${#why[@]} -eq 0 ]; then
		ok "refused: trafficgen $*"
	else
		not_ok "refused: trafficgen $*" "${why[@]}" "stderr: $(head -c 400 "$TMP/err")"
	fi
done <<<"$TABLE"
echo "# $cases bad-input cases"
check_eq "the receiver saw no frame during the table" "$rx0" "$(rx_packets)"
check_true "a refused --snaplen left no pcap file behind" test ! -e "$TMP/snap0.pcap"

# ---- probe ------------------------------------------------------------------

# probe_json NAME ARGS...: runs probe --json in $NSG into $TMP/NAME.json.
probe_json() {
	local name=$1
	shift
	in_g timeout 20 "$TG" probe --json "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
}
verdict() { jq -r --arg n "$2" 'select(.type == "check" and .name == $n) | .verdict' "$TMP/$1.json"; }
summary_ok() { jq -r 'select(.type == "summary") | .ok' "$TMP/$1.json"; }

probe_json machine
check_eq "probe: exit 0 when this machine can run live frames" 0 $?
json_shape() {
	jq -e 'if .type == "check" then (.name and .verdict and has("detail") and has("advice"))
		else .type == "summary" end' "$1" >/dev/null
}
check_true "probe --json: every line is an object with the right keys" json_shape "$TMP/machine.json"
check_eq "probe: live-frames ok" ok "$(verdict machine live-frames)"
check_eq "probe: batch-size ok (256 taken, 257 refused)" ok "$(verdict machine batch-size)"
check_eq "probe: capabilities ok as root" ok "$(verdict machine capabilities)"
check_eq "probe: summary ok" true "$(summary_ok machine)"

probe_json gen -i "$VG"
check_eq "probe -i (peer without GRO or XDP): exit 1" 1 $?
check_eq "probe -i: redirect-target fails" fail "$(verdict gen redirect-target)"
check_eq "probe -i: the peer in another namespace is a warning" warn "$(verdict gen veth-peer)"
check_true "probe -i: says what to check in the peer's namespace" \
	grep -q "in the peer's namespace" "$TMP/gen.json"
check_eq "probe -i: summary not ok" false "$(summary_ok gen)"

# A pair inside one namespace, so the probe can read the peer itself.
VA=tg${ID}a VB=tg${ID}b VC=tg${ID}c VD=tg${ID}d
ip -n "$NSG" link add "$VA" type veth peer name "$VB" &&
	ip -n "$NSG" link set "$VA" up && ip -n "$NSG" link set "$VB" up
in_g ethtool -K "$VB" gro off >/dev/null
probe_json local-off -i "$VA"
check_eq "probe -i, local peer without GRO: exit 1" 1 $?
check_eq "probe -i: veth-peer fails" fail "$(verdict local-off veth-peer)"
check_true "probe -i: advice names the peer" grep -q "ethtool -K $VB gro on" "$TMP/local-off.json"
in_g ethtool -K "$VB" gro on >/dev/null
probe_json local-on -i "$VA"
check_eq "probe -i, local peer with GRO: exit 0" 0 $?
check_eq "probe -i: redirect-target ok" ok "$(verdict local-on redirect-target)"
check_eq "probe -i: veth-peer ok" ok "$(verdict local-on veth-peer)"
check_eq "probe -i: veth-queues ok" ok "$(verdict local-on veth-queues)"

# The kernel drops every XDP feature of a veth whose peer has more TX queues
# than it has RX queues.
ip -n "$NSG" link add "$VC" numrxqueues 1 numtxqueues 1 type veth \
	peer name "$VD" numtxqueues 2 numrxqueues 2 &&
	ip -n "$NSG" link set "$VC" up && ip -n "$NSG" link set "$VD" up
in_g ethtool -K "$VD" gro on >/dev/null
probe_json queues -i "$VC"
check_eq "probe -i, peer TX queues > RX queues here: exit 1" 1 $?
check_eq "probe -i: veth-queues fails" fail "$(verdict queues veth-queues)"

in_g timeout 20 "$TG" probe -i "$VA" >"$TMP/text.out" 2>&1
check_true "probe text: one line per check with a verdict" \
	awk '$1 ~ /^(ok|warn|FAIL)$/ { n++ } END { exit !(n >= 9) }' "$TMP/text.out"

in_g timeout 20 setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$TG" probe --json >"$TMP/nobody.json" 2>/dev/null
check_eq "probe as nobody: exit 1" 1 $?
check_eq "probe as nobody: capabilities fail" fail "$(verdict nobody capabilities)"
check_true "probe as nobody: names CAP_BPF and CAP_NET_ADMIN" \
	grep -q 'missing: CAP_BPF CAP_NET_ADMIN' "$TMP/nobody.json"

check_true "nothing left attached to the generator's end" no_xdp_on_gen
check_true "nothing left attached to the receiver's end" no_xdp_on_recv
finish
