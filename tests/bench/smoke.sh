#!/usr/bin/env bash
# `make bench-smoke`: a very short `make bench` (tests/bench/bench.sh) into a
# temporary folder. Judges the shape of what it writes, not the numbers:
# results.json well-formed with one row per mode, results.md tables (pps,
# then TCP goodput) with a header and one row per mode, pps.png and tcp.png
# PNGs. Structure is checked with
# grep and awk (Debian's base has neither jq nor python3); python3's JSON
# parser is used as well where it exists.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/../e2e/lib.sh"
require_root

BENCH=$TOP/tests/bench/bench.sh
[ -x "$TOP/$BUILD/tests/bench/ceiling" ] && [ -x "$TOP/$BUILD/tests/bench/sock_sender" ] &&
	[ -x "$TOP/$BUILD/tests/tools/tcp_discard" ] ||
	skip_all "no bench tools: run 'make bench-smoke' or 'make bench'"

# The modes bench.sh promises, in its order: pps rows, then TCP rows.
PPS_IDS="ceil64 ceil64m256 ceil64i64 ceil64i256 udp64 dyn64 ranges64 drop64
ceil70 ceil70m256 ceil70i64 ceil70i256 udp70 stamp70 udp70drop stamp70drop
ceil64t2 ceil64t2m256 ceil64t2i64 ceil64t2i256 udp64t2 dyn64t2 ranges64t2 xsk64 xskref64 veth vethstamp
ceil1500 ceil1500m256 ceil1500i64 ceil1500i256 udp1500 trafgen64 socket64 trafgen1500 socket1500"
# The targets table of results.md (bench.sh's TARGETS).
NTARGETS=10
TCP_IDS="tcp1 iperf1 tcp4 iperf4 tcp1gro tcp4gro"
# Then the rows through a router (tests/bench/tcp_paths.sh).
PATH_IDS="lossy-tcp lossy-cubic lossy-reno lossy-none lossy-bbr lossy-iperf lossy-iperf-reno lossy-iperf-sys
tbf-tcp tbf-cubic tbf-reno tbf-none tbf-bbr tbf-iperf tbf-iperf-reno tbf-iperf-sys"
MODE_IDS="$PPS_IDS $TCP_IDS $PATH_IDS"
NMODES=$(echo "$MODE_IDS" | wc -w)
# The one-thread 64-byte generator modes also get a paired ratio (abrate).
PAIRED_IDS="udp64 dyn64 ranges64"
NPAIRED=$(echo "$PAIRED_IDS" | wc -w)
OUT=$TMP/bench

# The run flips kernel.bpf_stats_enabled (BENCH_BPF_STATS) and must put it back.
STATS_KNOB=/proc/sys/kernel/bpf_stats_enabled
stats_was=$(cat "$STATS_KNOB")
stats_run=$((1 - stats_was))
start=$(date +%s)
BENCH_SECONDS=0.2 BENCH_ROUNDS=1 BENCH_OUT=$OUT BENCH_BPF_STATS=$stats_run \
	timeout -k 5 480 bash "$BENCH" >"$TMP/bench.out" 2>"$TMP/bench.err"
rc=$?
check_eq "kernel.bpf_stats_enabled is back as it was" "$stats_was" "$(cat "$STATS_KNOB")"
# If it was not, put it back here.
echo "$stats_was" >"$STATS_KNOB"
echo "# bench took $(($(date +%s) - start)) s"
sed 's/^/# /' "$TMP/bench.out"
check_eq "bench.sh exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# stderr: /' "$TMP/bench.err"
# Its own namespaces only (other work may run a bench too): bench.sh names
# its veth pair in its first line, "... on tb<ID>g -> tb<ID>r ...".
bid=$(grep -o ' on tb[0-9a-f]*g ->' "$TMP/bench.out" | head -n 1 | sed 's/ on tb\(.*\)g ->/\1/')
if [ -n "$bid" ]; then
	check_eq "bench.sh left none of its namespaces (tg-bench-{g,r,ps,pm,pr}-$bid)" 0 \
		"$(ip netns list | grep -Ec "^tg-bench-(g|r|ps|pm|pr)-$bid\b")"
else
	not_ok "bench.sh named its veth pair" "$(head -n 3 "$TMP/bench.out")"
fi

J=$OUT/results.json
check_true "results.json written" test -s "$J"

