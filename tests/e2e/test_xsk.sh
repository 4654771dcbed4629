#!/usr/bin/env bash
# End to end: the AF_XDP engine on a veth pair, in copy mode (veth has no
# zero-copy). `udp --xsk` into the receiver's stack, judged by its UDP
# counters (every frame delivered, none with a bad checksum); `sink --xsk`
# judged against what was sent; bad input refused with nothing attached.
. "$(dirname "$0")/lib.sh"
require_root

setup_pair none || { not_ok "setup"; exit 1; }

# xsk ARGS...: udp --xsk from $NSG to the receiver, JSON into $TMP/udp.json.
xsk() {
	in_g timeout 30 "$TG" udp --xsk --json -I 0 -m "$VR_MAC" "$@" "$VG" >"$TMP/udp.json" 2>"$TMP/udp.err"
}
uf() { json_field "$TMP/udp.json" "$1"; }

# ---- udp --xsk into the stack: exact -n, valid checksums --------------------

in4=$(udp_in 4)
xsk -n 30000 -A "$G4" -a 198.18.1.1-198.18.1.20 -p 1000-1099 -P 2000-2006
check_eq "v4 ranges: exit 0" 0 $?
check_eq "v4 ranges: 30000 sent (completions)" 30000 "$(uf sent)"
check_eq "v4 ranges: engine xsk, copy mode" "xsk copy" "$(uf engine) $(uf xsk_mode)"
check_eq "v4 ranges: 30000 reached UDP" 30000 $(( $(udp_in 4) - in4 ))
check_eq "v4 ranges: no checksum errors" 0 "$(udp_csum_errors 4)"

in6=$(udp_in 6)
xsk -n 30000 -A "$G6" -a 2001:2:0:1::1-2001:2:0:1::40 -p 1-65535 --random -s 90-400 --stamp
check_eq "v6 random ranges and sizes, stamped: exit 0" 0 $?
check_eq "v6: 30000 sent" 30000 "$(uf sent)"
check_eq "v6: 30000 reached UDP" 30000 $(( $(udp_in 6) - in6 ))
check_eq "v6: no checksum errors" 0 "$(udp_csum_errors 6)"

# tshark judges every checksum of captured runs, and sees the ranges walked
# (judge_all, at the end: one tshark run for every capture).
capture xcap4 2000 --xsk -A "$G4" -a 198.18.1.1-198.18.1.20 -p 1000-1099 -s 70-300 --stamp
judge xcap4
judge_xcap4() {
	check_eq "tshark, v4 sizes and ranges: 2000 frames, all checksums good, none bad" "2000 2000 0" \
		"$(frame_count "$TMP/xcap4.pcap") $(checksum_frames good "$TMP/xcap4.pcap") $(checksum_frames bad "$TMP/xcap4.pcap")"
	check_eq "tshark, v4: 100 destination ports, 20 addresses" "100 20" \
		"$(count_unique "$TMP/xcap4.pcap" udp.dstport) $(count_unique "$TMP/xcap4.pcap" ip.dst)"
}
FILTER="vlan 5 and vlan 6 and udp" capture xcap6 2000 --xsk -A "$G6" \
	-a 2001:2:0:1::1-2001:2:0:1::40 -P 1-65535 --random --qinq 5:6
judge xcap6
judge_xcap6() {
	check_eq "tshark, v6 random, QinQ: 2000 frames, all checksums good, none bad" "2000 2000 0" \
		"$(frame_count "$TMP/xcap6.pcap") $(checksum_frames good "$TMP/xcap6.pcap") $(checksum_frames bad "$TMP/xcap6.pcap")"
}

# --template: a capture of 17 frames of 17 sizes (a dry run makes it) sent
# 20 times over by two threads, with new destinations, port and TTL, their
# checksums updated in userspace as the capture program updates them.
"$TG" udp --pcap-out "$TMP/t17.pcap" -n 17 -M 02:00:00:00:00:01 -m "$VR_MAC" -a "$R4" -A "$G4" \
	-s 100-116 -P 5000-5016 >/dev/null 2>&1
