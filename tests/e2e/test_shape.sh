#!/usr/bin/env bash
# End to end: traffic shaping of `udp` (issue 5), rates aside
# (test_rate.sh): sizes and tags judged by tcpdump and tshark at a receiver
# in a namespace of our own.
. "$(dirname "$0")/lib.sh"
require_root

# in_range NAME VALUE LOW HIGH: LOW <= VALUE <= HIGH (decimals allowed).
in_range() {
	check_true "$1 ($2 in $3..$4)" awk -v v="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'
}

# What tshark answers of each capture is a function judge_NAME beside it,
# called at the end by judge_all (lib.sh): one tshark run for them all.

# --- sizes ----------------------------------------------------------------

setup_pair gro || { not_ok "set up the veth pair"; finish; exit 1; }
ip -n "$NSG" link set dev "$VG" mtu 3500
ip -n "$NSR" link set dev "$VR" mtu 3500

# Sizes, as captured: the FCS is not in the capture.
frame_lens() { tshark_fields "$1" frame.len; }
# count_len PCAP LEN: frames of LEN bytes.
count_len() { frame_lens "$1" | awk -v l="$2" '$1 == l' | wc -l; }
# repeats PCAP FIELD: how many times each value of FIELD occurs, each such
# number once ("2" when every value occurs twice).
repeats() { tshark_fields "$1" "$2" | sort | uniq -c | awk '{print $1}' | sort -u; }

# Every size of a range once per turn: 1455 sizes, two turns.
capture range 2910 --rate 200k -s 64-1518 -a "$R4" -A "$G4" -p 9 -P 1000-1099
judge range
judge_range() {
	check_frames "sizes 64-1518" "$TMP/range.pcap" 2910
	check_eq "sizes 64-1518: 1455 distinct sizes" 1455 "$(count_unique "$TMP/range.pcap" frame.len)"
	check_eq "sizes 64-1518: each size twice" 2 "$(repeats "$TMP/range.pcap" frame.len)"
	check_eq "sizes 64-1518: smallest 60 bytes captured" 60 "$(frame_lens "$TMP/range.pcap" | sort -n | head -1)"
	check_eq "sizes 64-1518: largest 1514 bytes captured" 1514 "$(frame_lens "$TMP/range.pcap" | sort -n | tail -1)"
	check_no_bad "sizes 64-1518" "$TMP/range.pcap"
}

capture range6 2000 --rate 200k -s 66-3412 -t 2 -a "$R6" -A "$G6" -P 1-100
judge range6
judge_range6() {
	check_frames "v6 sizes 66-3412, 2 threads" "$TMP/range6.pcap" 2000
	check_eq "v6 sizes 66-3412: 2000 distinct sizes" 2000 "$(count_unique "$TMP/range6.pcap" frame.len)"
	check_no_bad "v6 sizes" "$TMP/range6.pcap"
}

# The classic IMIX, 12000 frames: 7:4:1 exactly in sequence.
ce0=$(udp_csum_errors 4)
capture imix 12000 --rate 200k --imix -a "$R4" -A "$G4"
check_eq "imix: no UDP checksum errors at the receiver" 0 $(( $(udp_csum_errors 4) - ce0 ))
check_eq "imix: pkt_size_mean in the start line" 361.833333 \
	"$(head -n 1 "$TMP/imix.json" | grep -o '"pkt_size_mean":[0-9.]*' | cut -d: -f2)"
judge imix
judge_imix() {
	check_frames "imix" "$TMP/imix.pcap" 12000
	check_eq "imix: 7000 frames of 64 bytes on the wire" 7000 "$(count_len "$TMP/imix.pcap" 60)"
	check_eq "imix: 4000 frames of 594" 4000 "$(count_len "$TMP/imix.pcap" 590)"
	check_eq "imix: 1000 frames of 1518" 1000 "$(count_len "$TMP/imix.pcap" 1514)"
	check_no_bad "imix" "$TMP/imix.pcap"
}

