#!/usr/bin/env bash
# `make bench`: packets per second of each generator mode against the
# framework's ceiling (tests/bench/ceiling.c: the same template redirected
# untouched through the same driver) and against what a user could pick
# instead (netsniff-ng's trafgen, a plain UDP socket); and TCP goodput of
# `trafficgen tcp` against iperf3.
#
# The ceiling comes in four no-op forms: redirected through a one-entry
# devmap (what `trafficgen udp` does on one interface) or by ifindex
# (xdp-trafficgen's way), with kernel batches of 64 or 256 frames. Which is
# fastest depends on the machine and its load, and a ratio must be to the
# fastest. One form (devmap, 64) is every run's neighbour (below); the
# other three run between its runs like contenders, so each has a ratio to
# it measured under the same conditions; and every other row's ratio to its
# neighbours is divided by the largest of those three medians when that is
# above 1. So the ratio column is to the fastest form of the same frame
# size and threads, without running every contender beside all four. (The
# fastest form could also serve as the neighbour once known, but which one
# it is changed from run to run on the loaded VM, and one neighbour keeps
# the schedule the same for every run.)
#
# One veth pair in throwaway namespaces (tests/e2e/lib.sh), two queues on
# each end so that two sending threads do not share one receive ring
# (doc/live-frames.md). The receiving end runs `trafficgen sink --action
# drop`, which counts every frame exactly; each measurement gets a fresh sink
# and pps = frames the sink received / the sender's own duration.
#
# Machine noise (this 2-CPU VM's CPU switches between two speeds, about
# 1.8x apart, for seconds at a time): every contender runs between two runs of the ceiling of its frame
# size and thread count (ceiling, A, ceiling, B, ceiling, ...), and its ratio
# is its pps over the mean of those two neighbours, so both sides of a ratio
# see the same conditions. Rounds repeat the schedule, each in the opposite
# order to the one before; min/median/max are over rounds (over every run
# for a ceiling).
#
# TCP through a router, lossy or a tbf bottleneck (rows lossy-* and tbf-*,
# BENCH_PATH_TCP_ARGS): tests/bench/tcp_paths.sh.
#
# TCP rows, in Gbit/s: goodput = payload bytes the receiver acknowledged
# (trafficgen's goodput_bps: from its first segment to the last ACK) or
# received (iperf3's sum_received) per second, with 1 and 4 flows, into a
# kernel TCP receiver in the receiver's namespace (tests/tools/tcp_discard,
# or iperf3 -s). For those runs $VR has an XDP pass program instead of the
# sink: it lets the veth take trafficgen's redirected frames, and a veth
# whose peer has one turns TSO off, so iperf3's frames are MTU-sized
# (1514 bytes) like trafficgen's -s 1500 (1496), not 64 KB GSO packets.
# Both send from one thread (iperf3 3.12 has no other way). iperf3 takes
# whole seconds, so both run BENCH_SECONDS rounded up. No ceiling: each
# trafficgen row runs next to its iperf3 row; for trafficgen the ratio is
# payload bytes acknowledged / payload bytes sent (retransmissions in). The
# rows marked "GRO receiver" have GRO on the receiver's veth instead of the
# pass program (no iperf3 row: with no XDP program on the peer, iperf3's
# veth does TSO and sends 64 KB packets).
#
# Environment:
#   BENCH_SECONDS  seconds per measurement (default 1.5; 0.3 for a quick
#                  run). With the ceiling runs in between, a round is 65
#                  measurements and 6 TCP runs of 2 s: on an idle 2-CPU VM
#                  a round takes about 2.5 minutes, 5 rounds about 13;
#                  the rows through a router (tcp_paths.sh) about two more.
#   BENCH_ROUNDS   rounds (default 5)
#   BENCH_STEADY   see summarise (default 0.15)
#   BENCH_OUT      output folder (default $BUILD/bench): results.json,
#                  results.md, pps.png, tcp.png, raw.tsv
#   BENCH_TRAFGEN  the trafgen to run (default: trafgen from PATH; a
#                  missing one gives a "skipped: not installed" row)
#   BENCH_IPERF3   the iperf3 to run (default: iperf3 from PATH; the same)
#   BENCH_PAIRS    pairs of calls of each paired ratio (default 40; 6 when
#                  BENCH_SECONDS < 1). The one-thread 64-byte generator
#                  modes also get a ratio from tests/bench/abrate, which
#                  interleaves calls of the ceiling and of the generator in
#                  one process: see report_paired.
#   BENCH_MODES    ids of the modes to run, space-separated (default: all;
#                  see MODES below)
#   BENCH_BPF_STATS  0 or 1: kernel.bpf_stats_enabled for the run, put back
#                  as it was at the end (default: as it is). With 1 the
#                  kernel reads the clock twice around every XDP program
#                  run, the generator's and the sink's: on this VM that
#                  halves the ceiling (about 5.4 against 10 Mpps) and so
#                  weighs every program's own cost less in the ratios.
#                  The setting is in results.md and results.json.
#
# Traffic goes only to the receiver's namespace (RFC 2544 range); every
# command is bounded in time; the namespaces go on every exit path.
set -u

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
# lib.sh named things for the e2e tests; the bench's are its own.
NSG=tg-bench-g-$ID
NSR=tg-bench-r-$ID
VG=tb${ID}g
VR=tb${ID}r
# The rows through a router: tests/bench/tcp_paths.sh.
PATH_NS_PREFIX=tg-bench
# shellcheck source=tests/e2e/path.sh
. "$TOP/tests/e2e/path.sh"
# shellcheck source=tests/bench/tcp_paths.sh
. "$TOP/tests/bench/tcp_paths.sh"

SECS=${BENCH_SECONDS:-1.5}
ROUNDS=${BENCH_ROUNDS:-5}
OUT=${BENCH_OUT:-$TOP/$BUILD/bench}
CEIL=$TOP/$BUILD/tests/bench/ceiling
ABRATE=$TOP/$BUILD/tests/bench/abrate
SOCK=$TOP/$BUILD/tests/bench/sock_sender
XSKREF=$TOP/$BUILD/tests/bench/xsk_txonly
DISCARD=$TOP/$BUILD/tests/tools/tcp_discard
SINK_PID=

die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (namespaces, XDP)"
for f in "$TG" "$CEIL" "$ABRATE" "$SOCK" "$XSKREF" "$DISCARD" "$BPF_OBJ/xdp_pass.bpf.o" \
	"$BPF_OBJ/xdp_drop.bpf.o"; do
	[ -x "$f" ] || [ -f "$f" ] || die "no $f: run 'make bench'"
done
awk -v s="$SECS" 'BEGIN { exit !(s > 0 && s <= 60) }' || die "BENCH_SECONDS=$SECS: give 0 < s <= 60"
case $ROUNDS in '' | *[!0-9]*) die "BENCH_ROUNDS=$ROUNDS: give a count" ;; esac
[ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 20 ] || die "BENCH_ROUNDS=$ROUNDS: give 1 to 20"
mkdir -p "$OUT" || die "cannot create $OUT"
# Sender and sink are each bounded: the measurement plus generous slack.
# Largest relative difference of a run's two ceiling neighbours for its
# ratio to count (see summarise).
STEADY=${BENCH_STEADY:-0.15}
BOUND=$(awk -v s="$SECS" 'BEGIN { printf "%d", s + 30 }')
# The TCP runs' length: iperf3's -t takes whole seconds.
TSECS=$(awk -v s="$SECS" 'BEGIN { t = int(s); if (t < s) t++; if (t < 1) t = 1; print t }')
TCP_PORT=10000
IPERF_PORT=5201

# Paired ratios (tests/bench/abrate.c): pairs of interleaved calls per mode.
PAIRS=${BENCH_PAIRS:-$(awk -v s="$SECS" 'BEGIN { print (s < 1 ? 6 : 40) }')}
case $PAIRS in '' | *[!0-9]*) die "BENCH_PAIRS=$PAIRS: give a count" ;; esac
[ "$PAIRS" -ge 1 ] && [ "$PAIRS" -le 200 ] || die "BENCH_PAIRS=$PAIRS: give 1 to 200"