in4=$(udp_in 4)
capture xtmpl 340 --xsk --template "$TMP/t17.pcap" -a 198.18.1.1-198.18.1.4 -p 7000 --ttl 9 -t 2
xtmpl_sent=$(json_field "$TMP/xtmpl.json" sent) xtmpl_udp=$(( $(udp_in 4) - in4 ))
judge xtmpl
judge_xtmpl() {
	check_eq "--template: 340 sent, 340 seen by tcpdump, 340 reached UDP" "340 340 340" \
		"$xtmpl_sent $(frame_count "$TMP/xtmpl.pcap") $xtmpl_udp"
	check_eq "--template: every checksum good, none bad" "340 0" \
		"$(checksum_frames good "$TMP/xtmpl.pcap") $(checksum_frames bad "$TMP/xtmpl.pcap")"
	check_eq "--template: 17 sizes and source ports kept, 4 destinations, port 7000, TTL 9" "17 17 4 7000 9" \
		"$(count_unique "$TMP/xtmpl.pcap" frame.len) $(count_unique "$TMP/xtmpl.pcap" udp.srcport) $(count_unique "$TMP/xtmpl.pcap" ip.dst) $(tshark_fields "$TMP/xtmpl.pcap" udp.dstport | sort -u) $(tshark_fields "$TMP/xtmpl.pcap" ip.ttl | sort -u)"
}
check_eq "--template: no UDP checksum errors at the receiver" 0 "$(udp_csum_errors 4)"

in4=$(udp_in 4)
xsk -n 20001 -t 2 -A "$G4" -a 198.18.1.1-198.18.1.3 --vlan 0 --stamp
check_eq "two threads on queues 0 and 1: exit 0" 0 $?
check_eq "two threads: 20001 sent" 20001 "$(uf sent)"
in4=$(udp_in 4)
xsk -n 1 -t 2 -A "$G4" -a 198.18.1.1
check_eq "-n 1 over two threads: exactly 1 sent and received" "1 1" "$(uf sent) $(( $(udp_in 4) - in4 ))"
check_true "nothing attached to the sender" no_xdp_on_gen

# Paced: exact, and never faster than asked (a loaded machine only slows it).
xsk -n 20000 --rate 100k -A "$G4" -a 198.18.1.1
check_eq "--rate 100k -n 20000: exit 0, 20000 sent" "0 20000" "$? $(uf sent)"
check_true "--rate 100k: not faster than asked ($(uf rate_reached) pps)" \
	awk -v r="$(uf rate_reached)" -v d="$(uf duration_s)" 'BEGIN { exit !(r < 101000 && d > 0.19) }'

# xsk-udp: xdp-trafficgen's names (-c count, -C zero-copy spelling, -V/-J VLAN, -Q).
in4=$(udp_in 4)
in_g timeout 30 "$TG" xsk-udp -Q -c 5000 -C copy -V -J 0 -m "$VR_MAC" -A "$G4" -a 198.18.1.1 \
	"$VG" >/dev/null 2>"$TMP/xu.err"
check_eq "xsk-udp -c 5000 -C copy -V -J 0: exit 0" 0 $?
check_eq "xsk-udp: 5000 reached UDP" 5000 $(( $(udp_in 4) - in4 ))

# ---- sink --xsk: a stamped run counted exactly -----------------------------

# start_sink NAME ARGS...: sink --xsk on $VR, JSON in $TMP/NAME.json.
start_sink() {
	local name=$1
	shift
	# A receiving process must keep up: ahead of the other tests' load.
	ip netns exec "$NSR" nice -n -5 "$TG" sink --xsk --json -I 0 "$@" "$VR" \
		>"$TMP/$name.json" 2>"$TMP/$name.err" &
	SINK_PID=$!
	wait_start "$SINK_PID" "$TMP/$name.json"
}
sf() { json_field "$TMP/$1.json" "$2"; }