# share NAME COUNT N P: COUNT of N independent picks of probability P
# (a fraction, e.g. 1/12) within 8 standard deviations of the binomial,
# sqrt(N P (1 - P)), of N P. Independent picks would stay within 6 (a miss
# once in 500 million); runs here scatter up to 1.7 times wider, hence 8.
# At 40k frames that is within 2% of 7/12 and 1/3 and within 1.1% of
# 1/12 (absolute), far finer than a wrong pick (one wheel entry more or
# less moves a share by 1/12).
share() {
	local lo hi
	read -r lo hi < <(awk -v n="$3" -v p="$4" 'BEGIN {
		split(p, f, "/"); p = f[1] / f[2]; m = n * p; d = 8 * sqrt(n * p * (1 - p))
		printf "%d %d\n", m - d + 0.999999, m + d }')
	in_range "$1" "$2" "$lo" "$hi"
}

# At random, 40k frames: each size near its share (7/12, 4/12, 1/12).
capture imixr 40000 --rate 500k --random --imix 64:7,594:4,1518:1 -a "$R4" -A "$G4" -t 2
judge imixr
judge_imixr() {
	check_frames "random imix" "$TMP/imixr.pcap" 40000
	share "random imix: 64-byte share near 7/12" "$(count_len "$TMP/imixr.pcap" 60)" 40000 7/12
	share "random imix: 594-byte share near 4/12" "$(count_len "$TMP/imixr.pcap" 590)" 40000 4/12
	share "random imix: 1518-byte share near 1/12" "$(count_len "$TMP/imixr.pcap" 1514)" 40000 1/12
	check_no_bad "random imix" "$TMP/imixr.pcap"
}

# IPv6 with the classic mix: 64 is raised to IPv6's smallest, 66.
capture imix6 1200 --imix -a "$R6" -A "$G6"
judge imix6
judge_imix6() {
	check_eq "v6 imix: the 64-byte share goes out at 66 bytes" 700 "$(count_len "$TMP/imix6.pcap" 62)"
	check_no_bad "v6 imix" "$TMP/imix6.pcap"
}

# --- VLAN tags ------------------------------------------------------------

FILTER="vlan 100 and udp" capture vlan 1000 --vlan 100:5 -a "$R4" -A "$G4" -p 1-10
judge vlan
judge_vlan() {
	check_frames "vlan 100:5" "$TMP/vlan.pcap" 1000
	check_eq "vlan 100:5: VLAN ID 100" 100 "$(tshark_fields "$TMP/vlan.pcap" vlan.id | sort -u)"
	check_eq "vlan 100:5: priority 5" 5 "$(tshark_fields "$TMP/vlan.pcap" vlan.priority | sort -u)"
	check_eq "vlan 100:5: TPID 802.1Q" 0x8100 "$(tshark_fields "$TMP/vlan.pcap" eth.type | sort -u)"
	check_eq "vlan 100:5: 64-byte frames on the wire, the tag included" \
		60 "$(frame_lens "$TMP/vlan.pcap" | sort -u)"
	check_no_bad "vlan 100:5" "$TMP/vlan.pcap"
}

FILTER="vlan 300 and vlan 400 and udp" capture qinq 1455 --qinq 300:400 -s 74-1528 \
	-a "$R6" -A "$G6" -P 1-7
judge qinq
judge_qinq() {
	check_frames "qinq 300:400" "$TMP/qinq.pcap" 1455
	check_eq "qinq 300:400: outer TPID 802.1ad, inner 802.1Q" "0x88a8" \
		"$(tshark_fields "$TMP/qinq.pcap" eth.type | sort -u)"
	check_eq "qinq 300:400: outer (802.1ad) ID 300" 300 \
		"$(tshark_fields "$TMP/qinq.pcap" ieee8021ad.id | sort -u)"
	check_eq "qinq 300:400: inner (802.1Q) ID 400" 400 \
		"$(tshark_fields "$TMP/qinq.pcap" vlan.id | sort -u)"
	check_eq "qinq 300:400 with sizes: 1455 sizes" 1455 "$(count_unique "$TMP/qinq.pcap" frame.len)"
	check_no_bad "qinq 300:400" "$TMP/qinq.pcap"
}
"$TG" udp --veth -n 10 --vlan 4095 >/dev/null 2>"$TMP/b.err"
check_eq "--vlan 4095: exit 2" 2 $?
check_true "--vlan 4095: names the value" grep -q "'4095' is not a VLAN ID" "$TMP/b.err"
"$TG" udp --veth -n 10 --vlan 5 --qinq 1:2 >/dev/null 2>"$TMP/b.err"
check_eq "--vlan with --qinq: exit 2" 2 $?
"$TG" udp --veth -n 10 --qinq 1:2 -a "$R6" -s 69 >/dev/null 2>"$TMP/b.err"
check_eq "--qinq over IPv6 needs 74 bytes: -s 69 is refused" 2 $?
check_true "--qinq -s 69: says the minimum" grep -q "minimum of 74" "$TMP/b.err"