# The modes: id|contender|label|wire size|threads|extra arguments[|reference].
# Contender is ceiling, ceilform, udp, udpdrop, veth, trafgen or socket.
# Ratios are taken to the ceiling row of the same size and threads (its
# neighbour runs), or to the row named in the seventh field; a row that
# names itself there is a reference of its own. The ceiling rows come in
# the four no-op forms (redirect through a devmap or by ifindex, batches of
# 64 or 256 frames: tests/bench/ceiling's -M and -b): the "ceiling" row
# (devmap, 64) is every row's neighbour, the three "ceilform" rows are
# measured against it like contenders, and every other row's ratio is then
# divided by the fastest form's (when above 1), so that it is a ratio to
# the fastest no-op configuration of its size and threads (summarise).
# udpdrop rows send into an empty XDP_DROP program (tests/progs/xdp_drop)
# instead of the sink, counted by the receiving veth's rx_packets; veth
# rows are `trafficgen udp --veth`, which makes its own pair and sink
# (default sizes: 66 bytes, 90 with --stamp over IPv6), counted by its
# sink. --stamp needs 70 bytes over IPv4 (42 bytes of headers + the 24-byte
# stamp + FCS), so it has a 70-byte ceiling of its own, and a plain 70-byte
# row beside it for the stamped/plain ratio. For the TCP contenders (tcp, iperf3) the fifth field
# is the number of flows; they have no ceiling. The --xsk row sends
# through an AF_XDP socket (copy mode: veth has no zero-copy); the paired
# ratio (tests/bench/abrate.c) drives live frames only, so it has none.
# Next to it, xskref64 is the AF_XDP reference (tests/bench/xsk_txonly.c,
# xdpsock --txonly's design, one socket); report_xsk_ref gives their ratio.
MODES="
ceil64|ceiling|ceiling devmap b64|64|1|-M
ceil64m256|ceilform|ceiling devmap b256|64|1|-M -b 256
ceil64i64|ceilform|ceiling ifindex b64|64|1|-b 64
ceil64i256|ceilform|ceiling ifindex b256|64|1|-b 256
udp64|udp|udp fixed|64|1|
dyn64|udp|udp -d 1000|64|1|-d 1000
ranges64|udp|udp -a 256 -A 64|64|1|-a 198.18.1.0-198.18.1.255 -A 198.18.2.0-198.18.2.63
drop64|udpdrop|udp fixed, into XDP_DROP|64|1|
ceil70|ceiling|ceiling devmap b64|70|1|-M
ceil70m256|ceilform|ceiling devmap b256|70|1|-M -b 256
ceil70i64|ceilform|ceiling ifindex b64|70|1|-b 64
ceil70i256|ceilform|ceiling ifindex b256|70|1|-b 256
udp70|udp|udp fixed|70|1|
stamp70|udp|udp --stamp|70|1|--stamp
udp70drop|udpdrop|udp fixed, into XDP_DROP|70|1|
stamp70drop|udpdrop|udp --stamp, into XDP_DROP|70|1|--stamp
ceil64t2|ceiling|ceiling devmap b64|64|2|-M
ceil64t2m256|ceilform|ceiling devmap b256|64|2|-M -b 256
ceil64t2i64|ceilform|ceiling ifindex b64|64|2|-b 64
ceil64t2i256|ceilform|ceiling ifindex b256|64|2|-b 256
udp64t2|udp|udp fixed|64|2|
dyn64t2|udp|udp -d 1000|64|2|-d 1000
ranges64t2|udp|udp -a 256 -A 64|64|2|-a 198.18.1.0-198.18.1.255 -A 198.18.2.0-198.18.2.63
xsk64|udp|udp --xsk (copy)|64|1|--xsk
xskref64|xskref|AF_XDP ref (copy)|64|1|
veth|veth|udp --veth|66|1||veth
vethstamp|veth|udp --veth --stamp|90|1|--stamp|veth
ceil1500|ceiling|ceiling devmap b64|1500|1|-M
ceil1500m256|ceilform|ceiling devmap b256|1500|1|-M -b 256
ceil1500i64|ceilform|ceiling ifindex b64|1500|1|-b 64
ceil1500i256|ceilform|ceiling ifindex b256|1500|1|-b 256
udp1500|udp|udp fixed|1500|1|
trafgen64|trafgen|trafgen -P 1|64|1|
socket64|socket|socket sendmmsg|64|1|
trafgen1500|trafgen|trafgen -P 1|1500|1|
socket1500|socket|socket sendmmsg|1500|1|
tcp1|tcp|trafficgen tcp -f 1|1500|1|
iperf1|iperf3|iperf3 -P 1|1500|1|
tcp4|tcp|trafficgen tcp -f 4|1500|4|
iperf4|iperf3|iperf3 -P 4|1500|4|
tcp1gro|tcp|trafficgen tcp -f 1, GRO receiver|1500|1|gro
tcp4gro|tcp|trafficgen tcp -f 4, GRO receiver|1500|4|gro
"
is_tcp() { case $(mode_field "$1" 2) in tcp | iperf3) return 0 ;; esac; return 1; }

mode_ids() {
	local line
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		id=${line%%|*}
		if [ -z "${BENCH_MODES:-}" ] || [[ " $BENCH_MODES " == *" $id "* ]]; then
			echo "$id"
		fi
	done <<<"$MODES"
}
mode_field() { # mode_field ID N: field N (1-based) of mode ID's line.
	awk -F'|' -v id="$1" -v n="$2" '$1 == id { print $n }' <<<"$MODES"
}

TRAFGEN=${BENCH_TRAFGEN:-trafgen}
have_trafgen() { command -v "$TRAFGEN" >/dev/null 2>&1; }
IPERF3=${BENCH_IPERF3:-iperf3}
have_iperf3() { command -v "$IPERF3" >/dev/null 2>&1; }
# A contender that is not installed: its rows say so instead of a figure.
missing() {
	case $(mode_field "$1" 2) in
	trafgen) ! have_trafgen ;;
	iperf3) ! have_iperf3 ;;
	*) return 1 ;;
	esac
}

# The sink on $VR, in the background; returns once it is attached (its
# start line). Not through in_r: $! must be the sink's pid.
start_sink() {
	local _
	ip netns exec "$NSR" timeout -k 5 "$BOUND" "$TG" sink --action drop --json -I 0 \
		"$VR" >"$TMP/sink.json" 2>"$TMP/sink.err" &
	SINK_PID=$!
	for _ in $(seq 100); do
		grep -q '"type":"start"' "$TMP/sink.json" 2>/dev/null && return 0
		alive "$SINK_PID" || break
		sleep 0.05
	done
	echo "bench: the sink did not start: $(cat "$TMP/sink.err")" >&2
	return 1
}

# Stops the sink and prints what it received.
stop_sink() {
	kill -INT "$SINK_PID" 2>/dev/null
	wait_exit "$SINK_PID" 10 >/dev/null 2>&1
	SINK_PID=
	json_field "$TMP/sink.json" received
}

