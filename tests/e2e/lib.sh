# shellcheck shell=bash
# Shared by the end-to-end tests: throwaway namespaces joined by a veth pair,
# TAP verdicts, receiver counters. Source it; it installs a trap that removes
# everything the test made on every exit path.
#
# Topology: namespace $NSG holds the generator's end $VG, namespace $NSR the
# receiver's end $VR. Addresses are from the benchmarking ranges (RFC 2544
# 198.18.0.0/15, RFC 5180 2001:2::/48) and exist only inside $NSR; local
# routes make whole ranges local there, so every generated destination is
# delivered to its UDP layer and nothing is forwarded anywhere.

set -u
BUILD=${BUILD:-build}
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TG=$TOP/$BUILD/trafficgen
BPF_OBJ=$TOP/$BUILD/bpf
ID=$(printf '%05x' $(( ($$ + RANDOM) % 1048576 )))
NSG=tg-e2e-g-$ID
NSR=tg-e2e-r-$ID
VG=tg${ID}g
VR=tg${ID}r
R4=198.18.0.1
R6=2001:2::1
G4=198.18.0.2
G6=2001:2::2
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d /tmp/tg-e2e.XXXXXX)

ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $1"; }
not_ok() {
	TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	local line
	for line in "$@"; do echo "# $line"; done
}
skip_all() { echo "ok 1 - all # SKIP $1"; exit 0; }

# check NAME EXPECTED ACTUAL: equality, with both shown on failure.
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "actual:   $3"; fi
}
# check_true NAME CMD...: the command succeeds.
check_true() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# nap SECONDS: sleep(1) without a process: the polling loops below wait
# for events in short steps, and a fork and exec each step would cost more
# than the wait. (A read on a pipe nobody writes to, until its timeout.)
exec {NAP_FD}<> <(:)
nap() { read -rt "$1" -u "$NAP_FD"; return 0; }

# Every command in a namespace is bounded in time.
in_g() { timeout -k 5 120 ip netns exec "$NSG" "$@"; }
in_r() { timeout -k 5 120 ip netns exec "$NSR" "$@"; }

# Namespaces a test makes besides $NSG and $NSR (tests/e2e/path.sh's three)
# go in EXTRA_NS, space-separated, to be removed with them.
EXTRA_NS=

cleanup() {
	local i ns
	[ -n "${CLEANUP_EXTRA:-}" ] && eval "$CLEANUP_EXTRA"
	for ns in "$NSG" "$NSR" $EXTRA_NS; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
	done
	for ns in "$NSG" "$NSR" $EXTRA_NS; do
		ip netns del "$ns" 2>/dev/null
	done
	# Namespaces go away asynchronously; wait (bounded) so the next test
	# starts clean.
	for i in $(seq 50); do
		ip link show "$VG" >/dev/null 2>&1 || break
		sleep 0.1
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_root() {
	[ "$(id -u)" -eq 0 ] || skip_all "needs root"
	[ -x "$TG" ] || skip_all "no $TG: run make first"
}

# setup_pair gro|xdp|none: the receiver's end gets GRO, an XDP pass program,
# or neither (then the veth cannot take redirects).
setup_pair() {
	local mode=$1
	ip netns add "$NSG" && ip netns add "$NSR" || return 1
	# As many queues as sending threads: each sending CPU fills its own
	# ring, so two threads do not overflow one (doc/live-frames.md).
	ip link add "$VG" netns "$NSG" numtxqueues 2 numrxqueues 2 type veth \
		peer name "$VR" netns "$NSR" numtxqueues 2 numrxqueues 2 || return 1
	# The generator's end must not send anything of its own (IPv6 DAD, RS):
	# the receiver's counters must count only generated frames.
	in_g sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	in_g sysctl -qw "net.ipv6.conf.$VG.disable_ipv6=1"
	in_r sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
	in_r sysctl -qw net.ipv4.icmp_ratelimit=0 2>/dev/null
	# No address on the generator's end: it must not answer the ARP that
	# the receiver's ICMP errors cause, or that reply would be counted.
	ip -n "$NSR" addr add "$R4/24" dev "$VR"
	ip -n "$NSR" addr add "$R6/64" dev "$VR" nodad
	ip -n "$NSG" link set dev "$VG" up
	ip -n "$NSR" link set dev "$VR" up
	ip -n "$NSR" link set dev lo up
	ip -n "$NSR" route add local 198.18.1.0/24 dev lo || return 1
	ip -n "$NSR" -6 route add local 2001:2:0:1::/64 dev lo || return 1
	case $mode in
	gro) in_r ethtool -K "$VR" gro on >/dev/null ;;
	xdp) ip -n "$NSR" link set dev "$VR" xdp obj "$BPF_OBJ/xdp_pass.bpf.o" sec xdp ;;
	none) ;;
	esac
	VR_MAC=$(ip -n "$NSR" -br link show dev "$VR" | awk '{print $3}')
	VG_MAC=$(ip -n "$NSG" -br link show dev "$VG" | awk '{print $3}')
}

