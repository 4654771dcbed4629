# shellcheck shell=bash
# A routed path for the TCP tests and the bench: sender -> router ->
# receiver, three throwaway namespaces joined by two veth pairs, the router
# forwarding IPv4 and IPv6. Source it after tests/e2e/lib.sh, whose cleanup
# removes the namespaces (EXTRA_NS) on every exit path.
#
#   $PNS_S: $PS ------ $PA :$PNS_M: $PB ------ $PR :$PNS_R
#   198.19.1.2         198.19.1.1   198.19.2.1       198.19.2.2
#   2001:2:0:11::2     ...11::1     ...12::1         2001:2:0:12::2
#
# Two kinds of router (path_setup):
#   lossy   tests/progs/xdp_nth.bpf.c on $PA drops every Nth TCP data
#           segment from the sender (default 97), counting what it saw and
#           dropped (path_drops);
#   tbf     a tbf bottleneck on $PB, towards the receiver (PATH_TBF: rate,
#           burst and queue), whose drops `tc -s qdisc` reports; $PA has
#           an XDP pass program.
# Either way $PA has an XDP program, which is what lets a veth take the
# frames `trafficgen tcp` redirects from $PS, and what makes the veth turn
# TSO off on its peer $PS: the kernel's TCP (iperf3) then puts MTU-sized
# frames on $PS as trafficgen does, so "every Nth segment" and the tbf's
# packet counts mean the same for both senders. Attaching XDP turns GRO on
# for a veth; it is turned off again on $PA so that the router forwards
# (and tbf queues) each segment as a frame of its own.
#
# Addresses are from the benchmarking range (RFC 2544 198.18.0.0/15,
# RFC 5180 2001:2::/48) and exist only in these namespaces.

PNS_S=${PATH_NS_PREFIX:-tg-e2e}-ps-$ID
PNS_M=${PATH_NS_PREFIX:-tg-e2e}-pm-$ID
PNS_R=${PATH_NS_PREFIX:-tg-e2e}-pr-$ID
PS=tp${ID}s
PA=tp${ID}a
PB=tp${ID}b
PR=tp${ID}r
PS4=198.19.1.2
PA4=198.19.1.1
PB4=198.19.2.1
PR4=198.19.2.2
PS6=2001:2:0:11::2
PA6=2001:2:0:11::1
PB6=2001:2:0:12::1
PR6=2001:2:0:12::2
# rate, burst and queue limit of the bottleneck: 1 Gbit/s, a burst of about
# 20 full frames and a queue of about 40 (60 KB: 0.5 ms at the rate).
PATH_TBF=${PATH_TBF:-rate 1gbit burst 30000 limit 60000}
PATH_NTH=${PATH_NTH:-97}
PATH_KIND=

in_ps() { timeout -k 5 120 ip netns exec "$PNS_S" "$@"; }
in_pm() { timeout -k 5 120 ip netns exec "$PNS_M" "$@"; }
in_pr() { timeout -k 5 120 ip netns exec "$PNS_R" "$@"; }

# path_setup lossy|tbf: the three namespaces and the router of that kind
# (path_router).
path_setup() {
	local ns
	EXTRA_NS="$EXTRA_NS $PNS_S $PNS_M $PNS_R"
	for ns in "$PNS_S" "$PNS_M" "$PNS_R"; do
		ip netns add "$ns" || return 1
		ip -n "$ns" link set dev lo up
	done
	# Two queues on the sender's pair, as setup_pair does for the same
	# reason: each sending thread fills a ring of its own.
	ip link add "$PS" netns "$PNS_S" numtxqueues 2 numrxqueues 2 type veth \
		peer name "$PA" netns "$PNS_M" numtxqueues 2 numrxqueues 2 || return 1
	ip link add "$PB" netns "$PNS_M" type veth peer name "$PR" netns "$PNS_R" || return 1
	in_pm sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 || return 1
	for ns in "$PNS_S" "$PNS_M" "$PNS_R"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0
	done
	ip -n "$PNS_S" addr add "$PS4/24" dev "$PS" &&
		ip -n "$PNS_S" addr add "$PS6/64" dev "$PS" nodad &&
		ip -n "$PNS_M" addr add "$PA4/24" dev "$PA" &&
		ip -n "$PNS_M" addr add "$PA6/64" dev "$PA" nodad &&
		ip -n "$PNS_M" addr add "$PB4/24" dev "$PB" &&
		ip -n "$PNS_M" addr add "$PB6/64" dev "$PB" nodad &&
		ip -n "$PNS_R" addr add "$PR4/24" dev "$PR" &&
		ip -n "$PNS_R" addr add "$PR6/64" dev "$PR" nodad || return 1
	ip -n "$PNS_S" link set dev "$PS" up
	ip -n "$PNS_M" link set dev "$PA" up
	ip -n "$PNS_M" link set dev "$PB" up
	ip -n "$PNS_R" link set dev "$PR" up
	ip -n "$PNS_S" route add 198.19.2.0/24 via "$PA4" &&
		ip -n "$PNS_S" -6 route add 2001:2:0:12::/64 via "$PA6" &&
		ip -n "$PNS_R" route add 198.19.1.0/24 via "$PB4" &&
		ip -n "$PNS_R" -6 route add 2001:2:0:11::/64 via "$PB6" || return 1
	path_router "$1"
}

