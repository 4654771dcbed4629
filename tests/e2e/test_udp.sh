#!/usr/bin/env bash
# End to end: trafficgen udp on a veth pair; the receiver's kernel judges
# what arrives (counts, checksums), tshark judges the fields.
. "$(dirname "$0")/lib.sh"
require_root

# settle: waits (bounded) until the receiver's rx counter stops moving.
settle() {
	local a b i
	a=$(rx_packets)
	for i in $(seq 20); do
		nap 0.1
		b=$(rx_packets)
		[ "$a" = "$b" ] && return
		a=$b
	done
}

# exact_run NAME FAMILY N ARGS...: N frames arrive exactly, checksums good.
exact_run() {
	local name=$1 fam=$2 n=$3 out=$TMP/$1.json rx0 in0 ce0 rc
	shift 3
	rx0=$(rx_packets) in0=$(udp_in "$fam") ce0=$(udp_csum_errors "$fam")
	in_g "$TG" udp -n "$n" --json -I 0 -m "$VR_MAC" "$@" "$VG" >"$out" 2>"$TMP/$name.err"
	rc=$?
	settle
	check_eq "$name: exit status" 0 "$rc"
	check_eq "$name: summary says sent $n" "$n" "$(json_field "$out" sent)"
	check_eq "$name: summary says 0 errors" 0 "$(json_field "$out" errors)"
	check_eq "$name: receiver's interface got $n frames" "$n" $(( $(rx_packets) - rx0 ))
	check_eq "$name: receiver's UDP layer got $n datagrams" "$n" $(( $(udp_in "$fam") - in0 ))
	check_eq "$name: no UDP checksum errors at the receiver" 0 \
		$(( $(udp_csum_errors "$fam") - ce0 ))
}

setup_pair gro || { not_ok "set up the veth pair"; finish; exit 1; }
ip -n "$NSG" link set dev "$VG" mtu 3500
ip -n "$NSR" link set dev "$VR" mtu 3500

# Exact counts, IPv4 and IPv6, into a receiver with GRO on (the receiver
# rewrites our pages; the generator must undo it on every frame).
exact_run ipv4 4 100000 -a "$R4" -A "$G4"
exact_run ipv6 6 100000 -a "$R6" -A "$G6"
exact_run ipv4-2threads-total 4 100001 -t 2 -a "$R4" -A "$G4"
exact_run ipv4-ranges 4 50000 -t 2 -a 198.18.1.1-198.18.1.50 -A 198.18.2.0/27 \
	-p 5000-5099 -P 6000-6009
exact_run ipv6-ranges 6 50000 -t 2 -a 2001:2:0:1::1-2001:2:0:1::40 -A 2001:2:0:2::/123 \
	-p 7000 -d 1000 -P 100-199
exact_run ipv4-1500 4 20000 -s 1500 -a "$R4" -A "$G4" -d 300
exact_run ipv6-largest 6 5000 -s 3412 -a "$R6" -A "$G6" -P 1-65535
exact_run ipv4-random 4 20000 --random -a 198.18.1.0/24 -A "$G4" -p 1-65535

# Every value of every range shows up across two threads, checksums good.
# (tshark's answers: judge_all, at the end.)
capture cover 4000 -t 2 -a 198.18.1.1-198.18.1.50 -A 198.18.2.0/27 -p 5000-5099 -P 6000-6009
judge cover
judge_cover() {
	check_frames "cover" "$TMP/cover.pcap" 4000
	check_eq "cover: 50 destination addresses" 50 "$(count_unique "$TMP/cover.pcap" ip.dst)"
	check_eq "cover: 32 source addresses" 32 "$(count_unique "$TMP/cover.pcap" ip.src)"
	check_eq "cover: 100 destination ports" 100 "$(count_unique "$TMP/cover.pcap" udp.dstport)"
	check_eq "cover: 10 source ports" 10 "$(count_unique "$TMP/cover.pcap" udp.srcport)"
	check_no_bad "cover" "$TMP/cover.pcap"
	check_eq "cover: tshark finds every IPv4 and UDP checksum good" 4000 "$(good_checksums "$TMP/cover.pcap")"
	check_eq "cover: TTL 1 by default" 1 "$(tshark_fields "$TMP/cover.pcap" ip.ttl | sort -u)"
}

capture cover6 3000 -t 2 -a 2001:2:0:1::1-2001:2:0:1::40 -p 7000 -d 1000 --ttl 9
judge cover6
judge_cover6() {
	check_eq "cover6: 64 destination addresses" 64 "$(count_unique "$TMP/cover6.pcap" ipv6.dst)"
	check_eq "cover6: 1000 destination ports" 1000 "$(count_unique "$TMP/cover6.pcap" udp.dstport)"
	check_eq "cover6: every UDP checksum good" 3000 "$(good_checksums "$TMP/cover6.pcap")"
	check_eq "cover6: hop limit from --ttl" 9 "$(tshark_fields "$TMP/cover6.pcap" ipv6.hlim | sort -u)"
}

capture random 2000 --random -a 198.18.1.100-198.18.1.119 -A "$G4" -p 40000-40009
judge random
judge_random() {
	local outside
	check_frames "random" "$TMP/random.pcap" 2000
	outside=$(tshark_fields "$TMP/random.pcap" udp.dstport | awk '$1 < 40000 || $1 > 40009' | wc -l)
	check_eq "random: ports stay in their range" 0 "$outside"
	check_eq "random: every address of the range drawn" 20 "$(count_unique "$TMP/random.pcap" ip.dst)"
	check_no_bad "random" "$TMP/random.pcap"
}

# -D ends on time; the summary's duration says so.
in_g "$TG" udp -D 1 -I 0 --json -m "$VR_MAC" -a "$R4" -A "$G4" "$VG" >"$TMP/d.json" 2>/dev/null
rc=$?
d=$(json_field "$TMP/d.json" duration_s)
check_eq "duration: exit status" 0 "$rc"
check_true "duration: -D 1 ran 0.95 to 1.5 s (ran $d s)" awk -v d="$d" 'BEGIN { exit !(d >= 0.95 && d <= 1.5) }'

# Ctrl-C mid-run: tests/e2e/test_stop.sh, which runs alone (it times the stop).
check_true "nothing left attached to the generator's veth" no_xdp_on_gen

# A veth whose peer has neither GRO nor XDP cannot take redirects: say so.
in_r ethtool -K "$VR" gro off >/dev/null
in_g "$TG" udp -n 10 -m "$VR_MAC" -a "$R4" -A "$G4" "$VG" >/dev/null 2>"$TMP/nogro.err"
rc=$?
check_eq "no-target: exit status 1" 1 "$rc"
check_true "no-target: message tells to enable GRO or XDP on the peer" \
	grep -q "GRO on" "$TMP/nogro.err"

# The same with an XDP program on the receiver instead of GRO.
ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_pass.bpf.o" sec xdp
exact_run xdp-receiver-ipv6 6 100000 -a "$R6" -A "$G6" -d 100
exact_run xdp-receiver-ipv4 4 100000 -a "$R4" -A "$G4" -t 2
check_true "nothing left attached after the runs" no_xdp_on_gen

judge_all
finish
