# shellcheck shell=bash
# `make bench`'s TCP rows through a router (sourced by tests/bench/bench.sh,
# after tests/e2e/lib.sh and tests/e2e/path.sh): issue 16's lossy path and
# bottleneck, trafficgen tcp against iperf3 -P 1 on the same path under the
# same rule, one flow and one sending thread each.
#
#   lossy  the router drops every 97th TCP data segment from the sender
#          (tests/progs/xdp_nth.bpf.c, counted exactly);
#   tbf    the router queues towards the receiver in a tbf of 1 Gbit/s with
#          a small queue (tests/e2e/path.sh's PATH_TBF), whose drops
#          `tc -s qdisc` counts.
#
# Per run: goodput (trafficgen's goodput_bps; iperf3's sum_received), the
# segments the sender retransmitted (trafficgen's retransmitted; iperf3's
# sum_sent.retransmits) and the segments the router dropped in the run
# (for iperf3 that includes the few at the end of its connection). Per
# row, over rounds: min/median/max goodput; the median of retransmitted,
# dropped and retransmitted/dropped; and the median of the round's goodput
# ratio to the iperf3 row of the same path, run next to it in the same
# round.
#
# The trafficgen rows with a congestion control (--cc reno/cubic/none/bbr)
# need a trafficgen tcp that has --cc; without it they are rows that say
# "skipped: needs trafficgen tcp --cc". The row without --cc runs whatever
# trafficgen's default is. BENCH_PATH_TCP_ARGS adds arguments to every
# trafficgen run of these rows.
#
# Environment (besides bench.sh's): BENCH_PATH_TCP_ARGS, PATH_TBF and
# PATH_NTH (tests/e2e/path.sh).

# The iperf3 rows name their congestion control (-C) like the trafficgen
# rows: the issue's reference is the kernel's TCP with CUBIC, and a
# kernel's default may be another (this VM's is bbr); the "-sys" rows run
# the default, named in the label. A row's ratio to iperf3 is to the
# iperf3 row of the same path and the same algorithm, or the CUBIC one.
#
# The rows of each path (lossy, then tbf), id PATH-SUFFIX:
# suffix|contender|--cc or -C|label
PATH_ROWS="
tcp|tcp||trafficgen tcp -f 1
cubic|tcp|cubic|trafficgen tcp -f 1 --cc cubic
reno|tcp|reno|trafficgen tcp -f 1 --cc reno
none|tcp|none|trafficgen tcp -f 1 --cc none
bbr|tcp|bbr|trafficgen tcp -f 1 --cc bbr
iperf|iperf3|cubic|iperf3 -P 1 -C cubic
iperf-reno|iperf3|reno|iperf3 -P 1 -C reno
iperf-sys|iperf3||iperf3 -P 1
"
# id|path|contender|--cc or -C|label
PATH_MODES=$(for p in lossy tbf; do
	awk -F'|' -v p="$p" 'NF > 1 { print p "-" $1 "|" p "|" $2 "|" $3 "|" $4 }' <<<"$PATH_ROWS"
done)
PATH_IDS=$(awk -F'|' 'NF > 1 { print $1 }' <<<"$PATH_MODES" | while read -r id; do
	if [ -z "${BENCH_MODES:-}" ] || [[ " $BENCH_MODES " == *" $id "* ]]; then echo "$id"; fi
done | tr '\n' ' ')
PATH_IDS=${PATH_IDS% }
path_field() { awk -F'|' -v id="$1" -v n="$2" '$1 == id { print $n }' <<<"$PATH_MODES"; }

# Why a row cannot run here, or nothing.
path_missing() {
	case $(path_field "$1" 3) in
	iperf3)
		if ! have_iperf3; then
			echo "not installed"
		elif [ -n "$(path_field "$1" 4)" ] &&
			! grep -qw "$(path_field "$1" 4)" /proc/sys/net/ipv4/tcp_available_congestion_control; then
			echo "the kernel has no $(path_field "$1" 4)"
		fi
		;;
	tcp) [ -z "$(path_field "$1" 4)" ] || have_cc || echo "needs trafficgen tcp --cc" ;;
	esac
}