# Runs one sender; prints its duration in seconds (its own measure of its
# sending time) or nothing on failure.
run_sender() {
	local kind=$1 size=$2 threads=$3 extra=$4 out=$TMP/sender.out
	: >"$out"
	case $kind in
	ceiling | ceilform)
		# shellcheck disable=SC2086 # extra holds the form's arguments
		in_g timeout -k 5 "$BOUND" "$CEIL" $extra -m "$VR_MAC" -a "$R4" -A "$G4" -s "$size" \
			-t "$threads" -D "$SECS" "$VG" >"$out" 2>>"$TMP/sender.err" &&
			json_field "$out" duration_s
		;;
	veth)
		# Its own pair and sink: prints "duration received".
		# shellcheck disable=SC2086 # extra holds several arguments
		timeout -k 5 "$BOUND" "$TG" udp --veth --json -I 0 -t "$threads" -D "$SECS" $extra \
			>"$out" 2>>"$TMP/sender.err" &&
			echo "$(json_field "$out" duration_s) $(json_field "$out" received)"
		;;
	udp | udpdrop)
		# shellcheck disable=SC2086 # extra holds several arguments
		in_g timeout -k 5 "$BOUND" "$TG" udp --json -I 0 -m "$VR_MAC" -a "$R4" -A "$G4" \
			-s "$size" -t "$threads" -D "$SECS" $extra "$VG" >"$out" 2>>"$TMP/sender.err" &&
			json_field "$out" duration_s
		;;
	trafgen)
		# The same bytes as the others (ceiling -W writes the template). One
		# process (-P 1); no system-wide socket memory or IRQ changes
		# (--no-sock-mem: this Debian build's getopt lacks -A; -Q). Its
		# duration is the one it prints: "S sec, U usec on CPU0".
		in_g timeout -s INT -k 5 "$SECS" "$TRAFGEN" --no-sock-mem -Q -P 1 -o "$VG" \
			-i "$TMP/trafgen$size.cfg" >"$out" 2>>"$TMP/sender.err"
		awk '/usec on CPU/ { for (i = 1; i < NF; i++) {
				if ($(i + 1) == "sec,") s = $i; if ($(i + 1) == "usec") u = $i }
			printf "%.6f\n", s + u / 1e6; exit }' "$out"
		;;
	xskref)
		in_g timeout -k 5 "$BOUND" "$XSKREF" -m "$VR_MAC" -a "$R4" -A "$G4" -s "$size" \
			-D "$SECS" "$VG" >"$out" 2>>"$TMP/sender.err" && json_field "$out" duration_s
		;;
	socket)
		in_g timeout -k 5 "$BOUND" "$SOCK" -a "$R4" -A "$G4" -s "$size" -D "$SECS" \
			>"$out" 2>>"$TMP/sender.err" && json_field "$out" duration_s
		;;
	esac
}

# The empty XDP_DROP receiver of the udpdrop rows, and its count.
drop_on() { ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_drop.bpf.o" sec xdp; }
drop_off() { ip -n "$NSR" link set dev "$VR" xdp off 2>/dev/null; }
rx_packets() { ip netns exec "$NSR" cat "/sys/class/net/$VR/statistics/rx_packets"; }

# The receiver's end during a TCP run: an XDP pass program (see the top).
pass_on() { ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_pass.bpf.o" sec xdp; }
pass_off() { ip -n "$NSR" link set dev "$VR" xdp off 2>/dev/null; }
# The other receiver configuration of a TCP row ("gro" in its sixth field):
# GRO on and no XDP program, so that the stack merges our segments in the
# generator's own pages (what the udp_gen and tcp_gen restores are for).
gro_on() { ip netns exec "$NSR" ethtool -K "$VR" gro on >/dev/null; }
gro_off() { ip netns exec "$NSR" ethtool -K "$VR" gro off >/dev/null 2>&1; }

# wait_file FILE: up to 5 s for it to appear.
wait_file() {
	local _
	for _ in $(seq 100); do [ -e "$1" ] && return 0; sleep 0.05; done
	return 1
}

# iperf_sum FILE KEY [OBJECT]: a key of iperf3's -J output inside its
# end.OBJECT (default sum_received).
iperf_sum() {
	awk -v k="\"$2\":" -v o="\"${3:-sum_received}\"" 'index($0, o) { on = 1; next }
		on && $1 == k { v = $2; sub(/,$/, "", v); print v; exit }
		on && /}/ { exit }' "$1"
}

# trafficgen tcp into tcp_discard; prints "bytes duration bps sent
# retransmitted" or nothing, sent being the payload bytes put on the wire.
# TCP_EXTRA: more arguments for trafficgen tcp.
# (Both run in a subshell of measure_tcp; lib.sh's cleanup kills whatever
# is left in the namespaces.)
run_tcp() {
	local flows=$1 out=$TMP/sender.out rx_pid rc acked read
	rm -f "$TMP/rx.ready"
	ip netns exec "$NSR" timeout -k 5 "$BOUND" "$DISCARD" -p "$TCP_PORT" -n "$flows" \
		-T "$BOUND" -r "$TMP/rx.ready" >"$TMP/rx.out" 2>>"$TMP/sender.err" &
	rx_pid=$!
	if ! wait_file "$TMP/rx.ready"; then
		echo "tcp_discard did not start" >>"$TMP/sender.err"
		kill -9 "$rx_pid" 2>/dev/null
		return 1
	fi
	# shellcheck disable=SC2086 # TCP_EXTRA holds several arguments
	in_g timeout -k 5 "$BOUND" "$TG" tcp -i "$VG" -p "$TCP_PORT" -f "$flows" -s 1500 \
		-D "$TSECS" -I 0 --json ${TCP_EXTRA:-} "$R4" >"$out" 2>>"$TMP/sender.err"
	rc=$?
	wait_exit "$rx_pid" 10 >/dev/null 2>&1
	[ "$rc" = 0 ] || return 1
	acked=$(json_field "$out" acked_bytes)
	read=$(awk '$1 == "total" { print $3 }' "$TMP/rx.out")
	# The receiving application must have read what was acknowledged.
	if [ "$acked" != "$read" ]; then
		echo "the receiver read ${read:-nothing}, ${acked:-?} bytes acknowledged" >>"$TMP/sender.err"
		return 1
	fi
	echo "$acked $(json_field "$out" duration_s) $(json_field "$out" goodput_bps) $(json_field "$out" payload_bytes) $(json_field "$out" retransmitted)"
}

# iperf3 -c against iperf3 -s; prints "bytes duration bps - retransmitted"
# or nothing. IPERF_EXTRA: more arguments for iperf3 -c.
run_iperf3() {
	local flows=$1 out=$TMP/sender.out rx_pid rc _
	ip netns exec "$NSR" timeout -k 5 "$BOUND" "$IPERF3" -s -1 -B "$R4" -p "$IPERF_PORT" \
		>/dev/null 2>>"$TMP/sender.err" &
	rx_pid=$!
	for _ in $(seq 100); do
		[ -n "$(ip netns exec "$NSR" ss -Htln "sport = :$IPERF_PORT")" ] && break
		sleep 0.05
	done
	# shellcheck disable=SC2086 # IPERF_EXTRA holds several arguments
	in_g timeout -k 5 "$BOUND" "$IPERF3" -c "$R4" -p "$IPERF_PORT" -t "$TSECS" -P "$flows" \
		${IPERF_EXTRA:-} -J >"$out" 2>>"$TMP/sender.err"
	rc=$?
	wait_exit "$rx_pid" 10 >/dev/null 2>&1
	[ "$rc" = 0 ] || { tail -n 5 "$out" >>"$TMP/sender.err"; return 1; }
	echo "$(iperf_sum "$out" bytes) $(iperf_sum "$out" seconds) $(iperf_sum "$out" bits_per_second) - $(iperf_sum "$out" retransmits sum_sent)"
}

# One TCP measurement: appends "round seq id bytes duration bps sent" to raw.tsv.
measure_tcp() {
	local round=$1 seq=$2 id=$3 kind flows res bytes dur bps sent
	kind=$(mode_field "$id" 2) flows=$(mode_field "$id" 5)
	if [ "$(mode_field "$id" 6)" = gro ]; then gro_on || return 1; else pass_on || return 1; fi
	if [ "$kind" = tcp ]; then res=$(run_tcp "$flows"); else res=$(run_iperf3 "$flows"); fi
	pass_off
	gro_off
	read -r bytes dur bps sent _ <<<"$res"
	if [ -z "$bps" ] || [ -z "$dur" ]; then
		echo "bench: $id (round $round) failed: $(tail -n 3 "$TMP/sender.err")" >&2
		return 1
	fi
	bps=$(awk -v v="$bps" 'BEGIN { printf "%.0f", v }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$seq" "$id" "$bytes" "$dur" "$bps" "$sent" \
		>>"$OUT/raw.tsv"
	printf '  round %d  %-12s %10s Gbit/s  (%s bytes in %.3f s)\n' "$round" "$id" \
		"$(gbps "$bps")" "$bytes" "$dur"
}

# One measurement: appends "round seq id received duration pps" to raw.tsv.
measure() {
	local round=$1 seq=$2 id=$3 kind size threads extra dur rx pps
	is_tcp "$id" && { measure_tcp "$@"; return; }
	kind=$(mode_field "$id" 2) size=$(mode_field "$id" 4)
	threads=$(mode_field "$id" 5) extra=$(mode_field "$id" 6)
	case $kind in
	veth)
		read -r dur rx < <(run_sender "$kind" "$size" "$threads" "$extra")
		;;
	udpdrop)
		drop_on || return 1
		rx=$(rx_packets)
		dur=$(run_sender "$kind" "$size" "$threads" "$extra")
		rx=$(($(rx_packets) - rx))
		drop_off
		;;
	*)
		start_sink || return 1
		dur=$(run_sender "$kind" "$size" "$threads" "$extra")
		rx=$(stop_sink)
		;;
	esac
	if [ -z "$dur" ] || [ -z "$rx" ]; then
		echo "bench: $id (round $round) failed: $(tail -n 3 "$TMP/sender.err")" >&2
		return 1
	fi
	pps=$(awk -v r="$rx" -v d="$dur" 'BEGIN { printf "%.0f", (d > 0 ? r / d : 0) }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$seq" "$id" "$rx" "$dur" "$pps" >>"$OUT/raw.tsv"
	printf '  round %d  %-12s %10s pps  (%s frames in %.3f s)\n' "$round" "$id" "$pps" "$rx" "$dur"
}