if start_sink stamped -c 10000 -D 10 -p 9; then
	# Live frames, paced: the rings (4096 frames, 200 ms at this rate) carry
	# the sink's one thread over the stalls of a machine loaded by the other
	# tests, and the sender's catch-up after a stall of its own (at most
	# 50 ms of slots).
	in_g timeout 30 "$TG" udp -I 0 -m "$VR_MAC" -A "$G4" -a 198.18.1.1 -p 9 --stamp \
		-n 10000 --rate 20k "$VG" >/dev/null 2>"$TMP/send.err"
	wait_exit "$SINK_PID" 12
	check_eq "sink --xsk: stops at -c, exit 0" 0 $?
	got="$(sf stamped received) $(sf stamped stamped) $(sf stamped lost)"
	if [ "$got" = "10000 10000 0" ]; then
		ok "sink --xsk: 10000 received, stamped, 0 lost"
	else
		not_ok "sink --xsk: 10000 received, stamped, 0 lost" "actual: $got" \
			"sink: $(cat "$TMP/stamped.err")" "sender: $(cat "$TMP/send.err")"
	fi
	check_eq "sink --xsk: start line says copy mode on 2 queues" "xsk copy 2" \
		"$(head -n 1 "$TMP/stamped.json" | jq -r '"\(.engine) \(.xsk_mode) \(.xsk_sockets)"')"
else
	not_ok "sink --xsk started" "$(cat "$TMP/stamped.err")"
fi
check_true "sink --xsk: nothing attached after it" no_xdp_on_recv