# One run of row ID: appends "round id bytes duration bps retransmitted
# dropped" to paths.tsv. The contenders are bench.sh's run_tcp and
# run_iperf3, pointed at the path by their namespace, interface and address
# variables.
path_measure() {
	local round=$1 id=$2 cc extra res bytes dur bps _ retx d0 d1
	cc=$(path_field "$id" 4)
	extra="${BENCH_PATH_TCP_ARGS:-}${cc:+ --cc $cc}"
	d0=$(path_dropped)
	if [ "$(path_field "$id" 3)" = tcp ]; then
		res=$(NSG=$PNS_S NSR=$PNS_R VG=$PS R4=$PR4 TCP_EXTRA=$extra run_tcp 1)
	else
		res=$(NSG=$PNS_S NSR=$PNS_R R4=$PR4 IPERF_EXTRA=${cc:+-C $cc} run_iperf3 1)
	fi
	d1=$(path_dropped)
	read -r bytes dur bps _ retx <<<"$res"
	if [ -z "$bps" ] || [ -z "$retx" ] || [ -z "$d0" ] || [ -z "$d1" ]; then
		echo "bench: $id (round $round) failed: $(tail -n 3 "$TMP/sender.err")" >&2
		return 1
	fi
	bps=$(awk -v v="$bps" 'BEGIN { printf "%.0f", v }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$id" "$bytes" "$dur" "$bps" "$retx" \
		$((d1 - d0)) >>"$OUT/paths.tsv"
	printf '  round %d  %-12s %10s Gbit/s  retransmitted %s, router dropped %s\n' "$round" "$id" \
		"$(gbps "$bps")" "$retx" $((d1 - d0))
}

# All rounds of the path rows: per path, its rows in order, in the opposite
# order every other round (as bench.sh's schedule).
paths_run() {
	local kind round order id ids
	rm -f "$OUT/paths.tsv"
	[ -n "$PATH_IDS" ] || return 0
	command -v bpftool >/dev/null || { echo "bench: no bpftool: no path rows (make deps)" >&2; return 1; }
	path_setup lossy || { echo "bench: could not set up the routed path" >&2; return 1; }
	for kind in lossy tbf; do
		ids=
		for id in $PATH_IDS; do
			[ "$(path_field "$id" 2)" = "$kind" ] && [ -z "$(path_missing "$id")" ] && ids="$ids $id"
		done
		[ -n "$ids" ] || continue
		path_router "$kind" || { echo "bench: could not make the router $kind" >&2; return 1; }
		echo "bench: path $kind ($( [ "$kind" = lossy ] && echo "every ${PATH_NTH}th data segment dropped" || echo "tbf $PATH_TBF"))"
		for round in $(seq "$ROUNDS"); do
			order=$(tr ' ' '\n' <<<"$ids" | grep .)
			[ $((round % 2)) -eq 0 ] && order=$(tac <<<"$order")
			for id in $order; do
				path_measure "$round" "$id" || PATH_FAILED=$((PATH_FAILED + 1))
			done
		done
	done
}
PATH_FAILED=0

# path_partner ID: the iperf3 row ID's goodput is compared with: itself for
# an iperf3 row; else the one of the same path with the same algorithm
# named, or the kernel's default row if that is the algorithm (bbr here,
# which has no row of its own), or else (trafficgen's default, --cc none)
# the one with CUBIC.
path_partner() {
	[ "$(path_field "$1" 3)" = iperf3 ] && { echo "$1"; return; }
	awk -F'|' -v k="$(path_field "$1" 2)" -v cc="$(path_field "$1" 4)" \
		-v sys="$(cat /proc/sys/net/ipv4/tcp_congestion_control)" '
		cc != "" && $2 == k && $3 == "iperf3" && $4 == cc { same = $1 }
		cc != "" && $2 == k && $3 == "iperf3" && $4 == "" && sys == cc { dflt = $1 }
		$2 == k && $3 == "iperf3" && $4 == "cubic" { cubic = $1 }
		END { print same != "" ? same : dflt != "" ? dflt : cubic }' <<<"$PATH_MODES"
}

# path_label ID: its label; a row of the kernel's default algorithm names it.
path_label() {
	if [ "$(path_field "$1" 3)" = iperf3 ] && [ -z "$(path_field "$1" 4)" ]; then
		echo "$(path_field "$1" 5) (default: $(cat /proc/sys/net/ipv4/tcp_congestion_control))"
	else
		path_field "$1" 5
	fi
}

# paths_report MD JSON: the rows, in results.md and as "tcp_paths" in
# results.json (after bench.sh's tcp_rows; this writes its leading comma).
paths_report() {
	local md=$1 json=$2 id why first=1 label kind iperf
	[ -n "$PATH_IDS" ] || return 0
	printf ',\n  "tcp_paths": {"seconds_per_run": %s, "lossy": "every %sth TCP data segment from the sender dropped by the router", "tbf": "tbf %s towards the receiver", "goodput_ratio": "median over rounds of goodput / the same round'"'"'s goodput of iperf3 on the same path with the same congestion control, or CUBIC", "kernel_default_cc": "%s", "rows": [' \
		"$TSECS" "$PATH_NTH" "$PATH_TBF" "$(cat /proc/sys/net/ipv4/tcp_congestion_control)" >>"$json"
	{
		echo
		echo "## TCP through a router"
		echo
		echo "sender -> router -> receiver (tests/e2e/path.sh), one flow and one sending thread, 1500-byte"
		echo "frames, into tests/tools/tcp_discard (trafficgen tcp) or iperf3 -s; $ROUNDS round(s) of $TSECS s."
		echo "lossy: the router drops every ${PATH_NTH}th TCP data segment from the sender (retransmissions"
		echo "counted too); tbf: \`tbf $PATH_TBF\` on the router towards the receiver. Gbit/s as in the"
		echo "TCP table; retransmitted = trafficgen's retransmitted, iperf3's sum_sent.retransmits; dropped ="
		echo "segments the router dropped during the run (lossy: xdp_nth's count; tbf: the qdisc's); medians"
		echo "over rounds; ratio to iperf3 = median of each round's goodput over that round's goodput of iperf3"
		echo "on the same path with the same congestion control (-C), or with CUBIC."
		echo
		echo "| mode | path | Gbit/s median | Gbit/s min–max | retransmitted | dropped | retransmitted/dropped | ratio to iperf3 |"
		echo "|---|---|---:|---:|---:|---:|---:|---:|"
	} >>"$md"
	printf '\n%-34s %5s %10s %15s %8s %8s %9s %s\n' "path rows" path "Gbit/s" "Gbit/s min-max" retx dropped "retx/drop" "to iperf3"
	for id in $PATH_IDS; do
		label=$(path_label "$id") kind=$(path_field "$id" 2)
		iperf=$(path_partner "$id")
		[ "$first" = 1 ] || printf ',' >>"$json"
		first=0
		why=$(path_missing "$id")
		if [ -z "$why" ] && ! awk -v id="$id" '$2 == id { f = 1 } END { exit !f }' "$OUT/paths.tsv" 2>/dev/null; then
			why="failed (see the messages above)"
		fi
		if [ -n "$why" ]; then
			printf '\n    {"id": "%s", "mode": %s, "path": "%s", "skipped": "%s"}' "$id" \
				"$(json_str "$label")" "$kind" "$why" >>"$json"
			echo "| $label | $kind | skipped: $why | | | | | |" >>"$md"
			printf '%-34s %5s %s\n' "$label" "$kind" "skipped: $why"
			continue
		fi
		# min med max goodput; medians of retx, dropped, retx/dropped and
		# of the per-round ratio to iperf3 ("null" where there is none).
		read -r gmin gmed gmax rmed dmed qmed imed <<<"$(awk -v id="$id" -v ip="$iperf" '
			function med(a, n,   i, j, t) {
				if (!n) return "null"
				for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
					t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
				return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
			}
			$2 == ip { ipbps[$1] = $5 }
			$2 == id { n++; r[n] = $1; g[n] = $5; x[n] = $6; d[n] = $7
				if (n == 1 || $5 < lo) lo = $5; if ($5 > hi) hi = $5 }
			END {
				for (i = 1; i <= n; i++) {
					gg[i] = g[i]
					if (d[i] > 0) q[++nq] = x[i] / d[i]
					if (ipbps[r[i]] > 0) t[++nt] = g[i] / ipbps[r[i]]
				}
				m = med(gg, n); mx = med(x, n); md = med(d, n); mq = med(q, nq); mt = med(t, nt)
				printf "%.3f %.3f %.3f %s %s %s %s\n", lo / 1e9, m / 1e9, hi / 1e9, mx, md,
					mq == "null" ? mq : sprintf("%.2f", mq), mt == "null" ? mt : sprintf("%.3f", mt)
			}' "$OUT/paths.tsv")"
		printf '\n    {"id": "%s", "mode": %s, "path": "%s", "goodput_gbps": {"min": %s, "median": %s, "max": %s}, "retransmitted": %s, "dropped": %s, "retransmitted_per_dropped": %s, "goodput_ratio_to_iperf3": %s}' \
			"$id" "$(json_str "$label")" "$kind" "$gmin" "$gmed" "$gmax" "$rmed" "$dmed" "$qmed" \
			"$imed" >>"$json"
		echo "| $label | $kind | $gmed | $gmin–$gmax | $rmed | $dmed | ${qmed/null/no drops} | ${imed/null/no iperf3 row} |" >>"$md"
		printf '%-34s %5s %10s %15s %8s %8s %9s %s\n' "$label" "$kind" "$gmed" "$gmin-$gmax" "$rmed" \
			"$dmed" "$qmed" "$imed"
	done
	printf '\n  ]}\n' >>"$json"
}
