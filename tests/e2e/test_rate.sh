#!/usr/bin/env bash
# End to end: the rates of `udp --rate` (issue 5), judged at the far end of
# `udp --veth` (its summary's "received").
# run alone: a run measures the machine too, and the other scripts' load
# would cost it frames (tests/run.sh runs it with nothing beside it).
. "$(dirname "$0")/lib.sh"
require_root

# in_range NAME VALUE LOW HIGH: LOW <= VALUE <= HIGH (decimals allowed).
in_range() {
	check_true "$1 ($2 in $3..$4)" awk -v v="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { exit !(v != "" && v >= lo && v <= hi) }'
}

# veth_run NAME ARGS...: udp --veth ... --json into $TMP/NAME.json.
veth_run() {
	local name=$1
	shift
	timeout -k 5 60 "$TG" udp --veth --json -I 0 "$@" >"$TMP/$name.json" 2>"$TMP/$name.err"
}

# rate_run NAME ARGS...: veth_run, once more if the rate fell short. A run
# measures the machine too: on a shared one, another process that holds
# the CPU longer than the catch-up bound (50 ms) costs frames, and the
# run says so (the warning); a second run tells that from a real fault.
rate_run() {
	veth_run "$@" && ! grep -q "above what this machine reached" "$TMP/$1.err" && return 0
	echo "# $1: the rate fell short, running it again: $(cat "$TMP/$1.err")"
	veth_run "$@"
}

# --- rate -----------------------------------------------------------------

# 50 kpps for 2 s: 100000 frames at the far end, within 1%.
rate_run rate50k --rate 50k -D 2
check_eq "rate 50k: exit status" 0 $?
in_range "rate 50k -D 2: far end received 100000 within 1%" \
	"$(json_field "$TMP/rate50k.json" received)" 99000 101000
in_range "rate 50k: rate_reached within 1%" \
	"$(json_field "$TMP/rate50k.json" rate_reached)" 49500 50500
check_eq "rate 50k: rate_asked" 50000.000000 "$(json_field "$TMP/rate50k.json" rate_asked)"
check_eq "rate 50k: no warning" "" "$(cat "$TMP/rate50k.err")"

# A bit rate: 10 Mbit/s of 1250-byte frames on the wire is 1000 frames/s.
rate_run bits --rate 10Mbit -s 1250 -D 2
check_eq "rate 10Mbit: exit status" 0 $?
in_range "rate 10Mbit of 1250-byte frames: 2000 frames in 2 s within 1%" \
	"$(json_field "$TMP/bits.json" received)" 1980 2020
in_range "rate 10Mbit: rate_reached_bps within 1%" \
	"$(json_field "$TMP/bits.json" rate_reached_bps)" 9900000 10100000

# -n stays exact when the program drops early batches: two threads, an odd count.
veth_run count --rate 20k -n 5001 -t 2
check_eq "rate with -n: exit status" 0 $?
check_eq "rate 20k -n 5001 -t 2: sent exactly 5001" 5001 "$(json_field "$TMP/count.json" sent)"
check_eq "rate 20k -n 5001 -t 2: received 5001" 5001 "$(json_field "$TMP/count.json" received)"
d=$(json_field "$TMP/count.json" duration_s)
in_range "rate 20k -n 5001: took about 0.25 s" "$d" 0.2 0.6

# A burst of 32: slots are 32 frames apart in time, the rate is the same.
rate_run burst --rate 64k --burst 32 -D 1
in_range "rate 64k --burst 32: 64000 frames within 1%" \
	"$(json_field "$TMP/burst.json" received)" 63360 64640
check_eq "rate 64k --burst 32: summary says burst 32" 32 "$(json_field "$TMP/burst.json" burst)"

# Far above what one thread reaches: a warning with both figures, and both in JSON.
veth_run toofast --rate 500M -D 1
check_eq "rate 500M: exit status 0" 0 $?
check_true "rate 500M: warns that the rate was not reached" \
	grep -q "above what this machine reached" "$TMP/toofast.err"
asked=$(json_field "$TMP/toofast.json" rate_asked)
reached=$(json_field "$TMP/toofast.json" rate_reached)
check_true "rate 500M: rate_reached ($reached) below rate_asked ($asked)" \
	awk -v a="$asked" -v r="$reached" 'BEGIN { exit !(r > 0 && r < a) }'

# Options that make no sense together.
"$TG" udp --veth -n 10 --burst 8 >/dev/null 2>"$TMP/b.err"
check_eq "--burst without --rate: exit 2" 2 $?
check_true "--burst without --rate: says so" grep -q -- "--burst 8 needs --rate" "$TMP/b.err"
"$TG" udp --veth -n 10 --rate 1k --batch 8 >/dev/null 2>"$TMP/b.err"
check_eq "--batch with --rate: exit 2" 2 $?
"$TG" udp --veth -n 10 --rate 5Mbps >/dev/null 2>"$TMP/b.err"
check_eq "--rate 5Mbps: exit 2" 2 $?
check_true "--rate 5Mbps: names the value and says to write bit" grep -q "'5Mbps'.*write bit" "$TMP/b.err"

finish