# path_router lossy|tbf: makes the router that kind, its counters from 0.
path_router() {
	PATH_KIND=$1
	tc -n "$PNS_M" qdisc del dev "$PB" root 2>/dev/null
	case $1 in
	lossy) path_attach "$BPF_OBJ/xdp_nth.bpf.o" ;;
	tbf)
		path_attach "$BPF_OBJ/xdp_pass.bpf.o" || return 1
		# shellcheck disable=SC2086 # PATH_TBF holds several words
		tc -n "$PNS_M" qdisc add dev "$PB" root tbf $PATH_TBF
		;;
	*) return 1 ;;
	esac
}

# path_attach OBJ: OBJ's XDP program on $PA, GRO off again (see the top);
# for xdp_nth, N set in its map.
path_attach() {
	ip -n "$PNS_M" link set dev "$PA" xdp off 2>/dev/null
	ip -n "$PNS_M" link set dev "$PA" xdp obj "$1" sec xdp || return 1
	in_pm ethtool -K "$PA" gro off >/dev/null || return 1
	[ "$PATH_KIND" = lossy ] || return 0
	# struct nth_state { every, seen, dropped }: three little-endian u64.
	# shellcheck disable=SC2046 # each gives 8 words, one a byte
	bpftool map update id "$(path_nth_map)" key 0 0 0 0 value \
		$(path_u64_bytes "$PATH_NTH") $(path_u64_bytes 0) $(path_u64_bytes 0) || return 1
}

# path_u64_bytes N: N as 8 little-endian bytes, as bpftool takes them.
path_u64_bytes() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < 8; i++) { printf "%d ", n % 256; n = int(n / 256) } }'
}

# path_nth_map: the id of xdp_nth's map, found from the program on $PA (not
# by name: other tests may have the same program loaded elsewhere).
path_nth_map() {
	local prog
	prog=$(ip -n "$PNS_M" -d link show dev "$PA" | grep -o 'prog/xdp id [0-9]*' | awk '{ print $3 }')
	[ -n "$prog" ] || return 1
	bpftool prog show id "$prog" | grep -o 'map_ids [0-9]*' | awk '{ print $2 }'
}

# path_counts: "seen dropped" so far on this path: the data segments the
# lossy router saw and dropped, or the packets the tbf queue sent and
# dropped.
path_counts() {
	if [ "$PATH_KIND" = lossy ]; then
		# With the program's BTF bpftool prints the fields by name.
		bpftool map lookup id "$(path_nth_map)" key 0 0 0 0 2>/dev/null | awk '
			$1 == "\"seen\":" { s = $2 } $1 == "\"dropped\":" { d = $2 }
			END { if (s == "" || d == "") exit 1; sub(/,$/, "", s); print s, d }'
	else
		tc -n "$PNS_M" -s qdisc show dev "$PB" | awk '
			/^ Sent/ { s = $4; for (i = 1; i <= NF; i++) if ($i == "(dropped") { d = $(i + 1); sub(/,$/, "", d) } }
			END { if (s == "") exit 1; print s, d + 0 }'
	fi
}

# path_dropped: what the router dropped so far (the second of path_counts).
path_dropped() { path_counts | awk '{ print $2 }'; }

# Nothing of ours left on the sender's end after a run.
path_no_xdp_on_sender() { ! ip -n "$PNS_S" link show dev "$PS" | grep -q 'prog/xdp'; }

# have_cc: this trafficgen's tcp has a congestion control option (--cc).
have_cc() { "$TG" tcp --help 2>&1 | grep -q -- '--cc'; }