# The one-thread, 64-byte generator modes: they get a paired ratio too.
is_paired() {
	[ "$(mode_field "$1" 2)" = udp ] && [ "$(mode_field "$1" 4)" = 64 ] &&
		[ "$(mode_field "$1" 5)" = 1 ] && [[ "$(mode_field "$1" 6)" != *--stamp* ]] &&
		[[ "$(mode_field "$1" 6)" != *--xsk* ]]
}

# One paired measurement (tests/bench/abrate.c: the ceiling and the mode's
# generator taking turns call by call in one process, so that both sides of
# every ratio see the same few hundred ms of this CPU, each call's rate
# read off the receiver's counter); appends "id ratio
# min max ceiling_pps gen_pps pairs" to paired.tsv. The sink must have
# received every frame the tool sent.
measure_paired() {
	local id=$1 extra out=$TMP/paired.out rx frames
	extra=$(mode_field "$id" 6)
	start_sink || return 1
	# shellcheck disable=SC2086 # extra holds several arguments
	in_g timeout -k 5 120 "$ABRATE" -M -R "$NSR:$VR" -m "$VR_MAC" -a "$R4" -A "$G4" -k "$PAIRS" -r 512k \
		$extra "$VG" >"$out" 2>>"$TMP/sender.err"
	rx=$(stop_sink)
	frames=$(json_field "$out" frames)
	if [ -z "$frames" ] || [ "$rx" != "$frames" ]; then
		echo "bench: paired $id failed: sent ${frames:-?}, the sink received ${rx:-?}: $(tail -n 3 "$TMP/sender.err")" >&2
		return 1
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$(json_field "$out" ratio)" \
		"$(json_field "$out" ratio_min)" "$(json_field "$out" ratio_max)" \
		"$(json_field "$out" ceiling_pps)" "$(json_field "$out" gen_pps)" "$PAIRS" >>"$OUT/paired.tsv"
	printf '  paired   %-12s ratio %s over %s pairs\n' "$id" "$(json_field "$out" ratio)" "$PAIRS"
}

# The paired ratios: a table, and "paired" in results.json.
report_paired() {
	local md=$1 json=$2 id ratio lo hi cpps gpps first=1
	printf '  "paired": {"pairs": %s, "frames_per_call": 524288, "pps": "receiver counter over the middle 80%% of each call", "rows": [' "$PAIRS" >>"$json"
	if [ -s "$OUT/paired.tsv" ]; then
		{
			echo
			echo "## Paired ratios, one thread, 64-byte frames"
			echo
			echo "tests/bench/abrate: one process pinned to one CPU alternates live-frame calls of 512Ki"
			echo "frames of the ceiling (its devmap/64 form, not necessarily the fastest: the table above has the"
			echo "ratios to the fastest) and of the mode's generator (bpf/udp_gen, configured by lib/udp/cfg"
			echo "as trafficgen udp configures it), A B B A ..., $PAIRS pairs. A thread on the other CPU"
			echo "samples the receiving veth's packet counter every ms; a call's pps is that of the middle"
			echo "of its frames (10% to 90% received), which leaves out the call's set-up and its page-pool"
			echo "teardown (after an RCU grace period of varying length). Ratio = generator pps / ceiling"
			echo "pps of the same pair; median (min–max) over pairs. The sink received exactly the frames sent."
			echo
			echo "| mode | ceiling Mpps | mode Mpps | ratio (min–max) |"
			echo "|---|---:|---:|---:|"
		} >>"$md"
		printf '\n%-18s %12s %10s %s\n' "paired (64 B, 1 thread)" "ceiling" mode "ratio (min-max)"
	fi
	while IFS=$'\t' read -r id ratio lo hi cpps gpps _; do
		[ "$first" = 1 ] || printf ',' >>"$json"
		first=0
		printf '\n    {"id": "%s", "mode": %s, "ratio": {"median": %s, "min": %s, "max": %s}, "ceiling_pps": %s, "pps": %s}' \
			"$id" "$(json_str "$(mode_field "$id" 3)")" "$ratio" "$lo" "$hi" "$cpps" "$gpps" >>"$json"
		echo "| $(mode_field "$id" 3) | $(mpps "$cpps") | $(mpps "$gpps") | $ratio ($lo–$hi) |" >>"$md"
		printf '%-18s %12s %10s %s (%s-%s)\n' "$(mode_field "$id" 3)" "$(mpps "$cpps")" \
			"$(mpps "$gpps")" "$ratio" "$lo" "$hi"
	done < <(cat "$OUT/paired.tsv" 2>/dev/null)
	printf '\n  ]},\n' >>"$json"
}

# The generator's end gets an address and a permanent neighbour entry for
# the receiver, for the socket contender only: no ARP is ever sent. The
# sink drops every frame before the receiver's stack, so nothing answers.
setup() {
	setup_pair none || return 1
	ip -n "$NSG" addr add "$G4/24" dev "$VG" || return 1
	ip -n "$NSG" neigh replace "$R4" lladdr "$VR_MAC" dev "$VG" nud permanent || return 1
	if have_trafgen; then
		for size in 64 1500; do
			in_g "$CEIL" -m "$VR_MAC" -a "$R4" -A "$G4" -s "$size" \
				-W "$TMP/trafgen$size.cfg" "$VG" || return 1
		done
	fi
}

# stats FILE FORMAT: "min median max" of the numbers in FILE, one a line,
# each printed with FORMAT (awk printf).
stats() {
	sort -g "$1" | awk -v f="$2" '{ v[NR] = $1 } END {
		if (!NR) exit
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf f " " f " " f "\n", v[1], m, v[NR] }'
}

