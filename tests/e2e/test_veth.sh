#!/usr/bin/env bash
# udp --veth: a self-contained run that counts both ends and leaves nothing.
. "$(dirname "$0")/lib.sh"
require_root

for fam in 4 6; do
	if [ $fam = 4 ]; then addrs="-a 198.18.0.1 -A 198.18.0.2"; else addrs=""; fi
	# shellcheck disable=SC2086
	timeout 60 "$TG" udp --veth -n 100000 --json -I 0 $addrs >"$TMP/v$fam.json" 2>"$TMP/v$fam.err"
	check_eq "ipv$fam: exit status" 0 $?
	check_eq "ipv$fam: sent 100000" 100000 "$(json_field "$TMP/v$fam.json" sent)"
	check_eq "ipv$fam: received 100000" 100000 "$(json_field "$TMP/v$fam.json" received)"
	check_eq "ipv$fam: no transmit errors" 0 "$(json_field "$TMP/v$fam.json" errors)"
done

timeout 60 "$TG" udp --veth -n 200000 -t 2 --stamp --json -I 0 -p 1000 -d 50 >"$TMP/s.json" 2>/dev/null
check_eq "stamped, 2 threads: exit status" 0 $?
check_eq "stamped: received all" 200000 "$(json_field "$TMP/s.json" received)"
check_eq "stamped: all stamped" 200000 "$(json_field "$TMP/s.json" stamped)"
check_eq "stamped: 0 lost" 0 "$(json_field "$TMP/s.json" lost)"
check_eq "stamped: 0 duplicates" 0 "$(json_field "$TMP/s.json" duplicates)"
p50=$(tail -n 1 "$TMP/s.json" | grep -o '"p50":[0-9]*' | cut -d: -f2)
check_true "stamped: a latency was measured (p50 ${p50:-none} ns)" test "${p50:-0}" -gt 0

check_eq "nothing left: no namespace or link of ours" 0 "$(veth_leftovers)"

# Ctrl-C: both ends in the summary, exit 0.
"$TG" udp --veth -I 0 --json >"$TMP/i.json" 2>/dev/null &
pid=$!
CLEANUP_EXTRA="kill -9 $pid 2>/dev/null"
# Mid-run: sending has begun (its start line).
wait_start "$pid" "$TMP/i.json"
sleep 0.2
kill -INT "$pid"
for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.01; done
kill -9 "$pid" 2>/dev/null
wait "$pid"
check_eq "sigint: exit status" 0 $?
sent=$(json_field "$TMP/i.json" sent) rcvd=$(json_field "$TMP/i.json" received)
check_true "sigint: sent ($sent) and received ($rcvd) both reported and equal" \
	test -n "$sent" -a "$sent" = "$rcvd"

# SIGKILL: the namespaces die with the process; nothing is left.
check_veth_sigkill 0.5 udp --veth -I 0

# Usage: --veth and an interface exclude each other; one is needed.
"$TG" udp --veth lo >/dev/null 2>"$TMP/u.err"
check_eq "--veth with an interface: exit 2" 2 $?
"$TG" udp >/dev/null 2>"$TMP/u2.err"
check_eq "neither --veth nor an interface: exit 2" 2 $?
check_true "the message says what to give" grep -q -- "--veth" "$TMP/u2.err"

finish