# --- --pcap-out: a dry run ------------------------------------------------

# With the interface: its MAC and nothing sent on it.
rx0=$(rx_packets)
in_g "$TG" udp --pcap-out "$TMP/dry.pcap" -n 2000 -m "$VR_MAC" -a 198.18.1.1-198.18.1.50 \
	-A "$G4" -p 1000-1099 -s 64-1518 --vlan 9 -t 2 --json "$VG" >"$TMP/dry.json" 2>"$TMP/dry.err"
check_eq "pcap-out: exit status" 0 $?
check_eq "pcap-out: summary says 2000 written" 2000 "$(json_field "$TMP/dry.json" written)"
check_eq "pcap-out --json: a start line first, naming the file, then the summary" \
	"start $TMP/dry.pcap summary" \
	"$(jq -r '.type + (if .type == "start" then " " + .file else "" end)' "$TMP/dry.json" | paste -sd' ')"
check_eq "pcap-out: nothing arrived at the receiver" 0 $(( $(rx_packets) - rx0 ))
judge dry
judge_dry() {
	check_eq "pcap-out: tshark reads 2000 frames" 2000 "$(frame_count "$TMP/dry.pcap")"
	check_eq "pcap-out: every IPv4 and UDP checksum good" 2000 "$(good_checksums "$TMP/dry.pcap")"
	check_no_bad "pcap-out" "$TMP/dry.pcap"
	check_eq "pcap-out: 50 destinations over two threads" 50 \
		"$(count_unique "$TMP/dry.pcap" ip.dst)"
	check_eq "pcap-out: 100 destination ports" 100 \
		"$(count_unique "$TMP/dry.pcap" udp.dstport)"
	check_eq "pcap-out: VLAN 9" 9 "$(tshark_fields "$TMP/dry.pcap" vlan.id | sort -u)"
	check_eq "pcap-out: the interface's MAC as source" "$VG_MAC" \
		"$(tshark_fields "$TMP/dry.pcap" eth.src | sort -u)"
}

# Without an interface, with --rate: time stamps follow the schedule.
"$TG" udp --pcap-out "$TMP/dry6.pcap" -n 100 -M 02:00:00:00:00:01 -m 02:00:00:00:00:02 \
	-a 2001:2::1 -A 2001:2::2 --rate 1k --imix --stamp >"$TMP/dry6.out" 2>&1
check_eq "pcap-out without an interface: exit status" 0 $?
check_true "pcap-out: says nothing was sent" grep -q "nothing was sent" "$TMP/dry6.out"
judge dry6
judge_dry6() {
	check_eq "pcap-out v6: every UDP checksum good" 100 "$(good_checksums "$TMP/dry6.pcap")"
	check_eq "pcap-out --rate 1k: the 100th frame 99 ms after the first" 0.099000000 \
		"$(tshark_fields "$TMP/dry6.pcap" frame.time_relative | tail -n 1)"
}
"$TG" udp --pcap-out "$TMP/x.pcap" -M 02:00:00:00:00:01 >/dev/null 2>"$TMP/b.err"
check_eq "pcap-out without -n: exit 2" 2 $?
check_true "pcap-out without -n: says so" grep -q "needs -n" "$TMP/b.err"
"$TG" udp --pcap-out "$TMP/x.pcap" -n 5 >/dev/null 2>"$TMP/b.err"
check_eq "pcap-out without interface or -M: exit 2" 2 $?
check_true "pcap-out without interface or -M: asks for --src-mac" grep -q "needs --src-mac" "$TMP/b.err"