ceiling_of() { # the ceiling mode id for a mode's size and threads (itself for a ceiling)
	local size threads
	is_tcp "$1" && return 0
	[ -n "$(mode_field "$1" 7)" ] && { mode_field "$1" 7; return 0; }
	size=$(mode_field "$1" 4) threads=$(mode_field "$1" 5)
	awk -F'|' -v s="$size" -v t="$threads" '$2 == "ceiling" && $4 == s && $5 == t { print $1; exit }' <<<"$MODES"
}

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# run_ratios ID CEIL: ID's per-run ratios to its CEIL neighbours into
# $TMP/ratio (the steady runs'; all of them when none is) and "ID kept all"
# onto $TMP/kept.
run_ratios() {
	local id=$1 ceil=$2
	# Over the mean of the ceiling runs just before and after. This
	# VM's CPU switches between two speeds (about 7 and 13 Mpps for
	# the ceiling, for seconds at a time, whatever runs inside it):
	# a run whose two neighbours differ by more than STEADY straddles
	# a switch, and is left out unless every run of the mode does.
	rm -f "$TMP/ratio.all"
	awk -v id="$id" -v c="$ceil" -v steady="$STEADY" -v all="$TMP/ratio.all" '
		{ k = $1 " " $2; who[k] = $3; pps[k] = $6 }
		$3 == id { runs[++n] = $1 " " $2 }
		END {
			for (i = 1; i <= n; i++) {
				split(runs[i], rs, " "); s = 0; m = 0; lo = -1; hi = 0
				for (d = -1; d <= 1; d += 2) {
					k = rs[1] " " rs[2] + d
					if (who[k] != c) continue
					s += pps[k]; m++
					if (lo < 0 || pps[k] < lo) lo = pps[k]
					if (pps[k] > hi) hi = pps[k]
				}
				if (!m || s <= 0) continue
				r = sprintf("%.4f", pps[runs[i]] / (s / m))
				print r >all
				if (m == 2 && (hi - lo) <= steady * hi) { print r; kept++ }
			}
		}' "$OUT/raw.tsv" >"$TMP/ratio"
	echo "$id $(wc -l <"$TMP/ratio") $(wc -l <"$TMP/ratio.all" 2>/dev/null || echo 0)" >>"$TMP/kept"
	[ -s "$TMP/ratio" ] || cp "$TMP/ratio.all" "$TMP/ratio" 2>/dev/null
	rm -f "$TMP/ratio.all"
}

# form_of ID C: whether ID is one of ceiling row C's other no-op forms.
form_of() { [ "$(mode_field "$1" 2)" = ceilform ] && [ "$(ceiling_of "$1")" = "$2" ]; }

# The fastest no-op form of each ceiling row: "ceiling factor form" lines in
# $TMP/fastest, factor being the form's median ratio to the ceiling row (1
# and the ceiling row itself when no form beat it).
fastest_forms() {
	local c id med
	: >"$TMP/fastest"
	for c in $ROW_IDS; do
		[ "$(mode_field "$c" 2)" = ceiling ] || continue
		: >"$TMP/forms"
		for id in $ROW_IDS; do
			form_of "$id" "$c" || continue
			run_ratios "$id" "$c"
			med=$(stats "$TMP/ratio" %.4f | cut -d' ' -f2)
			# Steady: some of its runs had steady neighbours.
			[ -n "$med" ] && echo "$med $id $(awk -v id="$id" '$1 == id { k = $2 } END { print k + 0 }' "$TMP/kept")" >>"$TMP/forms"
		done
		# The fastest of the steady forms (of all, if none is): one form
		# measured only across a CPU speed switch must not rescale
		# every row.
		sort -g -r "$TMP/forms" | awk -v c="$c" '{ if ($3 > 0) s[++ns] = $0; a[++na] = $0 }
			END {
				split(ns ? s[1] : (na ? a[1] : ""), b, " ")
				if (b[1] > 1) print c, b[1], b[2]; else print c, 1, c
			}' >>"$TMP/fastest"
	done
	: >"$TMP/kept"
}

# The fastest form's factor for ID's ratios (1 for ceilings, forms and rows
# with a reference of their own), and its id.
form_factor() {
	local c
	case $(mode_field "$1" 2) in ceiling | ceilform) echo "1 -"; return ;; esac
	c=$(ceiling_of "$1")
	awk -v c="$c" '$1 == c { print $2, $3; f = 1 } END { if (!f) print 1, "-" }' "$TMP/fastest"
}

# From raw.tsv to rows: id label size threads min med max rmin rmed rmax skipped
summarise() {
	local id ceil kind factor
	fastest_forms
	: >"$TMP/rows"
	: >"$TMP/kept"
	for id in $ROW_IDS; do
		kind=$(mode_field "$id" 2)
		if missing "$id"; then
			echo "$id skipped" >>"$TMP/rows"
			continue
		fi
		awk -v id="$id" '$3 == id { print $6 }' "$OUT/raw.tsv" >"$TMP/pps"
		if [ ! -s "$TMP/pps" ]; then
			echo "$id failed" >>"$TMP/rows"
			continue
		fi
		ceil=$(ceiling_of "$id")
		: >"$TMP/ratio"
		if [ "$kind" = tcp ]; then
			# acked / sent payload bytes, run by run.
			awk -v id="$id" '$3 == id && $7 > 0 { printf "%.4f\n", $4 / $7 }' "$OUT/raw.tsv" >"$TMP/ratio"
		elif [ "$ceil" = "$id" ]; then
			echo 1 >"$TMP/ratio"
		elif [ -n "$ceil" ]; then
			run_ratios "$id" "$ceil"
			# To the fastest no-op form: the neighbour's ratio over the
			# fastest form's (both medians of runs between the same
			# neighbours).
			read -r factor _ < <(form_factor "$id")
			awk -v f="$factor" '{ printf "%.4f\n", $1 / f }' "$TMP/ratio" >"$TMP/ratio.f" &&
				mv "$TMP/ratio.f" "$TMP/ratio"
		fi
		echo "$id ok $(stats "$TMP/pps" %.0f) $(stats "$TMP/ratio" %.4f)" >>"$TMP/rows"
	done
}

mpps() { awk -v v="$1" 'BEGIN { printf "%.3f", v / 1e6 }'; }
gbps() { awk -v v="$1" 'BEGIN { printf "%.3f", v / 1e9 }'; }

# skipped_row KEY N FORMAT: the row of a mode that has no figures (its
# $status skipped or failed), in results.json, results.md and on stdout.
# KEY and N are its third column (threads or flows); FORMAT lays out the
# stdout line. Uses the caller's id, label, size, status, json and md.
skipped_row() {
	local why="not installed"
	[ "$status" = failed ] && why="failed (see the messages above)"
	printf '    {"id": "%s", "mode": %s, "frame_size": %s, "%s": %s, "skipped": "%s"}' \
		"$id" "$(json_str "$label")" "$size" "$1" "$2" "$why" >>"$json"
	echo "| $label | $size | $2 | skipped: $why | | |" >>"$md"
	# shellcheck disable=SC2059 # the format is the caller's
	printf "$3" "$label" "$size" "$2" "skipped: $why"
}

# What a row's ratio is against, for results.md.
against() {
	local c factor fastest
	c=$(ceiling_of "$1")
	case $(mode_field "$1" 2) in
	ceiling)
		awk -v c="$1" '$1 == c { if ($3 == c) print "fastest of the forms";
			else print "neighbour of every row; slower than the fastest" }' "$TMP/fastest"
		return ;;
	ceilform)
		awk -v c="$c" -v id="$1" '$1 == c && $3 == id { f = 1 }
			END { printf "its neighbours (devmap b64)%s\n", f ? "; **fastest**" : "" }' "$TMP/fastest"
		return ;;
	esac
	[ "$c" = "$1" ] && { echo "the rows that name it"; return; }
	read -r factor fastest < <(form_factor "$1")
	if [ "$fastest" = - ]; then
		echo "$(mode_field "$c" 3) ($c)"
	else
		echo "$(mode_field "$fastest" 3) ($fastest, fastest; ×1/$factor of the neighbour ratio)"
	fi
}