# rx_packets: $VR's received frames (the counter sysfs shows, from ip -s in one
# process rather than three).
rx_packets() {
	local l rx=
	while read -r l; do
		[ "$rx" = next ] && { set -- $l; echo "$2"; return; }
		[[ $l == RX:* ]] && rx=next
	done < <(ip -n "$NSR" -s link show dev "$VR")
}

# snmp FIELD: a counter from /proc/net/snmp (Udp: ...) or snmp6 in $NSR.
snmp() {
	case $1 in
	Udp6*) in_r awk -v k="$1" '$1 == k { print $2 }' /proc/net/snmp6 ;;
	*) in_r awk -v k="$1" '
		$1 == "Udp:" && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == "Udp:" && hdr { print $col[k] }' /proc/net/snmp ;;
	esac
}

# udp_in 4|6: datagrams the receiver's UDP layer took, to a socket or not.
udp_in() {
	if [ "$1" = 4 ]; then
		echo $(( $(snmp InDatagrams) + $(snmp NoPorts) ))
	else
		echo $(( $(snmp Udp6InDatagrams) + $(snmp Udp6NoPorts) ))
	fi
}
udp_csum_errors() {
	if [ "$1" = 4 ]; then snmp InCsumErrors; else snmp Udp6InCsumErrors; fi
}