# --- --template: frames of a capture ---------------------------------------

# A capture of 17 frames of 17 sizes (a dry run makes it), sent 20 times over
# with new destination addresses and port: every frame arrives, in its size.
"$TG" udp --pcap-out "$TMP/t.pcap" -n 17 -M 02:00:00:00:00:01 -m "$VR_MAC" -a "$R4" -A "$G4" \
	-s 100-116 -P 5000-5016 >/dev/null 2>&1
ce0=$(udp_csum_errors 4) in0=$(udp_in 4)
capture tmpl 340 --template "$TMP/t.pcap" -a 198.18.1.1-198.18.1.4 -p 7000 -t 2
check_eq "template: sent 340" 340 "$(json_field "$TMP/tmpl.json" sent)"
judge tmpl
judge_tmpl() {
	check_frames "template" "$TMP/tmpl.pcap" 340
	check_eq "template: 17 sizes, 20 of each" 20 "$(repeats "$TMP/tmpl.pcap" frame.len)"
	check_eq "template: the 17 source ports kept" 17 "$(count_unique "$TMP/tmpl.pcap" udp.srcport)"
	check_eq "template: destination port from -p" 7000 "$(tshark_fields "$TMP/tmpl.pcap" udp.dstport | sort -u)"
	check_eq "template: 4 destinations from -a" 4 "$(count_unique "$TMP/tmpl.pcap" ip.dst)"
	check_no_bad "template" "$TMP/tmpl.pcap"
}
sleep 0.2
check_eq "template: no UDP checksum errors at the receiver" 0 $(( $(udp_csum_errors 4) - ce0 ))
"$TG" udp --veth -n 10 --template "$TMP/t.pcap" --vlan 3 >/dev/null 2>"$TMP/b.err"
check_eq "--template with --vlan: exit 2" 2 $?
"$TG" udp --veth -n 10 --template "$TMP/nothing.pcap" >/dev/null 2>"$TMP/b.err"
check_eq "--template of a missing file: exit 1" 1 $?
check_true "--template of a missing file: names it" grep -q "nothing.pcap" "$TMP/b.err"

# --- several interfaces -----------------------------------------------------

# A second pair between the same namespaces: both are removed with them.
ip link add "${VG}2" netns "$NSG" numtxqueues 2 numrxqueues 2 type veth \
	peer name "${VR}2" netns "$NSR" numtxqueues 2 numrxqueues 2
ip -n "$NSG" link set dev "${VG}2" up
ip -n "$NSR" link set dev "${VR}2" up
in_r ethtool -K "${VR}2" gro on >/dev/null
VG2_MAC=$(ip -n "$NSG" -br link show dev "${VG}2" | awk '{print $3}')
rx2() { in_r cat "/sys/class/net/${VR}2/statistics/rx_packets"; }
a0=$(rx_packets) b0=$(rx2)
tcpdump_start "$TMP/if2.pcap" 100 "${VR}2"
in_g "$TG" udp -n 100001 -I 0 --json -m "$VR_MAC" -a "$R4" -A "$G4" "$VG,${VG}2" \
	>"$TMP/multi.json" 2>"$TMP/multi.err"
check_eq "two interfaces: exit status" 0 $?
tcpdump_wait
sleep 0.3
check_eq "two interfaces: sent 100001 in all" 100001 "$(json_field "$TMP/multi.json" sent)"
check_eq "two interfaces: the first took 50001" 50001 $(( $(rx_packets) - a0 ))
check_eq "two interfaces: the second took 50000" 50000 $(( $(rx2) - b0 ))
check_true "two interfaces: the summary has each one's count" \
	grep -q "\"${VG}2\":{\"sent\":50000," "$TMP/multi.json"
judge if2
judge_if2() {
	check_eq "two interfaces: frames on the second carry its MAC" "$VG2_MAC" \
		"$(tshark_fields "$TMP/if2.pcap" eth.src | sort -u)"
}
in_g "$TG" udp -n 10 -t 1 -a "$R4" -A "$G4" "$VG,${VG}2" >/dev/null 2>"$TMP/b.err"
check_eq "two interfaces, one thread: exit 2" 2 $?
in_g "$TG" udp -n 10 -a "$R4" -A "$G4" "$VG,,${VG}2" >/dev/null 2>"$TMP/b.err"
check_eq "an empty name in the list: exit 2" 2 $?