# The issue's targets, from the rows' median ratios (the rows of one
# comparison share their ceiling, so the ratio of their medians is the ratio
# of their rates under the same conditions): a table in results.md and
# "targets" in results.json. Lines of TARGETS: name|numerator|denominator
# (- for a ratio that is already the row's)|target.
TARGETS="
sink without stamps / XDP_DROP (udp fixed, 64 B)|udp64|drop64|0.95
stamped into sink / plain into sink (70 B)|stamp70|udp70|0.75
udp --veth --stamp / udp --veth|vethstamp|-|0.75
udp --stamp / plain at the generator (into XDP_DROP, 70 B)|stamp70drop|udp70drop|0.85
udp fixed / fastest no-op (1 thread)|udp64|-|0.95
udp -d 1000 / fastest no-op (1 thread)|dyn64|-|0.95
udp -a 256 -A 64 / fastest no-op (1 thread)|ranges64|-|0.95
udp fixed / fastest no-op (-t 2)|udp64t2|-|0.95
udp -d 1000 / fastest no-op (-t 2)|dyn64t2|-|0.95
udp -a 256 -A 64 / fastest no-op (-t 2)|ranges64t2|-|0.95
"
report_targets() {
	local md=$1 json=$2 name a b target ra rb r verdict first=1
	printf '  "targets": [' >>"$json"
	{
		echo
		echo "## Targets (issue 15)"
		echo
		echo "Ratio of the two rows' median ratios to their common ceiling (or the row's own ratio);"
		echo "met when at or above the target. Rows not run here show no figure."
		echo
		echo "| comparison | ratio | target | |"
		echo "|---|---:|---:|---|"
	} >>"$md"
	while IFS='|' read -r name a b target; do
		[ -n "$name" ] || continue
		ra=$(awk -v id="$a" '$1 == id { print $2 }' "$TMP/medians" 2>/dev/null)
		rb=1
		[ "$b" = - ] || rb=$(awk -v id="$b" '$1 == id { print $2 }' "$TMP/medians" 2>/dev/null)
		if [ -z "$ra" ] || [ -z "$rb" ]; then
			r=null verdict="not measured"
		else
			r=$(awk -v a="$ra" -v b="$rb" 'BEGIN { printf "%.3f", a / b }')
			verdict=$(awk -v r="$r" -v t="$target" 'BEGIN { print (r >= t ? "met" : "not met") }')
		fi
		[ "$first" = 1 ] || printf ',' >>"$json"
		first=0
		printf '\n    {"target": %s, "ratio": %s, "min": %s, "met": %s}' "$(json_str "$name")" \
			"$r" "$target" "$([ "$verdict" = met ] && echo true || echo false)" >>"$json"
		echo "| $name | ${r/null/–} | ≥ $target | $verdict |" >>"$md"
		printf '%-60s %6s  >= %s  %s\n' "$name" "${r/null/-}" "$target" "$verdict"
	done <<<"$TARGETS"
	printf '\n  ],\n' >>"$json"
}

report() {
	local id status min med max rmin rmed rmax label size threads first factor fastest
	local md=$OUT/results.md json=$OUT/results.json dat=$OUT/pps.dat
	{
		echo "# trafficgen bench"
		echo
		echo "$(nproc) CPUs, $CPU_MODEL, kernel $(uname -r), kernel.bpf_stats_enabled=$BPF_STATS;"
		echo "$ROUNDS round(s) of ${SECS} s per mode;"
		echo "load average before: $LOAD0, after: $(cut -d' ' -f1-3 /proc/loadavg)."
		echo "The ceiling is the template redirected untouched, in four no-op forms: through a"
		echo "one-entry devmap or by ifindex, batches of 64 or 256 frames. Every run is measured"
		echo "between two runs of the devmap/64 form (its neighbours); each other form's ratio is to"
		echo "those neighbours, and every other row's ratio is to the FASTEST form of its frame size"
		echo "and threads: its ratio to the neighbours divided by that form's median ratio to them"
		echo "(when above 1; column \"against\")."
		echo "pps = frames the sink (XDP_DROP) received / the sender's duration (rows \"into"
		echo "XDP_DROP\": the receiving veth's rx_packets with an empty XDP_DROP program instead of"
		echo "the sink; udp --veth rows: its own pair's sink, and --veth --stamp runs between --veth"
		echo "runs, its ratio being to them);"
		echo "min/median/max over rounds (for a ceiling, over all its runs). The CPU of this kind"
		echo "of VM changes speed, by up to 1.5x, at times for seconds: a run whose two ceiling"
		echo "neighbours differ by more than $(awk -v s="$STEADY" 'BEGIN { print s * 100 }')% straddles a switch and its ratio is left"
		echo "out (\"k/n runs\": kept of all; with none kept, all count)."
		echo "--stamp needs 70-byte frames over IPv4; the sink's stamp tracking runs on the"
		echo "sender's CPU (veth receive is softirq there), so stamped rates include it."
		echo
		echo "| mode | frame | threads | Mpps median | Mpps min–max | ratio (min–max) | against |"
		echo "|---|---:|---:|---:|---:|---:|---|"
	} >"$md"
	printf '{\n  "machine": {"nproc": %s, "cpu_model": %s, "kernel": %s, "bpf_stats_enabled": %s, "loadavg_before": %s, "loadavg_after": %s},\n' \
		"$(nproc)" "$(json_str "$CPU_MODEL")" "$(json_str "$(uname -r)")" "$(json_str "$BPF_STATS")" \
		"$(json_str "$LOAD0")" "$(json_str "$(cut -d' ' -f1-3 /proc/loadavg)")" >"$json"
	printf '  "seconds_per_run": %s, "rounds": %s, "batch": 64,\n  "rows": [\n' "$SECS" "$ROUNDS" >>"$json"
	: >"$dat"
	: >"$TMP/medians"
	printf '\n%-28s %6s %3s %10s %23s %s\n' mode frame thr "pps median" "pps min-max" "ratio (min-max; runs kept)"
	first=1
	: >"$TMP/tcprows"
	while read -r id status min med max rmin rmed rmax; do
		# TCP rows are in another unit: a table and a plot of their own.
		if is_tcp "$id"; then
			echo "$id $status $min $med $max $rmin $rmed $rmax" >>"$TMP/tcprows"
			continue
		fi
		label=$(mode_field "$id" 3) size=$(mode_field "$id" 4) threads=$(mode_field "$id" 5)
		[ "$first" = 1 ] || printf ',\n' >>"$json"
		first=0
		case $status in
		skipped | failed)
			skipped_row threads "$threads" '%-28s %6s %3s %s\n'
			continue
			;;
		esac
		printf '    {"id": "%s", "mode": %s, "frame_size": %s, "threads": %s, "pps": {"min": %s, "median": %s, "max": %s}, "ratio": ' \
			"$id" "$(json_str "$label")" "$size" "$threads" "$min" "$med" "$max" >>"$json"
		if [ "$(ceiling_of "$id")" = "$id" ]; then
			printf '{"min": 1, "median": 1, "max": 1}, "reference": true}' >>"$json"
			echo "| $label | $size | $threads | $(mpps "$med") | $(mpps "$min")–$(mpps "$max") | reference | $(against "$id") |" >>"$md"
			printf '%-28s %6s %3s %10.0f %11.0f-%-11.0f %s\n' "$label" "$size" "$threads" \
				"$med" "$min" "$max" reference
		elif [ -n "$rmed" ]; then
			read -r kept all < <(awk -v id="$id" '$1 == id { print $2, $3 }' "$TMP/kept")
			read -r factor fastest < <(form_factor "$id")
			[ "$fastest" = - ] && fastest=$(ceiling_of "$id")
			printf '{"min": %s, "median": %s, "max": %s}, "ratio_runs": {"kept": %s, "all": %s}, "ratio_to": "%s", "fastest_form_factor": %s}' \
				"$rmin" "$rmed" "$rmax" "$kept" "$all" "$fastest" "$factor" >>"$json"
			echo "| $label | $size | $threads | $(mpps "$med") | $(mpps "$min")–$(mpps "$max") | $rmed ($rmin–$rmax; $kept/$all runs) | $(against "$id") |" >>"$md"
			echo "$id $rmed" >>"$TMP/medians"
			printf '%-28s %6s %3s %10.0f %11.0f-%-11.0f %6s (%s-%s; %s/%s runs)\n' "$label" \
				"$size" "$threads" "$med" "$min" "$max" "$rmed" "$rmin" "$rmax" "$kept" "$all"
		else
			printf 'null}' >>"$json"
			echo "| $label | $size | $threads | $(mpps "$med") | $(mpps "$min")–$(mpps "$max") | |" >>"$md"
			printf '%-28s %6s %3s %10.0f %11.0f-%-11.0f\n' "$label" "$size" "$threads" "$med" "$min" "$max"
		fi
		# Plot data: label, Mpps median/min/max, colour by frame size.
		printf '"%s %sB%s"\t%s\t%s\t%s\t%s\n' "$label" "$size" \
			"$([ "$threads" -gt 1 ] && echo " t$threads")" "$(mpps "$med")" "$(mpps "$min")" \
			"$(mpps "$max")" "$(case $size in 64 | 66) echo 1 ;; 70 | 90) echo 2 ;; *) echo 3 ;; esac)" >>"$dat"
	done <"$TMP/rows"
	printf '\n  ],\n' >>"$json"
	report_xsk_ref "$md" "$json"
	report_targets "$md" "$json"
	report_paired "$md" "$json"
	report_tcp "$md" "$json"
	paths_report "$md" "$json"
	printf '}\n' >>"$json"
	echo
	echo "bench: wrote $md, $json"
}