# JSON field of the last line (the summary) of a file: json_field FILE KEY.
# (Builtins only, as `tail -n 1 | grep -o '"KEY":[^,}]*' | head -n 1 | cut -d:
# -f2 | tr -d '"'` would answer: on this machine a process costs more than
# the reading, and the tests ask many of these.)
json_field() {
	local lines v re="\"$2\":([^,}]*)"
	mapfile -t lines 2>/dev/null <"$1" || return 0
	[ ${#lines[@]} -gt 0 ] || return 0
	[[ ${lines[-1]} =~ $re ]] || return 0
	v=${BASH_REMATCH[1]%%:*}
	echo "${v//\"/}"
}

# Nothing of ours attached to either end.
# (One process each: bad input tests call them twice a case.)
no_xdp_on_gen() { [[ $(ip -n "$NSG" link show dev "$VG") != *prog/xdp* ]]; }
no_xdp_on_recv() { [[ $(ip -n "$NSR" link show dev "$VR") != *prog/xdp* ]]; }

# What --veth could leave behind where a user would see it: a named
# namespace or a link of its own (tgv<pid>g/s) here. Its namespaces are
# anonymous, so once the process is gone they cannot be anywhere else.
veth_leftovers() { { ip netns list; ip -o link show; } 2>/dev/null | grep -c 'tgv[0-9]'; }

# alive PID: the process exists and is not a zombie (kill -0 succeeds on those).
# (Builtins only: the polling loops call it every few ms.)
alive() {
	local k v
	while read -r k v _; do
		[ "$k" = State: ] && { [ "$v" != Z ]; return; }
	done 2>/dev/null <"/proc/$1/status"
	return 1
}

# wait_start PID FILE: until FILE has trafficgen's JSON start line (bounded:
# 5 s); fails at once if PID ends first.
wait_start() {
	local i
	for i in $(seq 250); do
		grep -q '"type":"start"' "$2" 2>/dev/null && return 0
		alive "$1" || return 1
		nap 0.02
	done
	return 1
}

# wait_blocked PID: until PID blocks SIGINT (bounded: 5 s), as trafficgen
# does once its options are read, to take a stop request when it is ready
# for it. A background job of a script starts with SIGINT ignored, and an
# ignored signal that comes before the block is lost: a test that stops a
# run during its set-up waits for this first.
wait_blocked() {
	local i k v
	for i in $(seq 500); do
		while read -r k v; do
			[ "$k" = SigBlk: ] && (( 16#$v & 2 )) && return 0
		done 2>/dev/null <"/proc/$1/status"
		alive "$1" || return 1
		nap 0.01
	done
	return 1
}

# wait_exit PID SECONDS: waits (bounded) for a background job of this shell;
# returns its exit status, or kills it and returns 124 if it did not end.
wait_exit() {
	local pid=$1 i
	for i in $(seq $(($2 * 50))); do
		alive "$pid" || break
		nap 0.02
	done
	if alive "$pid"; then
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}

# check_veth_sigkill DELAY ARGS...: `trafficgen ARGS` (a --veth run) killed
# with SIGKILL after DELAY seconds dies of it, and its namespaces with it.
# DELAY "sending": 0.1 s after its JSON start line (ARGS has --json).
check_veth_sigkill() {
	local delay=$1 pid
	shift
	# Directly, not through a subshell: $! is trafficgen itself.
	"$TG" "$@" >"$TMP/sigkill.out" 2>&1 &
	pid=$!
	if [ "$delay" = sending ]; then
		wait_start "$pid" "$TMP/sigkill.out"
		sleep 0.1
	else
		sleep "$delay"
	fi
	kill -9 "$pid"
	# Patience, not the property: a killed process still takes the RTNL lock
	# to tear its links and namespaces down, and beside the other scripts'
	# namespace teardowns that lock was seen held for over 5 s.
	wait_exit "$pid" 20
	check_eq "sigkill: the process died of it" 137 $?
	# The kernel frees a dead process's namespaces asynchronously.
	sleep 0.2
	check_eq "sigkill: nothing left: no namespace or link of ours" 0 "$(veth_leftovers)"
}

# ---- a kernel TCP receiver (tests/tools/tcp_discard) ----------------------

DISCARD=$TOP/$BUILD/tests/tools/tcp_discard
require_discard() { [ -x "$DISCARD" ] || skip_all "no $DISCARD: run make first"; }

# tcp_rx_start NS NAME FLOWS [ARGS]: the receiver in namespace NS on $PORT
# in the background; sets RX_PID. Started directly (not through in_r) so
# that $! is the receiver itself (ip netns exec execs it); it bounds its
# own run (-T).
tcp_rx_start() {
	local ns=$1 name=$2 flows=$3 i
	shift 3
	rm -f "$TMP/$name.ready"
	ip netns exec "$ns" "$DISCARD" -6 -p "$PORT" -n "$flows" -T 30 \
		-r "$TMP/$name.ready" "$@" >"$TMP/$name.rx" 2>"$TMP/$name.rxerr" &
	RX_PID=$!
	CLEANUP_EXTRA="kill -9 $RX_PID 2>/dev/null"
	for i in $(seq 250); do [ -e "$TMP/$name.ready" ] && break; nap 0.02; done
	[ -e "$TMP/$name.ready" ] ||
		not_ok "$name: the receiver listens on port $PORT" "$(cat "$TMP/$name.rxerr")"
}

rx_total() { awk '$1 == "total" { print $3 }' "$TMP/$1.rx"; }
# Connections whose read() returned 0, from the receiver's own report: what
# the receiving application saw is the thing to judge, not how it exited.
rx_eof() { awk '$1 == "total" { print $7 }' "$TMP/$1.rx"; }

# Sockets of the run still there in namespace $1 (listeners aside).
leftover() { ip netns exec "$1" ss -Htan "( sport = :$PORT or dport = :$PORT )" | grep -vc LISTEN; }

# ---- captures at the receiver, judged by tshark ---------------------------

# tcpdump_start PCAP N [DEV]: tcpdump records N frames that arrive at DEV
# ($VR by default) and match ${FILTER:-udp} into PCAP, in the background
# (bounded: 30 s); returns once it is ready. TCPDUMP_PID for tcpdump_wait.
tcpdump_start() {
	local i
	# Not through in_r: $! is then the capture itself (ip netns exec execs).
	ip netns exec "$NSR" timeout 30 tcpdump -q -n -i "${3:-$VR}" -Q in -B 262144 -c "$2" -U \
		-w "$1" "${FILTER:-udp}" 2>/dev/null </dev/null &
	TCPDUMP_PID=$!
	# tcpdump is ready when it has opened the file.
	for i in $(seq 250); do [ -s "$1" ] && break; nap 0.02; done
}
tcpdump_wait() { wait_exit "$TCPDUMP_PID" 35; }

# capture NAME N ARGS...: sends N frames (trafficgen udp ARGS from $VG to
# $VR's MAC) while tcpdump records them at $VR; leaves $TMP/NAME.pcap, the
# sender's JSON in $TMP/NAME.json and its messages in $TMP/NAME.err.
capture() {
	local name=$1 n=$2
	shift 2
	tcpdump_start "$TMP/$name.pcap" "$n"
	in_g "$TG" udp -n "$n" -I 0 --json -m "$VR_MAC" "$@" "$VG" >"$TMP/$name.json" 2>"$TMP/$name.err"
	tcpdump_wait
}

# tshark's start (its dissectors' registration) costs more than reading a
# capture of 100000 frames, and the tests ask each capture many questions:
# the fields they ask for are dissected once per capture, in one pass, into
# PCAP.fields, and each question reads a column of it. The checksum prefs
# only add the status fields; they change no other field.
PCAP_FIELDS="frame.number frame.len frame.cap_len frame.time_relative eth.src eth.type
vlan.id vlan.priority ieee8021ad.id ip.src ip.dst ip.ttl ip.dsfield.dscp
ipv6.dst ipv6.hlim ipv6.plen udp.srcport udp.dstport udp.length
ip.checksum.status udp.checksum.status"

# PCAP_COL[FIELD]: its column in PCAP.fields; pcap_column FIELD says it, or nothing.
declare -A PCAP_COL
_n=0
for _f in $PCAP_FIELDS; do _n=$((_n + 1)) PCAP_COL[$_f]=$_n; done
unset _f _n
pcap_column() { echo "${PCAP_COL[$1]:-}"; }

# pcap_fields PCAP: PCAP.fields, made once (again if PCAP is newer).
pcap_fields() {
	local f e=()
	[ "$1.fields" -nt "$1" ] && return
	for f in $PCAP_FIELDS; do e+=(-e "$f"); done
	tshark -r "$1" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-T fields "${e[@]}" >"$1.fields" 2>/dev/null
}

# pcap_batch PCAP...: PCAP.fields of each, as pcap_fields makes them, from
# one tshark run over all of them (the start of each run is what costs):
# mergecap puts each capture behind an interface of its own, by which the
# lines are sorted back; frame numbers and relative times are counted from
# each capture's first frame again, as tshark would count them.
pcap_batch() {
	local f e=() all=$TMP/batch.pcapng
	for f in $PCAP_FIELDS; do e+=(-e "$f"); done
	mergecap -I none -a -F pcapng -w "$all" "$@" || return 1
	tshark -r "$all" -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-T fields -e frame.interface_id "${e[@]}" 2>/dev/null |
	awk -F '\t' -v OFS='\t' -v files="$*" -v num="${PCAP_COL[frame.number]}" \
		-v rel="${PCAP_COL[frame.time_relative]}" '
	BEGIN { n = split(files, f, " ") }
	{
		id = $1 + 1
		if (!(id in t0)) t0[id] = $(rel + 1)
		$(num + 1) = ++k[id]
		$(rel + 1) = sprintf("%.9f", $(rel + 1) - t0[id])
		line = $2
		for (i = 3; i <= NF; i++) line = line OFS $i
		print line > (f[id] ".fields")
	}
	END { for (i = 1; i <= n; i++) if (!(i in k)) printf "" > (f[i] ".fields") }'
	rm -f "$all"
}

# A script with several captures defines what tshark must answer of each
# as a function judge_NAME beside the capture, names it with `judge NAME`,
# and calls judge_all at the end: one tshark run dissects them all.
JUDGE=()
judge() { JUDGE+=("$1"); }
judge_all() {
	local name pcaps=()
	for name in "${JUDGE[@]}"; do pcaps+=("$TMP/$name.pcap"); done
	[ ${#pcaps[@]} -gt 0 ] && pcap_batch "${pcaps[@]}"
	for name in "${JUDGE[@]}"; do "judge_$name"; done
	JUDGE=()
}

# tshark_fields PCAP FIELD: one value a line, a line a frame (several
# occurrences joined by commas, as tshark prints them).
tshark_fields() {
	local col
	col=${PCAP_COL[$2]:-}
	if [ -z "$col" ]; then
		tshark -r "$1" -T fields -e "$2" 2>/dev/null
		return
	fi
	pcap_fields "$1"
	cut -f "$col" "$1.fields"
}
# frame_count PCAP: the frames tshark reads.
frame_count() { tshark_fields "$1" frame.number | wc -l; }
# count_unique PCAP FIELD: how many different values FIELD takes.
count_unique() { tshark_fields "$1" "$2" | sort -u | wc -l; }

# checksum_frames bad|good PCAP: frames that tshark's display filter
#   bad:  ip.checksum.status == "Bad" || udp.checksum.status == "Bad" ||
#         ipv6.plen != udp.length
#   good: udp.checksum.status == "Good" && (!ip || ip.checksum.status == "Good")
# keeps, from the columns of PCAP.fields. As in the filter language, ==
# holds if any occurrence is equal, != if every pair differs, and a
# comparison with an absent field is false. Status values: 0 Bad, 1 Good.
checksum_frames() {
	pcap_fields "$2"
	awk -F '\t' -v want="$1" -v ip="${PCAP_COL[ip.src]}" \
		-v ics="${PCAP_COL[ip.checksum.status]}" -v ucs="${PCAP_COL[udp.checksum.status]}" \
		-v plen="${PCAP_COL[ipv6.plen]}" -v ulen="${PCAP_COL[udp.length]}" '
	function any_eq(s, v,   n, a, i) {
		n = split(s, a, ",")
		for (i = 1; i <= n; i++) if (a[i] == v) return 1
		return 0
	}
	function all_ne(s, t,   n, m, a, b, i, j) {
		n = split(s, a, ","); m = split(t, b, ",")
		if (!n || !m) return 0
		for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) if (a[i] == b[j]) return 0
		return 1
	}
	want == "bad" && (any_eq($ics, 0) || any_eq($ucs, 0) || all_ne($plen, $ulen)) { n++ }
	want == "good" && any_eq($ucs, 1) && ($ip == "" || any_eq($ics, 1)) { n++ }
	END { print n + 0 }' "$2.fields"
}

# bad_checksums PCAP: frames whose IPv4 header or UDP checksum tshark finds
# bad, or whose IPv6 payload length is not the UDP length.
bad_checksums() { checksum_frames bad "$1"; }
# good_checksums PCAP: frames whose UDP checksum tshark finds good, and over
# IPv4 the header's too.
good_checksums() { checksum_frames good "$1"; }

# check_frames WHAT PCAP N: tcpdump saw every one of the N frames.
check_frames() { check_eq "$1: tcpdump saw every frame" "$3" "$(frame_count "$2")"; }
# check_no_bad WHAT PCAP: no bad length or checksum in the capture.
check_no_bad() { check_eq "$1: no bad length or checksum" 0 "$(bad_checksums "$2")"; }

finish() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}