# --- --prog: the user's own program (the examples of bpf/examples) ------------

capture dscp 4000 --prog "$BPF_OBJ/examples/dscp_cycle.bpf.o" -a "$R4" -A "$G4"
check_eq "prog dscp_cycle: sent exactly 4000" 4000 "$(json_field "$TMP/dscp.json" sent)"
judge dscp
judge_dscp() {
	check_frames "prog dscp_cycle" "$TMP/dscp.pcap" 4000
	check_eq "prog dscp_cycle: four classes, 1000 frames each" "1000 0,1000 10,1000 18,1000 46" \
		"$(tshark_fields "$TMP/dscp.pcap" ip.dsfield.dscp | sort -n | uniq -c | awk '{print $1, $2}' | paste -sd,)"
	check_no_bad "prog dscp_cycle" "$TMP/dscp.pcap"
}

capture seq 2001 --prog "$BPF_OBJ/examples/seq_payload.bpf.o:seq_payload" -t 2 -s 100 \
	-a "$R6" -A "$G6"
check_eq "prog seq_payload, -n 2001 over 2 threads: sent exactly 2001" 2001 "$(json_field "$TMP/seq.json" sent)"
judge seq
judge_seq() {
	check_frames "prog seq_payload" "$TMP/seq.pcap" 2001
	# The payload's first 12 bytes: sequence number and thread, both counted from 0.
	tshark_fields "$TMP/seq.pcap" udp.payload | cut -c1-24 | sort -u >"$TMP/seq.ids"
	check_eq "prog seq_payload: 2001 distinct (sequence, thread) pairs" 2001 "$(wc -l <"$TMP/seq.ids")"
	grep '00000000$' "$TMP/seq.ids" | while read -r l; do echo $((16#${l:0:16})); done | sort -n >"$TMP/seq0"
	check_eq "prog seq_payload: thread 0 counted 0..1000" "1001 0 1000" \
		"$(wc -l <"$TMP/seq0") $(head -n 1 "$TMP/seq0") $(tail -n 1 "$TMP/seq0")"
	check_eq "prog seq_payload: every UDP checksum good" 2001 "$(good_checksums "$TMP/seq.pcap")"
}
"$TG" udp --veth -n 10 --prog "$BPF_OBJ/xdp_pass.bpf.o" >/dev/null 2>"$TMP/b.err"
check_eq "--prog without gen.h: exit 1" 1 $?
check_true "--prog without gen.h: says what to include" grep -q "trafficgen/gen.h" "$TMP/b.err"
"$TG" udp --veth -n 10 --prog "$BPF_OBJ/examples/dscp_cycle.bpf.o" --rate 1k >/dev/null 2>"$TMP/b.err"
check_eq "--prog with --rate: exit 2" 2 $?

# Bad sizes.
"$TG" udp --veth -n 10 --imix 64:7,594:0 >/dev/null 2>"$TMP/b.err"
check_eq "--imix with a zero weight: exit 2" 2 $?
check_true "--imix with a zero weight: names it" grep -q "weight 0 of size 594 is out of range" "$TMP/b.err"
"$TG" udp --veth -n 10 -a "$R4" -s 1518-64 >/dev/null 2>"$TMP/b.err"
check_eq "-s 1518-64: exit 2" 2 $?
"$TG" udp --veth -n 10 -a "$R6" -s 65-100 >/dev/null 2>"$TMP/b.err"
check_eq "-s 65-100 over IPv6: exit 2" 2 $?
check_true "-s 65-100 over IPv6: says the minimum" grep -q "65-100 is below the minimum of 66" "$TMP/b.err"
"$TG" udp --veth -n 10 -s 100-200 --imix >/dev/null 2>"$TMP/b.err"
check_eq "-s and --imix: exit 2" 2 $?

# --- the captures, judged ---------------------------------------------------

judge_all

finish