# Two sockets, two threads: udp --xsk -t 2 sends one stream from each of
# queues 0 and 1; the veth hands queue q's frames to its peer's queue q, so
# each of the sink's sockets takes one stream, in its own thread.
if start_sink two -c 20000 -D 15 -p 9 -w "$TMP/two.pcap"; then
	threads=$(find "/proc/$SINK_PID/task" -mindepth 1 -maxdepth 1 | wc -l)
	cpus=$(for t in /proc/"$SINK_PID"/task/*; do
		awk '/^Cpus_allowed_list/ { print $2 }' "$t/status"; done | sort | tr '\n' ' ')
	xsk -n 20000 -t 2 -A "$G4" -a 198.18.1.1 -p 9 --stamp --rate 40k
	check_eq "udp --xsk -t 2 into sink --xsk: 20000 sent" 20000 "$(uf sent)"
	wait_exit "$SINK_PID" 12
	check_eq "sink --xsk, 2 queues: stops at -c, exit 0" 0 $?
	check_eq "sink --xsk, 2 queues: 20000 received and stamped, 2 streams, 0 lost, none reordered or duplicated" \
		"20000 20000 2 0 0 0" \
		"$(sf two received) $(sf two stamped) $(sf two streams) $(sf two lost) $(sf two reordered) $(sf two duplicates)"
	check_eq "sink --xsk, 2 queues: -w recorded all 20000, from both threads" "20000 20000" \
		"$(sf two pcap_written) $(tcpdump -r "$TMP/two.pcap" 2>/dev/null | wc -l)"
	check_eq "sink --xsk, 2 queues: a thread per socket beside the main one" 3 "$threads"
	# Main thread: any CPU; the sockets' threads: queue q on the q-th CPU.
	allowed=$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/self/status)
	if [ "$allowed" = 0-1 ]; then
		check_eq "sink --xsk, 2 queues: the sockets' threads pinned to CPUs 0 and 1" "0 0-1 1 " "$cpus"
	else
		ok "sink --xsk, 2 queues: threads pinned # SKIP this shell may use CPUs $allowed, not 0-1"
	fi
else
	not_ok "sink --xsk (2 queues) started" "$(cat "$TMP/two.err")"
fi

# Recording, and SIGINT: the summary, exit 0, the pcap holding what was counted.
if start_sink rec -q 0 -p 9 -w "$TMP/rec.pcap" -D 20; then
	in_g timeout 30 "$TG" udp -I 0 -m "$VR_MAC" -A "$G4" -a 198.18.1.1 -p 9 -n 2000 \
		--rate 100k "$VG" >/dev/null 2>>"$TMP/send.err"
	# Not port 9: the program passes them to the stack and counts them as ignored.
	in_g timeout 30 "$TG" udp -I 0 -m "$VR_MAC" -A "$G4" -a 198.18.1.1 -p 10 -n 300 \
		--rate 100k "$VG" >/dev/null 2>>"$TMP/send.err"
	sleep 0.3
	kill -INT "$SINK_PID"
	wait_exit "$SINK_PID" 10
	check_eq "sink --xsk -q 0 -w: SIGINT gives exit 0" 0 $?
	check_eq "sink --xsk -w: received 2000, all recorded, 300 ignored" "2000 2000 300" \
		"$(sf rec received) $(sf rec pcap_written) $(sf rec ignored)"
	judge rec
	judge_rec() {
		check_eq "sink --xsk -w: tshark reads 2000 frames" 2000 "$(frame_count "$TMP/rec.pcap")"
	}
else
	not_ok "sink --xsk -w started" "$(cat "$TMP/rec.err")"
fi

# SIGKILL: the link dies with the process.
if start_sink killed -D 20; then
	kill -9 "$SINK_PID"
	wait_exit "$SINK_PID" 5 2>/dev/null
	sleep 0.2
	check_true "sink --xsk: SIGKILL leaves nothing attached" no_xdp_on_recv
else
	not_ok "sink --xsk (SIGKILL) started" "$(cat "$TMP/killed.err")"
fi

# ---- udp --xsk --veth: the far end counts ----------------------------------

"$TG" udp --veth --xsk --stamp -n 20000 -I 0 --json >"$TMP/veth.json" 2>"$TMP/veth.err"
check_eq "udp --veth --xsk: exit 0" 0 $?
check_eq "udp --veth --xsk: the far end got 20000 stamped, 0 lost" "20000 20000 0" \
	"$(json_field "$TMP/veth.json" received) $(json_field "$TMP/veth.json" stamped) $(json_field "$TMP/veth.json" lost)"

# probe: veth offers AF_XDP in copy mode only.
check_true "probe -i: xsk-zerocopy says copy mode only" \
	bash -c "ip netns exec $NSG $TG probe -i $VG --json | grep '\"name\":\"xsk-zerocopy\"' | grep -q 'copy mode only'"

# ---- bad input: the value named, exit 1 or 2, nothing attached -------------

# refused NAME CODE WORD CMD...: exits CODE and stderr names WORD.
refused() {
	local name=$1 code=$2 word=$3 rc
	shift 3
	"$@" >/dev/null 2>"$TMP/bad.err"
	rc=$?
	if [ "$rc" = "$code" ] && grep -q -- "$word" "$TMP/bad.err"; then
		ok "$name"
	else
		not_ok "$name" "exit $rc (expected $code), stderr: $(cat "$TMP/bad.err")"
	fi
}
refused "udp --xsk -q 5: no such queue" 2 "queue 5" \
	in_g "$TG" udp --xsk -q 5 -n 10 -A "$G4" -a 198.18.1.1 "$VG"
refused "udp --xsk -t 2 -q 1: queue 2 missing" 2 "queue 1 with 2" \
	in_g "$TG" udp --xsk -q 1 -t 2 -n 10 -A "$G4" -a 198.18.1.1 "$VG"
refused "udp --xsk-mode zerocopy on veth" 1 "zero-copy" \
	in_g "$TG" udp --xsk --xsk-mode zerocopy -n 10 -A "$G4" -a 198.18.1.1 "$VG"
refused "udp --xsk-mode bogus" 2 "bogus" \
	in_g "$TG" udp --xsk --xsk-mode bogus -n 10 "$VG"
refused "udp --xsk --prog" 2 "--prog" \
	in_g "$TG" udp --xsk --prog "$BPF_OBJ/xdp_pass.bpf.o" -n 10 "$VG"
refused "udp -q without --xsk" 2 "add --xsk" \
	in_g "$TG" udp -q 1 -n 10 "$VG"
refused "xsk-udp --shared-umem: refused by name" 2 "shared-umem" \
	in_g "$TG" xsk-udp --shared-umem -c 10 "$VG"
refused "xsk-udp -C zero-copy on veth" 1 "zero-copy" \
	in_g "$TG" xsk-udp -C zero-copy -c 10 -A "$G4" -a 198.18.1.1 "$VG"
refused "sink --xsk -q 7" 2 "queue 7" in_r "$TG" sink --xsk -q 7 -D 1 "$VR"
refused "sink --xsk --action pass" 2 "action" in_r "$TG" sink --xsk --action pass -D 1 "$VR"
refused "sink --xsk-mode zerocopy on veth" 1 "zero-copy" \
	in_r "$TG" sink --xsk --xsk-mode zerocopy -D 1 "$VR"
# A UMEM the memlock limit refuses, without the capabilities that bypass it.
refused "udp --xsk: UMEM over RLIMIT_MEMLOCK" 1 "RLIMIT_MEMLOCK" \
	in_g setpriv --inh-caps=-ipc_lock,-sys_resource --bounding-set=-ipc_lock,-sys_resource \
	bash -c "ulimit -l 64; exec $TG udp --xsk -n 10 -A $G4 -a 198.18.1.1 $VG"
ip -n "$NSG" link set dev "$VG" down
refused "udp --xsk on a down interface" 1 "is down" \
	in_g "$TG" udp --xsk -n 10 -A "$G4" -a 198.18.1.1 "$VG"
ip -n "$NSG" link set dev "$VG" up
check_true "bad input: nothing attached to the sender" no_xdp_on_gen
check_true "bad input: nothing attached to the receiver" no_xdp_on_recv

# ---- signals and a vanishing interface (last: it takes the pair away) ------

# bg_xsk NAME ARGS...: udp --xsk in the background until stopped; $BG its pid.
bg_xsk() {
	local name=$1
	shift
	ip netns exec "$NSG" "$TG" udp --xsk --json -I 0 -m "$VR_MAC" -A "$G4" -a 198.18.1.1 \
		--rate 50k "$@" "$VG" >"$TMP/$name.json" 2>"$TMP/$name.err" &
	BG=$!
	wait_start "$BG" "$TMP/$name.json"
}
if bg_xsk int; then
	sleep 0.3
	kill -INT "$BG"
	wait_exit "$BG" 5
	check_eq "udp --xsk: SIGINT ends the run with exit 0" 0 $?
	check_true "udp --xsk: SIGINT gives the summary" \
		grep -q '"type":"summary".*"engine":"xsk"' "$TMP/int.json"
else
	not_ok "udp --xsk (SIGINT) started" "$(cat "$TMP/int.err")"
fi
# Both ends at once: the pair deleted under a sending udp --xsk and a sink --xsk.
if start_sink sgone -D 20 && bg_xsk gone; then
	sleep 0.2
	ip -n "$NSG" link del "$VG"
	wait_exit "$BG" 5
	check_eq "udp --xsk: the interface vanishing ends the run within 5 s, exit 1" 1 $?
	check_true "udp --xsk: and says so" grep -q "went away\|failed" "$TMP/gone.err"
	wait_exit "$SINK_PID" 5
	check_eq "sink --xsk: its interface vanishing ends it within 5 s, exit 1" 1 $?
	check_true "sink --xsk: and says so" grep -q "went away" "$TMP/sgone.err"
else
	not_ok "udp --xsk and sink --xsk (interface gone) started" "$(cat "$TMP/gone.err" "$TMP/sgone.err")"
fi

judge_all
echo "1..$TAP_N"
[ "$TAP_FAILED" -eq 0 ]