# udp --xsk against the AF_XDP reference: the ratio of their pps in each
# round (the two run one after the other, a ceiling run between), median
# and range over rounds; a line in results.md, "xsk_vs_reference" in
# results.json (null when either did not run).
report_xsk_ref() {
	local md=$1 json=$2 r med lo hi n
	r=$(awk '$3 == "xsk64" { a[$1] = $6 } $3 == "xskref64" { b[$1] = $6 }
		END { for (k in a) if (b[k] > 0) printf "%.4f\n", a[k] / b[k] }' "$OUT/raw.tsv" |
		sort -g | awk '{ v[NR] = $1 } END { if (!NR) exit
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.4f %s %s %d\n", m, v[1], v[NR], NR }')
	if [ -z "$r" ]; then
		printf '  "xsk_vs_reference": null,\n' >>"$json"
		return 0
	fi
	read -r med lo hi n <<<"$r"
	printf '  "xsk_vs_reference": {"median": %s, "min": %s, "max": %s, "rounds": %s},\n' \
		"$med" "$lo" "$hi" "$n" >>"$json"
	{
		echo
		echo "udp --xsk / AF_XDP reference (tests/bench/xsk_txonly, one socket, xdpsock --txonly's"
		echo "design), pps of the same round: $med median ($lo–$hi) over $n round(s)."
	} >>"$md"
	printf '\nudp --xsk / AF_XDP reference: %s (%s-%s) over %s round(s)\n' "$med" "$lo" "$hi" "$n"
}

# The TCP rows: Gbit/s, and acked/sent for trafficgen.
report_tcp() {
	local md=$1 json=$2 dat=$OUT/tcp.dat first=1
	local id status min med max rmin rmed rmax label size flows kind
	printf '  "tcp": {"seconds_per_run": %s, "unit": "Gbit/s", "goodput": "payload bytes acknowledged (trafficgen) or received (iperf3) per second", "acked_per_sent": "payload bytes acknowledged / payload bytes sent, retransmissions in"},\n  "tcp_rows": [\n' \
		"$TSECS" >>"$json"
	: >"$dat"
	if [ -s "$TMP/tcprows" ]; then
		{
			echo
			echo "## TCP goodput"
			echo
			echo "Gbit/s = payload bytes acknowledged (trafficgen tcp: its goodput_bps, first segment to last"
			echo "ACK) or received (iperf3: sum_received) per second; $ROUNDS round(s) of $TSECS s; min/median/max"
			echo "over rounds. One sending thread each; 1500-byte frames (trafficgen -s 1500: 1496 bytes and"
			echo "1430 of payload; iperf3 at MTU 1500: 1514 and 1448, TSO being off while the peer has an XDP"
			echo "program); into a kernel TCP receiver in the other namespace (tests/tools/tcp_discard; iperf3 -s)"
			echo "whose veth has an XDP pass program, or GRO on and no program (\"GRO receiver\"). acked/sent ="
			echo "payload bytes acknowledged / payload bytes sent (retransmissions included)."
			echo
			echo "| mode | frame | flows | Gbit/s median | Gbit/s min–max | acked/sent (min–max) |"
			echo "|---|---:|---:|---:|---:|---:|"
		} >>"$md"
		printf '\n%-34s %6s %5s %10s %15s %s\n' mode frame flows "Gbit/s" "Gbit/s min-max" "acked/sent (min-max)"
	fi
	while read -r id status min med max rmin rmed rmax; do
		label=$(mode_field "$id" 3) size=$(mode_field "$id" 4) flows=$(mode_field "$id" 5)
		kind=$(mode_field "$id" 2)
		[ "$first" = 1 ] || printf ',\n' >>"$json"
		first=0
		case $status in
		skipped | failed)
			skipped_row flows "$flows" '%-34s %6s %5s %s\n'
			continue
			;;
		esac
		printf '    {"id": "%s", "mode": %s, "frame_size": %s, "flows": %s, "goodput_gbps": {"min": %s, "median": %s, "max": %s}, "acked_per_sent": ' \
			"$id" "$(json_str "$label")" "$size" "$flows" "$(gbps "$min")" "$(gbps "$med")" \
			"$(gbps "$max")" >>"$json"
		if [ -n "$rmed" ]; then
			printf '{"min": %s, "median": %s, "max": %s}}' "$rmin" "$rmed" "$rmax" >>"$json"
			echo "| $label | $size | $flows | $(gbps "$med") | $(gbps "$min")–$(gbps "$max") | $rmed ($rmin–$rmax) |" >>"$md"
			printf '%-34s %6s %5s %10s %15s %s (%s-%s)\n' "$label" "$size" "$flows" "$(gbps "$med")" \
				"$(gbps "$min")-$(gbps "$max")" "$rmed" "$rmin" "$rmax"
		else
			printf 'null}' >>"$json"
			echo "| $label | $size | $flows | $(gbps "$med") | $(gbps "$min")–$(gbps "$max") | |" >>"$md"
			printf '%-34s %6s %5s %10s %15s\n' "$label" "$size" "$flows" "$(gbps "$med")" \
				"$(gbps "$min")-$(gbps "$max")"
		fi
		# Plot data: label, Gbit/s median/min/max, colour by contender.
		printf '"%s"\t%s\t%s\t%s\t%s\n' "$label" "$(gbps "$med")" "$(gbps "$min")" "$(gbps "$max")" \
			"$([ "$kind" = tcp ] && echo 1 || echo 2)" >>"$dat"
	done <"$TMP/tcprows"
	printf '\n  ]\n' >>"$json"
}