# Well-formed without a JSON parser: an object; braces and brackets balance
# outside strings and never go negative; no trailing commas; keys quoted.
json_balanced() {
	awk '
	{ line = $0; gsub(/"([^"\\]|\\.)*"/, "\"\"", line); s = s line "\n" }
	END {
		if (s !~ /^[ \t\n]*\{/ || s !~ /\}[ \t\n]*$/) exit 1
		n = length(s); b = 0; k = 0
		for (i = 1; i <= n; i++) {
			c = substr(s, i, 1)
			if (c == "{") b++; else if (c == "}") b--
			else if (c == "[") k++; else if (c == "]") k--
			if (b < 0 || k < 0) exit 1
		}
		if (b || k) exit 1
		if (s ~ /,[ \t\n]*[\]\}]/) exit 1
		if (s ~ /[\{,][ \t\n]*[^"{\[ \t\n\}\]]/) exit 1
	}' "$1"
}
check_true "results.json: balanced, no trailing commas, keys quoted" json_balanced "$J"
if command -v python3 >/dev/null 2>&1; then
	check_true "results.json: python3 -m json.tool reads it" \
		sh -c "python3 -m json.tool '$J' >/dev/null"
fi
for key in '"machine"' '"nproc": [0-9]' '"cpu_model": "' '"kernel": "' \
	"\"bpf_stats_enabled\": \"$stats_run\"" '"rows": \['; do
	check_true "results.json has $key" grep -q "$key" "$J"
done
check_eq "results.json: one row per mode and per paired ratio" "$((NMODES + NPAIRED))" \
	"$(grep -c '"id": "' "$J")"
for id in $PAIRED_IDS; do
	check_true "results.json: paired ratio of $id" \
		grep -Eq '"id": "'"$id"'", "mode": "[^"]*", "ratio": \{"median": [0-9.]+, "min": [0-9.]+, "max": [0-9.]+\}' "$J"
done
check_true "results.json: udp --xsk / AF_XDP reference ratio" \
	grep -Eq '"xsk_vs_reference": \{"median": [0-9.]+, "min": [0-9.]+, "max": [0-9.]+, "rounds": 1\}' "$J"
check_true "results.json: TCP rows in tcp_rows, in Gbit/s" grep -q '"tcp": {.*"unit": "Gbit/s"' "$J"

# check_row ID WHAT ERE: the row of mode ID has WHAT (its text matches ERE),
# or says why it has none.
check_row() {
	local row
	row=$(grep "\"id\": \"$1\"" "$J")
	if echo "$row" | grep -q '"skipped": "'; then
		ok "results.json: $1 skipped: $(echo "$row" | grep -o '"skipped": "[^"]*"')"
	elif echo "$row" | grep -qE "$3"; then
		ok "results.json: $1 has $2"
	else
		not_ok "results.json: $1 has $2" "row: $row"
	fi
}
MMM='\{"min": [0-9.]+, "median": [0-9.]+, "max": [0-9.]+\}'
for id in $PPS_IDS; do
	# Each row has numbers (min/median/max and, but for a skip, a ratio) or
	# says why it has none.
	check_row "$id" "pps and ratio min/median/max" \
		'"pps": \{"min": [0-9]+, "median": [0-9.]+, "max": [0-9]+\}, "ratio": '"$MMM"
done
for id in $TCP_IDS; do
	# Gbit/s min/median/max, and acked/sent for trafficgen (null for
	# iperf3), or why there are none.
	case $id in tcp*) wire=$MMM ;; *) wire=null ;; esac
	check_row "$id" "Gbit/s min/median/max and acked/sent" \
		"\"goodput_gbps\": $MMM, \"acked_per_sent\": $wire"
done
for id in $PATH_IDS; do
	# Gbit/s min/median/max, retransmitted and dropped, or why there are none.
	check_row "$id" "Gbit/s, retransmitted and dropped" \
		"\"goodput_gbps\": $MMM, \"retransmitted\": [0-9.]+, \"dropped\": [0-9.]+, \"retransmitted_per_dropped\": ([0-9.]+|null), \"goodput_ratio_to_iperf3\": [0-9.]+"
done
check_true "results.json: the lossy path's trafficgen row has figures" \
	grep -q '"id": "lossy-tcp", .*"goodput_gbps"' "$J"
gb=$(grep '"id": "tcp1"' "$J" | grep -o '"median": [0-9.]*' | head -n 1 | cut -d' ' -f2)
check_true "trafficgen tcp -f 1 had a goodput (${gb:-?} Gbit/s)" \
	awk -v g="${gb:-0}" 'BEGIN { exit !(g > 0) }'
ceil=$(grep '"id": "ceil64"' "$J" | grep -o '"median": [0-9]*' | head -n 1 | cut -d' ' -f2)
check_true "the 64-byte ceiling reached the sink (${ceil:-?} pps)" test "${ceil:-0}" -gt 0

M=$OUT/results.md
check_true "results.md: table header" grep -q '^| mode | frame | threads | Mpps median |' "$M"
check_true "results.md: header separator" grep -q '^|---|' "$M"
check_true "results.md: TCP table header" \
	grep -q '^| mode | frame | flows | Gbit/s median | Gbit/s min–max | acked/sent' "$M"
check_true "results.md: table header of the rows through a router" \
	grep -q '^| mode | path | Gbit/s median | Gbit/s min–max | retransmitted | dropped |' "$M"
check_eq "results.md: one row per mode, per paired ratio and per target" \
	"$((NMODES + NPAIRED + NTARGETS))" "$(grep '^| ' "$M" | grep -v '^| mode |' | grep -vc '^| comparison |')"
check_true "results.md: targets table header" grep -q '^| comparison | ratio | target |' "$M"
check_eq "results.json: one entry per target" "$NTARGETS" "$(grep -c '"target": "' "$J")"
for id in ceil64m256 ceil64i64 ceil64i256; do
	check_true "results.json: the no-op form $id is against the devmap/64 ceiling" \
		grep -q "\"id\": \"$id\".*\"ratio_to\": \"ceil64\"" "$J"
done

for P in "$OUT/pps.png" "$OUT/tcp.png"; do
	if command -v gnuplot >/dev/null 2>&1; then
		check_eq "$(basename "$P") starts with the PNG magic" "89504e47" \
			"$(head -c 4 "$P" 2>/dev/null | od -An -tx1 | tr -d ' \n')"
	else
		ok "$(basename "$P") # SKIP no gnuplot"
	fi
done

finish
