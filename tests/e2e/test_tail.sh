#!/usr/bin/env bash
# Loss counted to the last frame: stamped frames cross a router (a third
# namespace that forwards IPv4) whose ingress drops a known set of them,
# the stream's last frames among them (tests/progs/xdp_drop_seq.bpf.c);
# the sink beyond must count exactly that many lost. The tail is what a
# sequence alone cannot reveal: -n makes the stamps announce the total.
#
#   $NSG: $VG --- $VR :$NSR (router) $VRO --- $VS :$NSS (trafficgen sink)
. "$(dirname "$0")/lib.sh"
require_root

NSS=tg-e2e-s-$ID
VRO=tg${ID}o
VS=tg${ID}s
S4=198.18.2.2
CLEANUP_EXTRA='ip netns pids "$NSS" 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns del "$NSS" 2>/dev/null'
in_s() { timeout -k 5 60 ip netns exec "$NSS" "$@"; }

setup() {
	ip netns add "$NSG" && ip netns add "$NSR" && ip netns add "$NSS" || return 1
	# No IPv6 anywhere: the router's own packets (DAD, RS) would reach the sink.
	for ns in "$NSG" "$NSR" "$NSS"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add "$VG" netns "$NSG" type veth peer name "$VR" netns "$NSR" || return 1
	ip link add "$VRO" netns "$NSR" type veth peer name "$VS" netns "$NSS" || return 1
	in_r sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	ip -n "$NSR" addr add "$R4/24" dev "$VR"
	ip -n "$NSR" addr add 198.18.2.1/24 dev "$VRO"
	ip -n "$NSS" addr add "$S4/24" dev "$VS"
	ip -n "$NSG" link set dev "$VG" up
	ip -n "$NSR" link set dev "$VR" up
	ip -n "$NSR" link set dev "$VRO" up
	ip -n "$NSS" link set dev "$VS" up
	# The router's ingress program: it also lets $VR take redirected frames.
	ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_drop_seq.bpf.o" sec xdp || return 1
	# The next hop known before the run: frames waiting for ARP could be dropped.
	ip -n "$NSR" neigh replace "$S4" dev "$VRO" nud permanent \
		lladdr "$(ip -n "$NSS" -br link show dev "$VS" | awk '{print $3}')" || return 1
	VR_MAC=$(ip -n "$NSR" -br link show dev "$VR" | awk '{print $3}')
}
setup || { not_ok "set up three namespaces and a router"; finish; exit 1; }

# run NAME N LOST: N stamped frames (paced well below what the router's
# stack forwards, so that a stall of its CPU of up to 25 ms, a ring's worth,
# loses nothing of its own), LOST of them dropped by the router; the sink stops at
# its (N - LOST)th frame or after 10 s.
run() {
	local name=$1 n=$2 lost=$3 pid
	shift 3
	ip netns exec "$NSS" "$TG" sink -c $((n - lost)) -D 10 -I 0 --json "$VS" \
		>"$TMP/$name.json" 2>"$TMP/$name.err" &
	pid=$!
	wait_start "$pid" "$TMP/$name.json" || { not_ok "$name: sink started" "$(cat "$TMP/$name.err")"; return; }
	in_g "$TG" udp -n "$n" -r 10k --stamp -I 0 --ttl 64 -m "$VR_MAC" -a "$S4" -A "$G4" "$@" "$VG" \
		>/dev/null 2>"$TMP/$name.send.err"
	check_eq "$name: sent" 0 $?
	wait_exit "$pid" 15
	echo "# $name: received $(json_field "$TMP/$name.json" received), lost $(json_field "$TMP/$name.json" lost)"
	check_eq "$name: the sink received $((n - lost)), all stamped" $((n - lost)):$((n - lost)) \
		"$(json_field "$TMP/$name.json" received):$(json_field "$TMP/$name.json" stamped)"
	check_eq "$name: lost exactly $lost, the last 3 among them" "$lost" "$(json_field "$TMP/$name.json" lost)"
	check_eq "$name: nothing reordered or repeated" 0:0 \
		"$(json_field "$TMP/$name.json" reordered):$(json_field "$TMP/$name.json" duplicates)"
}

# seqs 500, 1500, ..., 4500 (5) and 4997-4999 (3).
run one-thread 5000 8
# Two threads, two streams of 2500: 500, 1500 and 3 at each tail.
run two-threads 5000 10 -t 2

finish