plot() {
	if ! command -v gnuplot >/dev/null 2>&1; then
		echo "bench: no gnuplot (Debian gnuplot-nox): no $OUT/pps.png" >&2
		return 0
	fi
	[ -s "$OUT/pps.dat" ] || return 0
	gnuplot <<EOF 2>"$TMP/gnuplot.err" || { echo "bench: gnuplot failed: $(cat "$TMP/gnuplot.err")" >&2; return 0; }
set terminal pngcairo noenhanced size 1600,700 font "sans,10"
set output "$OUT/pps.png"
set title "trafficgen bench: median Mpps, min–max bars ($ROUNDS round(s) × ${SECS} s; $(nproc) CPUs, kernel $(uname -r))"
set ylabel "Mpps received by the sink (XDP_DROP)"
set style fill solid 0.8 border -1
set boxwidth 0.7
set grid ytics
set yrange [0:*]
set xtics rotate by -35 left nomirror
set bmargin 8
set rmargin 12
set offsets 0.5, 0.5, 0, 0
set key top right
set datafile separator "\t"
set palette maxcolors 3
set linetype 11 lc rgb "#4878cf"
set linetype 12 lc rgb "#e8a33d"
set linetype 13 lc rgb "#6aa84f"
plot "$OUT/pps.dat" using 0:(\$5 == 1 ? \$2 : 1/0):xtic(1) with boxes lt 11 title "64-byte frames (66 over IPv6)", \
     "" using 0:(\$5 == 2 ? \$2 : 1/0) with boxes lt 12 title "70-byte frames (90 over IPv6): stamped and their plain pairs", \
     "" using 0:(\$5 == 3 ? \$2 : 1/0) with boxes lt 13 title "1500-byte frames", \
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 lw 1.5 notitle, \
     "" using 0:(\$4):(sprintf("%.2f", \$2)) with labels offset 0,0.8 notitle
EOF
	echo "bench: wrote $OUT/pps.png"
}

# TCP goodput, in a PNG of its own: another unit.
plot_tcp() {
	command -v gnuplot >/dev/null 2>&1 || return 0	# plot() said so
	[ -s "$OUT/tcp.dat" ] || return 0
	gnuplot <<EOF 2>"$TMP/gnuplot.err" || { echo "bench: gnuplot failed: $(cat "$TMP/gnuplot.err")" >&2; return 0; }
set terminal pngcairo noenhanced size 800,550 font "sans,10"
set output "$OUT/tcp.png"
set title "trafficgen bench: TCP goodput, median Gbit/s, min–max bars ($ROUNDS round(s) × ${TSECS} s; $(nproc) CPUs)"
set ylabel "Gbit/s of payload acknowledged / received"
set style fill solid 0.8 border -1
set boxwidth 0.6
set grid ytics
set yrange [0:*]
set xtics nomirror
set offsets 0.5, 0.5, graph 0.1, 0
set key below
set datafile separator "\t"
set linetype 11 lc rgb "#4878cf"
set linetype 12 lc rgb "#d65f5f"
plot "$OUT/tcp.dat" using 0:(\$5 == 1 ? \$2 : 1/0):xtic(1) with boxes lt 11 title "trafficgen tcp (1500-byte frames)", \
     "" using 0:(\$5 == 2 ? \$2 : 1/0) with boxes lt 12 title "iperf3 (MTU 1500)", \
     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt 0 lw 1.5 notitle, \
     "" using 0:(\$4):(sprintf("%.2f", \$2)) with labels offset 0,0.8 notitle
EOF
	echo "bench: wrote $OUT/tcp.png"
}

ALL_IDS=$(BENCH_MODES='' mode_ids)
# Space-separated: the tests below look for " $id " in it.
IDS=$(mode_ids | tr '\n' ' ')
IDS=${IDS% }
[ -n "$IDS" ] || [ -n "$PATH_IDS" ] || die "BENCH_MODES=${BENCH_MODES:-} names no mode"
CPU_MODEL=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
[ -n "$CPU_MODEL" ] || CPU_MODEL=$(uname -m)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
STATS_KNOB=/proc/sys/kernel/bpf_stats_enabled
STATS_WAS=$(cat "$STATS_KNOB" 2>/dev/null || echo unknown)
case ${BENCH_BPF_STATS:-} in
'' | "$STATS_WAS") ;;
0 | 1)
	[ "$STATS_WAS" != unknown ] || die "BENCH_BPF_STATS: this kernel has no $STATS_KNOB"
	echo "${BENCH_BPF_STATS}" >"$STATS_KNOB" ||
		die "BENCH_BPF_STATS: could not write $STATS_KNOB (needs root)"
	;;
*) die "BENCH_BPF_STATS=${BENCH_BPF_STATS}: give 0 or 1" ;;
esac
BPF_STATS=$(cat "$STATS_KNOB" 2>/dev/null || echo unknown)
# shellcheck disable=SC2034,SC2016 # lib.sh's cleanup evaluates it
CLEANUP_EXTRA='[ -n "$SINK_PID" ] && kill -9 "$SINK_PID" 2>/dev/null
	[ "$STATS_WAS" = unknown ] || [ "$BPF_STATS" = "$STATS_WAS" ] || echo "$STATS_WAS" >"$STATS_KNOB"'
rm -f "$OUT/raw.tsv" "$OUT/paired.tsv" "$OUT/results.json" "$OUT/results.md" "$OUT/pps.png" "$OUT/pps.dat" \
	"$OUT/tcp.png" "$OUT/tcp.dat"

setup || die "could not set up the veth pair"
echo "bench: $ROUNDS round(s) × ${SECS} s per mode on $VG -> $VR ($(nproc) CPUs, $CPU_MODEL, load $LOAD0)"
echo "bench: kernel.bpf_stats_enabled=$BPF_STATS$([ "$BPF_STATS" = 1 ] &&
	echo ': every XDP program run is timed, which lowers all rates (BENCH_BPF_STATS=0 to measure without)')"

# A first, unrecorded run: the first live-frame call after loading pays for
# warming caches and the page allocator.
start_sink && run_sender ceiling 64 1 "" >/dev/null
[ -n "$SINK_PID" ] && stop_sink >/dev/null

# The schedule: for each ceiling, in the modes' order, the ceiling, then each
# contender that compares with it followed by the ceiling again.
schedule() {
	local c id
	for c in $ALL_IDS; do
		[ "$(ceiling_of "$c")" = "$c" ] || continue
		local deps='' forms=''
		for id in $IDS; do
			[ "$id" != "$c" ] && [ "$(ceiling_of "$id")" = "$c" ] || continue
			[ "$(mode_field "$id" 2)" = ceilform ] && continue
			missing "$id" && continue
			deps="$deps $id"
		done
		# A ceiling's other no-op forms go wherever it goes: the
		# ratios are to the fastest.
		if [ -n "$deps" ] || [[ " $IDS " == *" $c "* ]]; then
			for id in $ALL_IDS; do
				form_of "$id" "$c" && forms="$forms $id"
			done
			deps="$forms$deps"
		fi
		if [ -n "$deps" ]; then
			echo "$c"
			for id in $deps; do echo "$id"; echo "$c"; done
		elif [[ " $IDS " == *" $c "* ]]; then
			echo "$c"
		fi
	done
	# Then TCP, with no ceiling: each trafficgen row next to its iperf3 row.
	for id in $IDS; do
		is_tcp "$id" && ! missing "$id" && echo "$id"
	done
}
SCHEDULE=$(schedule)
FAILED=0
echo "bench: $(wc -l <<<"$SCHEDULE") measurements a round"

for round in $(seq "$ROUNDS"); do
	order=$SCHEDULE
	[ $((round % 2)) -eq 0 ] && order=$(tac <<<"$SCHEDULE")
	seq=0
	for id in $order; do
		seq=$((seq + 1))
		measure "$round" "$seq" "$id" || FAILED=$((FAILED + 1))
	done
done

paths_run || FAILED=$((FAILED + 1))
FAILED=$((FAILED + PATH_FAILED))

for id in $IDS; do
	is_paired "$id" || continue
	measure_paired "$id" || FAILED=$((FAILED + 1))
done

# Rows: the modes asked for and the ceilings they were compared with.
ROW_IDS=$(for id in $ALL_IDS; do
	[[ " $IDS " == *" $id "* ]] || grep -qx "$id" <<<"$SCHEDULE" && echo "$id"
done)
summarise
report
plot
plot_tcp
if [ "$FAILED" -gt 0 ]; then
	echo "bench: $FAILED measurement(s) failed" >&2
	exit 1
fi
